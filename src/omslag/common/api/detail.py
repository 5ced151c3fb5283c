"""One record that has a version, through the API: read it, change it (PATCH naming the
version read; a stale one gives 409) and delete it (``?version=``). A register's detail view
says how to find the record, who may change it and which services change and delete it."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from omslag.common.access import require

from .helpers import VersionIn, validated


class VersionedDetailApi(generics.GenericAPIView):
    # (A comment, not a docstring: drf-spectacular would put a docstring into every operation.)
    # Subclasses set ``serializer_class`` (the answer) and ``update_input``, and define
    # ``readable`` (404 when the person may not read it), ``can_change``, ``update`` and
    # ``remove``; ``update_context`` adds context for the input serializer.

    update_input: Any = None

    def readable(self, person, pk):
        raise NotImplementedError

    def can_change(self, person, record) -> bool:
        raise NotImplementedError

    def update(self, actor, record, expected_version, **changes):
        raise NotImplementedError

    def remove(self, actor, record, expected_version) -> None:
        raise NotImplementedError

    def update_context(self, record) -> dict:
        return {}

    def respond(self, record) -> Response:
        return Response(self.get_serializer_class()(record).data)

    def get(self, request, pk):
        return self.respond(self.readable(request.user, pk))

    def patch(self, request, pk):
        record = self.readable(request.user, pk)
        require(self.can_change(request.user, record))
        data = validated(self.update_input, request.data, **self.update_context(record))
        return self.respond(self.update(request.user, record, data.pop("version"), **data))

    def delete(self, request, pk):
        record = self.readable(request.user, pk)
        require(self.can_change(request.user, record))
        data = validated(VersionIn, request.query_params)
        self.remove(request.user, record, data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)


def versioned_detail_schema(name: str, update_input, output, *, delete_description=None):
    """The OpenAPI operations of a VersionedDetailApi: ``{name}_read``, ``_update`` and
    ``_delete``."""
    delete = {"description": delete_description} if delete_description else {}
    return extend_schema_view(
        get=extend_schema(operation_id=f"{name}_read"),
        patch=extend_schema(
            operation_id=f"{name}_update", request=update_input, responses={200: output}
        ),
        delete=extend_schema(
            operation_id=f"{name}_delete",
            request=None,
            responses={204: None},
            parameters=[OpenApiParameter("version", int, description="The version you read")],
            **delete,
        ),
    )
