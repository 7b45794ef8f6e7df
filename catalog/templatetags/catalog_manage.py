from django import template

from consortium import policy
from consortium.models import Library

register = template.Library()


@register.inclusion_tag("catalog/includes/record_staff_actions.html", takes_context=True)
def record_staff_actions(context, record):
    """Links for staff on a record page: add or edit their own library's copies; merge or split for coordinators."""
    user = context["request"].user
    libraries = Library.objects.filter(pk__in=policy.staff_library_ids(user)).order_by("name")
    own_copies = record.holdings.filter(library__in=libraries).select_related("library") if libraries else []
    return {
        "record": record,
        "libraries": libraries,
        "own_copies": own_copies,
        "can_curate": policy.can_curate_catalog(user),
    }
