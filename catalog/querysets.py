from __future__ import annotations

from django.db import models


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, actor) -> ImportJobQuerySet:
        """A library's imports (file and report): its staff and its key; coordinators see all."""
        from consortium import policy

        if not policy.is_api_key(actor) and policy.is_coordinator(actor):
            return self
        return self.filter(library_id__in=policy.library_ids_for(actor))


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, actor) -> ExportJobQuerySet:
        """An export's file is its requester's (and coordinators')."""
        from consortium import policy

        if policy.is_api_key(actor):
            return self.none()
        if policy.is_coordinator(actor):
            return self
        person = policy.person(actor)
        if not getattr(person, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by_id=person.pk)
