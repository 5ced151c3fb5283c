"""API views for experiments: the register with its design, moves between stages through the
gates, similar experiments elsewhere, and the pipeline's figures (funnel, stuck after pilot)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.api.fields import ChoiceListField
from omslag.common.api.helpers import VersionIn, money, validated
from omslag.common.api.serializers import (
    CamelModelSerializer,
    CamelSerializer,
    StoredFiguresStateOut,
)
from omslag.common.stored_figures import figures_state
from omslag.organisations.access import organisation_get_changeable, organisation_get_readable

from .. import access, gates, selectors, services
from ..models import Experiment, Stage
from ..services.pipeline import EXPERIMENT_FIELDS
from .base import PercentField, does_not_exist, gate_refused, record_changeable

# --- serializers ----------------------------------------------------------------------------


class GateProblemsOut(CamelSerializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="Empty when the gate is open."
    )


class ExperimentListOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner_email = serializers.EmailField(source="owner.email", read_only=True, allow_null=True)

    class Meta:
        model = Experiment
        fields = [
            "id",
            "organisation",
            "title",
            "stage",
            "stage_changed_at",
            "owner_email",
            "owner_team",
            "design_type",
            "primary_metric",
            "version",
        ]


EXPERIMENT_INPUT = [name for name in EXPERIMENT_FIELDS if name != "owner"]


class ExperimentOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner_email = serializers.EmailField(source="owner.email", read_only=True, allow_null=True)
    budget = money(read_only=True, allow_null=True)
    allowed_moves = serializers.SerializerMethodField(
        method_name="get_allowed_moves",
        help_text="The stages it may move to from here (POST …/move).",
    )
    gate_problems = serializers.SerializerMethodField(
        method_name="get_gate_problems",
        help_text="Per allowed move (other than stopping), what its gate rules still miss.",
    )

    class Meta:
        model = Experiment
        fields = [
            "id",
            "organisation",
            *[name for name in EXPERIMENT_INPUT if name != "budget"],
            "budget",
            "owner_email",
            "stage",
            "stage_changed_at",
            "stopped_reason",
            "allowed_moves",
            "gate_problems",
            "version",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Stage.choices)))
    def get_allowed_moves(self, experiment) -> list[str]:
        return services.allowed_moves(experiment)

    @extend_schema_field(GateProblemsOut(many=True))
    def get_gate_problems(self, experiment) -> list[dict]:
        return [
            {"toStage": stage, "problems": gates.gate_problems(experiment, stage)}
            for stage in services.allowed_moves(experiment)
            if stage != Stage.STOPPED
        ]


class ExperimentIn(CamelModelSerializer):
    """The design a client may set; the owner is the person who creates it. ``idea`` is the
    id of an idea of the same organisation."""

    class Meta:
        model = Experiment
        fields = EXPERIMENT_INPUT
        extra_kwargs = {"idea": {"error_messages": does_not_exist("idea")}}

    def get_fields(self):
        fields = super().get_fields()
        if "ideas" in self.context:
            fields["idea"].queryset = self.context["ideas"]
        return fields


class ExperimentUpdateIn(ExperimentIn):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")

    class Meta(ExperimentIn.Meta):
        fields = ["version", *EXPERIMENT_INPUT]
        extra_kwargs = {
            name: {"required": False, **ExperimentIn.Meta.extra_kwargs.get(name, {})}
            for name in EXPERIMENT_INPUT
        }


class ExperimentFiltersIn(CamelSerializer):
    stage = ChoiceListField(
        child=serializers.ChoiceField(choices=Stage.choices),
        required=False,
        help_text="Stage; repeat or separate by commas",
    )
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Part of the title"
    )


class MoveIn(CamelSerializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, help_text="Required to stop."
    )


class SimilarExperimentOut(CamelSerializer):
    id = serializers.IntegerField(source="experiment.pk")
    organisation = serializers.CharField(source="experiment.organisation.slug")
    title = serializers.CharField(source="experiment.title")
    stage = serializers.ChoiceField(source="experiment.stage", choices=Stage.choices)
    shared_words = serializers.IntegerField(help_text="Words of four letters or more in common.")


class FunnelStageOut(CamelSerializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    label = serializers.CharField()
    now = serializers.IntegerField(help_text="Experiments in this stage now.")
    reached = serializers.IntegerField(help_text="Experiments that ever reached it.")
    conversion_to_next_percent = PercentField(
        source="conversion_to_next",
        allow_null=True,
        help_text="Of those that reached it, the share that reached the next stage.",
    )
    median_days = serializers.FloatField(allow_null=True, help_text="Median days in the stage.")


class FunnelOut(CamelSerializer):
    stages = FunnelStageOut(many=True)
    stopped = serializers.IntegerField()
    total = serializers.IntegerField()
    in_operation_percent = PercentField(
        source="share_in_operation",
        allow_null=True,
        help_text="Share of all experiments that reached operation.",
    )
    total_budget = money()
    budget_per_operation = money(
        allow_null=True, help_text="Total budget per experiment that reached operation."
    )
    figures = StoredFiguresStateOut(
        help_text="The stored figures' as-of time, whether a refresh is pending (the funnel "
        "is always read from the stored figures: stored is true)."
    )


# --- views ----------------------------------------------------------------------------------


@extend_schema(tags=["experiments"])
class ExperimentListApi(generics.GenericAPIView):
    serializer_class = ExperimentListOut

    @extend_schema(
        operation_id="experiments_list",
        description="Experiments of the organisation and those below it, by title.",
        parameters=[ExperimentFiltersIn],
        responses={200: ExperimentListOut(many=True)},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        filters = validated(ExperimentFiltersIn, request.query_params)
        queryset = selectors.experiments_filtered(
            organisation, stages=filters.get("stage", ()), search=filters.get("search", "")
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ExperimentListOut(page, many=True).data)

    @extend_schema(
        operation_id="experiments_create", request=ExperimentIn, responses={201: ExperimentOut}
    )
    def post(self, request, slug):
        organisation = organisation_get_changeable(request.user, slug, access.pipeline_can_change)
        data = validated(ExperimentIn, request.data, ideas=selectors.ideas_choosable(organisation))
        experiment = services.experiment_create(
            actor=request.user, organisation=organisation, owner=request.user, **data
        )
        return Response(ExperimentOut(experiment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["experiments"])
class ExperimentDetailApi(generics.GenericAPIView):
    serializer_class = ExperimentOut

    @extend_schema(operation_id="experiments_read")
    def get(self, request, pk):
        return Response(ExperimentOut(access.experiment_get_readable(request.user, pk)).data)

    @extend_schema(
        operation_id="experiments_update",
        description="Change the design; not once stopped or in operation (422).",
        request=ExperimentUpdateIn,
        responses={200: ExperimentOut},
    )
    def patch(self, request, pk):
        experiment = record_changeable(request, access.experiment_get_readable(request.user, pk))
        data = validated(
            ExperimentUpdateIn,
            request.data,
            ideas=selectors.ideas_choosable(experiment.organisation),
        )
        experiment = services.experiment_update(
            actor=request.user,
            experiment=experiment,
            expected_version=data.pop("version"),
            **data,
        )
        return Response(ExperimentOut(experiment).data)

    @extend_schema(
        operation_id="experiments_delete",
        description="Soft delete: the history stays and it can be restored.",
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("version", int, description="The version you read")],
    )
    def delete(self, request, pk):
        experiment = record_changeable(request, access.experiment_get_readable(request.user, pk))
        data = validated(VersionIn, request.query_params)
        services.experiment_delete(
            actor=request.user, experiment=experiment, expected_version=data.get("version")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["experiments"])
class ExperimentMoveApi(generics.GenericAPIView):
    serializer_class = ExperimentOut
    pagination_class = None

    @extend_schema(
        operation_id="experiments_move",
        description=(
            "Move to another stage. A move the gate rules refuse answers 422 with every "
            "unmet rule in `problems`; stopping is possible from any stage and needs a reason."
        ),
        request=MoveIn,
        responses={200: ExperimentOut},
    )
    def post(self, request, pk):
        experiment = record_changeable(request, access.experiment_get_readable(request.user, pk))
        data = validated(MoveIn, request.data)
        try:
            experiment = services.experiment_move(
                actor=request.user,
                experiment=experiment,
                to_stage=data["to_stage"],
                expected_version=data["version"],
                reason=data.get("reason", ""),
            )
        except services.GateRefused as refused:
            return gate_refused(request, refused)
        return Response(ExperimentOut(experiment).data)


@extend_schema(tags=["experiments"])
class ExperimentSimilarApi(generics.GenericAPIView):
    serializer_class = SimilarExperimentOut
    pagination_class = None

    @extend_schema(
        operation_id="experiments_similar",
        description=(
            "Up to five experiments in any organisation you may read whose titles share the "
            "most words with this one's: look at them (and their lessons) before starting."
        ),
        responses={200: SimilarExperimentOut(many=True)},
    )
    def get(self, request, pk):
        experiment = access.experiment_get_readable(request.user, pk)
        similar = selectors.similar_experiments(request.user, experiment.title, exclude=experiment)
        rows = [{"experiment": other, "shared_words": shared} for other, shared in similar]
        return Response(SimilarExperimentOut(rows, many=True).data)


@extend_schema(tags=["experiments"])
class FunnelApi(generics.GenericAPIView):
    serializer_class = FunnelOut
    pagination_class = None

    @extend_schema(
        operation_id="experiments_funnel",
        description=(
            "Counts per stage for the organisation and those below it, conversion to the next "
            "stage, median days in each stage, the share that reached operation and the "
            "budget per experiment that reached it. Computed once and stored (as the funnel "
            "page shows it), refreshed when an idea, experiment or decision changes; "
            "`figures` says as of when, and whether a refresh is under way."
        ),
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        stored = selectors.funnel_stored(organisation)
        state = figures_state(stored.computed_at, stored.pending, stored=True)
        return Response(FunnelOut({**stored.figures, "figures": state}).data)


@extend_schema(tags=["experiments"])
class StuckAfterPilotApi(generics.GenericAPIView):
    serializer_class = ExperimentListOut

    @extend_schema(
        operation_id="experiments_stuck_after_pilot",
        description=(
            "Experiments with a positive evaluation older than the organisation's limit "
            "(6 months unless set) and no implementation track: pilot purgatory."
        ),
        responses={200: ExperimentListOut(many=True)},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        queryset = selectors.experiments_stuck_after_pilot(organisation).order_by("title", "pk")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ExperimentListOut(page, many=True).data)
