from __future__ import annotations

from django.db import models


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, actor) -> ImportJobQuerySet:
        """A library's imports (file and report): its staff and its key; coordinators see all."""
        from consortium import policy

        if not policy.is_api_key(actor) and policy.is_coordinator(actor):
            return self
        return self.filter(library_id__in=policy.library_ids_for(actor))
