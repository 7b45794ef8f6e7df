from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import ApiScope, Service
from .models import Library

LIBRARY_FIELDS = [
    "name",
    "code",
    "npsn",
    "level",
    "address",
    "city",
    "province",
    "phone",
    "email",
    "website",
    "head_librarian",
    "opening_hours",
    "services",
    "status",
    "applied_on",
    "joined_on",
    "left_on",
]


class LibraryForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("Services offered"), choices=Service.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Library
        fields = LIBRARY_FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "applied_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "left_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, can_manage_membership: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_manage_membership:
            # A librarian sees these but cannot change them; the service enforces it too.
            for name in ("status", "applied_on", "joined_on", "left_on", "code", "npsn"):
                self.fields[name].disabled = True


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What uses this key, e.g. 'SLiMS sync'."))
    scope = forms.ChoiceField(
        label=pgettext_lazy("what an API key may do", "Scope"), choices=ApiScope.choices, initial=ApiScope.READ
    )


class PersonForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only."),
        error_messages={"invalid": _("Use only letters, digits and . @ + - _")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), help_text=_("A link to choose a password is sent here."))
    role = forms.ChoiceField(label=_("Role"))
    nisn = forms.CharField(
        label=_("NISN"), max_length=10, required=False, help_text=_("Students only; optional, 10 digits.")
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles

    def clean_nisn(self):
        from .validators import validate_nisn

        nisn = self.cleaned_data["nisn"].strip()
        if nisn:
            validate_nisn(nisn)
        return nisn


class ConsortiumSettingsForm(forms.ModelForm):
    class Meta:
        from .models import ConsortiumSettings

        model = ConsortiumSettings
        fields = ["name", "default_loan_days", "lender_answer_days", "retention_days", "agreement_number_prefix"]

    def clean_default_loan_days(self):
        days = self.cleaned_data["default_loan_days"]
        if not 1 <= days <= 180:
            raise forms.ValidationError(_("Choose between 1 and 180 days."))
        return days

    def clean_lender_answer_days(self):
        days = self.cleaned_data["lender_answer_days"]
        if not 1 <= days <= 30:
            raise forms.ValidationError(_("Choose between 1 and 30 days."))
        return days
