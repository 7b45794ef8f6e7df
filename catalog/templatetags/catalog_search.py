from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

register = template.Library()

FACET_VISIBLE = 10


def _items(name: str, values) -> str:
    # Plain escaping and one join: format_html per checkbox was half the page's Python for a broad search.
    name = escape(name)
    return mark_safe(
        "".join(
            f'<li><label class="check"><input type="checkbox" name="{name}" value="{escape(str(f.value))}"'
            f"{' checked' if f.selected else ''}> {escape(str(f.label))} "
            f'<span class="facet-count">({int(f.count)})</span></label></li>'
            for f in values
        )
    )


@register.simple_tag
def facet_group(name: str, legend: str, values):
    """One facet as a group of checkboxes: the most frequent values (and any chosen one) in view, the rest folded.

    Rendered in Python: a facet over 500 member schools is 500 checkboxes, and the template loop cost more
    than the search behind it."""
    if not values:
        return ""
    shown = [f for i, f in enumerate(values) if i < FACET_VISIBLE or f.selected]
    folded = [f for i, f in enumerate(values) if i >= FACET_VISIBLE and not f.selected]
    more = ""
    if folded:
        label = ngettext("%(n)s more", "%(n)s more", len(folded)) % {"n": len(folded)}
        more = format_html(
            '<details class="facet-more"><summary>{}</summary><ul>{}</ul></details>', label, _items(name, folded)
        )
    return format_html(
        '<fieldset class="facet" data-facet="{}"><legend>{}</legend><ul>{}</ul>{}</fieldset>',
        name,
        legend,
        _items(name, shown),
        more,
    )
