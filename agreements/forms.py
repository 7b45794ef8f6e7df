from django import forms
from django.utils.translation import gettext_lazy as _

from consortium.models import Library

from .choices import Factor, Form, InstitutionKind, PartyRole
from .models import CONTENT_FIELDS, LONG_TEXT_FIELDS, Agreement
from .services import DUTY_PARTY_GONE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The one list of where each field of the text goes: a heading (number, title), then the nine planning factors,
# each with a help line. Parties (3) and the division of work (6) are the formsets, placed by the template.
HEADING_FIELDS = ["number", "title"]
SECTIONS = {
    Factor.OBJECTIVES: (_("Why the schools cooperate and what they expect from it."), ["objectives", "forms"]),
    Factor.SCOPE: (
        _("Which collections, material types and services are shared, and for which students and staff."),
        ["scope_collections", "scope_material_types", "scope_services", "scope_people"],
    ),
    Factor.PARTIES: (_("The member libraries and outside institutions that sign, with their representatives."), []),
    Factor.PERIOD: (
        _("When the agreement starts, when it ends or how it is renewed, and the notice period."),
        ["start_on", "end_on", "renewal", "notice_days"],
    ),
    Factor.RELATIONSHIP: (_("Who coordinates and who reports to whom."), ["relationship"]),
    Factor.DIVISION: (_("Which party does which task, so that nothing is done twice."), []),
    Factor.METHODS: (
        _("How the work is done, with which equipment, and the rules of lending."),
        ["methods_equipment", "loan_days", "items_per_student", "renewals_allowed"],
    ),
    Factor.COSTS: (
        _("Fees, shipping, contributions, how costs are shared and who replaces a lost item."),
        [
            "fee_per_loan",
            "fee_per_page",
            "shipping_paid_by",
            "yearly_contribution",
            "cost_sharing",
            "lost_item_compensation",
        ],
    ),
    Factor.TECHNOLOGY: (_("The systems and tools the cooperation runs on."), ["technology"]),
}
FORMSET_SLOTS = {Factor.PARTIES: "parties", Factor.DIVISION: "duties"}


