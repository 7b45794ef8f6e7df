"""Scoping of the app's reads; who may see what is asked of consortium.policy."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class LibraryOwnedQuerySet(models.QuerySet):
    """Offers and wants are the network's notice board: every member reads them."""

    def visible_to(self, user) -> LibraryOwnedQuerySet:
        from consortium import policy

        return self if policy.can_see_exchange(user) else self.none()

    def mine(self, user) -> LibraryOwnedQuerySet:
        from consortium import policy

        return self.filter(library_id__in=policy.library_ids_for(user))


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProposalQuerySet:
        """A student sees her own proposals; staff their school's; coordinators all (they run the rounds)."""
        from consortium import policy

        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if policy.is_coordinator(user):
            return self
        condition = Q(library_id__in=policy.library_ids_for(user))
        if not policy.is_api_key(user):
            condition |= Q(proposed_by=user)
        return self.filter(condition)


class DonorQuerySet(models.QuerySet):
    def visible_to(self, user) -> DonorQuerySet:
        """Donors' personal data: the receiving school's staff and coordinators only (as for readers)."""
        from consortium import policy

        if policy.is_coordinator(user):
            return self
        return self.filter(library_id__in=policy.library_ids_for(user))


class DonationQuerySet(models.QuerySet):
    def visible_to(self, user) -> DonationQuerySet:
        from consortium import policy

        if policy.is_coordinator(user):
            return self
        return self.filter(library_id__in=policy.library_ids_for(user))
