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
    _crawl_network_pages()
    from network import demo

    demo.remove()
    assert not Facility.objects.exists() and not ReadingList.objects.exists()


def _crawl_network_pages():
    """Every network page reachable from /network/ answers without an error for each kind of person."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.test_smoke import links_in

    for username in ["rosmawati", "yusnita", "sari", "kepsek1", "putri", "koordinator"]:
        client = Client(raise_request_exception=True)
        client.force_login(get_user_model().objects.get(username=username))
        seen, queue = {}, ["/network/"]
        while queue and len(seen) < 30:
            url = queue.pop(0)
            if url in seen:
                continue
            response = client.get(url)
            seen[url] = response.status_code
            if response.status_code == 200 and "text/html" in response["Content-Type"]:
                queue += [h for h in links_in(response.content.decode()) if h.startswith("/network/") and h not in seen]
        assert all(status < 500 for status in seen.values()), (username, seen)
        assert sum(status == 200 for status in seen.values()) > 5, (username, seen)
