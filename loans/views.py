from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView

from agreements.models import Agreement
from catalog.models import Record
from consortium import csvwriter, policy
from consortium.files import serve_upload
from consortium.models import Library

from . import selectors, services, statistics, transitions
from .barcodes import code128_svg
from .charts import chart_svg
from .choices import FINAL, Service, State
from .forms import RequestForm, StatisticsPeriodForm, TransitionForm
from .models import IllRequest, Notification
from .timeline import request_timeline


class RequestListView(LoginRequiredMixin, ListView):
    """A reader's own requests; a librarian's library's requests, borrowing and lending."""

    template_name = "loans/request_list.html"
    paginate_by = 30

    def get_queryset(self):
        requests = IllRequest.objects.visible_to(self.request.user).select_related("record", "requester", "lender")
        side = self.request.GET.get("side", "")
        mine = policy.library_ids_for(self.request.user)
        if side == "lending":
            requests = requests.filter(lender_id__in=mine)
        elif side == "borrowing":
            requests = requests.filter(requester_id__in=mine)
        if self.request.GET.get("open"):
            requests = requests.exclude(state__in=FINAL)
        return requests

    def get_context_data(self, **kwargs):
        staff = policy.staff_library_ids(self.request.user)
        return super().get_context_data(staff_libraries=Library.objects.filter(pk__in=staff), **kwargs)


class RequestCreateView(LoginRequiredMixin, View):
    template_name = "loans/request_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not policy.can_request_ill(request.user):
            raise PermissionDenied(_("Only students and librarians of member schools can ask."))
        record_id = request.GET.get("record") or request.POST.get("record")
        self.record = get_object_or_404(Record, pk=record_id) if record_id and str(record_id).isdigit() else None
        return super().dispatch(request, *args, **kwargs)

    def readers(self):
        staff = policy.staff_library_ids(self.request.user)
        if not staff:
            return None
        return get_user_model().objects.filter(profile__school_id__in=staff).order_by("first_name")

    def render_form(self, form, status=200, **context):
        context.update(form=form, record=self.record)
        return render(self.request, self.template_name, context, status=status)

    def notices(self, service: str) -> dict:
        """What stops a loan before the form is filled in: a copy on the requester's own shelf, or the student's
        loan limit. ill_request_create refuses the same through the same selectors."""
        requester = selectors.default_requester(self.request.user)
        if service != Service.LOAN or requester is None:
            return {}
        notices = {}
        if self.record is not None:
            copies = list(selectors.own_shelf_copies(record=self.record, library=requester))
            if copies:
                notices.update(own_copies=copies, own_library=requester)
        limit = selectors.reached_loan_limit(reader=self.request.user, library=requester)
        if limit is not None:
            running = selectors.running_loans(reader=self.request.user).select_related("record", "lender")
            notices.update(loan_limit=limit, running_loans=running)
        return notices

    def get(self, request):
        service = request.GET.get("service", Service.LOAN)
        # A search that found nothing sends its words along as the question (catalog search page).
        question = (request.GET.get("question") or "")[:500]
        form = RequestForm(readers=self.readers(), initial={"service": service, "question": question})
        return self.render_form(form, **self.notices(service))

    def post(self, request):
        form = RequestForm(request.POST, readers=self.readers())
        if not form.is_valid():
            return self.render_form(form, status=400)
        data = dict(form.cleaned_data)
        reader_id = data.pop("reader", "") or None
        reader = get_user_model().objects.filter(pk=reader_id).first() if reader_id else None
        try:
            ill = services.ill_request_create(by=request.user, record=self.record, reader=reader, **data)
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
            for field, field_errors in errors.items():
                form.add_error(field if field in form.fields else None, field_errors)
            return self.render_form(form, status=400)
        messages.success(request, _("Request sent."))
        return redirect(ill)


class RequestDetailView(LoginRequiredMixin, View):
    template_name = "loans/request_detail.html"

    def get(self, request, pk):
        ill = get_object_or_404(
            IllRequest.objects.visible_to(request.user).select_related(
                "record", "requester", "lender", "holding", "reader"
            ),
            pk=pk,
        )
        return render(
            request,
            self.template_name,
            {
                "ill": ill,
                "actions": transitions.available_actions(ill, request.user),
                "form": TransitionForm(),
                "timeline": request_timeline(ill, ill.events.select_related("library")),
                "can_see_reader": policy.is_staff_of(request.user, ill.requester_id)
                or ill.reader_id == request.user.pk,
                "agreement": (
                    Agreement.objects.visible_to(request.user).filter(pk=ill.agreement_ref).first()
                    if ill.agreement_ref
                    else None
                ),
            },
        )


