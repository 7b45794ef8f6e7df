import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import MembershipStatus, SchoolLevel, Service
from .filters import IsoDateTimeFilter
from .models import Library


def _cities(request):
    return Library.objects.order_by("city").values_list("city", "city").distinct()


class LibraryFilterSet(django_filters.FilterSet):
    """The directory's filters; shared by the page and /api/v1/libraries/."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    city = django_filters.CharFilter(field_name="city", lookup_expr="iexact", label=_("Regency/city"))
    level = django_filters.MultipleChoiceFilter(choices=SchoolLevel.choices, label=_("School level"))
    service = django_filters.MultipleChoiceFilter(
        choices=Service.choices, method="filter_service", label=_("Service offered")
    )
    status = django_filters.MultipleChoiceFilter(choices=MembershipStatus.choices, label=_("Membership status"))
    province = django_filters.CharFilter(field_name="province", lookup_expr="iexact", label=_("Province"))
    updated_since = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label=_("Updated since"))

    class Meta:
        model = Library
        fields = ["q", "city", "level", "service", "status", "province", "updated_since"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_service(self, queryset, name, value):
        # Offers every chosen service.
        return queryset.filter(services__contains=list(value)) if value else queryset
