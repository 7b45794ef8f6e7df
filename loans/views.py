import csv

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from agreements.models import Agreement
from catalog.models import Record
from consortium import policy
from consortium.models import Library

from . import services, statistics
from .choices import FINAL, OUT_WITH_BORROWER, State
from .forms import RequestForm, TransitionForm
from .models import IllRequest, Notification

# Transition name -> (service function, keyword arguments taken from the form)
TRANSITIONS = {
    "approve": (services.ill_request_approve, ["note"]),
    "fill_locally": (services.ill_request_fill_locally, ["note"]),
    "will_supply": (services.ill_request_will_supply, ["note"]),
    "set_condition": (services.ill_request_set_condition, ["condition"]),
    "accept_condition": (lambda **kw: services.ill_request_answer_condition(accept=True, **kw), ["note"]),
    "refuse_condition": (lambda **kw: services.ill_request_answer_condition(accept=False, **kw), ["note"]),
    "decline": (services.ill_request_decline, ["reason"]),
    "ship": (services.ill_request_ship, ["due_on", "note"]),
    "receive": (services.ill_request_receive, ["note"]),
    "hand_out": (services.ill_request_hand_out, ["note"]),
    "reader_return": (services.ill_request_reader_return, ["note"]),
    "ship_back": (services.ill_request_ship_back, ["note"]),
    "check_in": (services.ill_request_check_in, ["note"]),
    "cancel": (services.ill_request_cancel, ["note"]),
    "ask_renewal": (services.ill_request_ask_renewal, ["note"]),
    "grant_renewal": (lambda **kw: services.ill_request_answer_renewal(grant=True, **kw), ["note"]),
    "refuse_renewal": (lambda **kw: services.ill_request_answer_renewal(grant=False, **kw), ["note"]),
    "recall": (services.ill_request_recall, ["note"]),
    "deliver": (services.ill_request_deliver, ["attachment", "answer", "note"]),
    "complete": (services.ill_request_complete, ["note"]),
    "mark_lost": (services.ill_request_mark_lost, ["note"]),
    "mark_damaged": (lambda **kw: services.ill_request_mark_lost(damaged=True, **kw), ["note"]),
    "message": (services.ill_request_message, ["note"]),
    "suggest_purchase": (services.ill_request_suggest_purchase, ["note"]),
}


def available_actions(request: IllRequest, user) -> list[str]:
    """The buttons to show: what this person may do next (the services still check everything)."""
    as_requester = policy.is_librarian_of(user, request.requester_id)
    as_lender = request.lender_id is not None and policy.is_librarian_of(user, request.lender_id)
    is_reader = request.reader_id is not None and request.reader_id == getattr(user, "pk", None)
    state = request.state
    actions = []
    if as_requester:
        actions += {
            State.AWAITING_APPROVAL: ["approve", "fill_locally"],
            State.CONDITIONAL: ["accept_condition", "refuse_condition"],
            State.SHIPPED: ["receive"],
            State.RECEIVED: ["hand_out", "ship_back"],
            State.ON_LOAN: ["reader_return"],
            State.RETURNED_BY_READER: ["ship_back"],
            State.DELIVERED: ["complete"],
            State.ANSWERED: ["complete"],
        }.get(state, [])
        if state in OUT_WITH_BORROWER and not request.renewal_requested and not request.recalled_at:
            actions.append("ask_renewal")
        if state == State.UNFILLED and not request.suggest_purchase:
            actions.append("suggest_purchase")
    if as_lender:
        actions += {
            State.SENT: ["will_supply", "set_condition", "decline"],
            State.WILL_SUPPLY: ["deliver" if request.service == "copy" else "ship", "decline"],
            State.SHIPPED_BACK: ["check_in"],
        }.get(state, [])
        if state in OUT_WITH_BORROWER:
            actions += (["grant_renewal", "refuse_renewal"] if request.renewal_requested else []) + ["recall"]
            actions += ["mark_lost", "mark_damaged"]
    if (
        request.service == "reference"
        and state == State.SENT
        and policy.staff_library_ids(user)
        and request.requester_id not in policy.staff_library_ids(user)
    ):
        actions.append("deliver")
    if (as_requester or is_reader) and state in (
        State.AWAITING_APPROVAL,
        State.SENT,
        State.CONDITIONAL,
        State.WILL_SUPPLY,
    ):
        actions.append("cancel")
    if is_reader and state in (State.DELIVERED, State.ANSWERED):
        actions.append("complete")
    if (as_requester or as_lender) and request.lender_id:
        actions.append("message")
    return list(dict.fromkeys(actions))


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

    def render_form(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "record": self.record}, status=status)

    def get(self, request):
        service = request.GET.get("service", "loan")
        # A search that found nothing sends its words along as the question (catalog search page).
        question = (request.GET.get("question") or "")[:500]
        return self.render_form(RequestForm(readers=self.readers(), initial={"service": service, "question": question}))

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
                "actions": available_actions(ill, request.user),
                "form": TransitionForm(),
                "events": ill.events.select_related("library"),
                "can_see_reader": policy.is_staff_of(request.user, ill.requester_id)
                or ill.reader_id == request.user.pk,
                "agreement": Agreement.objects.filter(pk=ill.agreement_ref).first() if ill.agreement_ref else None,
            },
        )


