import django_filters
from django.utils.translation import gettext_lazy as _

from consortium.filters import IsoDateTimeFilter
from consortium.models import Library

from .choices import HoldingStatus, MaterialType
from .models import Holding, Record
from .normalize import isbn13


class HoldingFilterSet(django_filters.FilterSet):
    """For partner systems that sync: by library, status, ISBN and change time."""

    library = django_filters.CharFilter(field_name="library__code", lookup_expr="iexact", label=_("Library code"))
    library_id = django_filters.ModelMultipleChoiceFilter(field_name="library", queryset=Library.objects.all())
    status = django_filters.MultipleChoiceFilter(choices=HoldingStatus.choices)
    isbn = django_filters.CharFilter(method="filter_isbn", label=_("ISBN"))
    barcode = django_filters.CharFilter(field_name="barcode", lookup_expr="iexact")
    record_id = django_filters.NumberFilter(field_name="record_id")
    updated_since = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label=_("Updated since"))

    class Meta:
        model = Holding
        fields = ["library", "library_id", "status", "isbn", "barcode", "record_id", "updated_since"]

    def filter_isbn(self, queryset, name, value):
        normalised = isbn13(value)
        return queryset.filter(record__isbns__contains=[normalised]) if normalised else queryset.none()


class RecordFilterSet(django_filters.FilterSet):
    isbn = django_filters.CharFilter(method="filter_isbn", label=_("ISBN"))
    library = django_filters.CharFilter(method="filter_library", label=_("Held by (library code)"))
    material_type = django_filters.MultipleChoiceFilter(choices=MaterialType.choices)
    updated_since = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Record
        fields = ["isbn", "library", "material_type", "updated_since"]

    def filter_isbn(self, queryset, name, value):
        normalised = isbn13(value)
        return queryset.filter(isbns__contains=[normalised]) if normalised else queryset.none()

    def filter_library(self, queryset, name, value):
        return queryset.filter(holdings__library__code__iexact=value).distinct()
