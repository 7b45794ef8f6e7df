"""Writes on member libraries, people and API keys. Each checks the policy first."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policy
from .choices import ApiScope, MembershipStatus, Role, StaffRole
from .models import ApiKey, Library, Membership, Profile

# Fields only coordinators may set: they decide who is a member.
MEMBERSHIP_FIELDS = ("status", "applied_on", "joined_on", "left_on", "code", "npsn")


@transaction.atomic
def library_create(*, by, **fields) -> Library:
    policy.ensure(policy.can_manage_membership(by), _("Only a coordinator may add member libraries."))
    library = Library(**fields)
    if library.status == MembershipStatus.ACTIVE and library.joined_on is None:
        library.joined_on = timezone.localdate()
    library.full_clean()
    library.save()
    return library


@transaction.atomic
def library_update(*, library: Library, by, **fields) -> Library:
    """Change a library's data; membership fields need a coordinator."""
    policy.ensure_can_edit_library(by, library)
    library = Library.objects.select_for_update().get(pk=library.pk)
    changed_membership = [
        name for name in MEMBERSHIP_FIELDS if name in fields and fields[name] != getattr(library, name)
    ]
    if changed_membership:
        policy.ensure(
            policy.can_manage_membership(by), _("Only a coordinator may change membership status, code or NPSN.")
        )
    for name, value in fields.items():
        setattr(library, name, value)
    if "status" in changed_membership:
        today = timezone.localdate()
        if library.status == MembershipStatus.ACTIVE and library.joined_on is None:
            library.joined_on = today
        if library.status == MembershipStatus.LEFT and library.left_on is None:
            library.left_on = today
    library.full_clean()
    library.save()
    return library


@transaction.atomic
def api_key_create(*, library: Library, name: str, scope: str = ApiScope.READ, by) -> tuple[ApiKey, str]:
    """Create a key and return it with its raw value, which is shown once and never stored."""
    policy.ensure(policy.can_manage_api_keys(by, library), _("Only this library's librarians may manage its API keys."))
    prefix = secrets.token_hex(ApiKey.PREFIX_LENGTH // 2)
    raw = f"slg_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        library=library, name=name, scope=scope, prefix=prefix, key_hash=ApiKey.hash(raw), created_by=policy.person(by)
    )
    key.full_clean()
    key.save()
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, by) -> ApiKey:
    policy.ensure(
        policy.can_manage_api_keys(by, key.library), _("Only this library's librarians may manage its API keys.")
    )
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.revoked_by = policy.person(by)
        key.save(update_fields=["revoked_at", "revoked_by"])
    return key


def api_key_lookup(raw: str) -> ApiKey | None:
    """The active key for a raw value, or None. Compares hashes, so timing reveals nothing useful."""
    if not raw or not raw.startswith("slg_"):
        return None
    key = ApiKey.objects.select_related("library").filter(key_hash=ApiKey.hash(raw)).first()
    if key is None or not key.is_active:
        return None
    # Recording use is best-effort and throttled to once a minute per key.
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


@transaction.atomic
def person_add(
    *,
    library: Library,
    by,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    nisn: str = "",
    staff_role: str = StaffRole.LIBRARIAN,
):
    """Register a student, a teacher or the principal of `library`, or a member of its staff; they choose their
    password by e-mail."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    if role in policy.SCHOOL_ROLES:
        policy.ensure(
            policy.can_add_student(by, library), _("Only this school's librarians may register its students.")
        )
    elif role == Role.LIBRARIAN:
        policy.ensure(policy.can_manage_staff(by, library), _("Only a coordinator may add library staff."))
    else:
        raise ValidationError({"role": _("Choose student or librarian.")})
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Another account already uses this e-mail address.")})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    school = library if role in policy.SCHOOL_ROLES else None
    profile = Profile(user=user, role=role, school=school, nisn=nisn if role == Role.STUDENT else "")
    profile.full_clean()
    profile.save()
    if role == Role.LIBRARIAN:
        membership = Membership(user=user, library=library, role=staff_role)
        membership.full_clean()
        membership.save()
    return user


@transaction.atomic
def staff_remove(*, membership: Membership, by) -> None:
    policy.ensure(policy.can_manage_staff(by, membership.library), _("Only a coordinator may change library staff."))
    membership.delete()


@transaction.atomic
def consortium_settings_update(*, by, **fields):
    from .models import ConsortiumSettings

    policy.ensure(policy.is_coordinator(by), _("Only a coordinator may change the consortium settings."))
    current = ConsortiumSettings.objects.select_for_update().get(pk=ConsortiumSettings.load().pk)
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    return current
