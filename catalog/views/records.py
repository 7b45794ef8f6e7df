"""Discovery pages: search, the record page (holdings by school, citation, export) and browse.

All of them are public (the union catalog is the consortium's shop window); what a signed-in reader gets
in addition is their own school first. The searching itself lives in catalog/search.py.
"""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from consortium.models import Library

from .. import citation, permalinks
from .. import search as catalog_search
from ..choices import HoldingStatus
from ..covers import record_cover
from ..models import Record
from ..search import DDC_CLASSES, LANGUAGES, SCOPES, SORTS, Searcher, SearchParams


def record_ris(record: Record) -> str:
    """The record in RIS, which reference managers (Zotero, Mendeley) import."""
    kind = {"book": "BOOK", "ebook": "EBOOK", "serial": "JOUR", "av": "VIDEO", "map": "MAP"}.get(
        record.material_type, "GEN"
    )
    lines = [f"TY  - {kind}", f"TI  - {record.title}"]
    if record.subtitle:
        lines.append(f"T2  - {record.subtitle}")
    for author in record.authors or []:
        if isinstance(author, dict) and author.get("name"):
            tag = "ED" if author.get("role") == "editor" else "AU"
            lines.append(f"{tag}  - {author['name']}")
    for tag, value in (
        ("PY", record.year),
        ("PB", record.publisher),
        ("CY", record.place),
        ("ET", record.edition),
        ("LA", record.language),
        ("CN", record.ddc),
        ("AB", record.summary),
    ):
        if value:
            lines.append(f"{tag}  - {value}")
    lines += [f"SN  - {isbn}" for isbn in record.isbns or []]
    lines += [f"KW  - {subject}" for subject in record.subjects or []]
    lines.append("ER  - ")
    return "\r\n".join(line.replace("\r", " ").replace("\n", " ") for line in lines) + "\r\n"


