"""Query-parameter filters, one per list, shared by the pages and the API (they only narrow a scoped queryset)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consortium.filters import IsoDateTimeFilter

from .choices import DonationKind, OfferReason, OfferStatus, OrderStatus, ProposalStatus, WantStatus
from .models import Donation, Offer, Pledge, Proposal, Want


class LibraryCodeMixin(django_filters.FilterSet):
    library = django_filters.CharFilter(field_name="library__code", lookup_expr="iexact", label=_("School code"))
    library_id = django_filters.NumberFilter(field_name="library_id")


class ProposalFilterSet(LibraryCodeMixin):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=ProposalStatus.choices)

    class Meta:
        model = Proposal
        fields = ["id", "status", "isbn"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(author__icontains=value) | Q(isbn=value))


class PledgeFilterSet(LibraryCodeMixin):
    round_id = django_filters.NumberFilter(field_name="round_id")
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices)
    updated_since = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Pledge
        fields = ["id", "status", "isbn", "funding"]


class OfferFilterSet(LibraryCodeMixin):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=OfferStatus.choices)
    reason = django_filters.MultipleChoiceFilter(choices=OfferReason.choices)
    isbn = django_filters.CharFilter(field_name="record__isbns", method="by_isbn")
    ddc = django_filters.CharFilter(
        field_name="record__ddc", lookup_expr="startswith", label=_("DDC class starts with")
    )
    claimed_by = django_filters.CharFilter(field_name="claimed_by__code", lookup_expr="iexact")

    class Meta:
        model = Offer
        fields = ["id", "status", "reason"]

    def search(self, queryset, name, value):
        return queryset.filter(record__title__icontains=value)

    def by_isbn(self, queryset, name, value):
        return queryset.filter(record__isbns__contains=[value])


class WantFilterSet(LibraryCodeMixin):
    status = django_filters.MultipleChoiceFilter(choices=WantStatus.choices)

    class Meta:
        model = Want
        fields = ["id", "status", "isbn", "grade"]


class DonationFilterSet(LibraryCodeMixin):
    kind = django_filters.ChoiceFilter(choices=DonationKind.choices)
    received_after = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_before = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")
    donor_id = django_filters.NumberFilter(field_name="donor_id")

    class Meta:
        model = Donation
        fields = ["id", "kind"]
