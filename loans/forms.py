from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Service


class RequestForm(forms.Form):
    service = forms.ChoiceField(
        label=_("What do you need?"), choices=Service.choices, widget=forms.RadioSelect, initial=Service.LOAN
    )
    needed_by = forms.DateField(
        label=_("Needed by"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    pages = forms.CharField(label=_("Pages or chapter (for a copy)"), max_length=200, required=False)
    question = forms.CharField(
        label=_("Your question (for a reference question)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reader = forms.ChoiceField(label=_("For which student (optional)"), required=False)

    def __init__(self, *args, readers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if readers is None:
            del self.fields["reader"]
        else:
            self.fields["reader"].choices = [("", _("The library itself"))] + [
                (str(user.pk), user.get_full_name() or user.username) for user in readers
            ]


class TransitionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    condition = forms.CharField(label=_("Condition"), required=False, max_length=2000)
    answer = forms.CharField(label=_("Answer"), required=False)
    due_on = forms.DateField(label=_("Due"), required=False)
    attachment = forms.FileField(label=_("File (PDF, JPEG or PNG)"), required=False)

    def clean_due_on(self):
        due = self.cleaned_data.get("due_on")
        if due and due <= date.today():
            raise forms.ValidationError(_("The due date must be after today."))
        return due


class StatisticsPeriodForm(forms.Form):
    """Which requests the figures count, by the day they were made: a named period or from/to dates."""

    PERIODS = [
        ("all", _("All time")),
        ("month", _("This month")),
        ("semester", _("This semester")),
        ("year", _("This year")),
        ("custom", _("Dates below")),
    ]
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            if not data.get("start") and not data.get("end"):
                raise forms.ValidationError(_("Give a start date, an end date or both."))
            if data.get("start") and data.get("end") and data["start"] > data["end"]:
                self.add_error("end", _("The end date is before the start date."))
        return data

    def bounds(self, today: date) -> tuple[date | None, date | None]:
        """The first and last day counted (None: open)."""
        period = self.cleaned_data.get("period") or "all"
        if period == "month":
            return today.replace(day=1), today
        if period == "semester":  # the Indonesian school semesters: January-June and July-December
            return today.replace(month=1 if today.month <= 6 else 7, day=1), today
        if period == "year":
            return today.replace(month=1, day=1), today
        if period == "custom":
            return self.cleaned_data.get("start"), self.cleaned_data.get("end")
        return None, None