def record_marcxml(record: Record) -> bytes:
    """A minimal MARC21 record in MARCXML built from the union record."""
    from pymarc import Field, Subfield, record_to_xml
    from pymarc import Record as MarcRecord

    marc = MarcRecord(force_utf8=True)
    marc.add_field(Field(tag="001", data=str(record.pk)))
    for isbn in record.isbns or []:
        marc.add_field(Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", isbn)]))
    if record.ddc:
        marc.add_field(Field(tag="082", indicators=["0", "4"], subfields=[Subfield("a", record.ddc)]))
    authors = [a for a in record.authors or [] if isinstance(a, dict) and a.get("name")]
    if authors:
        marc.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", authors[0]["name"])]))
    title = [Subfield("a", record.title)]
    if record.subtitle:
        title.append(Subfield("b", record.subtitle))
    if record.responsibility:
        title.append(Subfield("c", record.responsibility))
    marc.add_field(Field(tag="245", indicators=["1", "0"], subfields=title))
    if record.edition:
        marc.add_field(Field(tag="250", indicators=[" ", " "], subfields=[Subfield("a", record.edition)]))
    imprint = [
        Subfield(code, value)
        for code, value in (("a", record.place), ("b", record.publisher), ("c", str(record.year or "")))
        if value
    ]
    if imprint:
        marc.add_field(Field(tag="264", indicators=[" ", "1"], subfields=imprint))
    if record.physical_description:
        marc.add_field(Field(tag="300", indicators=[" ", " "], subfields=[Subfield("a", record.physical_description)]))
    if record.series:
        marc.add_field(Field(tag="490", indicators=["0", " "], subfields=[Subfield("a", record.series)]))
    if record.summary:
        marc.add_field(Field(tag="520", indicators=[" ", " "], subfields=[Subfield("a", record.summary)]))
    for subject in record.subjects or []:
        marc.add_field(Field(tag="650", indicators=[" ", "4"], subfields=[Subfield("a", subject)]))
    for author in authors[1:]:
        marc.add_field(Field(tag="700", indicators=["1", " "], subfields=[Subfield("a", author["name"])]))
    return record_to_xml(marc, namespace=True)


class SearchView(TemplateView):
    """The catalog's one search box, facets and results; an empty search shows browse."""

    template_name = "catalog/search.html"

    def get(self, request, *args, **kwargs):
        libraries = catalog_search.library_names()
        params = SearchParams.from_querydict(request.GET, known_library_ids=set(libraries))
        result = Searcher(params, actor=request.user, libraries=libraries).run()
        if result.jump_record_id:
            return redirect("catalog:record_detail", pk=result.jump_record_id)
        context = self.get_context_data(result=result, params=params, libraries=libraries)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = kwargs["result"]
        params = kwargs["params"]
        context.update(
            sorts=SORTS.items(),
            scopes=SCOPES.items(),
            show_scope=bool(catalog_search.home_library_ids(self.request.user)),
            ddc_classes=DDC_CLASSES.items(),
            languages=LANGUAGES,
            first_index=(params.page - 1) * params.page_size + 1,
        )
        if result.browse:
            context.update(browse_context())
        if result.corrected_from:
            context["original_query_string"] = urlencode({"q": result.corrected_from, "raw": "1"})
        if result.suggestion:
            context["suggestion_query_string"] = urlencode({"q": result.suggestion})
        if not result.hits and params.q:
            # No dead end: an information request (or a purchase proposal) to the network, the words filled in.
            context["ask_query_string"] = urlencode({"service": "reference", "question": params.q})
            context["purchase_query_string"] = urlencode(
                {"service": "reference", "question": _("Purchase proposal: %(q)s") % {"q": params.q}}
            )
        return context


def browse_context(library: Library | None = None) -> dict:
    return {
        "new_records": catalog_search.new_acquisitions(library=library, limit=20),
        "popular_subjects": catalog_search.popular_subjects(),
        "ddc_classes": DDC_CLASSES.items(),
        "browse_libraries": Library.objects.active().only("id", "name", "code").order_by("name"),
        "browse_library": library,
    }


class BrowseView(TemplateView):
    """New acquisitions across the consortium, subjects and DDC classes."""

    template_name = "catalog/browse.html"

    def get(self, request, *args, **kwargs):
        school = request.GET.get("school", "")
        if school and Library.objects.filter(code__iexact=school).exists():
            return redirect("catalog:browse_library", code=school)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(browse_context())
        return context


class BrowseLibraryView(TemplateView):
    """New acquisitions of one school."""

    template_name = "catalog/browse_library.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        library = get_object_or_404(Library.objects.visible_to(self.request.user), code__iexact=kwargs["code"])
        context.update(browse_context(library))
        return context


def availability_summary(schools: list[dict], home: set[int]) -> str:
    """The record page's first answer to "where can I get it": how many schools have it on the shelf, and the
    nearest of them (the reader's own school, else one in the same city, else the first by name)."""
    if not schools:
        return _("No member school holds a copy.")
    open_now = [s for s in schools if s["available"]]
    if not open_now:
        return ngettext(
            "Held by %(n)d school; no copy is on the shelf now.",
            "Held by %(n)d schools; no copy is on the shelf now.",
            len(schools),
        ) % {"n": len(schools)}
    cities = {s["library"].city for s in schools if s["is_home"]}
    nearest = next((s for s in open_now if s["is_home"]), None)
    if nearest is not None:
        where = _("your own school")
    else:
        nearest = next((s for s in open_now if s["library"].city in cities), open_now[0])
        where = nearest["library"].name
    return ngettext(
        "Available now at %(available)d of %(n)d school; nearest: %(where)s.",
        "Available now at %(available)d of %(n)d schools; nearest: %(where)s.",
        len(schools),
    ) % {"available": len(open_now), "n": len(schools), "where": where}


class PermalinkMixin:
    """A record id that left the catalog: 301 to the record it was merged into, 410 if withdrawn, else 404."""

    def moved_url(self, keeper_id: int) -> str:
        return reverse(self.request.resolver_match.view_name, kwargs={**self.kwargs, "pk": keeper_id})

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            # Looked up only on a miss, so live records cost no extra query.
            tombstone = permalinks.former_record(kwargs["pk"])
            if tombstone is None:
                raise
        if tombstone.merged_into_id is not None:
            url = self.moved_url(tombstone.merged_into_id)
            return HttpResponsePermanentRedirect(permalinks.with_query(url, request))
        context = {"tombstone": tombstone, "message": permalinks.gone_message(tombstone)}
        return render(request, "catalog/record_gone.html", context, status=410)


class RecordDetailView(PermalinkMixin, TemplateView):
    """Full description, holdings by school with status and due dates, permalink, citation and export."""

    template_name = "catalog/record_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = get_object_or_404(Record.objects.defer("search_vector"), pk=kwargs["pk"])
        holdings = list(
            record.holdings.exclude(status=HoldingStatus.WITHDRAWN)
            .select_related("library")
            .order_by("library__name", "copy_number", "barcode")
        )
        home = set(catalog_search.home_library_ids(self.request.user))
        schools = []
        for library, copies in groupby(holdings, key=lambda h: h.library):
            copies = list(copies)
            schools.append(
                {
                    "library": library,
                    "copies": copies,
                    "available": sum(1 for h in copies if h.status == HoldingStatus.AVAILABLE),
                    "is_home": library.pk in home,
                }
            )
        schools.sort(key=lambda s: (not s["is_home"], s["library"].name))
        context.update(
            record=record,
            schools=schools,
            availability=availability_summary(schools, home),
            cover=record_cover(record),
            permalink=self.request.build_absolute_uri(record.get_absolute_url()),
            citation=citation.apa(record),
            bibtex=citation.bibtex(record),
            language_label=LANGUAGES.get(record.language, record.language),
            ddc_label=DDC_CLASSES.get(record.ddc[:1], "") if record.ddc else "",
        )
        return context


class RecordExportView(PermalinkMixin, TemplateView):
    """The record as RIS or BibTeX (reference managers) or MARCXML (library systems)."""

    # format in the URL: (renderer, content type, file extension)
    FORMATS = {
        "ris": (record_ris, "application/x-research-info-systems", "ris"),
        "bibtex": (citation.bibtex, "application/x-bibtex; charset=utf-8", "bib"),
        "marcxml": (record_marcxml, "application/marcxml+xml", "xml"),
    }

    def get(self, request, *args, **kwargs):
        record = get_object_or_404(Record.objects.defer("search_vector"), pk=kwargs["pk"])
        if kwargs["fmt"] not in self.FORMATS:
            raise Http404(_("Unknown export format."))
        render, content_type, extension = self.FORMATS[kwargs["fmt"]]
        response = HttpResponse(render(record), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="record-{record.pk}.{extension}"'
        return response
