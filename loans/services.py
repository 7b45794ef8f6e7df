"""Interlibrary loan: one function per transition. Each checks who acts for which library, refuses transitions
that make no sense in the current state, records an event, keeps the lender's copy status true, and tells the
people who must act or wait."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from agreements.selectors import ill_terms, information_partner_ids
from catalog.choices import HoldingStatus
from catalog.models import Holding, Record
from consortium import policy
from consortium.models import ConsortiumSettings, Library

from . import notices, selectors, transitions
from .choices import FINAL, HOLDS_COPY, OUT_WITH_BORROWER, Service, State
from .models import IllEvent, IllRequest, Notification

ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


# --- helpers ------------------------------------------------------------------------------------------


def _lock(request: IllRequest) -> IllRequest:
    return IllRequest.objects.select_for_update().get(pk=request.pk)


def _require(request: IllRequest, action: str, by) -> str:
    """Who may take `action` from which state: loans/transitions.py (raises PermissionDenied/ValidationError)."""
    return transitions.require(request, action, by)


def _event(request: IllRequest, action: str, from_state: str, by, note: str = "", library_id: int | None = None):
    IllEvent.objects.create(
        request=request,
        action=action,
        from_state=from_state,
        to_state=request.state,
        actor=policy.person(by),
        actor_label=str(by)[:200],
        library_id=library_id,
        note=note,
    )


def _librarians(library_id: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(memberships__library_id=library_id, memberships__role="librarian")


def _notify(users, request: IllRequest, kind: str, template: str, **found) -> None:
    """In-app notice plus e-mail, after the transaction commits (no mail for a rolled-back change). `template`:
    the message's English text (gettext_noop), `found` its values: each reader reads it in their own language."""
    recipients = [user for user in users if user is not None]
    params = notices.values(**found)
    fields = {"template": template, "params": params, "message": notices.render(template, params)}
    for user in recipients:
        if kind in ("overdue", "due_soon"):
            Notification.objects.get_or_create(user=user, request=request, kind=kind, defaults=fields)
        else:
            Notification.objects.create(user=user, request=request, kind=kind, **fields)
    emails = [user.email for user in recipients if user.email]
    if emails:
        # The e-mail names no reader and quotes nobody: a mailbox keeps what it gets beyond our retention
        # period, so the details stay on the request page (and in the in-app notice, removed on anonymising).
        subject = _("Silang: news on interlibrary-loan request #%(n)s") % {"n": request.pk}
        body = _("There is news on interlibrary-loan request #%(n)s. Sign in to Silang to see it: %(path)s") % {
            "n": request.pk,
            "path": request.get_absolute_url(),
        }
        transaction.on_commit(lambda: send_mail(subject, body, None, emails, fail_silently=True))


def _release_copy(request: IllRequest) -> None:
    if request.holding_id:
        Holding.objects.filter(
            pk=request.holding_id, status__in=[HoldingStatus.LENT_OUT, HoldingStatus.IN_TRANSIT]
        ).update(status=HoldingStatus.AVAILABLE, due_on=None, updated_at=timezone.now())


# --- creating and routing -----------------------------------------------------------------------------


def lending_list(*, record: Record, requester: Library, today: date | None = None) -> list[int]:
    """The rota: schools holding an available, lendable copy, fairest first.

    Fairness: schools that lent less relative to what they borrowed come first; then schools in the same city;
    then the one asked longest ago, so the same school is not always first.
    """
    today = today or timezone.localdate()
    holders = (
        Holding.objects.filter(
            record=record, status=HoldingStatus.AVAILABLE, ill_allowed=True, library__status="active"
        )
        .exclude(library=requester)
        .values_list("library_id", flat=True)
        .distinct()
    )
    candidates = [
        lib
        for lib in Library.objects.filter(pk__in=holders)
        if ill_terms(lender=lib, borrower=requester, on=today) is not None
    ]
    if not candidates:
        return []
    ids = [lib.pk for lib in candidates]
    lent = dict(
        IllRequest.objects.filter(lender_id__in=ids, shipped_at__isnull=False)
        .values("lender_id")
        .annotate(n=Count("id"))
        .values_list("lender_id", "n")
    )
    borrowed = dict(
        IllRequest.objects.filter(requester_id__in=ids, shipped_at__isnull=False)
        .values("requester_id")
        .annotate(n=Count("id"))
        .values_list("requester_id", "n")
    )
    last_asked = dict(
        IllEvent.objects.filter(action="send", library_id__in=ids)
        .values("library_id")
        .annotate(last=Max("at"))
        .values_list("library_id", "last")
    )
    epoch = timezone.make_aware(datetime(2000, 1, 1))

    def order(lib: Library):
        ratio = (lent.get(lib.pk, 0) + 1) / (borrowed.get(lib.pk, 0) + 1)
        return (round(ratio, 3), lib.city != requester.city, last_asked.get(lib.pk, epoch), lib.pk)

    return [lib.pk for lib in sorted(candidates, key=order)]


