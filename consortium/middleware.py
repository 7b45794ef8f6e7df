class IndonesianFirstMiddleware:
    """Pages are in Indonesian until the visitor picks English with the language switch.

    Many phones here are set to English while their users read Indonesian, so the browser's
    Accept-Language is ignored for pages. API clients still get the language they ask for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RejectNulMiddleware:
    """One place for every form, filter and API field: a NUL character is refused with a 400 and a message.

    Postgres cannot store NUL in text, so a NUL that reached a query or a save would be a server error. The
    check covers the path, every query parameter, every form field (not uploaded files, which may be binary)
    and JSON bodies (a NUL there is written `\\u0000`).
    """

    JSON_NUL = (b"\\u0000", b"\x00")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self.nul_field(request)
        if field is not None:
            return self.refuse(request, field)
        return self.get_response(request)

    def nul_field(self, request) -> str | None:
        if "\x00" in request.path:
            return "path"
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "") or "query"
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.content_type or ""
            if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    fields = request.POST
                except Exception:  # a malformed body: the view (or DRF) reports it
                    return None
                for key, values in fields.lists():
                    if "\x00" in key or any("\x00" in value for value in values):
                        return key.replace("\x00", "") or "body"
            elif content_type.endswith("json"):
                try:
                    body = request.body
                except Exception:  # too large: the view (or DRF) reports it
                    return None
                if any(marker in body for marker in self.JSON_NUL):
                    return "body"
        return None

    def refuse(self, request, field: str):
        from django.http import JsonResponse
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        message = _("This field contains a NUL character, which is not allowed.")
        if request.path.startswith("/api/"):
            return JsonResponse({field: [message]}, status=400)
        return render(request, "400.html", {"message": f"{field}: {message}"}, status=400)
