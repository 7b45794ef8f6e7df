from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ApiScope, Service
from .models import Library

LIBRARY_FIELDS = [
    "name", "code", "npsn", "level", "address", "city", "province", "phone", "email", "website",
    "head_librarian", "opening_hours", "services", "status", "applied_on", "joined_on", "left_on",
]


class LibraryForm(forms.ModelForm):
    services = forms.MultipleChoiceField(label=_("Services offered"), choices=Service.choices,
                                         widget=forms.CheckboxSelectMultiple, required=False)
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
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiScope.choices, initial=ApiScope.READ)
