import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Form, Status
from .models import Agreement


class AgreementFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    form = django_filters.ChoiceFilter(choices=Form.choices, method="filter_form", label=_("Form of cooperation"))
    party = django_filters.CharFilter(method="filter_party", label=_("Party (library code or institution)"))
    ending_before = django_filters.DateFilter(field_name="end_on", lookup_expr="lte")

    class Meta:
        model = Agreement
        fields = ["status", "form", "party", "ending_before"]

    def filter_form(self, queryset, name, value):
        return queryset.filter(forms__contains=[value])

    def filter_party(self, queryset, name, value):
        return queryset.filter(
            Q(parties__library__code__iexact=value) | Q(parties__institution__icontains=value)
        ).distinct()
