from __future__ import annotations

from django.db import models
from django.db.models import Q


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


class FacilityQuerySet(models.QuerySet):
    def visible_to(self, user) -> FacilityQuerySet:
        """Offered facilities are open to every signed-in member; an owner's staff also see what it withdrew."""
        from consortium import policy

        if not _signed_in(user):
            return self.none()
        if policy.is_coordinator(user):
            return self
        return self.filter(Q(is_active=True) | Q(library_id__in=policy.library_ids_for(user)))

    def offered(self) -> FacilityQuerySet:
        return self.filter(is_active=True, library__status="active")


class BookingQuerySet(models.QuerySet):
    def visible_to(self, user) -> BookingQuerySet:
        """The owner's staff and the booking school's staff; coordinators see all (usage per agreement)."""
        from consortium import policy

        if not _signed_in(user):
            return self.none()
        if policy.is_coordinator(user):
            return self
        mine = policy.library_ids_for(user)
        return self.filter(Q(facility__library_id__in=mine) | Q(library_id__in=mine))

    def live(self) -> BookingQuerySet:
        from .choices import HOLDS_SLOT

        return self.filter(status__in=HOLDS_SLOT)


class EventQuerySet(models.QuerySet):
    def visible_to(self, user) -> EventQuerySet:
        """Meetings and training for the network's staff: whoever reads the librarians' network (as the pages)."""
        from consortium import policy

        return self if policy.can_read_network(user) else self.none()


class QuestionQuerySet(models.QuerySet):
    def visible_to(self, user) -> QuestionQuerySet:
        """Colleagues' questions are read by whoever reads the librarians' network (staff, teachers, coordinators
        and member libraries' keys), in the API as on the pages."""
        from consortium import policy

        return self if policy.can_read_network(user) else self.none()

    def search(self, text: str) -> QuestionQuerySet:
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(title__icontains=text) | Q(body__icontains=text) | Q(answers__body__icontains=text)
        ).distinct()


class ReadingListQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReadingListQuerySet:
        """Reading lists are published for the class: anyone may read them (page, CSV, Atom feed)."""
        return self
