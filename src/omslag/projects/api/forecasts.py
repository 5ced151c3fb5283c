"""API views for reference classes and the forecasts made with them: per project, and for the
portfolio of an organisation by Monte Carlo (the same JSON as ``omslag forecast``).

Forecasts are statistics in floating point (an estimate times a ratio quantile), so they are
JSON numbers, unlike the amounts of reports, which are exact strings."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.analysis.projects import MIN_PAIRS
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.common.errors import RuleViolation

from .. import access, selectors, services
from ..models import Project, ReferenceClass, ReferencePair
from . import reads
from .base import organisation_changeable, organisation_readable, validated

MAX_ITERATIONS = 100_000
NOTHING_TO_FORECAST = OpenApiResponse(
    description="Nothing to forecast: no project with a cost estimate (the detail says why)."
)

# --- reference classes ----------------------------------------------------------------------


class ReferenceClassOut(CamelModelSerializer):
    """A set of (earlier, later) estimate pairs of historical projects. Without an
    organisation it is shipped with omslag, for everyone to use."""

    organisation = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Empty: shipped."
    )
    pair_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReferenceClass
        fields = [
            "id",
            "organisation",
            "name",
            "kind",
            "origin",
            "source",
            "limits",
            "pair_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PairOut(CamelModelSerializer):
    class Meta:
        model = ReferencePair
        fields = ["earlier", "later", "size", "label"]
        read_only_fields = fields


class RatiosOut(CamelSerializer):
    """The later/earlier ratios of the class: deciles by numpy's linear method."""

    count = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    p10 = serializers.FloatField(allow_null=True)
    p20 = serializers.FloatField(allow_null=True)
    p30 = serializers.FloatField(allow_null=True)
    p40 = serializers.FloatField(allow_null=True)
    p50 = serializers.FloatField(allow_null=True)
    p60 = serializers.FloatField(allow_null=True)
    p70 = serializers.FloatField(allow_null=True)
    p80 = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True)
    share_overrun_50_percent = serializers.FloatField(
        allow_null=True,
        help_text="Share (0 to 1) of the pairs whose later estimate is 1.5 times the earlier "
        "one or more.",
    )


class ReferenceClassDetailOut(ReferenceClassOut):
    pairs = PairOut(many=True, read_only=True)
    ratios = serializers.SerializerMethodField(method_name="ratio_summary")

    class Meta(ReferenceClassOut.Meta):
        fields = [*ReferenceClassOut.Meta.fields, "pairs", "ratios"]
        read_only_fields = fields

    @extend_schema_field(RatiosOut)
    def ratio_summary(self, reference_class) -> dict:
        return RatiosOut(self.context["ratios"]).data


class PairIn(CamelSerializer):
    earlier = serializers.FloatField(help_text="The earlier estimate; above 0.")
    later = serializers.FloatField(help_text="The later estimate (or outturn); not negative.")
    size = serializers.FloatField(
        required=False, allow_null=True, help_text="For size bands; empty: the earlier one."
    )
    label = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReferenceClassIn(CamelSerializer):
    """A class from pairs; one with the same name of this organisation is replaced."""

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(
        choices=ReferenceClass.Kind.choices, default=ReferenceClass.Kind.COST
    )
    source = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    limits = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    pairs = PairIn(
        many=True,
        max_length=100_000,
        help_text=f"At least {MIN_PAIRS}; fewer is too little to forecast (422).",
    )


class ReferenceClassBuildIn(CamelSerializer):
    name = serializers.CharField(max_length=200)


def _class_response(reference_class, status_code=status.HTTP_200_OK) -> Response:
    detailed = reads.reference_class_with_pairs(reference_class)
    ratios = reads.ratio_summary(detailed)
    return Response(
        ReferenceClassDetailOut(detailed, context={"ratios": ratios}).data, status=status_code
    )


def _saved_response(reference_class) -> Response:
    """201 for a new class, 200 when one of the same name was replaced (its version rose)."""
    created = reference_class.version == 1
    return _class_response(
        reference_class, status.HTTP_201_CREATED if created else status.HTTP_200_OK
    )


