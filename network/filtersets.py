"""Query-parameter filters shared by the pages and the API."""

import django_filters
from django.db.models import Q

from consortium.filters import IsoDateTimeFilter
from consortium.models import Library

from .choices import BookingStatus, FacilityKind
from .models import Booking, Facility


class FacilityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.ChoiceFilter(choices=FacilityKind.choices)
    library = django_filters.CharFilter(field_name="library__code", lookup_expr="iexact", label="School code")
    library_id = django_filters.ModelMultipleChoiceFilter(field_name="library", queryset=Library.objects.all())

    class Meta:
        model = Facility
        fields = ["id", "kind", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class BookingFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=BookingStatus.choices)
    facility_id = django_filters.ModelMultipleChoiceFilter(field_name="facility", queryset=Facility.objects.all())
    library_id = django_filters.ModelMultipleChoiceFilter(field_name="library", queryset=Library.objects.all())
    starts_after = IsoDateTimeFilter(field_name="period", lookup_expr="startswith__gte")
    starts_before = IsoDateTimeFilter(field_name="period", lookup_expr="startswith__lt")

    class Meta:
        model = Booking
        fields = ["id", "status"]
