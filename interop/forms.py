from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OpacSource


class SlimsNodeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_("Which SLiMS this is, e.g. 'OPAC'.")
    )


class OpacSourceForm(forms.ModelForm):
    class Meta:
        model = OpacSource
        fields = ["kind", "base_url", "schedule"]