@extend_schema(tags=["reference-classes"])
class ReferenceClassListApi(generics.GenericAPIView):
    serializer_class = ReferenceClassOut

    @extend_schema(
        operation_id="reference_classes_list",
        description="The classes this organisation may use: its own, its ancestors', shipped.",
        responses={200: ReferenceClassOut(many=True)},
    )
    def get(self, request, slug):
        organisation = organisation_readable(request, slug)
        services.reference_class_shipped()  # created on first use
        page = self.paginate_queryset(reads.reference_classes_usable(organisation))
        return self.get_paginated_response(ReferenceClassOut(page, many=True).data)

    @extend_schema(
        operation_id="reference_classes_create",
        description="Create a class from pairs, or replace the one of this name (200).",
        request=ReferenceClassIn,
        responses={201: ReferenceClassDetailOut, 200: ReferenceClassDetailOut},
    )
    def post(self, request, slug):
        organisation = organisation_changeable(request, slug)
        data = validated(ReferenceClassIn, request.data)
        saved = services.reference_class_save(
            actor=request.user,
            organisation=organisation,
            name=data["name"],
            kind=data["kind"],
            source=data.get("source", ""),
            limits=data.get("limits", ""),
            origin=ReferenceClass.Origin.FILE,
            pairs=[
                (pair["earlier"], pair["later"], pair.get("size"), pair.get("label", ""))
                for pair in data["pairs"]
            ],
        )
        return _saved_response(saved)


@extend_schema(tags=["reference-classes"])
class ReferenceClassBuildApi(generics.GenericAPIView):
    serializer_class = ReferenceClassDetailOut

    @extend_schema(
        operation_id="reference_classes_build",
        description=(
            "Build (or rebuild) a cost class from the projects of this organisation and those "
            "below it: the first against the latest report of each project with two or more."
        ),
        request=ReferenceClassBuildIn,
        responses={201: ReferenceClassDetailOut, 200: ReferenceClassDetailOut},
    )
    def post(self, request, slug):
        organisation = organisation_changeable(request, slug)
        data = validated(ReferenceClassBuildIn, request.data)
        built = services.reference_class_build_from_projects(
            actor=request.user, organisation=organisation, name=data["name"]
        )
        return _saved_response(built)


@extend_schema(tags=["reference-classes"])
class ReferenceClassDetailApi(generics.GenericAPIView):
    serializer_class = ReferenceClassDetailOut

    @extend_schema(operation_id="reference_classes_read")
    def get(self, request, pk):
        return _class_response(access.reference_class_get_readable(request.user, pk))


# --- forecasts ----------------------------------------------------------------------------


def _class_does_not_exist() -> dict:
    return {
        "does_not_exist": gettext_lazy(
            "There is no reference class with id {pk_value} for this organisation."
        ),
        "incorrect_type": gettext_lazy("Give the id of a reference class, a whole number."),
    }


class ProjectForecastQueryIn(CamelSerializer):
    reference_class = serializers.PrimaryKeyRelatedField(
        queryset=ReferenceClass.objects.none(),
        error_messages=_class_does_not_exist(),
        help_text="Id of a class the organisation may use (its own, its ancestors', shipped)",
    )

    def get_fields(self):
        fields = super().get_fields()
        if "reference_classes" in self.context:
            fields["referenceClass"].queryset = self.context["reference_classes"]
        return fields


class ForecastQueryIn(ProjectForecastQueryIn):
    seed = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text="Makes the Monte Carlo repeatable",
    )
    iterations = serializers.IntegerField(
        default=10_000, min_value=100, max_value=MAX_ITERATIONS, help_text="Monte Carlo draws"
    )


# The forecast report of the selector already has the CLI's camelCase keys, so these
# serializers name their fields as the keys are written (a CamelSerializer would rename them
# onto themselves).


class ForecastClassOut(serializers.Serializer):
    name = serializers.CharField()
    pairs = serializers.IntegerField()


class ForecastProjectOut(serializers.Serializer):
    """One project: its current estimate times the class's ratio quantiles. Without a
    report with an estimate it has no forecast fields."""

    externalId = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.SlugField()
    status = serializers.ChoiceField(choices=Project.Status.choices)
    currency = serializers.CharField()
    currentEstimate = serializers.FloatField(allow_null=True)
    p50 = serializers.FloatField(required=False)
    p80 = serializers.FloatField(required=False)
    p90 = serializers.FloatField(required=False)
    probabilityOverrun50Percent = serializers.FloatField(
        required=False, help_text="Share (0 to 1) of the class with an overrun of 50 % or more."
    )


