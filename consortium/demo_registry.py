"""Which rows are demo data: the seeders mark what they create, and read these marks before they touch anything.

A row is demo data when a seeder marked it (`mark`), or when it hangs off a demo library (its holdings, source
records, staff memberships, import jobs, API keys): a demo library is demo through and through. Everything else is
real data, which no seeder changes and `seed_demo --remove` leaves exactly as it was.

Marks live in one table (`DemoObject`: content type + integer primary key), so an app marks its rows without a
column or migration of its own. Reads return querysets usable as subqueries (`pk__in=demo_ids(Model)`), so a check
costs one query whatever the size of the demo.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import DemoObject, Library


def _content_type(model: type[models.Model]) -> ContentType:
    return ContentType.objects.get_for_model(model, for_concrete_model=True)


def mark(objects: Iterable[models.Model]) -> None:
    """Record that the demo created these rows (idempotent)."""
    marks = [DemoObject(content_type=_content_type(type(obj)), object_id=obj.pk) for obj in objects]
    DemoObject.objects.bulk_create(marks, ignore_conflicts=True, batch_size=2000)


def mark_ids(model: type[models.Model], ids: Iterable[int]) -> None:
    """`mark` for primary keys, when the rows were written in bulk and never loaded."""
    content_type = _content_type(model)
    marks = [DemoObject(content_type=content_type, object_id=pk) for pk in ids]
    DemoObject.objects.bulk_create(marks, ignore_conflicts=True, batch_size=2000)


def unmark(model: type[models.Model], ids: Iterable[int] | None = None) -> None:
    """Forget marks of `model` (all of them, or those of `ids`): called by `remove()` once the rows are gone."""
    marks = DemoObject.objects.filter(content_type=_content_type(model))
    if ids is not None:
        marks = marks.filter(object_id__in=list(ids))
    marks.delete()


def demo_ids(model: type[models.Model]) -> models.QuerySet:
    """The primary keys of `model`'s marked rows, as a subquery."""
    return DemoObject.objects.filter(content_type=_content_type(model)).values("object_id")


def demo_only(queryset: models.QuerySet) -> models.QuerySet:
    """The marked rows of `queryset`."""
    return queryset.filter(pk__in=demo_ids(queryset.model))


def real_only(queryset: models.QuerySet) -> models.QuerySet:
    """The rows of `queryset` that no seeder created."""
    return queryset.exclude(pk__in=demo_ids(queryset.model))


def is_demo(obj: models.Model) -> bool:
    return DemoObject.objects.filter(content_type=_content_type(type(obj)), object_id=obj.pk).exists()


def demo_libraries() -> models.QuerySet[Library]:
    """The demo schools. Seeders read libraries only through this, never `Library.objects.all()`."""
    return demo_only(Library.objects.all())


def demo_users() -> models.QuerySet:
    """The demo people (coordinator, librarians, students, the demo admin)."""
    return demo_only(get_user_model().objects.all())


def demo_user(username: str):
    """The demo person of that login, or None (a real account of the same name is never used by the demo)."""
    return demo_users().filter(username=username).first()


def phrase(count: int, one: str, many: str) -> str:
    """ "1 library", "3 libraries": for the `real_data()` answers."""
    return f"{count} {one if count == 1 else many}"
