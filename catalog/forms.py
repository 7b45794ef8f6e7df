from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .choices import HoldingStatus
from .models import Holding

UPLOAD_LIMIT = getattr(settings, "CATALOG_UPLOAD_MAX_BYTES", 100 * 1024 * 1024)


class HoldingForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Holding
        fields = [
            "barcode",
            "call_number",
            "shelf_location",
            "copy_number",
            "status",
            "ill_allowed",
            "acquisition",
            "date_added",
        ]
        widgets = {"date_added": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Loan states are set by the interlibrary-loan desk, not typed in here.
        editable = [HoldingStatus.AVAILABLE, HoldingStatus.MISSING, HoldingStatus.PROCESSING, HoldingStatus.WITHDRAWN]
        current = self.instance.status if self.instance.pk else None
        self.fields["status"].choices = [
            (v, label) for v, label in HoldingStatus.choices if v in editable or v == current
        ]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def validate_unique(self):
        # Uniqueness of (library, barcode) is checked by the service, which knows the library.
        pass


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("MARC21 (.mrc), MARCXML (.xml) or CSV (.csv), up to 100 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > UPLOAD_LIMIT:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s MB; the limit is %(limit)s MB. Split it, or ask a "
                    "coordinator to run import_records on the server."
                )
                % {"size": upload.size // 2**20, "limit": UPLOAD_LIMIT // 2**20}
            )
        return upload


class MergeForm(forms.Form):
    other = forms.IntegerField(label=_("Number of the record to merge into this one"), min_value=1)