class PortfolioForecastOut(serializers.Serializer):
    """Monte Carlo over the running projects (not completed or cancelled) with an estimate:
    one ratio drawn per project per iteration, summed."""

    projects = serializers.IntegerField()
    totalEstimate = serializers.FloatField()
    mean = serializers.FloatField()
    p50 = serializers.FloatField()
    p80 = serializers.FloatField()
    p90 = serializers.FloatField()
    probabilityOverEstimate = serializers.FloatField(
        help_text="Share (0 to 1) of the iterations above the total estimate."
    )


class ForecastReportOut(serializers.Serializer):
    """The forecast of every project of the organisation (and those below it) and of the
    portfolio: the same document as ``omslag forecast --format json``."""

    organisation = serializers.SlugField()
    referenceClass = ForecastClassOut()
    seed = serializers.IntegerField(allow_null=True)
    iterations = serializers.IntegerField()
    projects = ForecastProjectOut(many=True)
    portfolio = PortfolioForecastOut()


class ReferenceClassRefOut(CamelSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    pairs = serializers.IntegerField()


class RatioQuantilesOut(CamelSerializer):
    p50 = serializers.FloatField()
    p80 = serializers.FloatField()
    p90 = serializers.FloatField()


class ProjectForecastOut(CamelSerializer):
    """The project's current estimate times the P50, P80 and P90 of the class's later/earlier
    ratios (numpy's linear quantiles)."""

    project = serializers.IntegerField()
    name = serializers.CharField()
    currency = serializers.CharField()
    reference_class = ReferenceClassRefOut()
    current_estimate = serializers.FloatField()
    p50 = serializers.FloatField()
    p80 = serializers.FloatField()
    p90 = serializers.FloatField()
    ratio_quantiles = RatioQuantilesOut()
    probability_overrun_50_percent = serializers.FloatField(
        help_text="Share (0 to 1) of the class with an overrun of 50 % or more."
    )


@extend_schema(tags=["forecasts"])
class OrganisationForecastApi(generics.GenericAPIView):
    serializer_class = ForecastReportOut
    pagination_class = None

    @extend_schema(
        operation_id="forecast_read",
        parameters=[ForecastQueryIn],
        responses={200: ForecastReportOut, 422: NOTHING_TO_FORECAST},
    )
    def get(self, request, slug):
        organisation = organisation_readable(request, slug)
        data = validated(
            ForecastQueryIn,
            request.query_params.dict(),
            reference_classes=selectors.reference_classes_for(organisation),
        )
        try:
            report = selectors.forecast_report(
                organisation,
                data["reference_class"],
                seed=data.get("seed"),
                iterations=data["iterations"],
            )
        except ValueError as error:  # no running project with an estimate
            raise RuleViolation(
                _("Nothing to forecast for this organisation: %(reason)s.") % {"reason": error}
            ) from error
        return Response(ForecastReportOut(report).data)


@extend_schema(tags=["forecasts"])
class ProjectForecastApi(generics.GenericAPIView):
    serializer_class = ProjectForecastOut
    pagination_class = None

    @extend_schema(
        operation_id="projects_forecast",
        parameters=[ProjectForecastQueryIn],
        responses={200: ProjectForecastOut, 422: NOTHING_TO_FORECAST},
    )
    def get(self, request, pk):
        project = access.project_get_readable(request.user, pk)
        data = validated(
            ProjectForecastQueryIn,
            request.query_params.dict(),
            reference_classes=selectors.reference_classes_for(project.organisation),
        )
        reference_class = data["reference_class"]
        result = selectors.project_forecast(project, reference_class)
        if result.cost is None:
            raise RuleViolation(
                _("Nothing to forecast: the project has no report with a cost estimate yet.")
            )
        cost = result.cost
        return Response(
            ProjectForecastOut(
                {
                    "project": project.pk,
                    "name": project.name,
                    "currency": project.currency,
                    "reference_class": {
                        "id": reference_class.pk,
                        "name": reference_class.name,
                        "pairs": cost.pair_count,
                    },
                    "current_estimate": cost.estimate,
                    "p50": cost.value_at(0.5),
                    "p80": cost.value_at(0.8),
                    "p90": cost.value_at(0.9),
                    "ratio_quantiles": dict(
                        zip(("p50", "p80", "p90"), cost.ratio_quantiles, strict=True)
                    ),
                    "probability_overrun_50_percent": cost.probability_overrun_50,
                }
            ).data
        )
