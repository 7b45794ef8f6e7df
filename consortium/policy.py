"""Who may do what: the one place that decides, used by pages, admin, API and services.

An *actor* is either a Django user (anonymous or signed in) or an `ApiKeyActor`, the
stand-in for a partner system that authenticated with a member library's API key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .choices import ApiScope, Role, StaffRole

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


def _membership_ids(actor, *, write: bool) -> set[int]:
    from .models import Membership

    memberships = Membership.objects.filter(user=actor)
    if write:
        memberships = memberships.filter(role=StaffRole.LIBRARIAN)
    return set(memberships.values_list("library_id", flat=True))


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
        return {actor.library_id} if actor.can_write else set()
    return _membership_ids(actor, write=True)


def school_id_of(actor) -> int | None:
    """A student's school."""
    if role_of(actor) != Role.STUDENT:
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
        return
    ensure(
        is_coordinator(actor) or is_librarian_of(actor, library_id), _("Only this library's librarians may do this.")
    )


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


# --- interlibrary loan -----------------------------------------------------------------------------
# Visibility: loans.querysets.IllRequestQuerySet.visible_to (reader: her own; staff: their library's,
# as requester or lender; coordinators: statistics only). Acting: each transition in loans.services asks
# ensure_can_write_for() for the requesting or the lending library.


def can_request_ill(actor) -> bool:
    """Students ask through their school; librarians ask for their library or its readers."""
    return is_student(actor) or bool(staff_library_ids(actor))


def can_see_ill_statistics(actor) -> bool:
    return is_coordinator(actor) or bool(library_ids_for(actor))


# --- agreements ---------------------------------------------------------------------------------------


def can_edit_agreements(actor) -> bool:
    """Coordinators draft, send, amend and terminate agreements."""
    return not is_api_key(actor) and is_coordinator(actor)


def can_read_agreements(actor) -> bool:
    """Any signed-in member (or a member library's key) reads the agreements."""
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def can_comment_agreement(actor, agreement) -> bool:
    if can_edit_agreements(actor):
        return True
    party_libraries = set(agreement.parties.exclude(library=None).values_list("library_id", flat=True))
    return not is_api_key(actor) and bool(library_ids_for(actor) & party_libraries)


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
