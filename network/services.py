"""Every write of the network app: shared facilities and bookings, events, guidelines, expertise and questions,
reading lists, subscriptions and school partners. Each service asks consortium.policy who may act, validates,
writes in one transaction and tells the people concerned (after commit)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.models import Record
from consortium import policy
from consortium.models import Library
from loans.choices import FINAL
from loans.models import IllRequest
from loans.services import ill_request_create

from .choices import HOLDS_SLOT, BookingStatus
from .models import (
    Answer,
    Booking,
    Event,
    ExpertiseEntry,
    Facility,
    Guideline,
    GuidelineVersion,
    Partner,
    Question,
    ReadingList,
    ReadingListItem,
    Registration,
    Subscription,
    TaskAssignment,
)
from .notify import librarians_of, notify
from .selectors import facilities_agreement, facilities_agreement_ending

EXCLUSION_VIOLATION = "23P01"


def _sqlstate(exc: IntegrityError) -> str | None:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user is not None and getattr(user, "pk", None) else str(user)


# --- shared facilities ----------------------------------------------------------------------------------------


@transaction.atomic
def facility_save(*, by, library: Library, facility: Facility | None = None, **fields) -> Facility:
    """List a facility (or change one) for `library`; only its librarians or a coordinator."""
    if not policy.can_offer_facility(by, library):
        raise PermissionDenied(_("Only this school's librarians may offer its facilities."))
    facility = facility or Facility(library=library)
    if facility.pk and facility.library_id != library.pk:
        raise PermissionDenied(_("This facility belongs to another school."))
    for name, value in fields.items():
        setattr(facility, name, value)
    agreement = fields.get("agreement")
    if agreement is not None and not agreement.parties.filter(library=library).exists():
        raise ValidationError({"agreement": _("Your school is not a party of this agreement.")})
    facility.full_clean()
    facility.save()
    return facility


def _check_slot(facility: Facility, start: datetime, end: datetime, now: datetime) -> None:
    """Opening days and hours of the facility, the longest booking, no past slots."""
    if end <= start:
        raise ValidationError({"ends_at": _("The booking must end after it starts.")})
    if start < now:
        raise ValidationError({"starts_at": _("This time has already passed.")})
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() != end.date():
        raise ValidationError({"ends_at": _("A booking starts and ends on the same day.")})
    if start.weekday() not in facility.open_days:
        raise ValidationError({"starts_at": _("The facility is closed on that day.")})
    if start.time() < facility.opens_at or end.time() > facility.closes_at:
        raise ValidationError(
            {
                "starts_at": _("Outside the opening hours (%(opens)s–%(closes)s).")
                % {"opens": facility.opens_at.strftime("%H:%M"), "closes": facility.closes_at.strftime("%H:%M")}
            }
        )
    if facility.max_hours and (end - start) > timedelta(hours=facility.max_hours):
        raise ValidationError({"ends_at": _("A booking may last at most %(n)s hours.") % {"n": facility.max_hours}})


BOOKING_TAKEN = "This time is already booked."


@transaction.atomic
def booking_create(
    *,
    facility: Facility,
    library: Library,
    by,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str,
    people: int | None = None,
) -> Booking:
    """Book a slot of `facility` (or one seat of a licence) for `library`; waits for the owner's approval.

    Two requests for the same slot at the same instant: the exclusion constraint lets exactly one insert; the
    other waits for its commit and then fails, and gets the next free seat or the "already booked" message."""
    if not policy.can_book_for(by, library):
        raise PermissionDenied(_("Only your own school's librarians may book for it."))
    if not facility.is_active or facility.library.status != "active":
        raise ValidationError(_("This facility is not offered at the moment."))
    if not (purpose or "").strip():
        raise ValidationError({"purpose": _("Say what the booking is for.")})
    _check_slot(facility, starts_at, ends_at, timezone.now())
    agreement = None
    if library.pk != facility.library_id:
        first_day, last_day = timezone.localtime(starts_at).date(), timezone.localtime(ends_at).date()
        agreement = facilities_agreement(facility=facility, library=library, first_day=first_day, last_day=last_day)
        if agreement is None:
            ending = facilities_agreement_ending(facility=facility, library=library, on=last_day)
            if ending is not None:
                raise ValidationError(
                    {
                        "starts_at": _("The agreement %(number)s that covers this facility ends on %(date)s.")
                        % {"number": ending.number, "date": ending.end_on.strftime("%d-%m-%Y")}
                    }
                )
            raise ValidationError(_("No active agreement lets your school use this facility."))
    period = DateTimeTZRange(starts_at, ends_at, "[)")
    taken = set(
        Booking.objects.filter(facility=facility, status__in=HOLDS_SLOT, period__overlap=period).values_list(
            "seat", flat=True
        )
    )
    for seat in range(1, facility.seats + 1):
        if seat in taken:
            continue
        booking = Booking(
            facility=facility,
            library=library,
            booked_by=policy.person(by),
            seat=seat,
            period=period,
            purpose=purpose.strip(),
            people=people,
            agreement=agreement,
        )
        # The constraint is checked by the database below, where a concurrent booking is visible.
        booking.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as exc:
            if _sqlstate(exc) != EXCLUSION_VIOLATION:
                raise
            continue  # someone took this seat meanwhile: try the next one
        notify(
            librarians_of(facility.library_id),
            "booking",
            gettext_noop("%(library)s asks to use %(facility)s on %(when)s: approve or decline."),
            library=library.name,
            facility=facility.name,
            when=_when(booking),
        )
        return booking
    raise ValidationError(_(BOOKING_TAKEN))


def _when(booking: Booking) -> str:
    return f"{booking.starts_at:%d-%m-%Y %H:%M}–{booking.ends_at:%H:%M}"


def _lock_booking(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("facility", "library").get(pk=booking.pk)


def _tell_booker(booking: Booking, kind: str, template: str, **found) -> None:
    users = list(librarians_of(booking.library_id))
    if booking.booked_by_id:
        users.append(booking.booked_by)
    notify(users, kind, template, **found)


@transaction.atomic
def booking_approve(*, booking: Booking, by, note: str = "") -> Booking:
    booking = _lock_booking(booking)
    if not policy.can_decide_booking(by, booking):
        raise PermissionDenied(_("Only the owner of the facility approves bookings."))
    if booking.status != BookingStatus.PENDING:
        raise ValidationError(_("Only a booking that waits for the owner can be approved."))
    booking.status, booking.decided_by, booking.decided_at = BookingStatus.APPROVED, policy.person(by), timezone.now()
    booking.decision_note = note
    booking.save()
    _tell_booker(
        booking,
        "booking_approved",
        gettext_noop("Your booking of %(facility)s on %(when)s is approved."),
        facility=booking.facility.name,
        when=_when(booking),
    )
    return booking


@transaction.atomic
def booking_decline(*, booking: Booking, by, note: str = "") -> Booking:
    booking = _lock_booking(booking)
    if not policy.can_decide_booking(by, booking):
        raise PermissionDenied(_("Only the owner of the facility declines bookings."))
    if booking.status != BookingStatus.PENDING:
        raise ValidationError(_("Only a booking that waits for the owner can be declined."))
    booking.status, booking.decided_by, booking.decided_at = BookingStatus.DECLINED, policy.person(by), timezone.now()
    booking.decision_note = note
    booking.save()
    _tell_booker(
        booking,
        "booking_declined",
        gettext_noop("Your booking of %(facility)s on %(when)s was declined. %(note)s"),
        facility=booking.facility.name,
        when=_when(booking),
        note=note,
    )
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, by, note: str = "") -> Booking:
    booking = _lock_booking(booking)
    if not policy.can_cancel_booking(by, booking):
        raise PermissionDenied(_("Only the booking school or the owner may cancel."))
    if booking.status not in HOLDS_SLOT:
        raise ValidationError(_("This booking is already closed."))
    if booking.period.upper <= timezone.now():
        raise ValidationError(_("A booking that is over cannot be cancelled."))
    booking.status = BookingStatus.CANCELLED
    booking.decision_note = note or booking.decision_note
    booking.save()
    notify(
        list(librarians_of(booking.facility.library_id)) + list(librarians_of(booking.library_id)),
        "booking_cancelled",
        gettext_noop("The booking of %(facility)s on %(when)s was cancelled."),
        facility=booking.facility.name,
        when=_when(booking),
    )
    return booking


# --- events ------------------------------------------------------------------------------------------------


@transaction.atomic
def event_save(*, by, event: Event | None = None, **fields) -> Event:
    if event is None:
        if not policy.can_organise_events(by):
            raise PermissionDenied(_("Only librarians and coordinators organise meetings and training."))
        event = Event(created_by=policy.person(by))
    elif not policy.can_manage_event(by, event):
        raise PermissionDenied(_("Only the organisers may change this event."))
    for name, value in fields.items():
        setattr(event, name, value)
    if event.pk is None and event.starts_at and event.starts_at < timezone.now():
        raise ValidationError({"starts_at": _("The event cannot start in the past.")})
    if event.pk and event.capacity is not None and event.capacity < event.registrations.count():
        raise ValidationError({"capacity": _("More people have already registered than this.")})
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def event_register(*, event: Event, by) -> Registration:
    """Register a librarian; the row lock on the event makes the capacity hold when many register at once."""
    if not policy.can_register_for_events(by):
        raise PermissionDenied(_("Only librarians of member schools register for events."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.starts_at <= timezone.now():
        raise ValidationError(_("Registration is closed: the event has started."))
    if Registration.objects.filter(event=event, user=by).exists():
        raise ValidationError(_("You are already registered for this event."))
    if Registration.objects.filter(event=event).count() >= event.capacity:
        raise ValidationError(_("The event is full (%(n)s places).") % {"n": event.capacity})
    library_id = min(policy.library_ids_for(by))
    registration = Registration.objects.create(event=event, user=by, library_id=library_id)
    notify(
        [by],
        "event",
        gettext_noop("You are registered for %(event)s on %(when)s."),
        event=event.title,
        when=event.starts_at,
    )
    return registration


@transaction.atomic
def event_unregister(*, event: Event, by) -> None:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.starts_at <= timezone.now():
        raise ValidationError(_("The event has started: registration can no longer change."))
    deleted, _rows = Registration.objects.filter(event=event, user=by).delete()
    if not deleted:
        raise ValidationError(_("You are not registered for this event."))


@transaction.atomic
def event_record_attendance(*, event: Event, by, attended_user_ids, minutes: str | None = None) -> Event:
    """After the event: who attended (they get a certificate) and, optionally, the minutes."""
    if not policy.can_manage_event(by, event):
        raise PermissionDenied(_("Only the organisers record attendance."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.starts_at > timezone.now():
        raise ValidationError(_("Attendance is recorded once the event has started."))
    attended = {int(pk) for pk in attended_user_ids}
    registered = set(event.registrations.values_list("user_id", flat=True))
    if attended - registered:
        raise ValidationError(_("Only registered people can be marked as present."))
    for registration in event.registrations.select_for_update():
        present = registration.user_id in attended
        registration.attended = present
        if present and not registration.certificate_number:
            registration.certificate_number = f"SRT/{event.starts_at:%Y}/{event.pk:04d}/{registration.pk:05d}"
        registration.save(update_fields=["attended", "certificate_number"])
    if minutes is not None:
        event.minutes = minutes
        event.save(update_fields=["minutes"])
        notify(
            [r.user for r in event.registrations.select_related("user")],
            "event_minutes",
            gettext_noop("The minutes of %(event)s are available."),
            event=event.title,
        )
    return event


# --- guidelines library ---------------------------------------------------------------------------------------

GUIDELINE_MAX_BYTES = 10 * 1024 * 1024
# extension -> (content type, what the file must look like inside)
GUIDELINE_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_ZIP_MEMBER = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def check_guideline_file(upload) -> str:
    """The file's content type, when its name and its content agree on one of the accepted types."""
    wrong = ValidationError({"file": _("Only PDF, Word (.docx), Excel (.xlsx) or OpenDocument (.odt, .ods) files.")})
    if upload is None:
        raise ValidationError({"file": _("Attach the file.")})
    if upload.size > GUIDELINE_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in GUIDELINE_TYPES:
        raise wrong
    head = upload.read(8)
    upload.seek(0)
    if suffix == ".pdf":
        if not head.startswith(b"%PDF-"):
            raise wrong
        return GUIDELINE_TYPES[suffix]
    if not head.startswith(b"PK\x03\x04"):
        raise wrong
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if suffix in _ZIP_MEMBER:
                ok = _ZIP_MEMBER[suffix] in names
            else:
                ok = (
                    "mimetype" in names
                    and archive.read("mimetype").decode("ascii", "replace") == GUIDELINE_TYPES[suffix]
                )
    except zipfile.BadZipFile:
        ok = False
    upload.seek(0)
    if not ok:
        raise wrong
    return GUIDELINE_TYPES[suffix]


