"""API views for projects: the list of an organisation (with the web list's filters), and one
project with the figures stored on it and those computed against both baselines."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.analysis.projects import COST_BUCKETS
from omslag.common.api.detail import VersionedDetailApi, versioned_detail_schema
from omslag.common.api.fields import ChoiceListField
from omslag.common.api.helpers import money, validated
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.organisations.access import organisation_get_changeable, organisation_get_readable

from .. import access, selectors, services
from ..models import Project
from .base import RoundedField

COST_BUCKET_LABELS = [label for label, _lower, _upper in COST_BUCKETS]
SHIFT_BUCKETS = ["earlier", "unchanged", "later_up_to_1_year", "later_over_1_year"]

# --- serializers --------------------------------------------------------------------------


class ProjectOut(CamelModelSerializer):
    """A project with the figures stored on it, computed from its reports against the
    original baseline (the first report). Amounts are in the project's currency."""

    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    report_count = serializers.IntegerField(
        read_only=True, help_text="Reports the figures rest on (published ones, else all)."
    )
    latest_peildatum = serializers.DateField(
        read_only=True, allow_null=True, help_text="Reference date of the latest report."
    )
    original_estimate = money(
        read_only=True, allow_null=True, help_text="Total cost estimate of the first report."
    )
    current_estimate = money(
        read_only=True, allow_null=True, help_text="Total cost estimate of the latest report."
    )
    cost_change_percent = RoundedField(
        source="cost_change_pct",
        read_only=True,
        allow_null=True,
        help_text="Current against original estimate in percent (20.0 is +20 %).",
    )
    original_end_date = serializers.DateField(read_only=True, allow_null=True)
    current_end_date = serializers.DateField(read_only=True, allow_null=True)
    # Not "endDateShiftMonths": the design rules take every name with "…Date" for a date.
    schedule_shift_months = serializers.IntegerField(
        source="end_date_shift_months",
        read_only=True,
        allow_null=True,
        help_text="Whole months the end date moved from the original one (negative: earlier).",
    )
    cost_bucket = serializers.CharField(
        read_only=True,
        help_text="The national dashboard's bucket in million: "
        + ", ".join(COST_BUCKET_LABELS)
        + "; empty without reports.",
    )
    review_threshold_met = serializers.BooleanField(
        read_only=True, help_text="The ICT component is 5 million or more (AcICT review)."
    )
    colour = serializers.ChoiceField(
        choices=Project.Colour.choices,
        allow_blank=True,
        read_only=True,
        help_text="Computed from cost and end date against the original; empty without reports.",
    )
    has_review_advice = serializers.BooleanField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "organisation",
            *services.PROJECT_FIELDS,
            "report_count",
            "latest_peildatum",
            "original_estimate",
            "current_estimate",
            "cost_change_percent",
            "original_end_date",
            "current_end_date",
            "schedule_shift_months",
            "cost_bucket",
            "colour",
            "review_threshold_met",
            "has_review_advice",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ComparisonOut(CamelSerializer):
    """The latest report against one baseline report."""

    baseline_peildatum = serializers.DateField()
    baseline_cost = money()
    baseline_end_date = serializers.DateField(allow_null=True)
    cost_change = money(help_text="Latest estimate minus the baseline's.")
    cost_change_percent = RoundedField(source="cost_change_pct", allow_null=True)
    schedule_shift_months = serializers.IntegerField(
        source="end_date_shift_months",
        allow_null=True,
        help_text="Whole months the end date moved from the baseline's (negative: earlier).",
    )
    schedule_shift_bucket = serializers.ChoiceField(
        source="end_date_shift_bucket",
        choices=SHIFT_BUCKETS,
        allow_null=True,
        help_text="The national dashboard's bucket of that move.",
    )
    duration_change_percent = RoundedField(
        source="duration_change_pct",
        allow_null=True,
        help_text="Change of the duration from the start date, in percent.",
    )


class FiguresOut(CamelSerializer):
    """The figures of the latest report, against the original baseline and against the last
    re-baseline (the original when there is none)."""

    peildatum = serializers.DateField()
    total_cost_estimate = money()
    cumulative_actual_cost = money(allow_null=True)
    estimated_end_date = serializers.DateField(allow_null=True)
    forecast_remaining_cost = money(
        allow_null=True, help_text="Estimate minus the actual cost so far (not below 0)."
    )
    cost_bucket = serializers.ChoiceField(choices=COST_BUCKET_LABELS)
    rebaseline_count = serializers.IntegerField()
    against_original = ComparisonOut()
    against_last_rebaseline = ComparisonOut()


