from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        # A page number that is not a positive whole number is bad input (400); a page past the end is 404.
        raw = request.query_params.get(self.page_query_param)
        if raw not in (None, "", "last") and not (raw.isdigit() and int(raw) > 0):
            raise ValidationError({self.page_query_param: [_("A page number is a whole number from 1.")]})
        return super().paginate_queryset(queryset, request, view)
