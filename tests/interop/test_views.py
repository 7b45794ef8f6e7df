"""The library's SLiMS and OPAC page: who may see it, node create/revoke, OPAC address, harvest queue."""

import pytest

from interop.models import HarvestRun, OpacSource, SlimsNode

pytestmark = pytest.mark.django_db

URL = "/libraries/SMAN1MDN/slims/"


def test_access_matrix(client, school, librarian, readonly_staff, outsider, student, coordinator):
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    for user, status in ((librarian, 200), (outsider, 403), (student, 403), (readonly_staff, 403)):
        client.force_login(user)
        assert client.get(URL).status_code == status, user


def test_librarian_creates_and_revokes_a_node(client, school, librarian):
    client.force_login(librarian)
    response = client.post(URL, {"action": "node", "name": "OPAC"})
    assert response.status_code == 200
    node = SlimsNode.objects.get(library=school)
    password = response.context["new_node"]["password"]
    assert node.password_hash == SlimsNode.hash(password)
    assert password.encode() in response.content
    assert password.encode() not in client.get(URL).content  # shown once
    response = client.post(f"{URL}nodes/{node.pk}/revoke/")
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.revoked_at is not None


def test_outsider_cannot_revoke(client, school, outsider):
    from interop.services import slims_node_create

    node, _ = slims_node_create(library=school)
    client.force_login(outsider)
    assert client.post(f"{URL}nodes/{node.pk}/revoke/").status_code == 403
    node.refresh_from_db()
    assert node.revoked_at is None


def test_opac_address_and_harvest_queue(client, school, librarian):
    client.force_login(librarian)
    response = client.post(URL, {"action": "opac", "kind": "slims", "base_url": "not a url", "schedule": "daily"})
    assert response.status_code == 400
    assert not OpacSource.objects.exists()
    response = client.post(
        URL, {"action": "opac", "kind": "slims", "base_url": "https://opac.sman1medan.sch.id/", "schedule": "weekly"}
    )
    assert response.status_code == 302
    assert OpacSource.objects.get(library=school).schedule == "weekly"
    client.post(URL, {"action": "harvest"})
    client.post(URL, {"action": "harvest"})
    assert HarvestRun.objects.count() == 1  # a second click while one waits queues nothing more
