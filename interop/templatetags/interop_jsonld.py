from django import template
from django.utils.safestring import mark_safe

from interop.jsonld import as_script, record_jsonld

register = template.Library()


@register.simple_tag(takes_context=True)
def record_jsonld_script(context, record, schools):
    """<script type="application/ld+json"> for a record page (schema.org Book with one Offer per copy)."""
    request = context["request"]
    holdings = [copy for school in schools for copy in school["copies"]]
    base_url = request.build_absolute_uri("/").rstrip("/")
    data = record_jsonld(record, holdings, url=request.build_absolute_uri(record.get_absolute_url()), base_url=base_url)
    return mark_safe(f'<script type="application/ld+json">{as_script(data)}</script>')
