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
        from agreements.selectors import information_partner_ids

        from .choices import Service, State

        libraries = policy.library_ids_for(user)
        condition = Q(requester_id__in=libraries) | Q(lender_id__in=libraries)
        # Questions sent to the network reach the libraries that may answer them (information services).
        askers = information_partner_ids(libraries)
        if askers:
            condition |= Q(service=Service.REFERENCE, state=State.SENT, requester_id__in=askers)
        if not policy.is_api_key(user):
            condition |= Q(reader=user)
        return self.filter(condition)

    def active(self) -> IllRequestQuerySet:
        from .choices import FINAL

        return self.exclude(state__in=FINAL)

    def outgoing(self, library) -> IllRequestQuerySet:
        """Copies `library` promised and has not shipped yet: the books to take off its shelves."""
        from .choices import State

        return self.filter(lender=library, state=State.WILL_SUPPLY, holding__isnull=False)


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, actor) -> NotificationQuerySet:
        """Notifications are personal: each person sees only their own."""
        from consortium import policy

        person = policy.person(actor)
        return self.filter(user=person) if person is not None else self.none()