@transaction.atomic
def ill_request_create(
    *,
    by,
    service: str = Service.LOAN,
    record: Record | None = None,
    reader=None,
    needed_by: date | None = None,
    notes: str = "",
    pages: str = "",
    question: str = "",
    requester: Library | None = None,
) -> IllRequest:
    """A student (or a teacher) asks through her school; a librarian asks for a reader of her own school (or for
    the library)."""
    today = timezone.localdate()
    through_school = policy.is_student(by) or policy.is_teacher(by)
    if through_school:
        requester = Library.objects.get(pk=policy.school_id_of(by))
        policy.ensure(policy.library_acts(requester), str(policy.SUSPENDED_MESSAGE))
        reader = by
    else:
        requester = requester or selectors.default_requester(by)
        if requester is None:
            raise ValidationError({"requester": _("Say which library asks.")})
        policy.ensure_can_write_for(by, requester)
        if reader is not None and policy.school_id_of(reader) != requester.pk:
            raise ValidationError({"reader": _("The reader must be a student of the requesting school.")})
    if needed_by is not None and needed_by < today:
        raise ValidationError({"needed_by": _("The needed-by date is in the past.")})
    if service == Service.REFERENCE:
        if not question.strip():
            raise ValidationError({"question": _("Write the question.")})
    else:
        if record is None:
            raise ValidationError({"record": _("Choose the title you need.")})
        if service == Service.COPY and not pages.strip():
            raise ValidationError({"pages": _("Say which pages or chapter you need.")})
        others = Holding.objects.filter(record=record).exclude(library=requester).exclude(status="withdrawn")
        if not others.exists():
            raise ValidationError({"record": _("No other member school holds this title.")})
        # The request page shows these two checks as notices before the form (loans.selectors).
        if service == Service.LOAN and selectors.own_shelf_copies(record=record, library=requester).exists():
            raise ValidationError({"record": _("Your own library has a copy on the shelf: borrow it there.")})
    if service == Service.LOAN:
        limit = selectors.reached_loan_limit(reader=reader, library=requester)
        if limit is not None:
            raise ValidationError(_("A student may have at most %(n)s interlibrary loans at a time.") % {"n": limit})
    request = IllRequest(
        service=service,
        record=record,
        requester=requester,
        reader=reader,
        created_by=policy.person(by),
        needed_by=needed_by,
        notes=notes,
        pages=pages,
        question=question,
        state=State.AWAITING_APPROVAL,
    )
    request.full_clean()
    request.save()
    _event(request, "create", "", by, notes, requester.pk)
    if through_school:
        _notify(
            _librarians(requester.pk),
            request,
            "approve",
            gettext_noop("%(reader)s asks for %(what)s: approve or fill it locally."),
            reader=by.get_full_name() or by.username,
            what=request,
        )
    else:
        _route(request, by)
    return request


