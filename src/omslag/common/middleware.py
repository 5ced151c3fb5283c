from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _


class ApiVersionMiddleware:
    """Adds the API-Version header to every API response (Dutch API Design Rules)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.API_VERSION
        return response


class QueryStringCheckMiddleware:
    """Refuses a NUL character in a query parameter (name or value) with 400 naming the
    parameter: PostgreSQL cannot compare text with NUL in it and would end in a 500, in every
    list and filter at once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return self.refuse(request, name.replace("\x00", "\\0"))
        return self.get_response(request)

    @staticmethod
    def refuse(request, name):
        reason = _("contains a NUL character (byte 0)")
        detail = _("The query parameter %(name)s contains a NUL character (byte 0).") % {
            "name": name
        }
        if request.path.startswith("/api/"):
            from .api.problems import problem_json_response

            return problem_json_response(
                request, 400, detail, invalidParams=[{"name": name, "reason": reason}]
            )
        return render(request, "400.html", {"detail": detail}, status=400)
