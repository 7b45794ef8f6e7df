"""Uploaded files are never served from MEDIA_ROOT by URL: every download goes through `serve_upload`, which
finds the record that owns the file and asks that model's `visible_to(actor)` (the policy) first.

A new FileField must be added to OWNERS; tests/consortium/test_files.py fails for a FileField that is not.
"""

from __future__ import annotations

from django.apps import apps
from django.http import FileResponse, Http404

# (app_label.Model, file field): the owner's visible_to() decides who may download.
OWNERS = [
    ("loans.IllRequest", "attachment"),
    ("catalog.ImportJob", "file"),
    ("catalog.ExportJob", "file"),
    ("agreements.Signature", "paper"),
]


def owner_of(name: str, actor):
    """The record that holds the file `name` and that `actor` may see, or None."""
    for label, field in OWNERS:
        model = apps.get_model(label)
        owner = model.objects.visible_to(actor).filter(**{field: name}).first()
        if owner is not None:
            return owner, field
    return None


def serve_upload(request, name: str) -> FileResponse:
    """The file as a download (never shown inline), or 404 for an unknown file or one the actor may not see."""
    found = owner_of(name, request.user) if name else None
    if found is None:
        raise Http404
    owner, field = found
    file = getattr(owner, field)
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=file.name.rsplit("/", 1)[-1])