def _route(request: IllRequest, by, *, start: bool = True) -> IllRequest:
    """Send the request to the next lender on its list, or mark it unfilled when none is left."""
    from_state = request.state
    if request.service == Service.REFERENCE:
        # A question goes to the network: every library that shares an active information-services
        # agreement with the requester may answer (policy.answering_library_id); none left: unfilled.
        partners = information_partner_ids(request.requester_id)
        if partners:
            request.state = State.SENT
            request.sent_at = timezone.now()
            request.save()
            _event(request, "send", from_state, by, library_id=None)
            for library_id in sorted(partners):
                _notify(
                    _librarians(library_id),
                    request,
                    "question",
                    gettext_noop("New question from %(library)s: %(what)s"),
                    library=request.requester.name,
                    what=request,
                )
            return request
        request.unfilled_reason = _("No member library shares an information-services agreement with yours.")
        request.rota, request.rota_position = [], 0
    elif start:
        request.rota = lending_list(record=request.record, requester=request.requester)
        request.rota_position = 0
    while request.rota_position < len(request.rota):
        lender_id = request.rota[request.rota_position]
        terms = ill_terms(lender=Library(pk=lender_id), borrower=request.requester)
        if terms is not None:
            answer_days = ConsortiumSettings.load().lender_answer_days
            request.lender_id = lender_id
            request.state = State.SENT
            request.sent_at = request.sent_at or timezone.now()
            request.lender_deadline = timezone.now() + timedelta(days=answer_days)
            request.loan_days = terms.loan_days
            request.agreement_ref = getattr(terms.agreement, "pk", None)
            request.save()
            _event(request, "send", from_state, by, library_id=lender_id)
            _notify(
                _librarians(lender_id),
                request,
                "incoming",
                gettext_noop("New interlibrary-loan request from %(library)s: %(what)s"),
                library=request.requester.name,
                what=request,
            )
            return request
        request.rota_position += 1
    request.state = State.UNFILLED
    request.lender = None
    request.unfilled_reason = request.unfilled_reason or _("No member library with an available copy could lend it.")
    request.save()
    _event(request, "unfilled", from_state, by, request.unfilled_reason)
    _notify(
        _librarians(request.requester_id),
        request,
        "unfilled",
        gettext_noop("Request %(what)s could not be filled: %(reason)s"),
        what=request,
        reason=request.unfilled_reason,
    )
    return request


def _pass_over(request: IllRequest, by, note: str) -> IllRequest:
    request.rota_position += 1
    request.lender = None
    request.holding = None
    request.unfilled_reason = ""
    return _route(request, by, start=False)


@transaction.atomic
def ill_request_approve(*, request: IllRequest, by, note: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "approve", by)
    _event(request, "approve", request.state, by, note, request.requester_id)
    return _route(request, by)


@transaction.atomic
def ill_request_fill_locally(*, request: IllRequest, by, note: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "fill_locally", by)
    from_state, request.state = request.state, State.CANCELLED
    request.save()
    _event(request, "fill_locally", from_state, by, note or _("Filled from our own collection."), request.requester_id)
    _notify(
        [request.reader],
        request,
        "filled_locally",
        gettext_noop("Your request %(what)s is ready at your own library."),
        what=request,
    )
    return request


@transaction.atomic
def ill_request_choose_lender(*, request: IllRequest, lender: Library, by) -> IllRequest:
    """The requesting librarian picks the lender by hand (it goes first on the list)."""
    request = _lock(request)
    _require(request, "choose_lender", by)
    if lender.pk == request.requester_id:
        raise ValidationError(_("A library cannot lend to itself."))
    if ill_terms(lender=lender, borrower=request.requester) is None:
        raise ValidationError(_("No active agreement lets %(library)s lend to you.") % {"library": lender.name})
    rest = [pk for pk in lending_list(record=request.record, requester=request.requester) if pk != lender.pk]
    request.rota = [lender.pk, *rest]
    request.rota_position = 0
    return _route(request, by, start=False)


# --- the lender's answers -------------------------------------------------------------------------------


@transaction.atomic
def ill_request_will_supply(*, request: IllRequest, by, holding: Holding | None = None, note: str = "") -> IllRequest:
    """The lender promises a copy. Row locks on the copies make two promises of one copy impossible."""
    request = _lock(request)
    _require(request, "will_supply", by)
    if request.service == Service.LOAN:
        copies = Holding.objects.select_for_update().filter(
            library_id=request.lender_id, record_id=request.record_id, status=HoldingStatus.AVAILABLE, ill_allowed=True
        )
        if holding is not None:
            copies = copies.filter(pk=holding.pk)
        promised = IllRequest.objects.filter(state__in=HOLDS_COPY).values("holding_id")
        copy = copies.exclude(pk__in=promised).order_by("pk").first()
        if copy is None:
            raise ValidationError(_("No available copy is left to promise."))
        request.holding = copy
    from_state, request.state = request.state, State.WILL_SUPPLY
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise ValidationError(_("This copy is already promised to another request.")) from exc
    _event(request, "will_supply", from_state, by, note, request.lender_id)
    _notify(
        _librarians(request.requester_id),
        request,
        "will_supply",
        gettext_noop("%(library)s will supply %(what)s."),
        library=request.lender.name,
        what=request,
    )
    return request


