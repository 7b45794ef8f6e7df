"""HTML input: parsing and validation only; the views pass cleaned_data to the services."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Expertise, GuidelineCategory, Level
from .models import Event, Facility, Partner, ReadingList, Subscription
from .models.facilities import WEEKDAYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FacilityForm(forms.ModelForm):
    open_days = forms.TypedMultipleChoiceField(
        label=_("open on"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Facility
        fields = [
            "name",
            "kind",
            "description",
            "seats",
            "opens_at",
            "closes_at",
            "open_days",
            "max_hours",
            "agreement",
            "terms",
            "is_active",
        ]
        widgets = {"opens_at": TIME, "closes_at": TIME, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, library=None, **kwargs):
        super().__init__(*args, **kwargs)
        from agreements.choices import Form, Status
        from agreements.models import Agreement

        agreements = Agreement.objects.filter(forms__contains=[Form.FACILITIES]).exclude(
            status__in=[Status.EXPIRED, Status.TERMINATED]
        )
        if library is not None:
            agreements = agreements.filter(parties__library=library)
        self.fields["agreement"].queryset = agreements.distinct()

    def _post_clean(self):
        # The service validates the instance (full_clean); the form only parses input.
        pass


class BookingForm(forms.Form):
    library = forms.TypedChoiceField(label=_("For which school"), coerce=int)
    day = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(label=_("Until"), widget=TIME)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    people = forms.IntegerField(label=_("Number of people"), required=False, min_value=1, max_value=1000)

    def __init__(self, *args, libraries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].choices = [(lib.pk, lib.name) for lib in libraries]

    def cleaned_for_service(self) -> dict:
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        return {
            "starts_at": timezone.make_aware(datetime.combine(data["day"], data["start"]), tz),
            "ends_at": timezone.make_aware(datetime.combine(data["day"], data["end"]), tz),
            "purpose": data["purpose"],
            "people": data.get("people"),
        }


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["title", "kind", "organiser", "agenda", "place", "starts_at", "ends_at", "capacity"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "agenda": forms.Textarea(attrs={"rows": 4})}

    def _post_clean(self):
        pass


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [
            (r.user_id, f"{r.user.get_full_name() or r.user.username} ({r.library.code if r.library else '–'})")
            for r in registrations
        ]


class GuidelineForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    category = forms.ChoiceField(label=_("Category"), choices=GuidelineCategory.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("File (PDF, DOCX, XLSX, ODT or ODS, at most 10 MB)"))
    note = forms.CharField(label=_("What this version is"), required=False, max_length=500)


class GuidelineVersionForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, DOCX, XLSX, ODT or ODS, at most 10 MB)"))
    note = forms.CharField(label=_("What changed"), max_length=500)


class ExpertiseForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), choices=Expertise.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class QuestionForm(forms.Form):
    title = forms.CharField(label=_("Question"), max_length=300)
    area = forms.ChoiceField(label=_("Area"), choices=Expertise.choices)
    body = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}))


class ReadingListForm(forms.ModelForm):
    class Meta:
        model = ReadingList
        fields = ["title", "class_name", "subject", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass


class ReadingListRequestForm(forms.Form):
    needed_by = forms.DateField(label=_("Needed by"), required=False, widget=DATE)


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        fields = [
            "title",
            "issn",
            "kind",
            "frequency",
            "publisher",
            "holdings_from",
            "holdings_to",
            "holdings_note",
            "active",
        ]

    def _post_clean(self):
        pass


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["kind", "name", "contact", "since", "contribution", "books_donated"]
        widgets = {"since": DATE, "contribution": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass


class TaskForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=None)
    area = forms.ChoiceField(label=_("Area"), choices=Expertise.choices)
    task = forms.CharField(label=_("Task"), max_length=300)
    assignee = forms.ModelChoiceField(label=_("Who does it"), queryset=None)
    due_on = forms.DateField(label=pgettext_lazy("deadline of a task", "Due"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        from agreements.choices import Status
        from agreements.models import Agreement

        self.fields["agreement"].queryset = Agreement.objects.filter(status=Status.ACTIVE)
        self.fields["assignee"].queryset = (
            get_user_model().objects.filter(expertise__isnull=False).distinct().order_by("first_name")
        )
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.username
