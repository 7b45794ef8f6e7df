"""HTML input: parsing and validation only; the views hand cleaned_data to the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import Holding
from consortium.models import Library

from .choices import DonationKind, DonorKind, Funding, OfferReason, ProposerKind, Scheme


def _libraries():
    return Library.objects.filter(status="active").order_by("name")


class AnalysisFilterForm(forms.Form):
    scheme = forms.ChoiceField(label=_("Group by"), choices=Scheme.choices, required=False)
    klass = forms.CharField(label=_("Class"), required=False, max_length=120)


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    author = forms.CharField(label=_("Author"), max_length=200, required=False)
    isbn = forms.CharField(label=_("ISBN"), max_length=20, required=False)
    publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1500, max_value=2100, required=False)
    ddc = forms.CharField(label=_("DDC class"), max_length=32, required=False)
    reason = forms.CharField(
        label=_("Why the library should buy it"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    proposer_kind = forms.ChoiceField(
        label=_("Proposed by"), choices=[c for c in ProposerKind.choices if c[0] != "student"], required=False
    )

    def __init__(self, *args, student: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if student:
            del self.fields["proposer_kind"]


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    shared_budget = forms.DecimalField(
        label=_("Shared budget (Rp)"),
        min_value=0,
        decimal_places=0,
        required=False,
        help_text=_("Empty: the agreement's yearly contribution times its member schools."),
    )
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        from agreements.models import Agreement

        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = Agreement.objects.filter(status="active")


class BudgetForm(forms.Form):
    library = forms.ModelChoiceField(label=_("School"), queryset=None)
    amount = forms.DecimalField(label=_("Budget (Rp)"), decimal_places=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = _libraries()


class PledgeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    author = forms.CharField(label=_("Author"), max_length=200, required=False)
    isbn = forms.CharField(label=_("ISBN"), max_length=20, required=False)
    publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1500, max_value=2100, required=False)
    ddc = forms.CharField(label=_("DDC class"), max_length=32, required=False)
    quantity = forms.IntegerField(label=_("Copies"), min_value=1, initial=1)
    unit_price = forms.DecimalField(label=_("Price per copy (Rp)"), decimal_places=0)
    funding = forms.ChoiceField(label=_("Paid from"), choices=Funding.choices, initial=Funding.SCHOOL)
    duplicate_reason = forms.CharField(
        label=_("Why buy a title another school pledged"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ProposalPledgeForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Buying round"), queryset=None)
    quantity = forms.IntegerField(label=_("Copies"), min_value=1, initial=1)
    unit_price = forms.DecimalField(label=_("Price per copy (Rp)"), decimal_places=0)
    funding = forms.ChoiceField(label=_("Paid from"), choices=Funding.choices, initial=Funding.SCHOOL)
    duplicate_reason = forms.CharField(
        label=_("Why buy a title another school pledged"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        from .models import BuyingRound

        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = BuyingRound.objects.filter(status="open")


class ReceiveForm(forms.Form):
    barcodes = forms.CharField(
        label=_("Barcodes of the received copies"),
        required=False,
        help_text=_("One per line; empty: barcodes are made up for you."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_barcodes(self):
        return [line.strip() for line in self.cleaned_data["barcodes"].splitlines() if line.strip()]


class OfferForm(forms.Form):
    barcode = forms.CharField(label=_("Barcode of the copy"), max_length=64)
    reason = forms.ChoiceField(label=_("Reason"), choices=OfferReason.choices)
    embargo_until = forms.DateField(
        label=_("Claims open on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: claims are accepted at once."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, library_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.library_ids = library_ids

    def clean_barcode(self):
        barcode = self.cleaned_data["barcode"].strip()
        holding = Holding.objects.filter(library_id__in=self.library_ids, barcode=barcode).first()
        if holding is None:
            raise forms.ValidationError(_("Your library has no copy with this barcode."))
        self.cleaned_data["holding"] = holding
        return barcode


class GiveAwayForm(OfferForm):
    recipient = forms.CharField(
        label=_("Given to (outside the network)"),
        max_length=200,
        required=False,
        help_text=_("Empty: the copy is discarded."),
    )
    give_reason = forms.CharField(label=_("Why it goes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    last_copy_reason = forms.CharField(
        label=_("Why the network's last copy may go"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Needed only when no other school keeps a copy of this title."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("reason", "embargo_until", "note"):
            del self.fields[name]


class WantForm(forms.Form):
    title = forms.CharField(label=_("Title contains"), max_length=300, required=False)
    isbn = forms.CharField(label=_("ISBN"), max_length=20, required=False)
    ddc_prefix = forms.CharField(label=_("DDC class starts with"), max_length=12, required=False)
    grade = forms.CharField(label=_("Class level"), max_length=8, required=False, help_text=_("E.g. X or VII."))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TransferForm(forms.Form):
    new_barcode = forms.CharField(
        label=_("Barcode at the receiving school"),
        max_length=64,
        required=False,
        help_text=_("Empty: the copy keeps its barcode."),
    )


class DonorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Donor is a"), choices=DonorKind.choices)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DonationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Gift"), choices=DonationKind.choices)
    amount = forms.DecimalField(label=_("Amount (Rp)"), decimal_places=0, required=False)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    items = forms.CharField(
        label=_("Donated titles"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: title | author | ISBN (author and ISBN may be left out)."),
    )

    def clean_items(self):
        items = []
        for line in self.cleaned_data["items"].splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")] + ["", ""]
            items.append({"title": parts[0], "author": parts[1], "isbn": parts[2]})
        return items


class RouteForm(forms.Form):
    to_library = forms.ModelChoiceField(label=_("Route to"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_library"].queryset = _libraries()


class EnrolmentForm(forms.Form):
    library = forms.ModelChoiceField(label=_("School"), queryset=None)
    students = forms.IntegerField(label=_("Number of students"), min_value=0)

    def __init__(self, *args, libraries=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries if libraries is not None else _libraries()


class ResponsibilityForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=None)
    library = forms.ModelChoiceField(label=_("School"), queryset=None)
    label = forms.CharField(label=_("Subject area"), max_length=120)
    ddc_from = forms.DecimalField(label=_("DDC from"), min_value=0, max_value=999.999, decimal_places=3)
    ddc_to = forms.DecimalField(label=_("DDC to"), min_value=0, max_value=999.999, decimal_places=3)

    def __init__(self, *args, **kwargs):
        from agreements.models import Agreement

        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = Agreement.objects.exclude(status__in=["expired", "terminated"])
        self.fields["library"].queryset = _libraries()


class CurriculumSubjectForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("school subject", "Subject"), max_length=120)
    level = forms.ChoiceField(label=_("School level"), choices=[])
    ddc_prefix = forms.CharField(label=_("DDC prefix"), max_length=12, help_text=_("E.g. 510 for mathematics."))

    def __init__(self, *args, **kwargs):
        from consortium.choices import SchoolLevel

        super().__init__(*args, **kwargs)
        self.fields["level"].choices = SchoolLevel.choices