@transaction.atomic
def ill_request_set_condition(*, request: IllRequest, by, condition: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "set_condition", by)
    if not condition.strip():
        raise ValidationError({"condition": _("Write the condition.")})
    from_state, request.state, request.condition = request.state, State.CONDITIONAL, condition
    request.save()
    _event(request, "conditional", from_state, by, condition, request.lender_id)
    _notify(
        _librarians(request.requester_id),
        request,
        "conditional",
        gettext_noop("%(library)s sets a condition: %(condition)s"),
        library=request.lender.name,
        condition=condition,
    )
    return request


@transaction.atomic
def ill_request_answer_condition(*, request: IllRequest, by, accept: bool, note: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "accept_condition" if accept else "refuse_condition", by)
    if accept:
        request.state = State.SENT
        request.save()
        _event(request, "accept_condition", State.CONDITIONAL, by, note, request.requester_id)
        # Back with the lender, who still promises a copy (will supply).
        _notify(
            _librarians(request.lender_id),
            request,
            "condition_accepted",
            gettext_noop("%(library)s accepts your condition."),
            library=request.requester.name,
        )
        return request
    _event(request, "refuse_condition", State.CONDITIONAL, by, note, request.requester_id)
    return _pass_over(request, by, note)


@transaction.atomic
def ill_request_decline(*, request: IllRequest, by, reason: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "decline", by)
    declined_by = request.lender_id
    request.state = State.SENT
    _event(request, "decline", State.SENT, by, reason, declined_by)
    return _pass_over(request, by, reason)


@transaction.atomic
def ill_request_pass_over_silent(*, now=None) -> int:
    """Requests a lender has not answered within the consortium's answer time go to the next lender."""
    now = now or timezone.now()
    count = 0
    for request in IllRequest.objects.select_for_update(skip_locked=True).filter(
        state=State.SENT, lender__isnull=False, lender_deadline__lt=now
    ):
        _event(request, "timeout", request.state, None, _("No answer in time."), request.lender_id)
        _pass_over(request, None, "timeout")
        count += 1
    return count


@transaction.atomic
def ill_request_ship(*, request: IllRequest, by, due_on: date | None = None, note: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "ship", by)
    today = timezone.localdate()
    due_on = due_on or today + timedelta(days=request.loan_days or ConsortiumSettings.load().default_loan_days)
    if due_on <= today:
        raise ValidationError({"due_on": _("The due date must be after today.")})
    copy = Holding.objects.select_for_update().get(pk=request.holding_id)
    copy.status = HoldingStatus.LENT_OUT
    copy.due_on = due_on
    copy.version += 1
    copy.save(update_fields=["status", "due_on", "version", "updated_at"])
    from_state = request.state
    request.state, request.due_on, request.shipped_at = State.SHIPPED, due_on, timezone.now()
    request.save()
    _event(request, "ship", from_state, by, note, request.lender_id)
    _notify(
        _librarians(request.requester_id),
        request,
        "shipped",
        gettext_noop("%(library)s shipped %(what)s, due %(due)s."),
        library=request.lender.name,
        what=request,
        due=due_on,
    )
    return request


# Desk sections whose requests can be ticked and moved on together (loans/templates/loans/desk.html).
BULK_ACTIONS = ("ship", "receive", "check_in")


def ill_requests_bulk(*, action: str, requests: Iterable[IllRequest], by, data: dict | None = None) -> list[tuple]:
    """Take `action` on each request through its own service call, hence its own transaction and row lock.

    Not atomic on purpose: a request changed meanwhile at the other desk, or not `by`'s to act on, is reported
    as (request, message) and the others still go through. A request that went through has message None.
    """
    if action not in BULK_ACTIONS:
        raise ValueError(action)
    outcome = []
    for request in requests:
        try:
            transitions.run(action, request=request, by=by, data=data or {})
        except ValidationError as exc:
            outcome.append((request, " ".join(exc.messages)))
        except PermissionDenied as exc:
            outcome.append((request, str(exc)))
        else:
            outcome.append((request, None))
    return outcome


