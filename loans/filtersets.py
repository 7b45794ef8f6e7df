import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consortium import policy
from consortium.filters import IsoDateTimeFilter

from .choices import Service, State
from .models import IllRequest


class IllRequestFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=State.choices)
    service = django_filters.MultipleChoiceFilter(choices=Service.choices)
    library = django_filters.CharFilter(method="filter_library", label=_("Library code (either side)"))
    role = django_filters.ChoiceFilter(
        choices=[("lender", _("We lend")), ("requester", _("We borrow"))], method="filter_role", label=_("Our role")
    )
    updated_since = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = IllRequest
        fields = ["state", "service", "library", "role", "updated_since"]

    def filter_library(self, queryset, name, value):
        return queryset.filter(Q(requester__code__iexact=value) | Q(lender__code__iexact=value))

    def filter_role(self, queryset, name, value):
        mine = policy.library_ids_for(self.request.user) if self.request else set()
        return queryset.filter(lender_id__in=mine) if value == "lender" else queryset.filter(requester_id__in=mine)
