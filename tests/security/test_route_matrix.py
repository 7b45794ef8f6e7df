"""Persona x route: every URL pattern and API route, as every persona, against the policy.

For each route: never a server error; a private page sends the anonymous visitor to the login page (the API
answers 401/403); where a route shows one object, whoever that object's `visible_to()` leaves out gets 404
(never 403, which would confirm the object exists), and whoever it includes does not.
"""

import pytest
from rest_framework.test import APIClient

from consortium.policy import ApiKeyActor
from consortium.services import api_key_lookup

from .routes import build_world, routes, url_for, url_names

pytestmark = pytest.mark.django_db

PUBLIC = {
    "home",
    "healthz",
    "consortium:library_list",
    "consortium:library_detail",
    "catalog:search",
    "catalog:record_detail",
    "catalog:record_export",
    "catalog:browse",
    "catalog:browse_library",
    "catalog:export",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "api:library-list",
    "api:library-detail",
    "api:record-list",
    "api:record-detail",
    "api:holding-list",
    "api:holding-detail",
    "api:search",
    "api:schema",
    "api:docs",
    "api:redoc",
    # Protocol endpoints: the catalog's SRU, OAI-PMH and SLiMS P2P answer any harvester or OPAC, as the catalog
    # pages do; SLiMS pushes to the UCS addresses without a session, with its node id and password in the body
    # (a GET gets a refusal in SLiMS's JSON, HTTP 200).
    "interop:sru",
    "interop:oai",
    "interop:slims_p2p",
    "interop:ucs",
    "interop:ucpoll",
    "interop:uc_ops",
    # The network's shared search tools: new acquisitions, subscriptions and published reading lists (page, CSV,
    # Atom feed, API) are open to anyone; the rest of the network is for members.
    "network:acquisitions",
    "network:acquisitions_csv",
    "network:acquisitions_feed",
    "network:subscription_list",
    "network:subscription_csv",
    "network:subscription_feed",
    "network:readinglist_list",
    "network:readinglist_detail",
    "network:readinglist_csv",
    "network:readinglist_feed",
    "api:new-acquisition-list",
    "api:subscription-list",
    "api:subscription-detail",
    "api:reading-list-list",
    "api:reading-list-detail",
}
# Routes that act (POST): the matrix also posts to them; visibility still decides 404. Only actions that an empty
# POST leaves unchanged in this world: a form or body that fails validation, or a step the object's state refuses
# (the pledge is only proposed, the offer open and not claimed, the training already held, the request not unfilled).
POSTS = {
    "loans:request_transition",
    "agreements:agreement_action",
    "acquisitions:proposal_action",
    "acquisitions:proposal_from_unfilled",
    "acquisitions:pledge_action",
    "acquisitions:offer_action",
    "acquisitions:donation_item_action",
    "network:event_action",
    "api:purchase-proposal-pledge",
    "api:buying-round-budget",
    "api:pledge-set-status",
    "api:exchange-offer-transfer",
    "api:donation-item-route",
    "api:event-register",
    "api:event-unregister",
    "api:question-answer",
    "api:reading-list-add-item",
}
PERSONAS = ["anonymous", "student", "librarian", "assistant", "lender", "outsider", "coordinator"]
KEYS = ["read key", "write key", "stranger key"]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return build_world()


def test_every_url_pattern_is_in_the_matrix(world):
    assert url_names() == set(routes(world)), url_names() ^ set(routes(world))


def _ghost(kwargs: dict) -> dict:
    """The same arguments for an object that does not exist."""
    ghost = dict(kwargs)
    if "pk" in ghost:
        ghost["pk"] = 999999
    if "name" in ghost:
        ghost["name"] = "ill/999999/tidak-ada.pdf"
    return ghost


def _actor(world, persona):
    if persona in world.keys:
        return ApiKeyActor(api_key_lookup(world.keys[persona]))
    return world.people[persona]


def _client(world, persona):
    client = APIClient()
    if persona in world.keys:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world.keys[persona]}")
    elif world.people[persona] is not None:
        client.force_login(world.people[persona])
    return client


def test_persona_route_matrix(world):
    problems = []
    # One signed-in client per persona for the whole walk (a sign-in per route and persona was most of its time).
    clients = {persona: _client(world, persona) for persona in PERSONAS + KEYS}
    for name, (kwargs, visibility) in sorted(routes(world).items()):
        url = url_for(name, kwargs)
        is_api = name.startswith("api:")
        for persona in PERSONAS + (KEYS if is_api else []):
            client = clients[persona]
            methods = ["get"] + (["post"] if name in POSTS or (is_api and name.startswith("api:ill-request-")) else [])
            for method in methods:
                response = getattr(client, method)(url)
                status = response.status_code
                where = f"{method.upper()} {url} as {persona}: {status}"
                if status >= 500:
                    problems.append(where + " (server error)")
                    continue
                anonymous = persona == "anonymous"
                if anonymous and name not in PUBLIC:
                    expected = {401, 403, 405} if is_api else {302, 404, 405}
                    if status not in expected:
                        problems.append(where + f" (anonymous: expected {sorted(expected)})")
                    if not is_api and status == 302 and "/accounts/login/" not in response["Location"]:
                        problems.append(where + " (anonymous redirected elsewhere than the login page)")
                    continue
                if visibility is not None and not anonymous:
                    model, obj = visibility
                    visible = model.objects.visible_to(_actor(world, persona)).filter(pk=obj.pk).exists()
                    # Not seeing it: 404, or exactly what an object that does not exist gets (405 for a GET
                    # on an action, 403 for a read-only key writing): nothing confirms that it exists.
                    if not visible and status != 404:
                        ghost = getattr(client, method)(url_for(name, _ghost(kwargs))).status_code
                        if status != ghost:
                            problems.append(
                                where + f" (cannot see the object: expected 404, like a missing one: {ghost})"
                            )
                    if visible and status == 404:
                        problems.append(where + " (sees the object but got 404)")
    assert not problems, "\n".join(problems)


def test_media_files_have_no_url(world, client):
    name = world.ill.attachment.name
    assert client.get(f"/media/{name}").status_code == 404
    client.force_login(world.people["librarian"])
    assert client.get(f"/media/{name}").status_code == 404
    response = client.get(url_for("uploaded_file", {"name": name}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(world.people["outsider"])
    assert client.get(url_for("uploaded_file", {"name": name})).status_code == 404
    assert client.get(url_for("uploaded_file", {"name": world.job.file.name})).status_code == 404
    client.force_login(world.people["librarian"])
    assert client.get(url_for("uploaded_file", {"name": world.job.file.name})).status_code == 200


def test_every_file_field_is_served_through_the_policy():
    from django.apps import apps
    from django.core.files.storage import default_storage
    from django.db import models

    from consortium.files import OWNERS

    fields = {
        (f"{model._meta.app_label}.{model.__name__}", field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
        # Files kept outside MEDIA_ROOT (network guidelines: PRIVATE_FILES_ROOT) are served by their app's own
        # policy-checking view, never by consortium.files.
        and field.storage.__class__ is default_storage.__class__
        and getattr(field.storage, "location", None) == getattr(default_storage, "location", None)
    }
    assert fields == set(OWNERS)