def _add_version(guideline: Guideline, *, by, file, note: str) -> GuidelineVersion:
    content_type = check_guideline_file(file)
    number = (guideline.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = GuidelineVersion(
        guideline=guideline,
        number=number,
        original_name=PurePath(file.name).name[:255],
        content_type=content_type,
        size=file.size,
        note=note,
        uploaded_by=policy.person(by),
    )
    # The file was checked before anything was written; a row that fails to save takes its file with it.
    version.file.save(PurePath(file.name).name, file, save=False)
    try:
        version.full_clean()
        version.save()
    except Exception:
        version.file.delete(save=False)
        raise
    return version


@transaction.atomic
def guideline_create(*, by, title: str, category: str, description: str = "", file=None, note: str = "") -> Guideline:
    if not policy.can_contribute_to_network(by):
        raise PermissionDenied(_("Only librarians and coordinators publish guidelines."))
    check_guideline_file(file)  # refuse a wrong file before anything is written
    staff = sorted(policy.staff_library_ids(by))
    guideline = Guideline(
        title=title,
        category=category,
        description=description,
        library_id=staff[0] if staff and not policy.is_coordinator(by) else None,
        created_by=policy.person(by),
    )
    guideline.full_clean()
    guideline.save()
    _add_version(guideline, by=by, file=file, note=note or _("First version"))
    return guideline


@transaction.atomic
def guideline_add_version(*, guideline: Guideline, by, file=None, note: str = "") -> GuidelineVersion:
    if not policy.can_edit_guideline(by, guideline):
        raise PermissionDenied(_("Only the publishing school's librarians or a coordinator add versions."))
    guideline = Guideline.objects.select_for_update().get(pk=guideline.pk)  # two uploads, two numbers
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what changed in this version.")})
    return _add_version(guideline, by=by, file=file, note=note)


# --- expertise, questions, divided tasks ------------------------------------------------------------------------


@transaction.atomic
def expertise_add(*, by, area: str, level: str, note: str = "", library: Library | None = None) -> ExpertiseEntry:
    staff = policy.library_ids_for(by) if not policy.is_api_key(by) else set()
    if not staff:
        raise PermissionDenied(_("Only library staff list their expertise."))
    library_id = library.pk if library is not None else min(staff)
    if library_id not in staff:
        raise PermissionDenied(_("You do not work for this library."))
    entry = ExpertiseEntry(user=by, library_id=library_id, area=area, level=level, note=note)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def expertise_remove(*, entry: ExpertiseEntry, by) -> None:
    if entry.user_id != getattr(by, "pk", None) and not policy.is_coordinator(by):
        raise PermissionDenied(_("You may remove only your own entries."))
    entry.delete()


@transaction.atomic
def question_ask(*, by, title: str, area: str, body: str = "") -> Question:
    if not policy.can_contribute_to_network(by):
        raise PermissionDenied(_("Only librarians and coordinators ask the network."))
    staff = policy.library_ids_for(by)
    question = Question(
        title=title.strip(), body=body, area=area, asked_by=by, library_id=min(staff) if staff else None
    )
    question.full_clean()
    question.save()
    experts = [
        e.user for e in ExpertiseEntry.objects.filter(area=question.area).exclude(user=by).select_related("user")
    ]
    notify(
        experts,
        "question",
        gettext_noop("A colleague asks about %(area)s: %(title)s"),
        area=question.get_area_display(),
        title=question.title,
    )
    return question


@transaction.atomic
def answer_post(*, question: Question, by, body: str) -> Answer:
    if not policy.can_contribute_to_network(by):
        raise PermissionDenied(_("Only librarians and coordinators answer colleagues."))
    if not (body or "").strip():
        raise ValidationError({"body": _("Write the answer.")})
    staff = policy.library_ids_for(by)
    answer = Answer(question=question, body=body.strip(), answered_by=by, library_id=min(staff) if staff else None)
    answer.full_clean()
    answer.save()
    if question.asked_by_id and question.asked_by_id != by.pk:
        notify(
            [question.asked_by],
            "answer",
            gettext_noop("%(who)s answered your question: %(title)s"),
            who=_who(by),
            title=question.title,
        )
    return answer


@transaction.atomic
def task_assign(*, by, agreement, area: str, task: str, assignee, due_on: date | None = None) -> TaskAssignment:
    """Record who does which task of an agreement, chosen for listed expertise in the area."""
    if not policy.can_edit_agreements(by):
        raise PermissionDenied(_("Coordinators divide the work of an agreement."))
    entry = ExpertiseEntry.objects.filter(user=assignee, area=area).first()
    if entry is None:
        raise ValidationError({"assignee": _("This person is not listed with expertise in this area.")})
    if not agreement.parties.filter(library_id=entry.library_id).exists():
        raise ValidationError({"assignee": _("This person's school is not a party of the agreement.")})
    assignment = TaskAssignment(
        agreement=agreement, area=area, task=task, assignee=assignee, library_id=entry.library_id, due_on=due_on
    )
    assignment.full_clean()
    assignment.save()
    notify(
        [assignee],
        "task",
        gettext_noop("You were asked to do this for agreement %(number)s: %(task)s"),
        number=agreement.number,
        task=task,
    )
    return assignment


# --- reading lists -------------------------------------------------------------------------------------------


def _list_school(by) -> int:
    school = policy.school_id_of(by)
    if school:
        return school
    staff = sorted(policy.staff_library_ids(by))
    if not staff:
        raise PermissionDenied(_("Only teachers and librarians build reading lists."))
    return staff[0]


@transaction.atomic
def reading_list_create(*, by, title: str, class_name: str, subject: str, description: str = "") -> ReadingList:
    if not policy.can_build_reading_list(by):
        raise PermissionDenied(_("Only teachers and librarians build reading lists."))
    reading_list = ReadingList(
        library_id=_list_school(by),
        owner=by,
        title=title,
        class_name=class_name,
        subject=subject,
        description=description,
    )
    reading_list.full_clean()
    reading_list.save()
    return reading_list


@transaction.atomic
def reading_list_update(*, reading_list: ReadingList, by, **fields) -> ReadingList:
    if not policy.can_edit_reading_list(by, reading_list):
        raise PermissionDenied(_("Only the teacher who made this list (or the school's librarians) may change it."))
    for name in ("title", "class_name", "subject", "description"):
        if name in fields:
            setattr(reading_list, name, fields[name])
    reading_list.full_clean()
    reading_list.save()
    return reading_list


@transaction.atomic
def reading_list_add(*, reading_list: ReadingList, by, record: Record, note: str = "") -> ReadingListItem:
    if not policy.can_edit_reading_list(by, reading_list):
        raise PermissionDenied(_("Only the teacher who made this list (or the school's librarians) may change it."))
    if reading_list.items.filter(record=record).exists():
        raise ValidationError({"record": _("This title is already on the list.")})
    position = (reading_list.items.aggregate(n=Max("position"))["n"] or 0) + 1
    item = ReadingListItem(reading_list=reading_list, record=record, note=note, position=position)
    item.full_clean()
    item.save()
    reading_list.save(update_fields=["updated_at"])
    return item


@transaction.atomic
def reading_list_remove(*, item: ReadingListItem, by) -> None:
    if not policy.can_edit_reading_list(by, item.reading_list):
        raise PermissionDenied(_("Only the teacher who made this list (or the school's librarians) may change it."))
    item.delete()


@transaction.atomic
def reading_list_request(*, reading_list: ReadingList, by, needed_by: date | None = None) -> dict:
    """One click: an interlibrary-loan request (through the loans app's own service) for every title on the list
    that the school has no copy of on its shelf. Titles that cannot be asked for are listed with the reason."""
    if not policy.can_edit_reading_list(by, reading_list) or not policy.can_request_ill(by):
        raise PermissionDenied(_("Only the teacher who made this list (or the school's librarians) may request it."))
    items = list(reading_list.items.select_related("record"))
    if not items:
        raise ValidationError(_("The list is empty: add titles first."))
    school_id = reading_list.library_id
    requester = Library.objects.get(pk=school_id)
    reader = by if (policy.is_teacher(by) or policy.is_student(by)) else None
    created, skipped = [], []
    note = _('For reading list "%(title)s" (%(class)s, %(subject)s).') % {
        "title": reading_list.title,
        "class": reading_list.class_name,
        "subject": reading_list.subject,
    }
    for item in items:
        record = item.record
        if school_id in (record.available_library_ids or []):
            skipped.append((record, _("On the shelf at your school.")))
            continue
        running = IllRequest.objects.filter(record=record, requester_id=school_id).exclude(state__in=FINAL)
        if reader is not None:
            running = running.filter(reader=reader)
        if running.exists():
            skipped.append((record, _("Already requested.")))
            continue
        try:
            with transaction.atomic():
                request = ill_request_create(
                    by=by,
                    record=record,
                    requester=None if reader is not None else requester,
                    needed_by=needed_by,
                    notes=note,
                )
        except ValidationError as exc:
            skipped.append((record, " ".join(exc.messages)))
            continue
        created.append(request)
    if created:
        reading_list.requested_at = timezone.now()
        reading_list.save(update_fields=["requested_at"])
    return {"created": created, "skipped": skipped}


# --- subscriptions and partners ------------------------------------------------------------------------------


@transaction.atomic
def subscription_save(*, by, library: Library, subscription: Subscription | None = None, **fields) -> Subscription:
    if not policy.can_manage_subscriptions(by, library):
        raise PermissionDenied(_("Only this school's librarians may change its subscriptions."))
    subscription = subscription or Subscription(library=library)
    for name, value in fields.items():
        setattr(subscription, name, value)
    subscription.full_clean()
    subscription.save()
    return subscription


@transaction.atomic
def partner_save(*, by, library: Library, partner: Partner | None = None, **fields) -> Partner:
    if not policy.can_manage_partners(by, library):
        raise PermissionDenied(_("Only this school's librarians record its partners."))
    partner = partner or Partner(library=library, created_by=policy.person(by))
    for name, value in fields.items():
        setattr(partner, name, value)
    partner.full_clean()
    partner.save()
    return partner
