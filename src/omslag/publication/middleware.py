from django.http import HttpResponse

OPEN_PREFIXES = ("/api/v1/open/", "/open/")


class OpenCorsMiddleware:
    """CORS for reading the public API and downloads from any origin: GET, HEAD, OPTIONS only,
    without credentials."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=204)
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since, Accept"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After, API-Version"
        response["Access-Control-Max-Age"] = "86400"
        return response
