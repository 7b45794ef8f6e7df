"""GET /api/v1/search/: the same query language, facets, scope and paging as the search page, as JSON.

Both call catalog.search.Searcher with the same SearchParams, so the same request gives the same records
in the same order. An ISBN or barcode that identifies one record is reported in `jump_to` (the page
redirects there) and that record is the only result.
"""

from __future__ import annotations

from urllib.parse import urlencode

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from consortium.api.permissions import ReadForAnyoneWriteSignedIn

from .. import search as catalog_search
from ..models import Record
from ..search import Searcher, SearchParams

PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description='Words, "exact phrase", -excluded; or an ISBN/barcode.'),
    OpenApiParameter("library", OpenApiTypes.INT, many=True, description="Only records held by these libraries."),
    OpenApiParameter("available", OpenApiTypes.BOOL, description="Only records with a copy on the shelf now."),
    OpenApiParameter("type", OpenApiTypes.STR, many=True, description="Material type."),
    OpenApiParameter("lang", OpenApiTypes.STR, many=True, description="Language (ISO 639-2, e.g. ind, eng)."),
    OpenApiParameter("subject", OpenApiTypes.STR, many=True),
    OpenApiParameter("ddc", OpenApiTypes.STR, many=True, description="DDC hundreds class: 0-9."),
    OpenApiParameter("match", OpenApiTypes.STR, description="`any`: records with any of the words (default: all)."),
    OpenApiParameter("year_from", OpenApiTypes.INT),
    OpenApiParameter("year_to", OpenApiTypes.INT),
    OpenApiParameter("scope", OpenApiTypes.STR, enum=["all", "mine"]),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=["relevance", "newest", "title"]),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT),
]


def hit_data(hit, request) -> dict:
    record: Record = hit.record
    return {
        "id": record.pk,
        "url": request.build_absolute_uri(record.get_absolute_url()),
        "title": record.title,
        "subtitle": record.subtitle,
        "authors": record.authors,
        "year": record.year,
        "publisher": record.publisher,
        "material_type": record.material_type,
        "language": record.language,
        "isbns": record.isbns,
        "ddc": record.ddc,
        "subjects": record.subjects,
        "held_by_count": hit.held_count,
        "held_by": [{"id": lib.pk, "code": lib.code, "name": lib.name} for lib in hit.held_by],
        "available_at": [{"id": lib.pk, "code": lib.code, "name": lib.name} for lib in hit.available_at],
    }


class SearchApiView(APIView):
    """Search the union catalog."""

    permission_classes = [ReadForAnyoneWriteSignedIn]

    @extend_schema(parameters=PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        libraries = catalog_search.library_names()
        params = SearchParams.from_querydict(request.query_params, known_library_ids=set(libraries))
        result = Searcher(params, actor=request.user, libraries=libraries).run()
        hits = [hit_data(hit, request) for hit in result.hits]
        if result.jump_record_id:
            record = Record.objects.defer("search_vector").get(pk=result.jump_record_id)
            hits = [hit_data(catalog_search.hit_for(record, libraries, actor=request.user), request)]

        def page_link(number):
            query = request.query_params.copy()
            query["page"] = number
            return request.build_absolute_uri(request.path + "?" + query.urlencode())

        return Response(
            {
                "query": params.q,
                "count": result.count,
                "count_exact": result.count_exact,
                "page": params.page,
                "page_size": params.page_size,
                "num_pages": result.num_pages,
                "next": page_link(params.page + 1) if result.has_next else None,
                "previous": page_link(params.page - 1) if result.has_previous else None,
                "page_past_end": result.page_past_end,
                "jump_to": result.jump_record_id,
                "suggestion": result.suggestion or None,
                "suggestion_url": (
                    request.build_absolute_uri(request.path + "?" + urlencode({"q": result.suggestion}))
                    if result.suggestion
                    else None
                ),
                "corrected_from": result.corrected_from or None,
                # Nothing found: the words no record has, and the search for any of them when it finds some.
                "unmatched_words": result.unmatched_words,
                "any_words_url": (
                    request.build_absolute_uri(request.path + "?" + urlencode({"q": params.q, "match": "any"}))
                    if result.any_words_possible
                    else None
                ),
                "notices": [str(n) for n in params.notices],
                "facets": {
                    kind: [
                        {"value": f.value, "label": f.label, "count": f.count, "selected": f.selected} for f in values
                    ]
                    for kind, values in result.facets.items()
                },
                "facets_exact": result.facets_exact,
                "results": hits,
            }
        )
