"""Pagination of the public lists in the API: keyset (cursor) pages by default, numbered pages
when a client asks for ``page``.

A full read follows the ``next`` links: each link carries the sort key of the last row it
saw (title and record id; the yearly balance by year, newest first), so every page is one
range read of the public list's index, as fast at the end of 25,000 rows as at the start —
where OFFSET reads and throws away every row before the page. ``page=N`` still jumps to a
numbered page (OFFSET), for a client that shows page numbers.
"""

import base64
import binascii
import json

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import remove_query_param, replace_query_param

from omslag.common.api.pagination import PagePagination

from . import selectors
from .models import Kind

DEFAULT_PAGE_SIZE = 50
# As many rows a page as Datasette serves at most by default (max_returned_rows).
MAX_PAGE_SIZE = 1000


def sort_keys(kind) -> tuple[str, ...]:
    """The order of a public list, unique per row (the same as selectors.published_list)."""
    return ("-source_id",) if kind == Kind.BALANCE_YEAR else ("title", "source_id")


def _beyond(keys: tuple[str, ...], values: list, backwards: bool) -> Q:
    """The rows strictly after ``values`` in the order of ``keys`` (before them when
    ``backwards``), written so that the first key is also a range the index can start at."""
    either = Q()
    for index, key in enumerate(keys):
        name = key.lstrip("-")
        descending = key.startswith("-") != backwards
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
        for earlier, value in zip(keys[:index], values[:index], strict=True):
            step &= Q(**{earlier.lstrip("-"): value})
        either |= step
    first = keys[0].lstrip("-")
    descending = keys[0].startswith("-") != backwards
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & either


class NumberedPages(PagePagination):
    max_page_size = MAX_PAGE_SIZE


class OpenPagination:
    """Cursor pages (``cursor``) unless ``page`` is asked for; ``pageSize`` up to 1,000.
    Numbered pages read a page's rows by their ids (selectors.NumberedRows): a values
    ``queryset`` must have the record id (source_id) first.

    Use: ``rows = paginator.paginate(queryset, request, kind, key_of, count)`` with
    ``key_of(row)`` the sort key values of a row and ``count`` the list's count if known, then
    ``paginator.envelope()`` for count, links and page size.
    """

    page_size_query_param = "pageSize"

    def paginate(self, queryset: QuerySet, request, kind, key_of, count=None) -> list:
        self.request = request
        cursor = request.query_params.get("cursor")
        if cursor is not None and "page" in request.query_params:
            raise ValidationError({"cursor": [_("Use either cursor or page, not both.")]})
        if "page" in request.query_params:
            self.numbered = NumberedPages()
            rows = selectors.NumberedRows(queryset, key=lambda row: row[0], count=count)
            return list(self.numbered.paginate_queryset(rows, request))
        self.numbered = None
        self.size = self._page_size(request)
        self.count = queryset.count() if count is None else count
        keys = sort_keys(kind)
        backwards, values = self._decode(cursor, len(keys)) if cursor else (False, None)
        if values is not None:
            queryset = queryset.filter(_beyond(keys, values, backwards))
        if backwards:
            queryset = queryset.order_by(*[k[1:] if k[0] == "-" else f"-{k}" for k in keys])
        rows = list(queryset[: self.size + 1])
        more = len(rows) > self.size
        rows = rows[: self.size]
        if backwards:
            rows.reverse()
        # Coming back (backwards), there is a next page: the one the cursor came from.
        has_next = bool(rows) and (more or backwards)
        has_previous = bool(rows) and (more if backwards else values is not None)
        self.next = self._link("n", key_of(rows[-1])) if has_next else None
        self.previous = self._link("p", key_of(rows[0])) if has_previous else None
        return rows

    def envelope(self) -> dict:
        """Everything of the answer but its results."""
        if self.numbered is not None:
            return dict(self.numbered.get_paginated_response([]).data)
        return {
            "count": self.count,
            "pageSize": self.size,
            "next": self.next,
            "previous": self.previous,
            "results": [],
        }

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return DEFAULT_PAGE_SIZE
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            limit = f"1–{MAX_PAGE_SIZE}"
            raise ValidationError(
                {self.page_size_query_param: [_("a whole number, %(limit)s") % {"limit": limit}]}
            )
        return int(raw)

    @staticmethod
    def _decode(cursor: str, length: int) -> tuple[bool, list]:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            direction, *values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            direction, values = None, []
        valid = (
            direction in ("n", "p")
            and len(values) == length
            and isinstance(values[-1], int)
            and all(isinstance(v, str | int) and not isinstance(v, bool) for v in values)
        )
        if not valid:
            raise ValidationError(
                {"cursor": [_("This cursor is not valid; follow the next or previous link.")]}
            )
        return direction == "p", values

    def _link(self, direction: str, values: list) -> str:
        token = base64.urlsafe_b64encode(json.dumps([direction, *values]).encode())
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        url = replace_query_param(url, self.page_size_query_param, self.size)
        return replace_query_param(url, "cursor", token.decode().rstrip("="))

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "Where a page starts: take it from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "A numbered page instead of a cursor (slower far into a list).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "pageSize",
                "required": False,
                "in": "query",
                "description": "Rows a page.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["count", "pageSize", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "page": {
                    "type": "integer",
                    "example": 1,
                    "description": "Only for numbered pages (`page`).",
                },
                "pageSize": {"type": "integer", "example": 50},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
