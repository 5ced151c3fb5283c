from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class PagePagination(PageNumberPagination):
    """Page-number pagination with camelCase query keys and a self-describing envelope."""

    page_query_param = "page"
    page_size_query_param = "pageSize"
    max_page_size = 500

    def _whole_number(self, request, name: str, largest: int | None) -> None:
        """Refuse what the document does not allow (DRF would silently use the default)."""
        raw = request.query_params.get(name)
        if raw is None:
            return
        if not raw.isdigit() or int(raw) < 1 or (largest is not None and int(raw) > largest):
            limit = f"1–{largest}" if largest else _("1 or more")
            raise ValidationError({name: [_("a whole number, %(limit)s") % {"limit": limit}]})

    def paginate_queryset(self, queryset, request, view=None):
        # A larger pageSize is capped at max_page_size, as the API conventions promise.
        self._whole_number(request, self.page_size_query_param, None)
        self._whole_number(request, self.page_query_param, None)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "page": self.page.number,
                "pageSize": self.get_page_size(self.request),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "page", "pageSize", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "page": {"type": "integer", "example": 1},
                "pageSize": {"type": "integer", "example": 50},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
