import pytest

from consortium import policy
from consortium.choices import ApiScope
from consortium.models import ApiKey
from consortium.policy import ApiKeyActor

pytestmark = pytest.mark.django_db


def test_librarian_edits_only_own_library(librarian, school, other_school):
    assert policy.can_edit_library(librarian, school)
    assert not policy.can_edit_library(librarian, other_school)


def test_coordinator_edits_any_library_and_manages_membership(coordinator, school, other_school):
    assert policy.can_edit_library(coordinator, other_school)
    assert policy.can_manage_membership(coordinator)


def test_readonly_staff_and_student_cannot_edit(readonly_staff, student, school):
    assert not policy.can_edit_library(readonly_staff, school)
    assert not policy.can_edit_library(student, school)
    assert policy.school_id_of(student) == school.pk


def test_librarian_does_not_manage_membership(librarian):
    assert not policy.can_manage_membership(librarian)


def test_api_keys_managed_by_own_librarians_only(librarian, outsider, coordinator, school):
    assert policy.can_manage_api_keys(librarian, school)
    assert not policy.can_manage_api_keys(outsider, school)
    assert not policy.can_manage_api_keys(coordinator, school)


def test_key_actor_writes_only_for_its_library_with_write_scope(school, other_school):
    write = ApiKeyActor(ApiKey(library=school, scope=ApiScope.READ_WRITE))
    read = ApiKeyActor(ApiKey(library=school, scope=ApiScope.READ))
    assert policy.staff_library_ids(write) == {school.pk}
    assert policy.staff_library_ids(read) == set()
    assert policy.can_edit_library(write, school)
    assert not policy.can_edit_library(write, other_school)
    assert not policy.can_edit_library(read, school)


def test_anonymous_has_no_role(rf):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert policy.role_of(anonymous) is None
    assert policy.library_ids_for(anonymous) == set()
