"""API views for the forecasts made with a reference class: per project, and for the portfolio
of an organisation by Monte Carlo (the same JSON as ``omslag forecast``).

Forecasts are statistics in floating point (an estimate times a ratio quantile), so they are
JSON numbers, unlike the amounts of reports, which are exact strings."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from omslag.common.api.helpers import validated
from omslag.common.api.serializers import CamelSerializer, StoredFiguresStateOut
from omslag.common.errors import RuleViolation
from omslag.organisations.access import organisation_get_readable

from .. import access, selectors
from ..models import Project, ReferenceClass

MAX_ITERATIONS = 100_000
NOTHING_TO_FORECAST = OpenApiResponse(
    description="Nothing to forecast: no project with a cost estimate (the detail says why)."
)


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
        help_text="Makes the Monte Carlo repeatable. Without seed and iterations the answer "
        "is the stored forecast (seed 0, 5,000 draws, as the portfolio page shows it).",
    )
    iterations = serializers.IntegerField(
        required=False,
        min_value=100,
        max_value=MAX_ITERATIONS,
        help_text="Monte Carlo draws: 10,000 when only a seed is given; 5,000 (the stored "
        "forecast) without seed and iterations.",
    )
    include_no_longer_reported = serializers.BooleanField(
        default=False,
        help_text="Also add up the projects their register no longer reports (left out by "
        "default: a project missing from a later snapshot is not known to be running).",
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
    notReportedAfter = serializers.DateField(
        allow_null=True,
        help_text="The last date its register reported it, when a later snapshot no longer "
        "lists it; null while it is reported.",
    )
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


class NoLongerReportedOut(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="Running projects with an estimate that their register no longer reports."
    )
    included = serializers.BooleanField(help_text="Whether the portfolio adds them up.")
    leftOut = serializers.IntegerField(help_text="How many the portfolio leaves out.")


class ExchangeRateUsedOut(serializers.Serializer):
    """A stated rate: one unit of ``currency`` is ``rate`` units of the reporting currency."""

    currency = serializers.CharField()
    rate = serializers.CharField(help_text="A decimal number written as text, e.g. 0.0874")
    asOf = serializers.DateField()
    source = serializers.CharField(allow_blank=True)
    organisation = serializers.SlugField(help_text="The organisation that stated the rate")


class UnconvertedCurrencyOut(serializers.Serializer):
    currency = serializers.CharField()
    projects = serializers.IntegerField(help_text="Projects with an amount in this currency")


class ForecastReportOut(serializers.Serializer):
    """The forecast of every project of the organisation (and those below it) and of the
    portfolio: the same document as ``omslag forecast --format json``."""

    organisation = serializers.SlugField()
    referenceClass = ForecastClassOut()
    seed = serializers.IntegerField(allow_null=True)
    iterations = serializers.IntegerField()
    projects = ForecastProjectOut(many=True)
    portfolio = PortfolioForecastOut(
        allow_null=True,
        help_text="In the reporting currency; null when a currency among the running "
        "projects has no stated rate (see unconvertedCurrencies): amounts are never added "
        "unconverted.",
    )
    currency = serializers.CharField(help_text="The reporting currency of the portfolio figures")
    exchangeRates = ExchangeRateUsedOut(many=True, help_text="The rates the portfolio used")
    unconvertedCurrencies = UnconvertedCurrencyOut(
        many=True, help_text="Currencies without a stated rate; empty when all were converted"
    )
    noLongerReported = NoLongerReportedOut()
    figures = StoredFiguresStateOut(
        help_text="How old the portfolio figures are. Without seed and iterations (or with seed "
        "0 and 5,000 iterations) they are the stored forecast, refreshed after a change to a "
        "project in scope, an exchange rate or the class; any other seed or number of "
        "iterations is computed for the request (stored false). The per-project forecasts "
        "are always computed now."
    )


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
        description=(
            "The forecast of every project of the organisation (and those below it) with the "
            "reference class, and of the portfolio by Monte Carlo. Without `seed` and "
            "`iterations` the portfolio is the stored forecast the project portfolio page "
            "shows (seed 0, 5,000 draws), read from its table and refreshed when a project in "
            "scope changes; any other selection is computed for the request. `figures` says "
            "which (`stored`), as of when (`asOf`), and whether a refresh is `pending`."
        ),
        parameters=[ForecastQueryIn],
        responses={200: ForecastReportOut, 422: NOTHING_TO_FORECAST},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        data = validated(
            ForecastQueryIn,
            request.query_params.dict(),
            reference_classes=selectors.reference_classes_for(organisation),
        )
        try:
            report = selectors.forecast_report(
                organisation,
                data["reference_class"],
                include_no_longer_reported=data["include_no_longer_reported"],
                selection=selectors.forecast_selection(data.get("seed"), data.get("iterations")),
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
