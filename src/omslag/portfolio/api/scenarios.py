"""API views for scenarios, their planned changes, and their projection onto the balance."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.api.detail import VersionedDetailApi, versioned_detail_schema
from omslag.common.api.helpers import money, validated
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.common.errors import RuleViolation
from omslag.organisations.access import organisation_get_changeable, organisation_get_readable

from .. import access, selectors, services
from ..models import Scenario, ScenarioChange
from .base import PercentField, application_does_not_exist, record_changeable
from .figures import KIND_CHOICES, SplitOut

# --- serializers --------------------------------------------------------------------------


class ScenarioChangeOut(CamelModelSerializer):
    application_name = serializers.CharField(
        source="application.name", read_only=True, allow_null=True
    )
    amount = money(read_only=True, help_text="Per year; may be negative for innovate.")
    replacement_amount = money(read_only=True)

    class Meta:
        model = ScenarioChange
        fields = [
            "id",
            "scenario",
            "kind",
            "label",
            "from_year",
            "to_year",
            "application",
            "application_name",
            "amount",
            "replacement_amount",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class ScenarioChangeIn(CamelModelSerializer):
    """A planned change; ``application`` is the id of an application of the scenario's
    organisation."""

    amount = money(
        max_digits=14,
        required=False,
        help_text=(
            "Euro per year: run cost that stops, project cost, or the change of the "
            "innovation budget (may be negative). For a retirement it defaults to the "
            "application's run cost in the base year."
        ),
    )

    class Meta:
        model = ScenarioChange
        fields = list(services.CHANGE_FIELDS)
        extra_kwargs = {"application": {"error_messages": application_does_not_exist()}}

    def get_fields(self):
        fields = super().get_fields()
        if "applications" in self.context:
            fields["application"].queryset = self.context["applications"]
        return fields

    def validate(self, attrs):
        if attrs["kind"] != ScenarioChange.Kind.RETIRE_APPLICATION and "amount" not in attrs:
            raise serializers.ValidationError({"amount": _("Give the amount per year.")})
        return attrs


class ScenarioOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Scenario
        fields = [
            "id",
            "organisation",
            "name",
            "description",
            "base_year",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ScenarioListOut(ScenarioOut):
    change_count = serializers.IntegerField(read_only=True)

    class Meta(ScenarioOut.Meta):
        fields = [*ScenarioOut.Meta.fields, "change_count"]


class ScenarioDetailOut(ScenarioOut):
    changes = serializers.SerializerMethodField(method_name="live_changes")

    class Meta(ScenarioOut.Meta):
        fields = [*ScenarioOut.Meta.fields, "changes"]

    @extend_schema_field(ScenarioChangeOut(many=True))
    def live_changes(self, scenario) -> list:
        return ScenarioChangeOut(selectors.scenario_changes(scenario), many=True).data


class ScenarioIn(CamelModelSerializer):
    class Meta:
        model = Scenario
        fields = list(services.SCENARIO_FIELDS)


class ScenarioUpdateIn(ScenarioIn):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")

    class Meta(ScenarioIn.Meta):
        fields = ["version", *services.SCENARIO_FIELDS]
        extra_kwargs = {name: {"required": False} for name in services.SCENARIO_FIELDS}


class TargetBoundsOut(CamelSerializer):
    target_year = serializers.IntegerField(source="year")
    innovate_min_percent = PercentField(source="innovate_min_share", allow_null=True)
    run_max_percent = PercentField(source="run_max_share", allow_null=True)


class ProjectedYearOut(CamelSerializer):
    year = serializers.IntegerField()
    run = money(source="split.run")
    change = money(source="split.change")
    innovate = money(source="split.innovate")
    total = money(source="split.total")
    run_percent = PercentField(source="split.run_share")
    change_percent = PercentField(source="split.change_share")
    innovate_percent = PercentField(source="split.innovate_share")
    target_met = serializers.BooleanField(
        source="target_gap.met", allow_null=True, help_text="null when there is no target."
    )


class ScenarioProjectionOut(CamelSerializer):
    scenario = serializers.IntegerField(allow_null=True, help_text="null for 'no change'.")
    name = serializers.CharField()
    base_year = serializers.IntegerField(source="projection.base_year")
    baseline_kind = serializers.ChoiceField(
        choices=KIND_CHOICES,
        source="projection.baseline_kind",
        help_text="The base year's actuals when it has any, else its budget.",
    )
    baseline = SplitOut(source="projection.baseline")
    target = TargetBoundsOut(source="projection.target", allow_null=True)
    first_year_target_met = serializers.IntegerField(
        source="projection.first_year_target_met", allow_null=True
    )
    years = ProjectedYearOut(many=True, source="projection.years")


class ScenarioComparisonOut(CamelSerializer):
    baseline = ScenarioProjectionOut(
        allow_null=True, help_text="Nothing changes; null when there are no scenarios."
    )
    scenarios = ScenarioProjectionOut(many=True)


PROJECTION_REFUSED = OpenApiResponse(
    description=(
        "The projection is refused: a change makes a category negative in a year, or the "
        "base year has no spend. The detail names the change and the year."
    )
)
BASELINE_NAME = "—"  # the name the API gives the projection without changes


def _comparison(organisation, scenarios: list) -> dict:
    """The projections of ``scenarios``; a projection the core refuses (a category below
    zero, no spend in the base year) is a 422 with the core's own words."""
    try:
        return selectors.scenario_comparison(organisation, scenarios)
    except ValueError as error:
        raise RuleViolation(str(error)) from error


