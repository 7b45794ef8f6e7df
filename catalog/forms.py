from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import HoldingStatus
from .models import Holding


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
            from catalog.services import loan_holding

            self.loan = loan_holding(self.instance)
            if self.loan is not None:
                # The loan owns the status until the copy is back: shown, not offered.
                self.fields["status"].disabled = True
                self.fields["status"].help_text = _(
                    "Held by interlibrary loan request %(number)s: the status follows that request."
                ) % {"number": self.loan.pk}

    def validate_unique(self):
        # Uniqueness of (library, barcode) is checked by the service, which knows the library.
        pass


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("MARC21 (.mrc), MARCXML (.xml) or CSV (.csv)."))

    def clean_file(self):
        """Also counts the file's records and copies (`records`, `copies`): the page asks before importing records
        that bring no copy."""
        from .ingest import FileRejected, count_records_and_copies

        upload = check_upload(self.cleaned_data["file"])
        try:
            self.records, self.copies = count_records_and_copies(upload.read(), upload.name)
        except FileRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
        finally:
            upload.seek(0)
        return upload


class ImportAnswerForm(forms.Form):
    """The librarian's answer to "these records bring no copy" for a job kept waiting."""

    ONE_COPY = "one_copy"
    STOP = "stop"

    job = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(choices=[(ONE_COPY, ONE_COPY), (STOP, STOP)])


def check_upload(upload):
    """The checks every upload path makes before a job is queued: size (CATALOG_UPLOAD_MAX_BYTES) and what the
    first bytes tell about the format."""
    from .ingest.readers import precheck
    from .jobs import too_big_message, upload_limit

    if upload.size == 0:
        raise forms.ValidationError(_("The file is empty."))
    if upload.size > upload_limit():
        raise forms.ValidationError(too_big_message(upload.size))
    head = upload.read(65536)
    upload.seek(0)
    problem = precheck(head, upload.name)
    if problem:
        raise forms.ValidationError(problem)
    return upload


class RecordPickForm(forms.Form):
    """The search that finds the record to merge with (the catalog's own search)."""

    q = forms.CharField(label=_("Find the record to merge with"), max_length=300)
