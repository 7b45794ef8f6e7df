from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from agreements.choices import Form, Status
from agreements.models import Agreement, Party
from network.choices import FacilityKind
from network.models import Facility


def next_monday(weeks: int = 1):
    today = timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7) + timedelta(weeks=weeks - 1)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), timezone.get_current_timezone())


@pytest.fixture
def monday():
    return next_monday()


@pytest.fixture
def facilities_agreement(school, other_school):
    """SMAN1MDN (owner of the facilities) and SMPN7MDN share facilities for the next 60 days."""
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        number="PKS/FAS/001",
        title="Perjanjian penggunaan fasilitas bersama",
        forms=[Form.FACILITIES],
        status=Status.ACTIVE,
        start_on=today - timedelta(days=10),
        end_on=today + timedelta(days=60),
    )
    Party.objects.create(agreement=agreement, library=school)
    Party.objects.create(agreement=agreement, library=other_school)
    return agreement


@pytest.fixture
def room(school, facilities_agreement):
    return Facility.objects.create(
        library=school,
        name="Ruang baca utama",
        kind=FacilityKind.ROOM,
        opens_at=time(7, 30),
        closes_at=time(15, 0),
        max_hours=4,
        agreement=facilities_agreement,
    )


@pytest.fixture
def licence(school, facilities_agreement):
    return Facility.objects.create(
        library=school, name="Lisensi e-journal", kind=FacilityKind.LICENCE, seats=2, agreement=facilities_agreement
    )


@pytest.fixture
def teacher(school):
    from tests.factories import make_teacher

    return make_teacher(school, username="bu_sari", first_name="Sari", last_name="Nainggolan")


@pytest.fixture
def principal(school):
    from tests.factories import make_principal

    return make_principal(school, username="kepsek")


@pytest.fixture(autouse=True)
def english_messages():
    # Service messages are translated; these tests read the English wording (pages are checked in Indonesian).
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
