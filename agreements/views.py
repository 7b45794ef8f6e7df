from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from consortium import policy
from consortium.models import Library

from . import document, selectors, services
from .choices import Form, Status
from .forms import (
    TEMPLATES,
    AgreementForm,
    PartyFormSet,
    ResponsibilityFormSet,
    SignForm,
    party_choices,
    party_reference,
)
from .models import CONTENT_FIELDS, Agreement, AgreementVersion, Party


def _readable(request):
    return Agreement.objects.visible_to(request.user)


class AgreementListView(LoginRequiredMixin, View):
    template_name = "agreements/agreement_list.html"

    def get(self, request):
        agreements = _readable(request).prefetch_related("parties__library")
        status, party, form = request.GET.get("status", ""), request.GET.get("party", ""), request.GET.get("form", "")
        if status in Status.values:
            agreements = agreements.filter(status=status)
        if party:
            agreements = agreements.filter(
                Q(parties__library__code__iexact=party) | Q(parties__institution__icontains=party)
            ).distinct()
        if form in Form.values:
            agreements = agreements.filter(forms__contains=[form])
        if request.GET.get("ending_soon"):
            agreements = agreements.filter(pk__in=services.ending_soon().values("pk"))
        return render(
            request,
            self.template_name,
            {
                "agreements": agreements,
                "statuses": Status.choices,
                "forms": Form.choices,
                "libraries": Library.objects.exclude(status="applicant"),
                "ending_soon": services.ending_soon(),
                "can_edit": policy.can_edit_agreements(request.user),
                "templates": TEMPLATES,
            },
        )


def _party_rows(formset) -> list[dict]:
    rows = []
    for form in formset:
        data = form.cleaned_data
        if not data or data.get("DELETE") or (data.get("library") is None and not data.get("institution")):
            continue
        rows.append(
            {key: data[key] for key in ("library", "institution", "kind", "role", "representative", "position")}
            | {"reference": party_reference(prefix=form.prefix)}
            | ({"id": data["id"]} if data.get("id") else {})
        )
    return rows


def _duty_rows(formset) -> list[dict]:
    rows = []
    for form in formset:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not (data.get("task") or "").strip():
            continue
        rows.append({"party": data.get("party") or None, "form": data["form"], "task": data["task"]})
    return rows


def _add_row(data, prefix: str):
    """The posted data with one more empty row in the `prefix` formset: "Add a party" without JavaScript."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(int(data.get(key, 0)) + 1)
    except ValueError:
        pass  # a broken management form is reported by the formset itself
    return data


def _unchecked(form, *formsets) -> None:
    # A row was added, nothing was submitted yet: show what was typed without "this field is required" everywhere.
    form._errors = ErrorDict()
    for formset in formsets:
        formset._errors, formset._non_form_errors = [], ErrorList()
        for row in formset.forms:
            row._errors = ErrorDict()


class AgreementEditView(LoginRequiredMixin, View):
    """The editor: the agreement's text, its parties and the division of work, for coordinators."""

    template_name = "agreements/agreement_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # Visibility first (an outsider gets 404 for a draft it may not know of), then the role.
        self.agreement = (
            get_object_or_404(Agreement.objects.visible_to(request.user), pk=kwargs["pk"]) if "pk" in kwargs else None
        )
        if not policy.can_edit_agreements(request.user):
            raise PermissionDenied(_("Only a coordinator drafts and manages agreements."))
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, parties, duties, status=200):
        checklist = services.checklist(self.agreement)
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "parties": parties,
                "duties": duties,
                "agreement": self.agreement,
                "checklist": checklist,
                "missing": [item for item in checklist if not item.done],
            },
            status=status,
        )

    def get(self, request, pk=None):
        if self.agreement:
            form = AgreementForm(instance=self.agreement)
            saved = list(self.agreement.parties.select_related("library"))
            parties = PartyFormSet(
                prefix="parties",
                initial=[
                    {
                        "id": p.pk,
                        "library": p.library.code if p.library_id else None,
                        "institution": p.institution,
                        "kind": p.kind,
                        "role": p.role,
                        "representative": p.representative,
                        "position": p.position,
                    }
                    for p in saved
                ],
            )
            # Each saved party is named the way the form names it: see party_reference.
            references = {p.pk: party_reference(prefix=f"parties-{i}") for i, p in enumerate(saved)}
            duties = ResponsibilityFormSet(
                prefix="duties",
                form_kwargs={"party_choices": party_choices(parties)},
                initial=[
                    {"party": references.get(r.party_id, ""), "form": r.form, "task": r.task}
                    for r in self.agreement.responsibilities.all()
                ],
            )
        else:
            template = TEMPLATES.get(request.GET.get("template", ""), {})
            form = AgreementForm(
                initial={k: str(v) if k == "title" else v for k, v in template.items()},
                suggested_number=services.agreement_next_number(year=timezone.localdate().year),
            )
            parties = PartyFormSet(prefix="parties")
            duties = ResponsibilityFormSet(prefix="duties", form_kwargs={"party_choices": []})
        return self.render_page(form, parties, duties)

    def post(self, request, pk=None):
        adding = request.POST.get("add") if request.POST.get("add") in ("parties", "duties") else None
        data = _add_row(request.POST, adding) if adding else request.POST
        # A copy of the stored agreement: the form checks uniqueness against others; the service saves.
        form = AgreementForm(data, instance=Agreement.objects.get(pk=self.agreement.pk) if self.agreement else None)
        parties = PartyFormSet(data, prefix="parties")
        # A duty's party is one of the parties as typed in this very submission, saved or not: the service
        # resolves the reference once it has saved them.
        duties = ResponsibilityFormSet(data, prefix="duties", form_kwargs={"party_choices": party_choices(parties)})
        if adding:
            _unchecked(form, parties, duties)
            return self.render_page(form, parties, duties)
        if not (form.is_valid() and parties.is_valid() and duties.is_valid()):
            return self.render_page(form, parties, duties, status=400)
        fields = {name: form.cleaned_data[name] for name in CONTENT_FIELDS}
        try:
            agreement = services.agreement_save(
                by=request.user,
                agreement=self.agreement,
                parties=_party_rows(parties),
                responsibilities=_duty_rows(duties),
                **fields,
            )
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
            for field, field_errors in errors.items():
                form.add_error(field if field in form.fields else None, field_errors)
            return self.render_page(form, parties, duties, status=400)
        messages.success(request, _("Saved as version %(v)s.") % {"v": agreement.version})
        return redirect(agreement)


