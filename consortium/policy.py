"""Who may do what: the one place that decides, used by pages, admin, API and services.

An *actor* is either a Django user (anonymous or signed in) or an `ApiKeyActor`, the
stand-in for a partner system that authenticated with a member library's API key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .choices import ApiScope, MembershipStatus, Role, StaffRole

if TYPE_CHECKING:
    from .models import ApiKey, Library


@dataclass(frozen=True)
class ApiKeyActor:
    """A partner system acting with one library's key; has no person behind it."""

    api_key: ApiKey

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    @property
    def library_id(self) -> int:
        return self.api_key.library_id

    @property
    def can_write(self) -> bool:
        return self.api_key.scope == ApiScope.READ_WRITE

    def __str__(self) -> str:
        return f"API key {self.api_key.prefix}"


def is_api_key(actor) -> bool:
    return isinstance(actor, ApiKeyActor)


def person(actor):
    """The user behind an actor, for audit columns; None for anonymous users and API keys."""
    if actor is None or is_api_key(actor) or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def role_of(actor) -> str | None:
    if actor is None or is_api_key(actor) or not getattr(actor, "is_authenticated", False):
        return None
    if actor.is_superuser:
        return Role.ADMINISTRATOR
    profile = getattr(actor, "profile", None)
    return profile.role if profile is not None else None


def is_administrator(actor) -> bool:
    return role_of(actor) == Role.ADMINISTRATOR


def is_coordinator(actor) -> bool:
    """Coordinators (and administrators) act for the whole consortium."""
    return role_of(actor) in (Role.COORDINATOR, Role.ADMINISTRATOR)


# Consortium staff see everything; kept as a separate name because querysets read better with it.
is_consortium_staff = is_coordinator


def is_student(actor) -> bool:
    return role_of(actor) == Role.STUDENT


# A suspended library (or one that left) still reads everything its staff could read, but does not act.
NOT_ACTING = (MembershipStatus.SUSPENDED, MembershipStatus.LEFT)


def _membership_ids(actor, *, write: bool) -> set[int]:
    from .models import Membership

    memberships = Membership.objects.filter(user=actor)
    if write:
        memberships = memberships.filter(role=StaffRole.LIBRARIAN).exclude(library__status__in=NOT_ACTING)
    return set(memberships.values_list("library_id", flat=True))


def library_acts(library) -> bool:
    """False for a suspended library (or one that left): it reads but does not act."""
    from .models import Library

    if isinstance(library, int):
        return Library.objects.filter(pk=library).exclude(status__in=NOT_ACTING).exists()
    return library.status not in NOT_ACTING


SUSPENDED_MESSAGE = _lazy("This library's membership is suspended: it can read but not act.")


def library_ids_for(actor) -> set[int]:
    """Libraries whose staff data the actor may read: own staff memberships, or the key's library."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return set()
    if is_api_key(actor):
        return {actor.library_id}
    return _membership_ids(actor, write=False)


def staff_library_ids(actor) -> set[int]:
    """Libraries the actor may change data of (librarian role, or a read-write key)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return set()
    if is_api_key(actor):
        acting = actor.api_key.library.status not in NOT_ACTING
        return {actor.library_id} if actor.can_write and acting else set()
    return _membership_ids(actor, write=True)


def is_teacher(actor) -> bool:
    return role_of(actor) == Role.TEACHER


def is_principal(actor) -> bool:
    return role_of(actor) == Role.PRINCIPAL


SCHOOL_ROLES = (Role.STUDENT, Role.TEACHER, Role.PRINCIPAL)


def school_id_of(actor) -> int | None:
    """The school of a student, a teacher or a principal (people who belong to a school, not to its staff)."""
    if role_of(actor) not in SCHOOL_ROLES:
        return None
    return actor.profile.school_id


def is_librarian_of(actor, library: Library | int) -> bool:
    library_id = library if isinstance(library, int) else library.pk
    return library_id in staff_library_ids(actor)


def is_staff_of(actor, library: Library | int) -> bool:
    library_id = library if isinstance(library, int) else library.pk
    return library_id in library_ids_for(actor)


# --- library data -----------------------------------------------------------------------


def can_edit_library(actor, library: Library) -> bool:
    """A librarian changes only their own library; coordinators change any."""
    return is_coordinator(actor) or is_librarian_of(actor, library)


def can_manage_membership(actor) -> bool:
    """Admitting, suspending and removing members is for coordinators."""
    return is_coordinator(actor)


def can_manage_api_keys(actor, library: Library) -> bool:
    """Keys are managed by the library's own librarians (never by a key)."""
    return not is_api_key(actor) and (is_librarian_of(actor, library) or is_administrator(actor))


def can_see_people_of(actor, library: Library) -> bool:
    """Staff lists and student lists of a school."""
    return is_coordinator(actor) or is_staff_of(actor, library)


# --- helpers that raise ---------------------------------------------------------------


