"""OpenAPI post-processing: every operation documents the error answers the API really gives.

Errors are JSON in two shapes (consortium/api/exceptions.py): 400 maps fields to lists of messages; the
others carry one `detail` message. 401 (missing, wrong or revoked key), 403 (a key of another library, a
read-only key writing, a role not allowed), 404 (unknown or not visible: never 403 for those), 409 (a
conflicting change) and 400 (invalid input, also for query parameters) are added where they can happen.
"""

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