# --- scenarios ------------------------------------------------------------------------------


@extend_schema(tags=["scenarios"])
class ScenarioListApi(generics.GenericAPIView):
    serializer_class = ScenarioListOut

    @extend_schema(operation_id="scenarios_list", responses={200: ScenarioListOut(many=True)})
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        # The count annotation groups the query, and Django drops Meta.ordering then.
        scenarios = selectors.scenarios_of(organisation).select_related("organisation")
        page = self.paginate_queryset(scenarios.order_by("name", "pk"))
        return self.get_paginated_response(ScenarioListOut(page, many=True).data)

    @extend_schema(
        operation_id="scenarios_create", request=ScenarioIn, responses={201: ScenarioDetailOut}
    )
    def post(self, request, slug):
        organisation = organisation_get_changeable(request.user, slug, access.portfolio_can_change)
        data = validated(ScenarioIn, request.data)
        scenario = services.scenario_create(actor=request.user, organisation=organisation, **data)
        return Response(ScenarioDetailOut(scenario).data, status=status.HTTP_201_CREATED)


@versioned_detail_schema("scenarios", ScenarioUpdateIn, ScenarioDetailOut)
@extend_schema(tags=["scenarios"])
class ScenarioDetailApi(VersionedDetailApi):
    serializer_class = ScenarioDetailOut
    update_input = ScenarioUpdateIn

    def readable(self, person, pk):
        return access.scenario_get_readable(person, pk)

    def can_change(self, person, record):
        return access.record_can_change(person, record)

    def update(self, actor, record, expected_version, **changes):
        return services.scenario_update(
            actor=actor, scenario=record, expected_version=expected_version, **changes
        )

    def remove(self, actor, record, expected_version):
        services.scenario_delete(actor=actor, scenario=record, expected_version=expected_version)


@extend_schema(tags=["scenarios"])
class ScenarioChangeListApi(generics.GenericAPIView):
    serializer_class = ScenarioChangeOut

    @extend_schema(
        operation_id="scenario_changes_create",
        request=ScenarioChangeIn,
        responses={201: ScenarioChangeOut},
    )
    def post(self, request, pk):
        scenario = access.scenario_get_readable(request.user, pk)
        record_changeable(request, scenario)
        data = validated(
            ScenarioChangeIn,
            request.data,
            applications=selectors.applications_choosable(scenario.organisation),
        )
        change = services.scenario_change_add(actor=request.user, scenario=scenario, **data)
        return Response(ScenarioChangeOut(change).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["scenarios"])
class ScenarioChangeDetailApi(generics.GenericAPIView):
    serializer_class = ScenarioChangeOut

    @extend_schema(operation_id="scenario_changes_read")
    def get(self, request, pk):
        change = access.scenario_change_get_readable(request.user, pk)
        return Response(ScenarioChangeOut(change).data)

    @extend_schema(operation_id="scenario_changes_delete", request=None, responses={204: None})
    def delete(self, request, pk):
        change = access.scenario_change_get_readable(request.user, pk)
        record_changeable(request, change)
        services.scenario_change_remove(actor=request.user, change=change)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- projections ----------------------------------------------------------------------------


@extend_schema(tags=["scenarios"])
class ScenarioProjectionApi(generics.GenericAPIView):
    serializer_class = ScenarioProjectionOut
    pagination_class = None

    @extend_schema(
        operation_id="scenarios_projection",
        description=(
            "The scenario projected year by year for ten years after its base year, from "
            "the base year's spend of the organisation and those below it, held flat."
        ),
        responses={200: ScenarioProjectionOut, 422: PROJECTION_REFUSED},
    )
    def get(self, request, pk):
        scenario = access.scenario_get_readable(request.user, pk)
        projection = _comparison(scenario.organisation, [scenario])[scenario.name]
        return Response(
            ScenarioProjectionOut(
                {"scenario": scenario.pk, "name": scenario.name, "projection": projection}
            ).data
        )


@extend_schema(tags=["scenarios"])
class ScenarioComparisonApi(generics.GenericAPIView):
    serializer_class = ScenarioComparisonOut
    pagination_class = None

    @extend_schema(
        operation_id="scenarios_compare",
        description=(
            "Every scenario of the organisation and 'no change', projected from one base "
            "year (that of the first scenario by name), to read side by side."
        ),
        responses={200: ScenarioComparisonOut, 422: PROJECTION_REFUSED},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        # Ordered, so "the first scenario" whose base year all share is always the same one.
        scenarios = list(selectors.scenarios_of(organisation).order_by("name", "pk"))
        projections = _comparison(organisation, scenarios)
        baseline = projections.get(selectors.BASELINE)
        if baseline is not None:
            baseline = {"scenario": None, "name": BASELINE_NAME, "projection": baseline}
        return Response(
            ScenarioComparisonOut(
                {
                    "baseline": baseline,
                    "scenarios": [
                        {"scenario": s.pk, "name": s.name, "projection": projections[s.name]}
                        for s in scenarios
                    ],
                }
            ).data
        )
