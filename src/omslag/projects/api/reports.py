"""API views for the reports of a project (dated snapshots at a peildatum): concept → checked
→ published; a published report never changes, a correction is a new concept."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.api.helpers import VersionIn, money, validated
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer

from .. import access, selectors, services
from ..models import ProjectReport
from .base import record_changeable

# --- serializers --------------------------------------------------------------------------


class ReportOut(CamelModelSerializer):
    """A report of a project; amounts in the project's currency. ``corrects`` is the
    published report this one replaces once it is published itself."""

    total_cost_estimate = money(read_only=True)
    internal_staff = money(read_only=True, allow_null=True)
    external_staff = money(read_only=True, allow_null=True)
    outsourced = money(read_only=True, allow_null=True)
    hardware = money(read_only=True, allow_null=True)
    software = money(read_only=True, allow_null=True)
    other_costs = money(read_only=True, allow_null=True)
    ict_component_cost = money(
        read_only=True, allow_null=True, help_text="Empty: the whole estimate is ICT."
    )
    cumulative_actual_cost = money(read_only=True, allow_null=True)

    class Meta:
        model = ProjectReport
        fields = [
            "id",
            "project",
            *services.REPORT_FIELDS,
            "status",
            "corrects",
            "published_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _amount(**kwargs):
    return money(max_digits=16, min_value=0, **kwargs)


class ReportIn(CamelModelSerializer):
    """The fields of a report a client may set. When a breakdown is given it must add up to
    the total (422 otherwise); a re-baseline needs its reason."""

    total_cost_estimate = _amount(help_text='Not negative: "1234.50".')
    internal_staff = _amount(required=False, allow_null=True)
    external_staff = _amount(required=False, allow_null=True)
    outsourced = _amount(required=False, allow_null=True)
    hardware = _amount(required=False, allow_null=True)
    software = _amount(required=False, allow_null=True)
    other_costs = _amount(required=False, allow_null=True)
    ict_component_cost = _amount(
        required=False, allow_null=True, help_text="Empty: the whole estimate is ICT."
    )
    cumulative_actual_cost = _amount(required=False, allow_null=True)

    class Meta:
        model = ProjectReport
        fields = list(services.REPORT_FIELDS)


class ReportUpdateIn(ReportIn):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")
    total_cost_estimate = _amount(required=False)

    class Meta(ReportIn.Meta):
        fields = ["version", *services.REPORT_FIELDS]
        extra_kwargs = {name: {"required": False} for name in services.REPORT_FIELDS}


class AdvanceIn(CamelSerializer):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")


# --- views --------------------------------------------------------------------------------


@extend_schema(tags=["reports"])
class ProjectReportListApi(generics.GenericAPIView):
    serializer_class = ReportOut

    @extend_schema(
        operation_id="reports_list",
        description="Every report of the project, oldest first.",
        responses={200: ReportOut(many=True)},
    )
    def get(self, request, pk):
        project = access.project_get_readable(request.user, pk)
        page = self.paginate_queryset(selectors.project_reports(project))
        return self.get_paginated_response(ReportOut(page, many=True).data)

    @extend_schema(
        operation_id="reports_create",
        description="A new report, as a concept.",
        request=ReportIn,
        responses={201: ReportOut},
    )
    def post(self, request, pk):
        project = record_changeable(request, access.project_get_readable(request.user, pk))
        data = validated(ReportIn, request.data)
        report = services.report_create(actor=request.user, project=project, **data)
        return Response(ReportOut(report).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["reports"])
class ReportDetailApi(generics.GenericAPIView):
    serializer_class = ReportOut

    @extend_schema(operation_id="reports_read")
    def get(self, request, pk):
        return Response(ReportOut(access.report_get_readable(request.user, pk)).data)

    @extend_schema(
        operation_id="reports_update",
        description="A published report never changes (422); a checked one goes back to concept.",
        request=ReportUpdateIn,
        responses={200: ReportOut},
    )
    def patch(self, request, pk):
        report = record_changeable(request, access.report_get_readable(request.user, pk))
        data = validated(ReportUpdateIn, request.data)
        report = services.report_update(
            actor=request.user, report=report, expected_version=data.pop("version"), **data
        )
        return Response(ReportOut(report).data)

    @extend_schema(
        operation_id="reports_delete",
        description="Soft delete of a concept or checked report; a published one stays (422).",
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("version", int, description="The version you read")],
    )
    def delete(self, request, pk):
        report = record_changeable(request, access.report_get_readable(request.user, pk))
        data = validated(VersionIn, request.query_params)
        services.report_delete(
            actor=request.user, report=report, expected_version=data.get("version")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["reports"])
class ReportAdvanceApi(generics.GenericAPIView):
    serializer_class = ReportOut

    @extend_schema(
        operation_id="reports_advance",
        description="One step on: concept → checked → published (422 when already published).",
        request=AdvanceIn,
        responses={200: ReportOut},
    )
    def post(self, request, pk):
        report = record_changeable(request, access.report_get_readable(request.user, pk))
        data = validated(AdvanceIn, request.data)
        report = services.report_advance(
            actor=request.user, report=report, expected_version=data["version"]
        )
        return Response(ReportOut(report).data)


@extend_schema(tags=["reports"])
class ReportCorrectApi(generics.GenericAPIView):
    serializer_class = ReportOut

    @extend_schema(
        operation_id="reports_correct",
        description=(
            "Start a correction of a published report: a new concept with the same values, "
            "which replaces the published one in the figures once it is published itself."
        ),
        request=None,
        responses={201: ReportOut},
    )
    def post(self, request, pk):
        report = record_changeable(request, access.report_get_readable(request.user, pk))
        correction = services.report_correct(actor=request.user, report=report)
        return Response(ReportOut(correction).data, status=status.HTTP_201_CREATED)