# --- the requesting library ------------------------------------------------------------------------------


def _requester_step(request, by, *, to_state, action, note="", reader_message=None, **fields):
    request = _lock(request)
    _require(request, action, by)
    from_state = request.state
    request.state = to_state
    for name, value in fields.items():
        setattr(request, name, value)
    request.save()
    _event(request, action, from_state, by, note, request.requester_id)
    if reader_message:
        _notify([request.reader], request, action, reader_message, what=request)
    return request


@transaction.atomic
def ill_request_receive(*, request: IllRequest, by, note: str = "") -> IllRequest:
    return _requester_step(
        request,
        by,
        to_state=State.RECEIVED,
        action="receive",
        note=note,
        received_at=timezone.now(),
        reader_message=gettext_noop("%(what)s is ready for pick-up at your school library."),
    )


@transaction.atomic
def ill_request_hand_out(*, request: IllRequest, by, note: str = "") -> IllRequest:
    return _requester_step(request, by, to_state=State.ON_LOAN, action="hand_out", note=note)


@transaction.atomic
def ill_request_reader_return(*, request: IllRequest, by, note: str = "") -> IllRequest:
    return _requester_step(
        request,
        by,
        to_state=State.RETURNED_BY_READER,
        action="reader_return",
        note=note,
    )


@transaction.atomic
def ill_request_ship_back(*, request: IllRequest, by, note: str = "") -> IllRequest:
    request = _requester_step(
        request,
        by,
        to_state=State.SHIPPED_BACK,
        action="ship_back",
        note=note,
    )
    _notify(
        _librarians(request.lender_id),
        request,
        "shipped_back",
        gettext_noop("%(library)s shipped %(what)s back."),
        library=request.requester.name,
        what=request,
    )
    return request


@transaction.atomic
def ill_request_check_in(*, request: IllRequest, by, note: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "check_in", by)
    _release_copy(request)
    from_state = request.state
    request.state, request.completed_at, request.is_overdue, request.renewal_requested = (
        State.COMPLETED,
        timezone.now(),
        False,
        False,
    )
    request.save()
    _event(request, "check_in", from_state, by, note, request.lender_id)
    return request


@transaction.atomic
def ill_request_cancel(*, request: IllRequest, by, note: str = "") -> IllRequest:
    """The reader or her library withdraws the request before the copy is on its way."""
    request = _lock(request)
    _require(request, "cancel", by)
    from_state, request.state = request.state, State.CANCELLED
    request.save()
    _event(request, "cancel", from_state, by, note, request.requester_id)
    if request.lender_id:
        _notify(
            _librarians(request.lender_id),
            request,
            "cancelled",
            gettext_noop("Request %(what)s was cancelled."),
            what=request,
        )
    return request


@transaction.atomic
def ill_request_mark_lost(*, request: IllRequest, by, damaged: bool = False, note: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "mark_damaged" if damaged else "mark_lost", by)
    if request.holding_id:
        Holding.objects.filter(pk=request.holding_id).update(
            status=HoldingStatus.MISSING, due_on=None, updated_at=timezone.now()
        )
    from_state = request.state
    request.state = State.DAMAGED if damaged else State.LOST
    request.completed_at = timezone.now()
    request.save()
    _event(request, "damaged" if damaged else "lost", from_state, by, note, request.lender_id)
    return request


# --- due dates, renewals, recalls ---------------------------------------------------------------------------


@transaction.atomic
def ill_request_ask_renewal(*, request: IllRequest, by, note: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "ask_renewal", by)
    request.renewal_requested = True
    request.save()
    _event(request, "ask_renewal", request.state, by, note, request.requester_id)
    _notify(
        _librarians(request.lender_id),
        request,
        "renewal",
        gettext_noop("%(library)s asks to renew %(what)s."),
        library=request.requester.name,
        what=request,
    )
    return request


