"""Writes of the interop app: SLiMS node credentials, OPAC harvest settings."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortium import policy
from consortium.models import Library

from .choices import HarvestStatus
from .models import HarvestRun, OpacSource, SlimsNode

NOT_YOUR_LIBRARY = _("Only this library's librarians may manage its SLiMS connection.")


@transaction.atomic
def slims_node_create(*, library: Library, by=None, name: str = "") -> tuple[SlimsNode, str]:
    """A new node id and password for the library's SLiMS (UCS settings); the password is returned only here.

    `by=None` is the shell (`manage.py slims_node`), which is trusted."""
    if by is not None:
        policy.ensure(policy.can_manage_api_keys(by, library), NOT_YOUR_LIBRARY)
    node_id = f"{library.code.upper()}-{secrets.token_hex(3).upper()}"
    password = secrets.token_urlsafe(18)
    node = SlimsNode(
        library=library,
        node_id=node_id,
        password_hash=SlimsNode.hash(password),
        name=name[:100],
        created_by=policy.person(by) if by is not None else None,
    )
    node.full_clean()
    node.save()
    return node, password


@transaction.atomic
def slims_node_revoke(*, node: SlimsNode, by) -> SlimsNode:
    policy.ensure(policy.can_manage_api_keys(by, node.library), NOT_YOUR_LIBRARY)
    node = SlimsNode.objects.select_for_update().get(pk=node.pk)
    if node.revoked_at is None:
        node.revoked_at = timezone.now()
        node.save(update_fields=["revoked_at"])
    return node


@transaction.atomic
def opac_source_save(*, library: Library, by, kind: str, base_url: str, schedule: str) -> OpacSource:
    policy.ensure(policy.can_manage_api_keys(by, library), NOT_YOUR_LIBRARY)
    source = OpacSource.objects.select_for_update().filter(library=library).first() or OpacSource(library=library)
    if source.pk and source.base_url.rstrip("/") != base_url.rstrip("/"):
        source.last_datestamp = ""  # another OPAC: the next harvest starts from the beginning
    source.kind = kind
    source.base_url = base_url
    source.schedule = schedule
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def harvest_queue(*, source: OpacSource, by=None) -> HarvestRun:
    """A harvest waiting for the worker (`manage.py harvest_opac --run ID` or the job queue)."""
    if by is not None:
        policy.ensure(policy.can_manage_api_keys(by, source.library), NOT_YOUR_LIBRARY)
    # The source row locked: the scheduler's harvests_due cannot queue a second run beside this one.
    OpacSource.objects.select_for_update().filter(pk=source.pk).first()
    running = source.runs.filter(status__in=[HarvestStatus.QUEUED, HarvestStatus.RUNNING]).first()
    if running is not None:
        return running
    run = HarvestRun.objects.create(source=source, started_by=policy.person(by) if by is not None else None)
    transaction.on_commit(lambda: _queue_run(run.pk))
    return run


def _queue_run(run_id: int) -> None:
    from consortium import jobs

    from . import tasks

    jobs.defer(tasks.run_harvest, run_id=run_id)
