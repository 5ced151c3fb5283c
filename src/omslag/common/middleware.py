from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from .chartimages import (
    CHART_PARAMETER,
    ChartWanted,
    chart_request_begin,
    chart_request_end,
    chart_response,
)


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


class ChartMiddleware:
    """Answers a page's address with ``?chart=<name>`` with that chart's SVG (see
    ``common.chartimages``): the page's view runs with its own access checks until it builds
    the chart, which raises ``ChartWanted``. A page that builds no chart of that name answers
    404, so a chart address never falls back to the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        # Also for a form sent back with its errors: its charts are those of the page's GET.
        token = chart_request_begin(request)
        try:
            response = self.get_response(request)
        finally:
            chart_request_end(token)
        if (
            request.method in ("GET", "HEAD")
            and CHART_PARAMETER in request.GET
            and response.status_code == 200
            and not getattr(response, "is_chart", False)
        ):
            return render(request, "404.html", status=404)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, ChartWanted):
            response = chart_response(request, exception.image)
            response.is_chart = True
            return response
        return None
