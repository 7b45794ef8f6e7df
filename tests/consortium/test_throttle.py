"""Logins are throttled by account and by address (django-axes); the login page says so."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LIMIT = 3  # the deployment's limit is LOGIN_FAILURE_LIMIT (10); a small one keeps the test quick


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def _try(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_login_page_tells_about_the_throttle(client):
    response = client.get(reverse("login"))
    note = response.content.decode()
    assert 'data-testid="login-throttle"' in note
    assert f"{LIMIT} " in note


def test_wrong_passwords_lock_the_account_even_with_the_right_password(client, librarian):
    for _ in range(LIMIT - 1):
        assert _try(client, "rosmawati", "salah").status_code == 200
    assert _try(client, "rosmawati", "salah").status_code == 429  # the LIMIT-th failure locks
    locked = _try(client, "rosmawati", "pw-for-tests-123")
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode()
    # From another address too: the account itself is paused.
    assert _try(client, "rosmawati", "pw-for-tests-123", address="10.0.0.2").status_code == 429


def test_wrong_passwords_from_one_address_lock_that_address(client, librarian, outsider):
    for n in range(LIMIT):
        _try(client, f"tidak-ada-{n}", "salah", address="10.9.9.9")
    assert _try(client, "lamhot", "pw-for-tests-123", address="10.9.9.9").status_code == 429
    # Another address logs in normally.
    assert _try(client, "lamhot", "pw-for-tests-123", address="10.1.1.1").status_code == 302


def test_a_good_login_before_the_limit_clears_the_count(client, librarian):
    for _ in range(LIMIT - 1):
        _try(client, "rosmawati", "salah")
    assert _try(client, "rosmawati", "pw-for-tests-123").status_code == 302
