from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class PagePagination(PageNumberPagination):
    """Page-number pagination with camelCase query keys and a self-describing envelope."""

    page_query_param = "page"
    page_size_query_param = "pageSize"
    max_page_size = 500

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
