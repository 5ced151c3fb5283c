"""API views for record history, shared by every tracked kind of record."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from ..history import history_entries, history_tracked
from .serializers import CamelSerializer


class FieldChangeOut(CamelSerializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntryOut(CamelSerializer):
    id = serializers.IntegerField(help_text="Identifies this version; give it to restore it.")
    # Not called "date": the design rules reserve that name for a calendar date.
    changed_at = serializers.DateTimeField(source="date")
    user = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(
        choices=["created", "changed", "deleted", "undeleted", "removed"]
    )
    reason = serializers.CharField()
    changes = FieldChangeOut(many=True)

    def get_user(self, entry) -> str | None:
        return entry.user.email if entry.user else None


def history_views(key: str, lookup, tag: str, lookup_param: str):
    """A list view and a restore view for the tracked model ``key``; ``lookup(person, value)``
    finds the record (including soft-deleted ones) or raises Http404."""

    def record_for(request, kwargs):
        return lookup(request.user, kwargs[lookup_param])

    @extend_schema(tags=[tag])
    class HistoryListApi(generics.GenericAPIView):
        serializer_class = HistoryEntryOut

        @extend_schema(
            operation_id=f"{tag}_history_list", responses={200: HistoryEntryOut(many=True)}
        )
        def get(self, request, **kwargs):
            record = record_for(request, kwargs)
            page = self.paginate_queryset(history_entries(record))
            return self.get_paginated_response(HistoryEntryOut(page, many=True).data)

    @extend_schema(tags=[tag])
    class HistoryRestoreApi(generics.GenericAPIView):
        serializer_class = HistoryEntryOut
        pagination_class = None

        @extend_schema(
            operation_id=f"{tag}_history_restore",
            description="Put back an earlier version; answers with the new history entry.",
            request=None,
            responses={200: HistoryEntryOut},
        )
        def post(self, request, **kwargs):
            tracked = history_tracked(key)
            record = record_for(request, kwargs)
            if not tracked.can_restore(request.user, record):
                raise PermissionDenied
            record = tracked.restore(
                actor=request.user, record=record, history_id=kwargs["historyId"]
            )
            return Response(HistoryEntryOut(history_entries(record)[0]).data)

    return HistoryListApi, HistoryRestoreApi
