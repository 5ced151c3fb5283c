"""API views for the algorithm register, its measure states and its export in the national
publication standard."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.access import require
from omslag.common.api.helpers import VersionIn, validated
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.innovation.selectors import experiments_choosable
from omslag.organisations.access import organisation_get_changeable, organisation_get_readable
from omslag.portfolio.selectors import applications_choosable

from .. import access, exports, selectors, services, standard
from ..models import AlgorithmRecord, Measure, MeasureState, RiskGroup
from .base import standard_errors

_FK = {"experiment", "application"}
# The standard's start_date and end_date are months (2023-01), not dates: the API calls them
# startMonth and endMonth, so no client reads them as a date.
_MONTHS = {"start_date": "start_month", "end_date": "end_month"}
API_FIELDS = [_MONTHS.get(name, name) for name in services.ALGORITHM_FIELDS]
_PLAIN = [name for name in API_FIELDS if name not in _FK]


def _month(**kwargs):
    return serializers.RegexField(
        r"^[0-9]{4}-(?:0[1-9]|1[0-2])$",
        max_length=7,
        help_text="A month: YYYY-MM, e.g. 2023-01.",
        **kwargs,
    )


class AlgorithmOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    theme = serializers.ListField(child=serializers.CharField(), read_only=True)
    start_month = serializers.CharField(source="start_date", read_only=True)
    end_month = serializers.CharField(source="end_date", read_only=True)

    class Meta:
        model = AlgorithmRecord
        fields = [
            "id",
            "organisation",
            *API_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]


class AlgorithmIn(CamelModelSerializer):
    """The fields a client may set. Lengths, months, links and contact are checked against the
    publication standard (400 naming the field and the limit)."""

    theme = serializers.ListField(
        child=serializers.CharField(max_length=200),
        min_length=1,
        help_text="Policy areas (thema's).",
    )
    start_month = _month(source="start_date")
    end_month = _month(source="end_date", required=False, allow_blank=True)
    experiment = serializers.PrimaryKeyRelatedField(
        queryset=experiments_choosable(None).none(),
        required=False,
        allow_null=True,
        help_text="Id of an experiment of the same organisation.",
    )
    application = serializers.PrimaryKeyRelatedField(
        queryset=applications_choosable(None).none(),
        required=False,
        allow_null=True,
        help_text="Id of an application of the same organisation.",
    )

    class Meta:
        model = AlgorithmRecord
        fields = list(API_FIELDS)

    def get_fields(self):
        fields = super().get_fields()
        organisation = self.context.get("organisation")
        if organisation is not None:
            fields["experiment"].queryset = experiments_choosable(organisation)
            fields["application"].queryset = applications_choosable(organisation)
        for name, field in fields.items():
            # The standard's limits are checked in validate(), with the field and limit named.
            if name in standard.MAX_LENGTHS:
                field.max_length = None
                field.validators = [
                    v for v in field.validators if type(v).__name__ != "MaxLengthValidator"
                ]
        return fields

    def validate(self, attrs):
        standard_errors(attrs, required=not self.partial)
        return attrs


class AlgorithmUpdateIn(AlgorithmIn):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")
    theme = serializers.ListField(
        child=serializers.CharField(max_length=200),
        min_length=1,
        required=False,
        help_text="Policy areas (thema's).",
    )
    start_month = _month(source="start_date", required=False)

    class Meta(AlgorithmIn.Meta):
        fields = ["version", *API_FIELDS]
        extra_kwargs = {name: {"required": False} for name in _PLAIN}


class AlgorithmFiltersIn(CamelSerializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    risk_group = serializers.ChoiceField(choices=RiskGroup.choices, required=False)
    status = serializers.ChoiceField(choices=AlgorithmRecord.Status.choices, required=False)


class AppliedRequirementOut(serializers.Serializer):
    urn = serializers.CharField()
    name = serializers.CharField()


class MeasureStateOut(CamelSerializer):
    key = serializers.CharField(help_text="The measure's file name in the Algoritmekader.")
    urn = serializers.CharField()
    name = serializers.CharField()
    phases = serializers.ListField(child=serializers.CharField())
    state = serializers.ChoiceField(choices=MeasureState.State.choices)
    reason = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()
    requirements = AppliedRequirementOut(many=True, source="applicable_requirements")

    def get_reason(self, measure) -> str:
        return measure.state_record.reason if measure.state_record else ""

    def get_version(self, measure) -> int | None:
        return measure.state_record.version if measure.state_record else None


class MeasureStateIn(CamelSerializer):
    state = serializers.ChoiceField(choices=MeasureState.State.choices)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Required when the state is not_applicable.",
    )
    version = serializers.IntegerField(
        required=False, help_text="The version of the state you read; a stale one gives 409."
    )


def _measures_out(algorithm) -> list:
    overview = selectors.measure_overview(algorithm)
    return [measure for group in overview.groups for measure in group.measures]


@extend_schema(tags=["algorithms"])
class AlgorithmListApi(generics.GenericAPIView):
    serializer_class = AlgorithmOut

    @extend_schema(
        operation_id="algorithms_list",
        parameters=[AlgorithmFiltersIn],
        responses={200: AlgorithmOut(many=True)},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        data = validated(AlgorithmFiltersIn, request.query_params)
        filters = selectors.AlgorithmFilters(
            search=data.get("search", ""),
            risk_group=(data["risk_group"],) if data.get("risk_group") else (),
            status=(data["status"],) if data.get("status") else (),
        )
        page = self.paginate_queryset(selectors.algorithm_list(organisation, filters))
        return self.get_paginated_response(AlgorithmOut(page, many=True).data)

    @extend_schema(
        operation_id="algorithms_create", request=AlgorithmIn, responses={201: AlgorithmOut}
    )
    def post(self, request, slug):
        organisation = organisation_get_changeable(request.user, slug, access.algorithms_can_change)
        data = validated(AlgorithmIn, request.data, organisation=organisation)
        algorithm = services.algorithm_create(actor=request.user, organisation=organisation, **data)
        return Response(AlgorithmOut(algorithm).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["algorithms"])
class AlgorithmDetailApi(generics.GenericAPIView):
    serializer_class = AlgorithmOut

    @extend_schema(operation_id="algorithms_read")
    def get(self, request, pk):
        return Response(AlgorithmOut(access.algorithm_get_readable(request.user, pk)).data)

    @extend_schema(
        operation_id="algorithms_update", request=AlgorithmUpdateIn, responses={200: AlgorithmOut}
    )
    def patch(self, request, pk):
        algorithm = access.algorithm_get_readable(request.user, pk)
        require(access.algorithm_can_change(request.user, algorithm))
        serializer = AlgorithmUpdateIn(
            data=request.data, partial=True, context={"organisation": algorithm.organisation}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" not in data:
            raise serializers.ValidationError({"version": ["This field is required."]})
        algorithm = services.algorithm_update(
            actor=request.user, algorithm=algorithm, expected_version=data.pop("version"), **data
        )
        return Response(AlgorithmOut(algorithm).data)

    @extend_schema(
        operation_id="algorithms_delete",
        description="Soft delete: the history stays.",
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("version", int, description="The version you read")],
    )
    def delete(self, request, pk):
        algorithm = access.algorithm_get_readable(request.user, pk)
        require(access.algorithm_can_change(request.user, algorithm))
        data = validated(VersionIn, request.query_params)
        services.algorithm_delete(
            actor=request.user, algorithm=algorithm, expected_version=data.get("version")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["algorithms"])
class AlgorithmMeasureListApi(generics.GenericAPIView):
    serializer_class = MeasureStateOut
    pagination_class = None

    @extend_schema(
        operation_id="algorithms_measures",
        description="The Algoritmekader measures that follow from the algorithm's AI Act "
        "profile, by lifecycle phase, each with its state (to_do until set).",
        responses={200: MeasureStateOut(many=True)},
    )
    def get(self, request, pk):
        algorithm = access.algorithm_get_readable(request.user, pk)
        return Response(MeasureStateOut(_measures_out(algorithm), many=True).data)


@extend_schema(tags=["algorithms"])
class AlgorithmMeasureStateApi(generics.GenericAPIView):
    serializer_class = MeasureStateOut

    @extend_schema(
        operation_id="algorithms_measure_state_update",
        description="Move a measure to another state: to_do → in_progress → in_review → done; "
        "not_applicable needs a reason. A step that skips is 422.",
        request=MeasureStateIn,
        responses={200: MeasureStateOut},
    )
    def patch(self, request, pk, key):
        algorithm = access.algorithm_get_readable(request.user, pk)
        require(access.algorithm_can_change(request.user, algorithm))
        data = validated(MeasureStateIn, request.data)
        measure = get_object_or_404(Measure, key=key)
        services.measure_state_set(
            actor=request.user,
            algorithm=algorithm,
            measure=measure,
            state=data["state"],
            reason=data.get("reason", ""),
            expected_version=data.get("version"),
        )
        found = next(m for m in _measures_out(algorithm) if m.pk == measure.pk)
        return Response(MeasureStateOut(found).data)


@extend_schema(tags=["algorithms"])
class AlgorithmRegisterExportApi(generics.GenericAPIView):
    pagination_class = None

    @extend_schema(
        operation_id="algorithms_register_export",
        description="The organisation's algorithms in the national Algorithm Register "
        "publication standard 1.0.0: a JSON array of records whose field names are the "
        "standard's own (snake_case), ready to publish.",
        responses={
            200: OpenApiResponse(
                response={"type": "array", "items": {"type": "object"}},
                description="One object per algorithm, in the standard's field names.",
            )
        },
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        records = [
            exports.algorithm_as_standard(a) for a in selectors.algorithms_for_export(organisation)
        ]
        return Response(records)
