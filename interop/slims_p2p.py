"""SLiMS peer-to-peer copy cataloguing ("P2P"): the two addresses a SLiMS site answers, served under /slims/ so a
school's librarian can add Silang to SLiMS's P2P server list (base URL https://<silang>/slims/) and copy a record,
with its call number and subjects, in two clicks.

    index.php?resultXML=true&search=Search&page=N&keywords=...   (or title= / author= / isbn= instead of keywords)
    index.php?p=show_detail&inXML=true&id=N

Answers are MODS in SLiMS's dialect (namespaces http://www.loc.gov/mods/v3 and http://slims.web.id), as
lib/modsxmlsenayan.inc.php parses them. Searches are the catalog search's (catalog.search)."""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from lxml import etree

from catalog.search import SearchParams, search

from . import formats, query

log = logging.getLogger(__name__)

PAGE_SIZE = 10  # SLiMS's own default (num2show)
MAX_PAGE = 500


def _collection():
    root = etree.Element(
        f"{{{formats.MODS_NS}}}modsCollection",
        nsmap={None: formats.MODS_NS, "slims": formats.SLIMS_NS, "xlink": "http://www.w3.org/1999/xlink"},
    )
    return root


def _xml(root) -> HttpResponse:
    return HttpResponse(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8"), content_type="text/xml; charset=utf-8"
    )


def _page_number(raw: str) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def result_xml(request) -> HttpResponse:
    page = _page_number(request.GET.get("page", "1"))
    fields = {name: request.GET.get(name, "").strip()[:300] for name in ("title", "author", "isbn")}
    keywords = request.GET.get("keywords", "").strip()[:300]
    ids: list[int] = []
    count = 0
    if any(fields.values()):
        tree = query.simple_query(
            title=fields["title"], author=fields["author"], isbn=fields["isbn"], any_words=keywords
        )
        count, ids = query.run(query.compile_query(tree), offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    elif keywords:
        params = SearchParams(q=keywords, page=page, page_size=PAGE_SIZE)
        result = search(params, jump=False)
        count = result.count
        ids = [hit.record.pk for hit in result.hits]
    root = _collection()
    info = etree.SubElement(root, f"{{{formats.SLIMS_NS}}}resultInfo")
    etree.SubElement(info, f"{{{formats.SLIMS_NS}}}modsResultNum").text = str(count)
    etree.SubElement(info, f"{{{formats.SLIMS_NS}}}modsResultPage").text = str(page)
    etree.SubElement(info, f"{{{formats.SLIMS_NS}}}modsResultShowed").text = str(PAGE_SIZE)
    records = formats.load_records(ids)
    for rid in ids:
        if rid in records:
            formats.mods_element(records[rid], slims=True, parent=root)
    return _xml(root)


def detail_xml(request) -> HttpResponse:
    root = _collection()
    raw = request.GET.get("id", "").strip()
    if raw.isdigit() and len(raw) < 18:
        records = formats.load_records([int(raw)])
        if int(raw) in records:
            formats.mods_element(records[int(raw)], slims=True, parent=root)
    return _xml(root)


@require_http_methods(["GET", "HEAD"])
def index(request):
    try:
        if request.GET.get("resultXML"):
            return result_xml(request)
        if request.GET.get("p") == "show_detail":
            if request.GET.get("inXML"):
                return detail_xml(request)
            raw = request.GET.get("id", "")
            if raw.isdigit() and len(raw) < 18:
                return redirect("catalog:record_detail", pk=int(raw))
        # A person's browser: the catalog's own search page.
        target = reverse("catalog:search")
        keywords = request.GET.get("keywords", "").strip()
        return redirect(f"{target}?q={keywords}" if keywords else target)
    except Exception:  # SLiMS's parser must get XML it can read, whatever went wrong here
        log.exception("SLiMS P2P request failed")
        root = _collection()
        info = etree.SubElement(root, f"{{{formats.SLIMS_NS}}}resultInfo")
        etree.SubElement(info, f"{{{formats.SLIMS_NS}}}modsResultNum").text = "0"
        return _xml(root)