@transaction.atomic
def ill_request_answer_renewal(*, request: IllRequest, by, grant: bool, note: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "grant_renewal" if grant else "refuse_renewal", by)
    request.renewal_requested = False
    if grant:
        days = request.loan_days or ConsortiumSettings.load().default_loan_days
        request.due_on = max(request.due_on or timezone.localdate(), timezone.localdate()) + timedelta(days=days)
        request.renewals += 1
        request.is_overdue = False
        Holding.objects.filter(pk=request.holding_id).update(due_on=request.due_on, updated_at=timezone.now())
    request.save()
    _event(request, "renew" if grant else "refuse_renewal", request.state, by, note, request.lender_id)
    return request


@transaction.atomic
def ill_request_recall(*, request: IllRequest, by, note: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "recall", by)
    request.recalled_at = timezone.now()
    request.renewal_requested = False
    request.due_on = min(request.due_on or timezone.localdate(), timezone.localdate() + timedelta(days=3))
    request.save()
    _event(request, "recall", request.state, by, note, request.lender_id)
    _notify(
        [*_librarians(request.requester_id), request.reader],
        request,
        "recall",
        gettext_noop("%(library)s recalls %(what)s: please return it by %(due)s."),
        library=request.lender.name,
        what=request,
        due=request.due_on,
    )
    return request


def mark_overdue(*, today: date | None = None) -> int:
    """Daily: flag copies past their due date and tell the reader and both libraries once. Safe to run twice."""
    today = today or timezone.localdate()
    changed = 0
    late = IllRequest.objects.filter(state__in=OUT_WITH_BORROWER, due_on__lt=today, is_overdue=False)
    for request in late.select_related("requester", "lender"):
        with transaction.atomic():
            IllRequest.objects.filter(pk=request.pk).update(is_overdue=True)
            _notify(
                [request.reader, *_librarians(request.requester_id), *_librarians(request.lender_id)],
                request,
                "overdue",
                gettext_noop("%(what)s was due on %(due)s."),
                what=request,
                due=request.due_on,
            )
            changed += 1
    soon = IllRequest.objects.filter(state=State.ON_LOAN, due_on=today + timedelta(days=2))
    for request in soon:
        _notify(
            [request.reader],
            request,
            "due_soon",
            gettext_noop("%(what)s is due on %(due)s."),
            what=request,
            due=request.due_on,
        )
    return changed


# --- copies and questions -------------------------------------------------------------------------------------


def _check_attachment(upload) -> None:
    if upload is None:
        raise ValidationError({"attachment": _("Attach the file.")})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"attachment": _("The file is larger than 20 MB.")})
    head = upload.read(8)
    upload.seek(0)
    kind = (
        "application/pdf"
        if head.startswith(b"%PDF")
        else "image/png"
        if head.startswith(b"\x89PNG")
        else "image/jpeg"
        if head.startswith(b"\xff\xd8")
        else None
    )
    if kind not in ATTACHMENT_TYPES:
        raise ValidationError({"attachment": _("Only PDF, JPEG or PNG files can be delivered.")})


@transaction.atomic
def ill_request_deliver(*, request: IllRequest, by, attachment=None, answer: str = "", note: str = "") -> IllRequest:
    """Deliver a copy (a PDF or image of the pages) or the answer to a question."""
    request = _lock(request)
    _require(request, "deliver", by)
    if request.service == Service.REFERENCE:
        if not answer.strip():
            raise ValidationError({"answer": _("Write the answer.")})
        request.lender_id = policy.answering_library_id(by, request)
        request.answer = answer
        from_state, request.state = request.state, State.ANSWERED
    else:
        _check_attachment(attachment)
        request.attachment.save(attachment.name, attachment, save=False)
        from_state, request.state = request.state, State.DELIVERED
        request.shipped_at = request.received_at = timezone.now()
    request.save()
    _event(request, "deliver", from_state, by, note, request.lender_id)
    _notify(
        [request.reader, *_librarians(request.requester_id)],
        request,
        "delivered",
        gettext_noop("%(what)s has been delivered."),
        what=request,
    )
    return request


