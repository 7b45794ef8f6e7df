from __future__ import annotations

from django.db import models
from django.db.models import Q


class IllRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> IllRequestQuerySet:
        """A reader sees her own requests; librarians their school's (as requester or lender).

        Coordinators see requests through the statistics only, never the readers behind them.
        """
        from consortium import policy

        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        libraries = policy.library_ids_for(user)
        condition = Q(requester_id__in=libraries) | Q(lender_id__in=libraries)
        if not policy.is_api_key(user):
            condition |= Q(reader=user)
        return self.filter(condition)

    def active(self) -> IllRequestQuerySet:
        from .choices import FINAL

        return self.exclude(state__in=FINAL)