class RequestTransitionView(LoginRequiredMixin, View):
    """One POST endpoint for every transition; the service decides whether it is allowed."""

    def post(self, request, pk, action):
        ill = get_object_or_404(IllRequest.objects.visible_to(request.user), pk=pk)
        if action not in transitions.PUBLIC_ACTIONS:
            raise Http404
        form = TransitionForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect(ill)
        try:
            transitions.run(action, request=ill, by=request.user, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Done."))
        return redirect(ill)


class RequestAttachmentView(LoginRequiredMixin, View):
    """The delivered file: for those who see the request (its two libraries and the reader)."""

    def get(self, request, pk):
        ill = get_object_or_404(IllRequest.objects.visible_to(request.user).exclude(attachment=""), pk=pk)
        return serve_upload(request, ill.attachment.name)


def _desk_library(request, code: str) -> Library:
    library = get_object_or_404(Library, code=code)
    if not policy.is_staff_of(request.user, library):
        raise PermissionDenied(_("Only this library's staff use its desk."))
    return library


class DeskView(LoginRequiredMixin, View):
    """A school's desk: what to do today, overdue lists, transit slips."""

    template_name = "loans/desk.html"

    def get(self, request, code):
        library = _desk_library(request, code)
        mine = IllRequest.objects.select_related("record", "requester", "lender", "holding", "reader")
        borrowing, lending = mine.filter(requester=library), mine.filter(lender=library)
        to_ship = lending.filter(state=State.WILL_SUPPLY)
        # (heading, requests, the action that may be applied to several of them at once)
        todo = [
            (_("Approve students' requests"), borrowing.filter(state=State.AWAITING_APPROVAL), None),
            (_("Decide on incoming requests"), lending.filter(state=State.SENT), None),
            (_("Answer lenders' conditions"), borrowing.filter(state=State.CONDITIONAL), None),
            (_("Ship (or deliver)"), to_ship, "ship"),
            (_("Receive parcels"), borrowing.filter(state=State.SHIPPED), "receive"),
            (_("Hand out to readers"), borrowing.filter(state=State.RECEIVED), None),
            (_("Ship back to the lender"), borrowing.filter(state=State.RETURNED_BY_READER), None),
            (_("Check in returned copies"), lending.filter(state=State.SHIPPED_BACK), "check_in"),
            (_("Renewals asked"), lending.filter(renewal_requested=True).exclude(state__in=FINAL), None),
        ]
        sections = []
        for label, items, bulk in todo:
            items = list(items)
            for ill in items:
                # A checkbox only where the table lets the action run (a copy to deliver is not shipped).
                ill.bulk_ok = bulk is not None and transitions.state_error(ill, bulk) is None
            sections.append((label, items, bulk if any(ill.bulk_ok for ill in items) else None))
        overdue = mine.filter(Q(requester=library) | Q(lender=library), is_overdue=True).exclude(state__in=FINAL)
        # The parcels to ship today get their slips printed in one go, one per page.
        slip_ids = list(IllRequest.objects.outgoing(library).values_list("pk", flat=True))
        ship_slips_url = reverse("loans:transit_slip_list") + "?" + urlencode({"id": slip_ids}, doseq=True)
        return render(
            request,
            self.template_name,
            {
                "library": library,
                "todo": sections,
                "overdue": overdue,
                "today": timezone.localdate(),
                "ship_slips": (len(slip_ids), ship_slips_url) if slip_ids else None,
            },
        )


class DeskBulkView(LoginRequiredMixin, View):
    """Ship, receive or check in the requests ticked on the desk; each one is reported if it cannot be."""

    def post(self, request, code, action):
        library = _desk_library(request, code)
        if action not in services.BULK_ACTIONS:
            raise Http404
        desk = redirect("loans:desk", code=library.code)
        ids = list(dict.fromkeys(int(i) for i in request.POST.getlist("id") if i.isdigit()))
        if not ids:
            messages.error(request, _("Tick at least one request."))
            return desk
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return desk
        # Scoped like every request page: one the user cannot see is "not found", never acted on.
        found = IllRequest.objects.visible_to(request.user).select_related("record", "requester", "lender")
        found = {ill.pk: ill for ill in found.filter(pk__in=ids)}
        for pk in ids:
            if pk not in found:
                messages.error(request, _("Request #%(n)s: not found.") % {"n": pk})
        outcome = services.ill_requests_bulk(
            action=action, requests=[found[pk] for pk in ids if pk in found], by=request.user, data=form.cleaned_data
        )
        done = [ill for ill, error in outcome if error is None]
        if done:
            messages.success(
                request,
                ngettext("Done for %(n)d request: %(ids)s.", "Done for %(n)d requests: %(ids)s.", len(done))
                % {"n": len(done), "ids": ", ".join(f"#{ill.pk}" for ill in done)},
            )
        for ill, error in outcome:
            if error is not None:
                messages.error(request, _("Request %(what)s: %(error)s") % {"what": ill, "error": error})
        return desk


class PickListView(LoginRequiredMixin, View):
    """The books to take off the shelves for today's parcels, in shelf order, to print."""

    template_name = "loans/pick_list.html"

    def get(self, request, code):
        library = _desk_library(request, code)
        picks = (
            IllRequest.objects.outgoing(library)
            .select_related("record", "holding", "requester")
            .order_by("holding__shelf_location", "holding__call_number", "holding__barcode", "pk")
        )
        return render(request, self.template_name, {"library": library, "picks": picks, "today": timezone.localdate()})


def _slip(ill: IllRequest) -> dict:
    """What one transit slip shows, with the copy's and the request's barcodes drawn."""
    return {
        "ill": ill,
        "copy_svg": code128_svg(ill.holding.barcode) if ill.holding_id else None,
        "request_svg": code128_svg(ill.slip_code),
    }


SLIP_QUERYSET_RELATED = ("record", "requester", "lender", "holding")


class TransitSlipView(LoginRequiredMixin, View):
    template_name = "loans/transit_slip.html"

    def get(self, request, pk):
        ill = get_object_or_404(
            IllRequest.objects.visible_to(request.user).select_related(*SLIP_QUERYSET_RELATED),
            pk=pk,
        )
        return render(request, self.template_name, {"slips": [_slip(ill)]})


class TransitSlipListView(LoginRequiredMixin, View):
    """Several transit slips, one per printed page: `?id=1&id=2`, among the requests the user sees."""

    template_name = "loans/transit_slip.html"
    MAX_SLIPS = 100

    def get(self, request):
        ids = [int(i) for i in request.GET.getlist("id") if i.isdigit()][: self.MAX_SLIPS]
        requests = (
            IllRequest.objects.visible_to(request.user)
            .filter(pk__in=ids, holding__isnull=False)
            .select_related(*SLIP_QUERYSET_RELATED)
            .order_by("pk")
        )
        slips = [_slip(ill) for ill in requests]
        if not slips:
            raise Http404
        return render(request, self.template_name, {"slips": slips})


class NotificationListView(LoginRequiredMixin, View):
    template_name = "loans/notification_list.html"

    def get(self, request):
        notices = Notification.objects.visible_to(request.user).select_related("request")[:100]
        return render(request, self.template_name, {"notices": notices})

    def post(self, request):
        Notification.objects.visible_to(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("loans:notification_list")


def _statistics_charts(series: dict) -> list[dict]:
    """The three charts of the statistics page; the same figures are in the table below them."""
    rows = series["rows"]
    if not rows:
        return []
    weekly = series["weekly"]
    labels = [date_format(row["start"], "j M" if weekly else "M Y") for row in rows]
    span = {"first": labels[0], "last": labels[-1], "n": len(rows)}
    if weekly:
        specs = [
            ("requests", "bar", _("Requests per week"), None, ""),
            ("fill_rate", "line", _("Fill rate per week"), 100, "%"),
            ("median_days", "line", _("Median days from request to received, per week"), None, ""),
        ]
        desc = _("%(n)s weeks, from the week of %(first)s to the week of %(last)s. The table below has the figures.")
    else:
        specs = [
            ("requests", "bar", _("Requests per month"), None, ""),
            ("fill_rate", "line", _("Fill rate per month"), 100, "%"),
            ("median_days", "line", _("Median days from request to received, per month"), None, ""),
        ]
        desc = _("%(n)s months, from %(first)s to %(last)s. The table below has the figures.")
    return [
        {
            "title": title,
            "svg": chart_svg(
                [(label, row[key]) for label, row in zip(labels, rows, strict=True)],
                chart_id=f"chart-{key.replace('_', '-')}",
                title=title,
                desc=desc % span,
                kind=kind,
                top=top,
                unit=unit,
            ),
        }
        for key, kind, title, top, unit in specs
    ]


class StatisticsView(LoginRequiredMixin, View):
    """Network figures for coordinators, own-school figures for librarians; never a reader's name."""

    template_name = "loans/stats.html"

    def get(self, request):
        if not policy.can_see_ill_statistics(request.user):
            raise PermissionDenied(_("Statistics are for librarians and coordinators."))
        library_ids = None if policy.is_coordinator(request.user) else policy.library_ids_for(request.user)
        period = StatisticsPeriodForm(request.GET or None)
        start, end = period.bounds(timezone.localdate()) if period.is_valid() else (None, None)
        figures = statistics.compute(library_ids=library_ids, start=start, end=end)
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv")
            response["Content-Disposition"] = 'attachment; filename="silang-ill-statistics.csv"'
            writer = csvwriter.writer(response)
            writer.writerow(["month", "library", "requested", "filled", "lent", "borrowed"])
            for row in figures["monthly"]:
                writer.writerow(
                    [row["month"], row["library"], row["requested"], row["filled"], row["lent"], row["borrowed"]]
                )
            return response
        status = 400 if period.is_bound and not period.is_valid() else 200
        series = statistics.over_time(library_ids=library_ids, start=start, end=end)
        context = {
            "figures": figures,
            "period": period,
            "start": start,
            "end": end,
            "series": series,
            "charts": _statistics_charts(series),
        }
        return render(request, self.template_name, context, status=status)
