from __future__ import annotations

from django.db import models
from django.db.models import Q


class LibraryQuerySet(models.QuerySet):
    def visible_to(self, user) -> LibraryQuerySet:
        """Everyone sees members; applicants only show to coordinators and their own staff."""
        from .policy import is_consortium_staff, library_ids_for

        if is_consortium_staff(user):
            return self
        return self.filter(~Q(status="applicant") | Q(id__in=library_ids_for(user)))

    def active(self) -> LibraryQuerySet:
        return self.filter(status="active")

    def search(self, text: str) -> LibraryQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__unaccent__icontains=text)
            | Q(code__iexact=text)
            | Q(npsn=text)
            | Q(city__unaccent__icontains=text)
            | Q(address__unaccent__icontains=text)
        )


class ApiKeyQuerySet(models.QuerySet):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)
