import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from consortium.validators import validate_npsn
from tests.factories import LibraryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["10210872", "69725514"])
def test_valid_npsn_is_accepted(value):
    validate_npsn(value)


@pytest.mark.parametrize("value", ["", "1021087", "102108722", "1021087a", "00000000", " 10210872", "1021-0872"])
def test_invalid_npsn_is_refused(value):
    with pytest.raises(ValidationError):
        validate_npsn(value)


def test_library_full_clean_reports_npsn_on_its_field():
    library = LibraryFactory.build(npsn="123")
    with pytest.raises(ValidationError) as exc:
        library.full_clean()
    assert "npsn" in exc.value.message_dict


def test_npsn_is_unique():
    LibraryFactory(npsn="10210872")
    duplicate = LibraryFactory.build(npsn="10210872", code="OTHER")
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert "npsn" in exc.value.message_dict


def test_database_refuses_a_malformed_npsn_even_past_validation():
    with pytest.raises(IntegrityError), transaction.atomic():
        LibraryFactory(npsn="12AB5678")


def test_code_is_unique_regardless_of_case():
    LibraryFactory(code="SMAN1MDN")
    with pytest.raises(ValidationError):
        LibraryFactory.build(code="sman1mdn", npsn="10299999").full_clean()
