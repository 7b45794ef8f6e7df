from django.db import models

from consortium import policy


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """A library's imports: its staff and read-write key; coordinators see all."""
        if policy.is_coordinator(actor):
            return self
        return self.filter(library_id__in=policy.staff_library_ids(actor))
