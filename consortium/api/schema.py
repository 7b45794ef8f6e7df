"""OpenAPI post-processing: every operation documents the error answers the API really gives.

Errors are JSON in two shapes (consortium/api/exceptions.py): 400 maps fields to lists of messages; the
others carry one `detail` message. 401 (missing, wrong or revoked key), 403 (a key of another library, a
read-only key writing, a role not allowed), 404 (unknown or not visible: never 403 for those), 409 (a
conflicting change) and 400 (invalid input, also for query parameters) are added where they can happen.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

FIELD_ERRORS = {
    "type": "object",
    "description": "Field name (or non_field_errors) to its messages; nested fields (a list of parties) nest.",
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {}}, {"type": "object"}, {"type": "string"}],
    },
}
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
DESCRIPTIONS = {
    "400": "Invalid input: field messages.",
    "401": "Missing, wrong or revoked credentials.",
    "403": "Not allowed for this key or person.",
    "404": "Unknown, or not visible to the caller (for a list: a page past the end).",
    "409": "The change conflicts with the current data.",
}


def _response(code: str) -> dict:
    schema = {"$ref": "#/components/schemas/FieldErrors"} if code == "400" else {"$ref": "#/components/schemas/Detail"}
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    schemas.setdefault("Detail", DETAIL)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # 404 also for a list: a page past the end.
            codes = ["400", "401", "403", "404"]
            if method in ("post", "put", "patch", "delete"):
                codes.append("409")
            for code in codes:
                operation["responses"].setdefault(code, _response(code))
    return result


class CachedSpectacularAPIView(SpectacularAPIView):
    """The OpenAPI document, generated once per language and format and then served from process memory.

    The document is a function of the code alone (routes, serializers, settings and translations), none of
    which changes while a process runs, so a deploy (new processes) is the only invalidation it needs.
    Generating and rendering it took 0.3-0.5 s a request (bench/README.md, Slow pages).
    """

    schema = None  # the document does not describe itself
    # (language, renderer format, media type) -> (body, headers). Only supported languages are keys, so a
    # client cannot grow it with made-up ?lang= values.
    rendered: dict[tuple[str, str, str], tuple[bytes, dict[str, str]]] = {}

    def _key(self, request) -> tuple[str, str, str] | None:
        lang = request.GET.get("lang") if settings.USE_I18N else None
        lang = lang or translation.get_language()
        if lang not in dict(settings.LANGUAGES):
            return None
        return (lang, request.accepted_renderer.format, request.accepted_media_type)

    def get(self, request, *args, **kwargs):
        key = self._key(request)
        if key in self.rendered:
            body, headers = self.rendered[key]
            response = HttpResponse(body, content_type=headers["Content-Type"])
            response["Content-Disposition"] = headers["Content-Disposition"]
            return response
        return super().get(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = self._key(request) if response.status_code == 200 and isinstance(response, Response) else None
        if key is not None and key not in self.rendered:
            response.render()
            headers = {name: response[name] for name in ("Content-Type", "Content-Disposition")}
            self.rendered[key] = (response.content, headers)
        return response
