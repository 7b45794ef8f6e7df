import pytest
from django.core.management import call_command

from network.models import Booking, Event, Facility, ReadingList, Subscription

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_the_network_pages_and_is_idempotent(mailoutbox, settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert Facility.objects.count() == 4
    assert Booking.objects.filter(status="approved").count() >= 5 and Booking.objects.filter(status="pending").exists()
    assert Event.objects.count() == 2 and Subscription.objects.count() == 6
    assert ReadingList.objects.get().items.count() == 5
    counts = (Facility.objects.count(), Booking.objects.count(), Event.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (Facility.objects.count(), Booking.objects.count(), Event.objects.count()) == counts
    assert mailoutbox == []
    from network import demo

    demo.remove()
    assert not Facility.objects.exists() and not ReadingList.objects.exists()
