from datetime import date, timedelta

import pytest
from django.utils import timezone

from agreements.choices import Form, Status
from agreements.models import Agreement, Party
from catalog.models import Holding, Record
from tests.factories import LibraryFactory, make_librarian


@pytest.fixture(autouse=True)
def english_messages():
    # Service messages are translated; these tests read the English wording.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def third_school(db):
    return LibraryFactory(name="SMA Negeri 2 Medan", code="SMAN2MDN", npsn="10210873")


@pytest.fixture
def third_librarian(third_school):
    return make_librarian(third_school, username="hendra")


@pytest.fixture
def coop_agreement(db):
    """An active agreement covering cooperative acquisition and exchange: coop_agreement(a, b, ...)."""

    def make(*libraries, **fields):
        today = timezone.localdate()
        agreement = Agreement.objects.create(
            number=f"PKS/KOL/{Agreement.objects.count() + 1:03d}",
            title="Kerja sama pengembangan koleksi",
            forms=[Form.ACQUISITION, Form.EXCHANGE],
            status=Status.ACTIVE,
            start_on=today - timedelta(days=30),
            end_on=today + timedelta(days=365),
            **fields,
        )
        for library in libraries:
            Party.objects.create(agreement=agreement, library=library, representative="Kepala Perpustakaan")
        return agreement

    return make


def make_record(title, *, year=2020, ddc="", isbns=None, author="Penulis"):
    return Record.objects.create(
        title=title, year=year, ddc=ddc, isbns=isbns or [], authors=[{"name": author, "role": "author"}]
    )


def copies(record, library, n=1, *, status="available", prefix=None):
    start = Holding.objects.filter(library=library).count()
    return [
        Holding.objects.create(
            record=record, library=library, barcode=f"{prefix or library.code}-{start + i}", status=status
        )
        for i in range(1, n + 1)
    ]


TODAY = date(2026, 12, 2)
