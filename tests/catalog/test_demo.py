import pytest

from catalog import demo as catalog_demo
from catalog.models import Holding, Record
from consortium import demo as consortium_demo

pytestmark = pytest.mark.django_db


def test_demo_collection_is_believable_and_idempotent():
    consortium_demo.seed()
    catalog_demo.seed()
    records, holdings = Record.objects.count(), Holding.objects.count()
    assert records > 2000 and holdings > 15000
    assert Record.objects.filter(language="eng").exists() and Record.objects.filter(language="ind").exists()
    shared = Record.objects.filter(title="Laskar Pelangi").get()
    assert shared.holdings.values("library").distinct().count() > 1  # one record, several schools
    catalog_demo.seed()
    assert (Record.objects.count(), Holding.objects.count()) == (records, holdings)
