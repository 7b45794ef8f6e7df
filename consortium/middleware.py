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
