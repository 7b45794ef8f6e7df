from django import template

register = template.Library()


@register.simple_tag
def query_replace(request, **changes):
    """The current query string with some parameters replaced (or removed when None); keeps filters in links."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def choice_labels(values, choices):
    """Labels of the chosen values of an ArrayField with choices."""
    labels = dict(choices)
    return [labels.get(value, value) for value in values or []]
