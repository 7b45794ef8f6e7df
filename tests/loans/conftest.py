import pytest

from catalog.models import Holding, Record
from tests.factories import LibraryFactory, make_librarian, make_student


@pytest.fixture
def lender_a(db):
    return LibraryFactory(code="SMAN2MDN", name="SMA Negeri 2 Medan", npsn="10210873")


@pytest.fixture
def lender_b(db):
    return LibraryFactory(code="SMAN4MDN", name="SMA Negeri 4 Medan", npsn="10210875")


@pytest.fixture
def lender_a_librarian(lender_a):
    return make_librarian(lender_a, username="hendra")


@pytest.fixture
def lender_b_librarian(lender_b):
    return make_librarian(lender_b, username="nurhasanah")


@pytest.fixture
def reader(school):
    return make_student(school, username="putri", email="putri@example.org")


@pytest.fixture
def book(school, lender_a, lender_b):
    """A title the requesting school lacks, with one lendable copy at each of two other schools."""
    record = Record.objects.create(title="Bumi Manusia", authors=[{"name": "Pramoedya Ananta Toer", "role": "author"}])
    Holding.objects.create(record=record, library=lender_a, barcode="A-1")
    Holding.objects.create(record=record, library=lender_b, barcode="B-1")
    return record


@pytest.fixture(autouse=True)
def network_agreement(ill_agreement, school, lender_a, lender_b):
    """Every test school shares an active agreement on interlibrary loan and information services."""
    from agreements.choices import Form

    return ill_agreement(school, lender_a, lender_b, loan_days=14, forms=[Form.ILL, Form.INFORMATION])