class ProjectDetailOut(ProjectOut):
    figures = serializers.SerializerMethodField(method_name="computed_figures")

    class Meta(ProjectOut.Meta):
        fields = [*ProjectOut.Meta.fields, "figures"]
        read_only_fields = fields

    @extend_schema_field(FiguresOut(allow_null=True))
    def computed_figures(self, project) -> dict | None:
        figures = self.context.get("figures")
        return FiguresOut(figures).data if figures is not None else None


class ProjectIn(CamelModelSerializer):
    """The fields a client may set; their limits come from the model."""

    class Meta:
        model = Project
        fields = list(services.PROJECT_FIELDS)


class ProjectUpdateIn(ProjectIn):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")

    class Meta(ProjectIn.Meta):
        fields = ["version", *services.PROJECT_FIELDS]
        extra_kwargs = {name: {"required": False} for name in services.PROJECT_FIELDS}


SORT_CHOICES = [order for key in selectors.SORTS for order in (key, f"-{key}")]


class ProjectFiltersIn(CamelSerializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Part of the name, number or external identifier",
    )
    organisation = serializers.SlugField(
        required=False, allow_blank=True, help_text="Short name of an organisation below this one"
    )
    status = ChoiceListField(
        child=serializers.ChoiceField(choices=Project.Status.choices),
        required=False,
        help_text="Repeat or separate by commas",
    )
    cost_bucket = ChoiceListField(
        child=serializers.ChoiceField(choices=COST_BUCKET_LABELS),
        required=False,
        help_text="The dashboard's bucket in million; repeat or separate by commas",
    )
    colour = ChoiceListField(
        child=serializers.ChoiceField(choices=Project.Colour.choices),
        required=False,
        help_text="Repeat or separate by commas",
    )
    review_advice = serializers.ChoiceField(
        choices=["yes", "no"], required=False, help_text="Has independent review advice (AcICT)"
    )
    sort = serializers.ChoiceField(
        choices=SORT_CHOICES, required=False, default="name", help_text="A leading - reverses"
    )


def _project_filters(data: dict) -> selectors.ProjectFilters:
    return selectors.ProjectFilters(
        search=data.get("search", ""),
        organisation=data.get("organisation", ""),
        status=tuple(data.get("status", ())),
        cost_bucket=tuple(data.get("cost_bucket", ())),
        colour=tuple(data.get("colour", ())),
        review_advice=data.get("review_advice", ""),
        sort=data.get("sort", "name"),
    )


def _project_response(project, status_code=status.HTTP_200_OK) -> Response:
    figures = selectors.project_figures_of(project)
    return Response(
        ProjectDetailOut(project, context={"figures": figures}).data, status=status_code
    )


# --- views --------------------------------------------------------------------------------


@extend_schema(tags=["projects"])
class ProjectListApi(generics.GenericAPIView):
    serializer_class = ProjectOut

    @extend_schema(
        operation_id="projects_list",
        description="The projects of this organisation and those below it.",
        parameters=[ProjectFiltersIn],
        responses={200: ProjectOut(many=True)},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        filters = _project_filters(validated(ProjectFiltersIn, request.query_params))
        page = self.paginate_queryset(selectors.project_list(organisation, filters))
        return self.get_paginated_response(ProjectOut(page, many=True).data)

    @extend_schema(
        operation_id="projects_create", request=ProjectIn, responses={201: ProjectDetailOut}
    )
    def post(self, request, slug):
        organisation = organisation_get_changeable(request.user, slug, access.projects_can_change)
        data = validated(ProjectIn, request.data)
        project = services.project_create(actor=request.user, organisation=organisation, **data)
        return _project_response(project, status.HTTP_201_CREATED)


@versioned_detail_schema(
    "projects",
    ProjectUpdateIn,
    ProjectDetailOut,
    delete_description="Soft delete: the history stays, and the reports and parts with it.",
)
@extend_schema(tags=["projects"])
class ProjectDetailApi(VersionedDetailApi):
    serializer_class = ProjectDetailOut
    update_input = ProjectUpdateIn

    def readable(self, person, pk):
        return access.project_get_readable(person, pk)

    def can_change(self, person, record):
        return access.record_can_change(person, record)

    def update(self, actor, record, expected_version, **changes):
        return services.project_update(
            actor=actor, project=record, expected_version=expected_version, **changes
        )

    def remove(self, actor, record, expected_version):
        services.project_delete(actor=actor, project=record, expected_version=expected_version)

    def respond(self, record):
        return _project_response(record)