class AgreementForm(forms.ModelForm):
    # The number shown when the page was opened: the service draws a fresh one if it was taken since.
    suggested_number = forms.CharField(widget=forms.HiddenInput, required=False)
    forms = forms.MultipleChoiceField(
        label=_("Forms of cooperation"), choices=Form.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Agreement
        fields = CONTENT_FIELDS
        widgets = {
            "start_on": DATE,
            "end_on": DATE,
            **{name: forms.Textarea(attrs={"rows": 2}) for name in LONG_TEXT_FIELDS},
        }

    def __init__(self, *args, suggested_number: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A new agreement: the suggested number is kept, or left empty, to be drawn when it is saved.
            self.fields["number"].required = False
            self.fields["number"].help_text = _("Keep the suggested number: the next free one is taken when saving.")
            self.fields["suggested_number"].initial = suggested_number
            self.initial.setdefault("number", suggested_number)
        else:
            del self.fields["suggested_number"]

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if self.instance.pk is None and number in ("", (self.data.get(self.add_prefix("suggested_number")) or "")):
            # Empty means "the next free number", drawn under a lock by the service: two coordinators who both
            # kept the same suggestion get two numbers, not an error.
            return ""
        return number

    def heading(self):
        return [self[name] for name in HEADING_FIELDS]

    def sections(self):
        """The nine planning factors in order, each with its help line and its bound fields."""
        return [
            {
                "factor": factor,
                "number": factor.value,
                "help": help_text,
                "fields": [self[name] for name in names],
                "formset": FORMSET_SLOTS.get(factor),
            }
            for factor, (help_text, names) in SECTIONS.items()
        ]


class PartyForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    library = forms.ModelChoiceField(
        label=_("Member library"), queryset=Library.objects.exclude(status="left"), required=False, to_field_name="code"
    )
    institution = forms.CharField(label=_("or outside institution"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=InstitutionKind.choices, initial=InstitutionKind.MEMBER)
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices, initial=PartyRole.PARTY)
    representative = forms.CharField(label=_("Representative"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)


def party_reference(*, prefix: str) -> str:
    """How a duty names its party within one submission, before the party may be saved: by its row of the parties
    formset (`parties-2`), so that choosing another library or institution in that row keeps its duties on it."""
    return prefix


def party_choices(parties) -> list[tuple[str, str]]:
    """The parties of the parties formset as they stand: saved, typed in this submission, or just added; rows
    marked for deletion or left empty are not offered."""
    choices = []
    for row in parties.forms:
        if row.is_bound:
            data = row.cleaned_data if row.is_valid() else {}
            library, institution = data.get("library"), (data.get("institution") or "").strip()
            if data.get("DELETE"):
                continue
        else:
            library = Library.objects.filter(code=row.initial.get("library")).first()
            institution = (row.initial.get("institution") or "").strip()
        if library is not None or institution:
            reference = party_reference(prefix=row.prefix)
            choices.append((reference, library.name if library else institution))
    return choices


class ResponsibilityForm(forms.Form):
    party = forms.ChoiceField(
        label=_("Party"),
        required=False,
        error_messages={"invalid_choice": DUTY_PARTY_GONE},
    )
    form = forms.ChoiceField(label=_("Form of cooperation"), choices=Form.choices)
    task = forms.CharField(label=_("Task"), max_length=300, required=False)

    def __init__(self, *args, party_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [("", "—")] + list(party_choices)


PartyFormSet = forms.formset_factory(PartyForm, extra=2, can_delete=True)
ResponsibilityFormSet = forms.formset_factory(ResponsibilityForm, extra=2, can_delete=True)


class SignForm(forms.Form):
    party = forms.IntegerField(widget=forms.HiddenInput)
    read_version = forms.IntegerField(widget=forms.HiddenInput)
    paper = forms.FileField(label=_("Signed paper (for an outside institution)"), required=False)
    # Signing binds the school: asked for, on the page, with the version it binds to.
    confirm = forms.BooleanField(required=True)


TEMPLATES = {
    "ill": {
        "title": _("Interlibrary loan agreement"),
        "forms": [Form.ILL, Form.INFORMATION],
        "objectives": _(
            "Give every student access to the collections of all member schools: a book one school "
            "lacks is lent by another."
        ),
        "scope_services": _("Interlibrary loan, copies of pages, reference questions."),
        "relationship": _("The consortium coordinator coordinates; each head librarian reports each semester."),
        "methods_equipment": _(
            "Requests through Silang; a courier between schools twice a week; printed transit slips."
        ),
        "technology": _("Silang (union catalog and interlibrary loan), e-mail, a document scanner."),
        "loan_days": 14,
        "items_per_student": 2,
        "renewals_allowed": 1,
        "shipping_paid_by": _("The borrowing library."),
    },
    "acquisition": {
        "title": _("Cooperative acquisition agreement"),
        "forms": [Form.ACQUISITION],
        "objectives": _("Avoid buying the same titles twice and share the cost of expensive works."),
        "scope_collections": _("Subject areas divided by DDC class."),
        "methods_equipment": _("A shared order list in Silang, checked before every purchase."),
        "technology": _("Silang union catalog."),
        "cost_sharing": _("Each school pays for the classes it holds."),
    },
    "union_catalog": {
        "title": _("Union catalog participation agreement"),
        "forms": [Form.UNION_CATALOG],
        "objectives": _("Keep a union catalog that says which member holds what."),
        "scope_collections": _("All catalogued holdings of the member libraries."),
        "methods_equipment": _("Monthly export from each school's library system, imported into Silang."),
        "technology": _("Silang; MARC21 or CSV exports from SLiMS, INLISLite or Koha."),
    },
}