def ensure(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You are not allowed to do this."))


def ensure_can_edit_library(actor, library: Library) -> None:
    ensure(can_edit_library(actor, library), _("Only this library's librarians or a coordinator may change it."))


def ensure_can_write_for(actor, library: Library | int) -> None:
    """Writes on a library's data (holdings, requests): its librarians, its read-write key, coordinators."""
    if is_api_key(actor) and not actor.can_write:
        raise PermissionDenied(_("This API key is read-only."))
    library_id = library if isinstance(library, int) else library.pk
    if is_api_key(actor):
        ensure(actor.library_id == library_id, _("This API key belongs to another library."))
        ensure(library_acts(actor.api_key.library), str(SUSPENDED_MESSAGE))
        return
    if is_coordinator(actor):
        return
    if library_id in library_ids_for(actor) and not library_acts(library):
        raise PermissionDenied(str(SUSPENDED_MESSAGE))
    ensure(is_librarian_of(actor, library_id), _("Only this library's librarians may do this."))


# --- people --------------------------------------------------------------------------------


def can_add_student(actor, library: Library) -> bool:
    """A school's librarians register its students; coordinators may too."""
    return not is_api_key(actor) and (is_coordinator(actor) or is_librarian_of(actor, library))


def can_manage_staff(actor, library: Library) -> bool:
    """Who works for which library is part of membership: coordinators decide."""
    return not is_api_key(actor) and is_coordinator(actor)


# --- catalog ---------------------------------------------------------------------------------


def can_manage_holdings(actor, library) -> bool:
    """A library's copies are changed by its librarians, its read-write key, and coordinators."""
    try:
        ensure_can_write_for(actor, library)
    except PermissionDenied:
        return False
    return True


def can_curate_catalog(actor) -> bool:
    """Merging, splitting and deciding possible duplicates touches every school's view: coordinators only."""
    return not is_api_key(actor) and is_coordinator(actor)


def can_export_catalog(actor) -> bool:
    """Exports are built by the worker for a signed-in person (an anonymous crawler cannot queue them)."""
    return not is_api_key(actor) and bool(getattr(person(actor), "is_authenticated", False))


# --- interlibrary loan -----------------------------------------------------------------------------
# Visibility: loans.querysets.IllRequestQuerySet.visible_to (reader: her own; staff: their library's,
# as requester or lender; coordinators: statistics only). Acting: each transition in loans.services asks
# ensure_can_write_for() for the requesting or the lending library.


def can_request_ill(actor) -> bool:
    """Students and teachers ask through their (acting) school; librarians ask for their library or its readers."""
    if is_student(actor) or is_teacher(actor):
        return library_acts(school_id_of(actor))
    return bool(staff_library_ids(actor))


def answering_library_id(actor, request) -> int | None:
    """The library for which `actor` may answer a reference question sent to the network: one the actor acts
    for (librarian, read-write key), not the asking one, sharing an information-services agreement with it."""
    from agreements.selectors import information_partner_ids

    mine = staff_library_ids(actor) - {request.requester_id}
    if not mine:
        return None
    candidates = mine & information_partner_ids(request.requester_id)
    return min(candidates) if candidates else None


def can_see_ill_statistics(actor) -> bool:
    return is_coordinator(actor) or bool(library_ids_for(actor))


# --- agreements ---------------------------------------------------------------------------------------


def can_edit_agreements(actor) -> bool:
    """Coordinators draft, send, amend and terminate agreements."""
    return not is_api_key(actor) and is_coordinator(actor)


def can_read_agreements(actor) -> bool:
    """Signed-in members (and member libraries' keys) read agreements; which ones: agreement_visibility()."""
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def agreement_visibility(actor):
    """The filter behind Agreement.objects.visible_to(): drafts for coordinators, agreements in review or
    signing also for the parties' staff, agreements in force or ended for every member."""
    from django.db.models import Q

    if not can_read_agreements(actor):
        return Q(pk__in=[])
    if not is_api_key(actor) and is_coordinator(actor):
        return Q()
    condition = Q(status__in=["active", "expired", "terminated"])
    mine = library_ids_for(actor)
    if mine:
        condition |= Q(status__in=["review", "signing"], parties__library_id__in=mine)
    return condition


def can_comment_agreement(actor, agreement) -> bool:
    if can_edit_agreements(actor):
        return True
    party_libraries = set(agreement.parties.exclude(library=None).values_list("library_id", flat=True))
    return not is_api_key(actor) and bool(library_ids_for(actor) & party_libraries)


# --- network: shared facilities, librarians' cooperation, search tools, school partners -------------------
# Visibility: network.querysets (facilities: any signed-in member; bookings: the owner's and the booking school's
# staff; colleagues' questions: can_read_network; reading lists: published). Acting: network.services asks the
# predicates below.


def can_offer_facility(actor, library: Library | int) -> bool:
    """A school's facilities are listed and changed by its librarians (or its read-write key) and coordinators."""
    try:
        ensure_can_write_for(actor, library)
    except PermissionDenied:
        return False
    return True


def can_book_for(actor, library: Library | int) -> bool:
    """Bookings are made by the booking school's librarians (or its read-write key)."""
    library_id = library if isinstance(library, int) else library.pk
    if is_api_key(actor):
        return actor.can_write and actor.library_id == library_id
    return is_librarian_of(actor, library_id)


def can_decide_booking(actor, booking) -> bool:
    """The owner of the facility approves or declines."""
    return can_offer_facility(actor, booking.facility.library_id)


def can_cancel_booking(actor, booking) -> bool:
    return can_book_for(actor, booking.library_id) or can_decide_booking(actor, booking)


def can_organise_events(actor) -> bool:
    """Coordinators and any librarian may call a technical meeting or a training."""
    return not is_api_key(actor) and (is_coordinator(actor) or bool(staff_library_ids(actor)))


def can_manage_event(actor, event) -> bool:
    """Attendance and minutes: whoever created the event, the host school's librarians, coordinators."""
    if is_api_key(actor):
        return False
    return (
        is_coordinator(actor)
        or (event.created_by_id is not None and event.created_by_id == getattr(actor, "pk", None))
        or (event.organiser_id is not None and is_librarian_of(actor, event.organiser_id))
    )


def can_register_for_events(actor) -> bool:
    """Librarians and assistants of member schools (people, not keys) register."""
    return not is_api_key(actor) and bool(library_ids_for(actor))


def can_read_network(actor) -> bool:
    """Guidelines, the expertise directory and colleagues' questions: library staff, teachers and coordinators."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return is_api_key(actor) or is_coordinator(actor) or is_teacher(actor) or bool(library_ids_for(actor))


def can_contribute_to_network(actor) -> bool:
    """Publishing guidelines, listing one's expertise, asking and answering: librarians and coordinators."""
    return not is_api_key(actor) and (is_coordinator(actor) or bool(staff_library_ids(actor)))


def can_edit_guideline(actor, guideline) -> bool:
    if is_api_key(actor):
        return False
    if is_coordinator(actor):
        return True
    return guideline.library_id is not None and is_librarian_of(actor, guideline.library_id)


def can_build_reading_list(actor) -> bool:
    """Teachers build reading lists for their classes; librarians help them."""
    return not is_api_key(actor) and (is_teacher(actor) or bool(staff_library_ids(actor)))


def can_edit_reading_list(actor, reading_list) -> bool:
    if is_api_key(actor) or actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if is_teacher(actor):
        return reading_list.owner_id == actor.pk
    return is_librarian_of(actor, reading_list.library_id)


def can_manage_subscriptions(actor, library: Library | int) -> bool:
    return can_offer_facility(actor, library)


def can_manage_partners(actor, library: Library | int) -> bool:
    """Parents and alumni are recorded by the school's librarians."""
    return not is_api_key(actor) and can_offer_facility(actor, library)


def can_see_partners(actor, library: Library | int) -> bool:
    """Partners' contacts stay inside the school: its staff, its principal, coordinators."""
    library_id = library if isinstance(library, int) else library.pk
    return (
        is_coordinator(actor)
        or is_staff_of(actor, library_id)
        or (is_principal(actor) and school_id_of(actor) == library_id)
    )


def can_see_cooperation_report(actor, library: Library | int) -> bool:
    """The principal's one-page report: the school's principal and staff, coordinators."""
    return can_see_partners(actor, library)


# --- collection cooperation (acquisitions) -----------------------------------------------------------------
# Visibility: acquisitions.querysets (proposals: the student's own, her school's staff, coordinators; offers and
# wants: every member; donors and donations: the receiving school's staff and coordinators, aggregates for
# everyone signed in). Acting for a school: ensure_can_write_for(); rounds and budgets: coordinators.


def can_see_collection_analysis(actor) -> bool:
    """Overlap and gap figures are for coordinators and the schools' staff (and their keys)."""
    return is_coordinator(actor) or bool(library_ids_for(actor))


def can_run_collection_analysis(actor) -> bool:
    return not is_api_key(actor) and is_coordinator(actor)


def can_see_exchange(actor) -> bool:
    """The exchange board (offers and wants) is read by every member school's staff and coordinators."""
    return is_coordinator(actor) or bool(library_ids_for(actor))


def can_propose_purchase(actor) -> bool:
    """Students propose (their librarian forwards); staff propose for their school or on a teacher's behalf."""
    return is_student(actor) or bool(staff_library_ids(actor)) or is_coordinator(actor)


def can_manage_buying_rounds(actor) -> bool:
    """Opening and closing rounds, setting budgets and agreeing the shared list: coordinators."""
    return not is_api_key(actor) and is_coordinator(actor)


def can_see_donors_of(actor, library: Library | int) -> bool:
    """Donors' names and contacts follow the readers' rule: the receiving school's staff and coordinators."""
    return is_coordinator(actor) or is_staff_of(actor, library)