class RequestTransitionView(LoginRequiredMixin, View):
    """One POST endpoint for every transition; the service decides whether it is allowed."""

    def post(self, request, pk, action):
        ill = get_object_or_404(IllRequest.objects.visible_to(request.user), pk=pk)
        if action not in TRANSITIONS:
            raise Http404
        function, fields = TRANSITIONS[action]
        form = TransitionForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect(ill)
        kwargs = {name: form.cleaned_data[name] for name in fields if form.cleaned_data.get(name) not in (None, "")}
        if action == "ship" and "due_on" not in kwargs:
            kwargs["due_on"] = None
        try:
            function(request=ill, by=request.user, **kwargs)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Done."))
        return redirect(ill)


class RequestAttachmentView(LoginRequiredMixin, View):
    """The delivered file: only the requesting school's staff and the reader."""

    def get(self, request, pk):
        ill = get_object_or_404(IllRequest.objects.visible_to(request.user), pk=pk)
        allowed = (
            policy.is_staff_of(request.user, ill.requester_id)
            or ill.reader_id == request.user.pk
            or policy.is_staff_of(request.user, ill.lender_id or 0)
        )
        if not ill.attachment or not allowed:
            raise Http404
        return FileResponse(
            ill.attachment.open("rb"), as_attachment=True, filename=ill.attachment.name.rsplit("/", 1)[-1]
        )


class DeskView(LoginRequiredMixin, View):
    """A school's desk: what to do today, overdue lists, transit slips."""

    template_name = "loans/desk.html"

    def get(self, request, code):
        library = get_object_or_404(Library, code=code)
        if not policy.is_staff_of(request.user, library):
            raise PermissionDenied(_("Only this library's staff use its desk."))
        mine = IllRequest.objects.select_related("record", "requester", "lender", "holding", "reader")
        borrowing, lending = mine.filter(requester=library), mine.filter(lender=library)
        todo = [
            (_("Approve students' requests"), borrowing.filter(state=State.AWAITING_APPROVAL)),
            (_("Decide on incoming requests"), lending.filter(state=State.SENT)),
            (_("Answer lenders' conditions"), borrowing.filter(state=State.CONDITIONAL)),
            (_("Ship (or deliver)"), lending.filter(state=State.WILL_SUPPLY)),
            (_("Receive parcels"), borrowing.filter(state=State.SHIPPED)),
            (_("Hand out to readers"), borrowing.filter(state=State.RECEIVED)),
            (_("Ship back to the lender"), borrowing.filter(state=State.RETURNED_BY_READER)),
            (_("Check in returned copies"), lending.filter(state=State.SHIPPED_BACK)),
            (_("Renewals asked"), lending.filter(renewal_requested=True).exclude(state__in=FINAL)),
        ]
        overdue = mine.filter(Q(requester=library) | Q(lender=library), is_overdue=True).exclude(state__in=FINAL)
        return render(
            request,
            self.template_name,
            {"library": library, "todo": todo, "overdue": overdue, "today": timezone.localdate()},
        )


class TransitSlipView(LoginRequiredMixin, View):
    template_name = "loans/transit_slip.html"

    def get(self, request, pk):
        ill = get_object_or_404(
            IllRequest.objects.visible_to(request.user).select_related("record", "requester", "lender", "holding"),
            pk=pk,
        )
        return render(request, self.template_name, {"ill": ill})


class NotificationListView(LoginRequiredMixin, View):
    template_name = "loans/notification_list.html"

    def get(self, request):
        notices = Notification.objects.filter(user=request.user).select_related("request")[:100]
        return render(request, self.template_name, {"notices": notices})

    def post(self, request):
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("loans:notification_list")


class StatisticsView(LoginRequiredMixin, View):
    """Network figures for coordinators, own-school figures for librarians; never a reader's name."""

    template_name = "loans/stats.html"

    def get(self, request):
        if not policy.can_see_ill_statistics(request.user):
            raise PermissionDenied(_("Statistics are for librarians and coordinators."))
        library_ids = None if policy.is_coordinator(request.user) else policy.library_ids_for(request.user)
        figures = statistics.compute(library_ids=library_ids)
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv")
            response["Content-Disposition"] = 'attachment; filename="silang-ill-statistics.csv"'
            writer = csv.writer(response)
            writer.writerow(["month", "library", "requested", "filled", "lent", "borrowed"])
            for row in figures["monthly"]:
                writer.writerow(
                    [row["month"], row["library"], row["requested"], row["filled"], row["lent"], row["borrowed"]]
                )
            return response
        return render(request, self.template_name, {"figures": figures})