class AgreementDetailView(LoginRequiredMixin, View):
    """The agreement as a formal document, with its state, checks, signatures, comments and versions."""

    template_name = "agreements/agreement_detail.html"

    def get(self, request, pk):
        agreement = get_object_or_404(_readable(request), pk=pk)
        mine = [
            party
            for party in agreement.parties.select_related("library")
            if (party.library_id and policy.is_librarian_of(request.user, party.library_id))
            or (not party.library_id and policy.can_edit_agreements(request.user))
        ]
        signed = set(agreement.signatures.filter(version=agreement.version).values_list("party_id", flat=True))
        checklist = services.checklist(agreement)
        return render(
            request,
            self.template_name,
            {
                "agreement": agreement,
                "doc": document.build(agreement),
                "checklist": checklist,
                "missing": [item for item in checklist if not item.done],
                "warnings": services.division_warnings(agreement),
                "can_edit": policy.can_edit_agreements(request.user),
                "can_comment": policy.can_comment_agreement(request.user, agreement),
                "sign_parties": [p for p in mine if p.pk not in signed and p.role != "witness"],
                "versions": agreement.versions.all(),
                "comments": agreement.comments.select_related("author"),
                "signatures": agreement.signatures.select_related("party__library", "signed_by"),
            },
        )


class AgreementActionView(LoginRequiredMixin, View):
    ACTIONS = {
        "review": lambda a, r: services.agreement_send_for_review(agreement=a, by=r.user),
        "request_signatures": lambda a, r: services.agreement_request_signatures(agreement=a, by=r.user),
        "amend": lambda a, r: services.agreement_amend(agreement=a, by=r.user),
        "terminate": lambda a, r: services.agreement_terminate(agreement=a, by=r.user, reason=r.POST.get("reason", "")),
        "comment": lambda a, r: services.agreement_comment(agreement=a, by=r.user, text=r.POST.get("text", "")),
    }

    def post(self, request, pk, action):
        agreement = get_object_or_404(_readable(request), pk=pk)
        try:
            if action == "sign":
                form = SignForm(request.POST, request.FILES)
                if not form.is_valid():
                    if "confirm" in form.errors:
                        raise ValidationError(_("Tick the box to confirm that you sign this version."))
                    raise ValidationError(_("The signing form is incomplete."))
                party = get_object_or_404(Party, pk=form.cleaned_data["party"], agreement=agreement)
                services.agreement_sign(
                    agreement=agreement,
                    party=party,
                    by=request.user,
                    read_version=form.cleaned_data["read_version"],
                    paper=form.cleaned_data.get("paper"),
                )
            elif action in self.ACTIONS:
                self.ACTIONS[action](agreement, request)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Done."))
        return redirect(agreement)


class AgreementCompareView(LoginRequiredMixin, View):
    template_name = "agreements/agreement_compare.html"

    def get(self, request, pk):
        agreement = get_object_or_404(_readable(request), pk=pk)
        versions = list(agreement.versions.all())
        numbers = [v.number for v in versions]
        try:
            a = int(request.GET.get("a", numbers[-2] if len(numbers) > 1 else numbers[0]))
            b = int(request.GET.get("b", numbers[-1]))
        except (ValueError, IndexError):
            a = b = None
        old = AgreementVersion.objects.filter(agreement=agreement, number=a).first()
        new = AgreementVersion.objects.filter(agreement=agreement, number=b).first()
        changes = selectors.version_changes(old.snapshot, new.snapshot) if old and new else None
        return render(
            request,
            self.template_name,
            {"agreement": agreement, "versions": versions, "a": a, "b": b, "changes": changes},
        )


class AgreementPdfView(LoginRequiredMixin, View):
    def get(self, request, pk):
        agreement = get_object_or_404(_readable(request), pk=pk)
        response = HttpResponse(document.render_pdf(agreement), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{agreement.number.replace("/", "-")}.pdf"'
        return response


class NetworkView(LoginRequiredMixin, View):
    """Which member libraries are bound to which, by form of cooperation (active agreements)."""

    template_name = "agreements/network.html"

    def get(self, request):
        libraries = list(Library.objects.filter(status="active").order_by("name"))
        links: dict[tuple[int, int], set] = {}
        for agreement in _readable(request).filter(status=Status.ACTIVE).prefetch_related("parties"):
            members = [p.library_id for p in agreement.parties.all() if p.library_id]
            for a in members:
                for b in members:
                    if a != b:
                        links.setdefault((a, b), set()).update(agreement.forms)
        rows = [
            {
                "library": lib,
                "cells": [sorted(Form(f).label for f in links.get((lib.pk, other.pk), ())) for other in libraries],
            }
            for lib in libraries
        ]
        return render(request, self.template_name, {"libraries": libraries, "rows": rows})
