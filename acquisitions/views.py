"""Pages of collection cooperation: thin adapters over selectors (reads) and services (writes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from catalog.models import Holding
from consortium import csvwriter, policy
from consortium.models import Library
from loans.models import IllRequest

from . import charts, document, selectors, services
from .analysis import analysis_compute, latest_run
from .choices import OfferStatus, OrderStatus, RoundStatus, Scheme, WantStatus
from .forms import (
    BudgetForm,
    CurriculumSubjectForm,
    DonationForm,
    DonorForm,
    EnrolmentForm,
    GiveAwayForm,
    OfferForm,
    PledgeForm,
    ProposalForm,
    ProposalPledgeForm,
    ReceiveForm,
    ResponsibilityForm,
    RoundForm,
    RouteForm,
    TransferForm,
    WantForm,
)
from .models import (
    BuyingRound,
    CollectingResponsibility,
    CurriculumSubject,
    Donation,
    DonationItem,
    Donor,
    Enrolment,
    Offer,
    Pledge,
    Proposal,
    Want,
)

MATRIX_LIMIT = 30  # schools drawn in the heat map at once; the CSV has every pair


def _fail(request, exc: ValidationError, form=None) -> None:
    """A refused change: on the form when there is one, else as a message."""
    if form is not None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    else:
        messages.error(request, " ".join(exc.messages))


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csvwriter.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


# --- analysis ---------------------------------------------------------------------------------------------


class AnalysisMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if policy.is_student(request.user):
            return redirect("acquisitions:proposal_list")  # students propose purchases; the figures are for staff
        if request.user.is_authenticated and not policy.can_see_collection_analysis(request.user):
            raise PermissionDenied(_("The collection analysis is for librarians and coordinators."))
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        run = latest_run()
        return {
            "run": run,
            "can_recompute": policy.can_run_collection_analysis(self.request.user),
            "nav": extra.pop("nav", ""),
            **extra,
        }


def _class_label(scheme: str, klass: str, subjects: dict) -> str:
    if scheme == Scheme.HUNDREDS:
        return f"{klass}00" if klass != "-" else _("no DDC")
    if scheme == Scheme.TENS:
        return f"{klass}0" if klass != "-" else _("no DDC")
    if scheme == Scheme.SUBJECT:
        subject = subjects.get(int(klass)) if klass.isdigit() else None
        return str(subject) if subject else klass
    return _("Whole collection")


class AnalysisView(AnalysisMixin, View):
    """Per school: titles, unique and shared titles, copies per student, median year; in one class or all."""

    def get(self, request):
        context = self.context(nav="schools")
        run = context["run"]
        scheme = request.GET.get("scheme", Scheme.ALL)
        scheme = scheme if scheme in Scheme.values else Scheme.ALL
        klass = request.GET.get("klass", "") if scheme != Scheme.ALL else ""
        subjects = CurriculumSubject.objects.in_bulk()
        if scheme == Scheme.HUNDREDS:
            classes = [(str(i), f"{i}00") for i in range(10)] + [("-", _("no DDC"))]
        elif scheme == Scheme.TENS:
            classes = [(f"{i:02d}", f"{i:02d}0") for i in range(100)] + [("-", _("no DDC"))]
        elif scheme == Scheme.SUBJECT:
            classes = [(str(s.pk), str(s)) for s in subjects.values()]
        else:
            classes = []
        if classes and klass not in [value for value, _label in classes]:
            klass = classes[0][0]
        rows = selectors.school_rows(run, scheme=scheme, klass=klass) if run else []
        if request.GET.get("format") == "csv" and run:
            return _csv_response(
                f"collection-{scheme}-{klass or 'all'}.csv",
                [
                    "school",
                    "class",
                    "titles",
                    "unique_titles",
                    "shared_titles",
                    "copies",
                    "students",
                    "copies_per_student",
                    "median_year",
                ],
                [
                    [
                        r.library.code,
                        _class_label(scheme, klass, subjects),
                        r.titles,
                        r.unique_titles,
                        r.shared_titles,
                        r.copies,
                        r.students or "",
                        r.copies_per_student or "",
                        r.median_year or "",
                    ]
                    for r in rows
                ],
            )
        chart = charts.bar_chart(
            [(r.library.name, r.titles, r.unique_titles) for r in rows],
            title=_("Titles per school (darker: held by this school only)"),
            legend=(_("titles"), _("unique titles")),
        )
        return render(
            request,
            "acquisitions/analysis.html",
            context
            | {
                "rows": rows,
                "chart": chart,
                "schemes": Scheme.choices,
                "scheme": scheme,
                "classes": classes,
                "klass": klass,
                "class_label": _class_label(scheme, klass, subjects),
            },
        )


class SchoolAnalysisView(AnalysisMixin, View):
    def get(self, request, code):
        library = get_object_or_404(Library, code=code)
        context = self.context(nav="schools")
        run = context["run"]
        hundreds = selectors.class_rows(run, library=library, scheme=Scheme.HUNDREDS) if run else []
        shared = selectors.shared_with_each(run, library) if run else []
        chart = charts.bar_chart(
            [(_class_label(Scheme.HUNDREDS, s.klass, {}), s.titles, s.unique_titles) for s in hundreds],
            title=_("Titles per DDC hundreds class"),
            legend=(_("titles"), _("unique titles")),
        )
        return render(
            request,
            "acquisitions/analysis_school.html",
            context | {"library": library, "hundreds": hundreds, "shared": shared, "chart": chart},
        )


class OverlapView(AnalysisMixin, View):
    """The pairwise overlap of schools as a heat map (a selection of schools) and as CSV (every pair)."""

    def get(self, request):
        context = self.context(nav="overlap")
        run = context["run"]
        if request.GET.get("format") == "csv" and run:
            # Plain tuples: building 100,000+ model instances took ten times longer than the query.
            pairs = run.pair_stats.order_by("library_a__code", "library_b__code").values_list(
                "library_a__code", "library_b__code", "shared"
            )
            return _csv_response("overlap.csv", ["school_a", "school_b", "shared_titles"], pairs.iterator())
        libraries = Library.objects.filter(status="active").order_by("name")
        level = request.GET.get("level", "")
        city = request.GET.get("city", "")
        if level:
            libraries = libraries.filter(level=level)
        if city:
            libraries = libraries.filter(city__iexact=city)
        total = libraries.count()
        chosen = list(libraries[:MATRIX_LIMIT])
        matrix = selectors.pair_matrix(run, chosen) if run else []
        chart = (
            charts.heat_map([lib.code for lib in chosen], matrix, title=_("Titles shared by each pair of schools"))
            if run and chosen
            else ""
        )
        from consortium.choices import SchoolLevel

        return render(
            request,
            "acquisitions/overlap.html",
            context
            | {
                "chart": chart,
                "chosen": chosen,
                "matrix_rows": list(zip(chosen, matrix, strict=False)),
                "total": total,
                "limit": MATRIX_LIMIT,
                "levels": SchoolLevel.choices,
                "level": level,
                "city": city,
            },
        )


class GapView(AnalysisMixin, View):
    """Where the network holds few or no recent titles, what nobody could lend, and collecting duties."""

    def get(self, request):
        context = self.context(nav="gaps")
        run = context["run"]
        try:
            threshold = max(0, min(int(request.GET.get("threshold", selectors.GAP_THRESHOLD)), 1000))
        except ValueError:
            threshold = selectors.GAP_THRESHOLD
        gaps = selectors.gap_rows(run, threshold=threshold) if run else {"tens": [], "curriculum": []}
        unfilled = selectors.unfilled_titles()
        if request.GET.get("format") == "csv":
            rows = [["ddc_tens", f"{g.klass}0", "", g.titles, g.recent_titles, g.holders] for g in gaps["tens"]]
            rows += [
                ["curriculum", g.subject.name, g.level, g.titles, g.recent_titles, g.holders]
                for g in gaps["curriculum"]
            ]
            rows += [["unfilled_ill", u["record__title"], "", u["requests"], "", u["schools"]] for u in unfilled]
            return _csv_response(
                "gaps.csv", ["kind", "class_or_title", "level", "titles_or_requests", "recent_titles", "schools"], rows
            )
        chart = charts.bar_chart(
            [(f"{g.klass}0", g.titles, g.recent_titles) for g in gaps["tens"][:25]],
            title=_("DDC classes with few recent titles (darker: recent)"),
            legend=(_("titles"), _("recent titles")),
        )
        mine = policy.staff_library_ids(request.user)
        for row in unfilled:
            row["proposable"] = IllRequest.objects.filter(
                record_id=row["record_id"], state="unfilled", requester_id__in=mine, purchase_proposal__isnull=True
            ).first()
        return render(
            request,
            "acquisitions/gaps.html",
            context
            | {
                "gaps": gaps,
                "chart": chart,
                "threshold": threshold,
                "unfilled": unfilled,
                "responsibilities": selectors.responsibility_rows(run) if run else [],
            },
        )


class AnalysisRecomputeView(LoginRequiredMixin, View):
    def post(self, request):
        if not policy.can_run_collection_analysis(request.user):
            raise PermissionDenied
        run = analysis_compute()
        messages.success(request, _("The figures were recomputed in %(s).1f s.") % {"s": run.seconds})
        return redirect("acquisitions:analysis")


class SetupView(AnalysisMixin, View):
    """What the analysis needs besides the catalog: enrolments (schools), collecting duties and curriculum
    subjects (coordinators)."""

    FORMS = {"enrolment": EnrolmentForm, "responsibility": ResponsibilityForm, "subject": CurriculumSubjectForm}

    def forms(self, bound=None, name=None):
        user = self.request.user
        mine = Library.objects.filter(pk__in=policy.staff_library_ids(user))
        forms = {}
        if policy.is_coordinator(user) or mine.exists():
            forms["enrolment"] = EnrolmentForm(libraries=None if policy.is_coordinator(user) else mine)
        if policy.can_edit_agreements(user):
            forms["responsibility"] = ResponsibilityForm()
        if policy.can_run_collection_analysis(user):
            forms["subject"] = CurriculumSubjectForm()
        if bound is not None:
            forms[name] = bound
        return forms

    def page(self, request, forms, status=200):
        return render(
            request,
            "acquisitions/setup.html",
            self.context(nav="setup")
            | {
                "forms": forms,
                "enrolments": Enrolment.objects.select_related("library").order_by("library__name"),
                "duties": CollectingResponsibility.objects.select_related("library", "agreement"),
                "subjects": CurriculumSubject.objects.all(),
            },
            status=status,
        )

    def get(self, request):
        return self.page(request, self.forms())

    def post(self, request):
        name = request.POST.get("form", "")
        if name not in self.FORMS or name not in self.forms():
            raise PermissionDenied
        user = request.user
        if name == "enrolment":
            mine = Library.objects.filter(pk__in=policy.staff_library_ids(user))
            form = EnrolmentForm(request.POST, libraries=None if policy.is_coordinator(user) else mine)
        else:
            form = self.FORMS[name](request.POST)
        if form.is_valid():
            service = {
                "enrolment": services.enrolment_set,
                "responsibility": services.responsibility_create,
                "subject": services.curriculum_subject_create,
            }[name]
            try:
                service(by=user, **form.cleaned_data)
            except ValidationError as exc:
                _fail(request, exc, form)
            else:
                messages.success(request, _("Saved. The figures change when they are next computed."))
                return redirect("acquisitions:setup")
        return self.page(request, self.forms(form, name), status=400)


# --- proposals --------------------------------------------------------------------------------------------


class ProposalListView(LoginRequiredMixin, View):
    def get(self, request):
        proposals = Proposal.objects.visible_to(request.user).select_related("library", "proposed_by")
        status = request.GET.get("status", "")
        if status:
            proposals = proposals.filter(status=status)
        return render(
            request,
            "acquisitions/proposal_list.html",
            {"proposals": proposals[:200], "can_propose": policy.can_propose_purchase(request.user), "status": status},
        )


class ProposalCreateView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not policy.can_propose_purchase(request.user):
            raise PermissionDenied(_("You cannot propose purchases."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = ProposalForm(student=policy.is_student(request.user), initial=request.GET.dict())
        return render(request, "acquisitions/proposal_form.html", {"form": form})

    def post(self, request):
        form = ProposalForm(request.POST, student=policy.is_student(request.user))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                proposal = services.proposal_create(by=request.user, **data)
            except ValidationError as exc:
                _fail(request, exc, form)
            else:
                messages.success(request, _("Your proposal has been saved."))
                return redirect(proposal)
        return render(request, "acquisitions/proposal_form.html", {"form": form}, status=400)


class ProposalDetailView(LoginRequiredMixin, View):
    def get(self, request, pk, pledge_form=None):
        proposal = get_object_or_404(Proposal.objects.visible_to(request.user).select_related("library"), pk=pk)
        can_act = policy.is_librarian_of(request.user, proposal.library_id) or policy.is_coordinator(request.user)
        matches = selectors.network_matches(
            isbn=proposal.isbn,
            title=proposal.title,
            author=proposal.author,
            year=proposal.year,
            publisher=proposal.publisher,
            city=proposal.library.city,
        )
        duty = selectors.responsibility_elsewhere(ddc=proposal.ddc, library=proposal.library)
        return render(
            request,
            "acquisitions/proposal_detail.html",
            {
                "proposal": proposal,
                "matches": matches,
                "duty": duty,
                "can_act": can_act,
                "pledge_form": pledge_form or (ProposalPledgeForm() if can_act else None),
            },
            status=400 if pledge_form is not None else 200,
        )


class ProposalActionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        proposal = get_object_or_404(Proposal.objects.visible_to(request.user), pk=pk)
        try:
            if action == "forward":
                services.proposal_forward(proposal=proposal, by=request.user)
            elif action == "decline":
                services.proposal_decline(proposal=proposal, by=request.user)
            elif action == "pledge":
                form = ProposalPledgeForm(request.POST)
                if not form.is_valid():
                    return ProposalDetailView().get(request, pk, pledge_form=form)
                data = dict(form.cleaned_data)
                round_ = data.pop("round")
                try:
                    pledge = services.pledge_create(by=request.user, round_=round_, proposal=proposal, **data)
                except ValidationError as exc:
                    _fail(request, exc, form)
                    return ProposalDetailView().get(request, pk, pledge_form=form)
                messages.success(request, _("Pledged in %(round)s.") % {"round": round_.name})
                return redirect(pledge.round)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            _fail(request, exc)
        return redirect(proposal)


class ProposalFromUnfilledView(LoginRequiredMixin, View):
    def post(self, request, pk):
        ill = get_object_or_404(IllRequest.objects.visible_to(request.user), pk=pk)
        try:
            proposal = services.proposal_from_unfilled(ill_request=ill, by=request.user)
        except ValidationError as exc:
            _fail(request, exc)
            return redirect("acquisitions:gaps")
        return redirect(proposal)


# --- buying rounds ----------------------------------------------------------------------------------------


class RoundListView(LoginRequiredMixin, View):
    def get(self, request):
        return render(
            request,
            "acquisitions/round_list.html",
            {
                "rounds": BuyingRound.objects.all(),
                "form": RoundForm() if policy.can_manage_buying_rounds(request.user) else None,
            },
        )

    def post(self, request):
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                round_ = services.round_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _fail(request, exc, form)
            else:
                return redirect(round_)
        return render(
            request, "acquisitions/round_list.html", {"rounds": BuyingRound.objects.all(), "form": form}, status=400
        )


class RoundDetailView(LoginRequiredMixin, View):
    def page(self, request, round_, *, pledge_form=None, budget_form=None, status=200):
        user = request.user
        spending = selectors.spending_rows(round_)
        pledges = list(round_.pledges.select_related("library", "record").prefetch_related("holdings"))
        manager = policy.can_manage_buying_rounds(user)
        mine = policy.staff_library_ids(user)
        for pledge in pledges:
            pledge.can_school = pledge.library_id in mine or manager
        return render(
            request,
            "acquisitions/round_detail.html",
            {
                "round": round_,
                "pledges": pledges,
                "spending": spending,
                "manager": manager,
                "can_pledge": round_.status == RoundStatus.OPEN and bool(mine),
                "pledge_form": pledge_form or PledgeForm(),
                "budget_form": budget_form or (BudgetForm() if manager else None),
                "receive_form": ReceiveForm(),
                "statuses": OrderStatus,
                "chart": charts.bar_chart(
                    [(r["library"].name, float(r["budget"]), float(r["pledged"])) for r in spending["schools"]],
                    title=_("Budget and pledged amount per school (Rp)"),
                    legend=(_("budget"), _("pledged")),
                ),
            },
            status=status,
        )

    def get(self, request, pk):
        round_ = get_object_or_404(BuyingRound, pk=pk)
        if request.GET.get("format") == "csv":
            spending = selectors.spending_rows(round_)
            rows = [
                [
                    "school",
                    r["library"].code,
                    r["budget"],
                    r["pledged"],
                    r["ordered"],
                    r["received"],
                    r["shared"],
                    r["left"],
                ]
                for r in spending["schools"]
            ]
            rows += [["subject", s["klass"], "", s["amount"], "", "", "", ""] for s in spending["subjects"]]
            return _csv_response(
                f"round-{round_.pk}-spending.csv",
                ["kind", "school_or_ddc", "budget", "pledged", "ordered", "received", "shared_budget_used", "left"],
                rows,
            )
        return self.page(request, round_)

    def post(self, request, pk):
        round_ = get_object_or_404(BuyingRound, pk=pk)
        form = PledgeForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None,)}
            try:
                services.pledge_create(by=request.user, round_=round_, **data)
            except ValidationError as exc:
                _fail(request, exc, form)
            else:
                messages.success(request, _("Pledge saved."))
                return redirect(round_)
        return self.page(request, round_, pledge_form=form, status=400)


class RoundBudgetView(RoundDetailView):
    def post(self, request, pk):
        round_ = get_object_or_404(BuyingRound, pk=pk)
        form = BudgetForm(request.POST)
        if form.is_valid():
            try:
                services.round_set_budget(round_=round_, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _fail(request, exc, form)
            else:
                return redirect(round_)
        return self.page(request, round_, budget_form=form, status=400)


class RoundCloseView(LoginRequiredMixin, View):
    def post(self, request, pk):
        round_ = get_object_or_404(BuyingRound, pk=pk)
        services.round_close(round_=round_, by=request.user)
        return redirect(round_)


class PledgeActionView(LoginRequiredMixin, View):
    def post(self, request, pk, status):
        pledge = get_object_or_404(Pledge, pk=pk)
        try:
            if status == OrderStatus.RECEIVED:
                form = ReceiveForm(request.POST)
                form.is_valid()
                services.pledge_receive(pledge=pledge, by=request.user, barcodes=form.cleaned_data.get("barcodes", []))
                messages.success(request, _("The copies are now holdings of %(school)s.") % {"school": pledge.library})
            else:
                services.pledge_set_status(pledge=pledge, status=status, by=request.user)
        except ValidationError as exc:
            _fail(request, exc)
        return redirect(pledge.round)


# --- exchange ---------------------------------------------------------------------------------------------


class ExchangeMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not policy.can_see_exchange(request.user):
            raise PermissionDenied(_("The exchange board is for member schools."))
        return super().dispatch(request, *args, **kwargs)


class ExchangeView(ExchangeMixin, View):
    def get(self, request):
        mine = policy.library_ids_for(request.user)
        offers = Offer.objects.visible_to(request.user).select_related("record", "library", "claimed_by", "holding")
        open_offers = list(offers.filter(status=OfferStatus.OPEN)[:200])
        wants = selectors.open_wants()
        for offer in open_offers:
            offer.wants = selectors.wants_for_offer(offer, wants)
            offer.claimable = offer.library_id not in mine and bool(policy.staff_library_ids(request.user))
            offer.embargoed = bool(offer.embargo_until and offer.embargo_until > timezone.localdate())
        my_wants = list(Want.objects.filter(library_id__in=mine, status=WantStatus.OPEN).select_related("library"))
        for want in my_wants:
            want.offers = list(selectors.offers_for_want(want)[:10])
        return render(
            request,
            "acquisitions/exchange.html",
            {
                "open_offers": open_offers,
                "my_offers": offers.filter(library_id__in=mine).exclude(status=OfferStatus.OPEN)[:50],
                "claims": offers.filter(claimed_by_id__in=mine)[:50],
                "my_wants": my_wants,
                "wants": Want.objects.visible_to(request.user)
                .filter(status=WantStatus.OPEN)
                .exclude(library_id__in=mine)
                .select_related("library")[:100],
                "can_act": bool(policy.staff_library_ids(request.user)),
            },
        )


class OfferCreateView(ExchangeMixin, View):
    template = "acquisitions/offer_form.html"

    def get(self, request):
        return render(request, self.template, {"form": OfferForm(initial=request.GET.dict())})

    def post(self, request):
        form = OfferForm(request.POST, library_ids=policy.staff_library_ids(request.user))
        if form.is_valid():
            data = form.cleaned_data
            try:
                offer = services.offer_create(
                    by=request.user,
                    holding=data["holding"],
                    reason=data["reason"],
                    note=data["note"],
                    embargo_until=data["embargo_until"],
                )
            except ValidationError as exc:
                _fail(request, exc, form)
            else:
                return redirect(offer)
        return render(request, self.template, {"form": form}, status=400)


class OfferDetailView(ExchangeMixin, View):
    def get(self, request, pk):
        offer = get_object_or_404(
            Offer.objects.visible_to(request.user).select_related("record", "library", "claimed_by", "holding"), pk=pk
        )
        mine = policy.staff_library_ids(request.user)
        return render(
            request,
            "acquisitions/offer_detail.html",
            {
                "offer": offer,
                "wants": selectors.wants_for_offer(offer),
                "transfers": offer.transfers.select_related("from_library", "to_library", "agreement"),
                "history": offer.holding.transfers.select_related("from_library", "to_library", "agreement"),
                "is_owner": offer.library_id in mine or policy.is_coordinator(request.user),
                "can_claim": offer.status == OfferStatus.OPEN and bool(mine - {offer.library_id}),
                "transfer_form": TransferForm(),
                "last_copy": selectors.is_last_copy(offer.holding),
            },
        )


class OfferActionView(ExchangeMixin, View):
    def post(self, request, pk, action):
        offer = get_object_or_404(Offer.objects.visible_to(request.user), pk=pk)
        try:
            if action == "claim":
                library = None
                if request.POST.get("library"):
                    library = get_object_or_404(Library, code=request.POST["library"])
                services.offer_claim(offer=offer, by=request.user, library=library)
                messages.success(request, _("Claimed: the offering school will hand the copy over."))
            elif action == "transfer":
                form = TransferForm(request.POST)
                form.is_valid()
                services.offer_transfer(
                    offer=offer, by=request.user, new_barcode=form.cleaned_data.get("new_barcode", "")
                )
                messages.success(request, _("The copy now belongs to the receiving school."))
            elif action == "cancel":
                services.offer_cancel(offer=offer, by=request.user)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            _fail(request, exc)
        return redirect(offer)


class WantCreateView(ExchangeMixin, View):
    def get(self, request):
        return render(request, "acquisitions/want_form.html", {"form": WantForm()})

    def post(self, request):
        form = WantForm(request.POST)
        if form.is_valid():
            try:
                services.want_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _fail(request, exc, form)
            else:
                return redirect("acquisitions:exchange")
        return render(request, "acquisitions/want_form.html", {"form": form}, status=400)


class WantCancelView(ExchangeMixin, View):
    def post(self, request, pk):
        want = get_object_or_404(Want.objects.visible_to(request.user), pk=pk)
        try:
            services.want_cancel(want=want, by=request.user)
        except ValidationError as exc:
            _fail(request, exc)
        return redirect("acquisitions:exchange")


class GiveAwayView(ExchangeMixin, View):
    template = "acquisitions/give_away.html"

    def get(self, request):
        return render(request, self.template, {"form": GiveAwayForm(initial=request.GET.dict())})

    def post(self, request):
        form = GiveAwayForm(request.POST, library_ids=policy.staff_library_ids(request.user))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.holding_give_away(
                    holding=data["holding"],
                    by=request.user,
                    recipient=data["recipient"],
                    reason=data["give_reason"],
                    last_copy_reason=data["last_copy_reason"],
                )
            except ValidationError as exc:
                _fail(request, exc, form)
            else:
                messages.success(request, _("The copy is withdrawn; its history is kept."))
                return redirect("acquisitions:exchange")
        return render(request, self.template, {"form": form}, status=400)


# --- donations ------------------------------------------------------------------------------------------------


class DonationListView(LoginRequiredMixin, View):
    def get(self, request):
        mine = policy.staff_library_ids(request.user)
        return render(
            request,
            "acquisitions/donation_list.html",
            {
                "totals": selectors.donation_totals(),
                "donors": Donor.objects.visible_to(request.user).select_related("library")[:200],
                "donations": Donation.objects.visible_to(request.user).select_related("donor", "library")[:50],
                "can_add": bool(mine),
                "form": DonorForm() if mine else None,
            },
        )

    def post(self, request):
        form = DonorForm(request.POST)
        if form.is_valid():
            try:
                donor = services.donor_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _fail(request, exc, form)
            else:
                return redirect(donor)
        return render(
            request,
            "acquisitions/donation_list.html",
            {"totals": selectors.donation_totals(), "donors": [], "donations": [], "can_add": True, "form": form},
            status=400,
        )


class DonorDetailView(LoginRequiredMixin, View):
    def page(self, request, donor, form=None, status=200):
        donations = list(donor.donations.prefetch_related("items__routed_to", "items__record"))
        can_act = policy.is_librarian_of(request.user, donor.library_id) or policy.is_coordinator(request.user)
        for donation in donations:
            for item in donation.items.all():
                item.targets = selectors.donation_route_targets(
                    record=item.record, isbn=item.isbn, title=item.title, exclude=donor.library
                )
                item.held_here = bool(
                    item.record_id and Holding.objects.filter(record_id=item.record_id, library=donor.library).exists()
                )
        return render(
            request,
            "acquisitions/donor_detail.html",
            {
                "donor": donor,
                "donations": donations,
                "can_act": can_act,
                "form": form or DonationForm(initial={"received_on": timezone.localdate()}),
                "route_form": RouteForm(),
            },
            status=status,
        )

    def get(self, request, pk):
        return self.page(request, get_object_or_404(Donor.objects.visible_to(request.user), pk=pk))

    def post(self, request, pk):
        donor = get_object_or_404(Donor.objects.visible_to(request.user), pk=pk)
        form = DonationForm(request.POST)
        if form.is_valid():
            try:
                services.donation_create(by=request.user, donor=donor, **form.cleaned_data)
            except ValidationError as exc:
                _fail(request, exc, form)
            else:
                messages.success(request, _("The gift has been recorded."))
                return redirect(donor)
        return self.page(request, donor, form, status=400)


class DonationItemActionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        item = get_object_or_404(
            DonationItem.objects.filter(donation__in=Donation.objects.visible_to(request.user)), pk=pk
        )
        try:
            if action == "keep":
                services.donation_item_keep(item=item, by=request.user, barcode=request.POST.get("barcode", ""))
            elif action == "route":
                form = RouteForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Choose the school to route it to."))
                services.donation_item_route(item=item, by=request.user, to_library=form.cleaned_data["to_library"])
            elif action == "decline":
                services.donation_item_decline(item=item, by=request.user)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            _fail(request, exc)
        return redirect(item.donation.donor)


class DonorLetterView(LoginRequiredMixin, View):
    """The letter of thanks as PDF, in Indonesian (default) or English (?lang=en)."""

    def get(self, request, pk):
        donor = get_object_or_404(Donor.objects.visible_to(request.user), pk=pk)
        language = "en" if request.GET.get("lang") == "en" else "id"
        with translation.override(language):
            pdf = document.thank_you_pdf(donor)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="terima-kasih-{donor.pk}-{language}.pdf"'
        return response
