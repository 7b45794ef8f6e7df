"""Schemathesis against the live test server: every operation of /api/v1/schema/, a bounded number of
generated requests each, with a read-write key and with a signed-in librarian's session. No server error, no
response outside the schema, no undocumented status.

Bounded: SCHEMATHESIS_EXAMPLES examples per operation and credential (default 5; derandomised, so a run is
repeatable). Raise it locally for a deeper run.
"""

import os
from datetime import timedelta

import pytest
import requests
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from agreements.choices import Form, Status
from agreements.models import Agreement, Party
from catalog.models import Holding, Record
from consortium.choices import ApiScope
from consortium.services import api_key_create
from loans import services as loan_services
from tests.factories import LibraryFactory, make_librarian

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

pytestmark = pytest.mark.django_db(transaction=True)


def _world():
    school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan")
    lender = LibraryFactory(code="SMAN2MDN", name="SMA Negeri 2 Medan")
    librarian = make_librarian(school, username="rosmawati")
    make_librarian(lender, username="hendra")
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        number="PKS/ST/001",
        title="Perjanjian",
        forms=[Form.ILL, Form.INFORMATION],
        status=Status.ACTIVE,
        start_on=today - timedelta(days=10),
        end_on=today + timedelta(days=300),
    )
    for library in (school, lender):
        Party.objects.create(agreement=agreement, library=library)
    for n in range(3):
        record = Record.objects.create(title=f"Buku {n}", isbns=["9786020332956"] if n == 0 else [])
        Holding.objects.create(record=record, library=lender, barcode=f"L-{n}")
        Holding.objects.create(record=record, library=school, barcode=f"S-{n}", status="on_loan")
    loan_services.ill_request_create(by=librarian, record=Record.objects.first())
    loan_services.ill_request_create(by=librarian, service="reference", question="Sejarah Deli?")
    _, raw = api_key_create(library=school, name="schemathesis", scope=ApiScope.READ_WRITE, by=librarian)
    return raw


def _session_headers(base_url: str) -> dict:
    session = requests.Session()
    session.get(f"{base_url}/accounts/login/", timeout=30)
    token = session.cookies["csrftoken"]
    response = session.post(
        f"{base_url}/accounts/login/",
        data={"username": "rosmawati", "password": "pw-for-tests-123", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base_url}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    cookies = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    return {"Cookie": cookies, "X-CSRFToken": session.cookies["csrftoken"]}


def _exercise(operation, base_url: str, headers: dict):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def exercise(case):
        response = case.call(base_url=base_url, headers=headers, timeout=60)
        case.validate_response(response, checks=CHECKS)

    return exercise


def test_api_answers_within_its_schema(live_server):
    raw_key = _world()
    credentials = {
        "read-write key": {"Authorization": f"Api-Key {raw_key}"},
        "session": _session_headers(live_server.url),
    }
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for name, headers in credentials.items():
            exercise = _exercise(operation, live_server.url, headers)
            try:
                exercise()
            except Exception as exc:  # collect them all, then report
                failures.append(f"{operation.label} [{name}]: {str(exc)[:1500]}")
    assert operations > 20
    assert not failures, "\n\n".join(failures)