@transaction.atomic
def ill_request_complete(*, request: IllRequest, by, note: str = "") -> IllRequest:
    request = _lock(request)
    _require(request, "complete", by)
    from_state, request.state, request.completed_at = request.state, State.COMPLETED, timezone.now()
    request.save()
    _event(request, "complete", from_state, by, note, request.requester_id)
    return request


def _reader_traces(request: IllRequest) -> list[str]:
    """What would identify the reader in text: her names and username, and her own words on the request."""
    traces = [request.notes.strip(), request.question.strip()]
    reader = request.reader
    if reader is not None:
        traces += [reader.get_full_name().strip(), reader.first_name.strip(), reader.last_name.strip(), reader.username]
    return sorted({t for t in traces if len(t) >= 3}, key=len, reverse=True)


def _scrub(text: str, traces: list[str]) -> str:
    for trace in traces:
        text = text.replace(trace, "(…)")
    return text


def anonymise_request(request: IllRequest) -> None:
    """Remove every copy of the reader's identity and words from one finished request: the link to her, her
    notes and question, the events she made or that quote her, every notification about the request (in-app
    messages quote her name and words) and the delivered file (made for her; its name may carry her name)."""
    request = IllRequest.objects.select_for_update(of=("self",)).select_related("reader").get(pk=request.pk)
    traces = _reader_traces(request)
    reader_id = request.reader_id
    # The history keeps its shape (who acted for which library, when, from which state to which) but no free
    # text: notes and messages may quote the reader in ways no search for her name would find.
    for event in IllEvent.objects.filter(request=request):
        if reader_id is not None and event.actor_id == reader_id:
            event.actor, event.actor_label = None, "(reader)"
        event.note = ""
        event.actor_label = _scrub(event.actor_label, traces)
        event.save(update_fields=["actor", "actor_label", "note"])
    Notification.objects.filter(request=request).delete()
    if request.attachment:
        storage, file_name = request.attachment.storage, request.attachment.name
        transaction.on_commit(lambda: storage.delete(file_name))
    fields = {"reader": None, "reader_anonymised": True, "notes": "", "attachment": ""}
    if reader_id is not None or request.created_by_id is None:
        fields["question"] = ""
    if reader_id is not None and request.created_by_id == reader_id:
        fields["created_by"] = None
    if reader_id is not None:
        fields["answer"] = fields["condition"] = ""  # written for her, may quote her
    for field in ("unfilled_reason", "pages"):
        fields[field] = _scrub(getattr(request, field), traces)
    IllRequest.objects.filter(pk=request.pk).update(**fields)


def anonymise_requests(*, today: date | None = None) -> int:
    """Remove the reader from requests finished longer ago than the retention period; statistics stay."""
    now = timezone.now() if today is None else timezone.make_aware(datetime.combine(today, datetime.min.time()))
    cutoff = now - timedelta(days=ConsortiumSettings.load().retention_days)
    done = IllRequest.objects.filter(state__in=FINAL, reader_anonymised=False).filter(
        Q(completed_at__lt=cutoff) | Q(completed_at__isnull=True, updated_at__lt=cutoff)
    )
    count = 0
    for request in done:
        with transaction.atomic():
            anonymise_request(request)
            count += 1
    return count


@transaction.atomic
def ill_request_message(*, request: IllRequest, by, note: str = "") -> IllRequest:
    """A note between the two libraries' librarians; the state does not change."""
    request = _lock(request)
    side = _require(request, "message", by)
    if not note.strip():
        raise ValidationError({"note": _("Write the message.")})
    sides = {request.requester_id, request.lender_id}
    library_id = request.requester_id if side == "requester" else request.lender_id
    _event(request, "message", request.state, by, note, library_id)
    for other in sides - {library_id}:
        _notify(
            _librarians(other),
            request,
            "message",
            gettext_noop("Message on %(what)s: %(note)s"),
            what=request,
            note=note,
        )
    return request


@transaction.atomic
def ill_request_suggest_purchase(*, request: IllRequest, by, note: str = "") -> IllRequest:
    """No school could lend it: the requesting librarian puts the title on the list of purchase suggestions."""
    request = _lock(request)
    _require(request, "suggest_purchase", by)
    request.suggest_purchase = True
    request.save()
    _event(request, "suggest_purchase", request.state, by, note, request.requester_id)
    return request
