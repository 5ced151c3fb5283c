"""The audit log in the API: the entries of one organisation, filtered and paged."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from omslag.common.api.helpers import validated
from omslag.common.api.serializers import CamelSerializer

from . import access, selectors
from .models import Event


class AuditEntryOut(CamelSerializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    event = serializers.ChoiceField(choices=Event.choices)
    person_email = serializers.EmailField(source="person.email", allow_null=True, default=None)
    organisation = serializers.SlugField(source="organisation.slug", allow_null=True, default=None)
    detail = serializers.DictField(child=serializers.CharField())


class AuditFiltersIn(CamelSerializer):
    event = serializers.ChoiceField(choices=Event.choices, required=False)
    since = serializers.DateField(required=False, help_text="Entries on or after this day.")
    until = serializers.DateField(required=False, help_text="Entries up to and including this day.")
    person = serializers.CharField(
        required=False, max_length=200, help_text="Part of the person's e-mail address."
    )


@extend_schema(tags=["audit"])
class AuditEntryListApi(generics.GenericAPIView):
    serializer_class = AuditEntryOut

    @extend_schema(
        operation_id="audit_entries_list",
        responses={200: AuditEntryOut(many=True)},
        parameters=[AuditFiltersIn],
    )
    def get(self, request, slug):
        filters = validated(AuditFiltersIn, request.query_params)
        organisation = access.audit_organisation_get(request.user, slug)
        page = self.paginate_queryset(selectors.audit_entries_of(organisation, **filters))
        return self.get_paginated_response(AuditEntryOut(page, many=True).data)
