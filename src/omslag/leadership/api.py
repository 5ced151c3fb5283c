"""The dashboard API: GET /api/v1/organisations/{slug}/dashboard. Validate the query, call
the selector, answer the document (the same as ``omslag report board --format json``)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from omslag.common.api.helpers import money, validated
from omslag.common.api.serializers import CamelSerializer
from omslag.organisations.access import organisation_get_readable

from .document import dashboard_document
from .selectors import dashboard_for

BAD_DATE = OpenApiResponse(
    description="asOf lies in the future or before any data of the selection (the detail says "
    "which)."
)


class DashboardQueryIn(CamelSerializer):
    with_children = serializers.BooleanField(
        default=False, help_text="Add the organisations below this one."
    )
    as_of = serializers.DateField(
        required=False, help_text="The date the figures are as of (default today)."
    )


class DashboardOrganisationRefOut(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class DashboardTrendPointOut(serializers.Serializer):
    year = serializers.IntegerField()
    runShare = serializers.FloatField(allow_null=True)
    changeShare = serializers.FloatField(allow_null=True)
    innovateShare = serializers.FloatField(allow_null=True)


class DashboardScenarioTargetOut(serializers.Serializer):
    name = serializers.CharField(help_text='The scenario\'s name; "—" is no change')
    baseline = serializers.BooleanField(help_text="True for no change (the baseline)")
    targetMetIn = serializers.IntegerField(
        allow_null=True, help_text="First year the projection meets the target"
    )


class DashboardBalanceOut(serializers.Serializer):
    """Actual spend of the latest complete year (the last year before asOf with actuals)."""

    year = serializers.IntegerField(allow_null=True)
    run = money(allow_null=True)
    change = money(allow_null=True)
    innovate = money(allow_null=True)
    total = money(allow_null=True)
    runShare = serializers.FloatField(allow_null=True, help_text="Percent, one decimal")
    changeShare = serializers.FloatField(allow_null=True)
    innovateShare = serializers.FloatField(allow_null=True)
    targetInnovateShare = serializers.FloatField(allow_null=True)
    targetRunShare = serializers.FloatField(allow_null=True)
    targetYear = serializers.IntegerField(allow_null=True)
    gapInnovate = money(allow_null=True, help_text="Innovate spend short of the target")
    trend = DashboardTrendPointOut(many=True)
    scenarios = DashboardScenarioTargetOut(many=True)


class DashboardLegacyApplicationOut(serializers.Serializer):
    name = serializers.CharField()
    organisation = serializers.SlugField()
    endOfSupport = serializers.DateField()
    runCost = money()


class DashboardLegacyOut(serializers.Serializer):
    applications = serializers.IntegerField(help_text="Past or within 12 months of support")
    pastEndOfSupport = serializers.IntegerField()
    withinTwelveMonths = serializers.IntegerField()
    runCost = money()
    runCostYear = serializers.IntegerField()
    highestRisks = DashboardLegacyApplicationOut(many=True)


class DashboardExchangeRateOut(serializers.Serializer):
    currency = serializers.CharField()
    rate = serializers.CharField(help_text="One unit of the currency in the reporting currency")
    asOf = serializers.DateField()
    source = serializers.CharField(allow_blank=True)
    organisation = serializers.SlugField(help_text="The organisation that stated the rate")


class DashboardUnconvertedOut(serializers.Serializer):
    currency = serializers.CharField()
    projects = serializers.IntegerField()


class DashboardProjectsOut(serializers.Serializer):
    count = serializers.IntegerField()
    currency = serializers.CharField(help_text="The reporting currency of the amounts")
    exchangeRates = DashboardExchangeRateOut(
        many=True, help_text="The stated rates the amounts were converted at"
    )
    unconvertedCurrencies = DashboardUnconvertedOut(
        many=True,
        help_text="Currencies without a stated rate: then the amounts are null (never added "
        "unconverted)",
    )
    originalBudget = money(allow_null=True, help_text="Sum of the first reports' estimates")
    currentEstimate = money(allow_null=True, help_text="Sum of the latest reports' estimates")
    costChange = money(allow_null=True)
    costChangePercent = serializers.FloatField(allow_null=True)
    scheduleChangeMonths = serializers.FloatField(
        allow_null=True, help_text="Mean shift of the end date in months"
    )
    p80Exposure = money(allow_null=True, help_text="Portfolio P80 above the current estimates")
    red = serializers.IntegerField()
    openReviewAdvice = serializers.IntegerField()
    staleReports = serializers.IntegerField()


class DashboardInnovationOut(serializers.Serializer):
    windowStart = serializers.DateField(help_text="The 12 months after this date up to asOf")
    ideas = serializers.IntegerField()
    experiments = serializers.IntegerField(help_text="Experiments that started running")
    scaled = serializers.IntegerField(help_text="Experiments with a scale decision")
    inOperation = serializers.IntegerField()
    conversionToPractice = serializers.FloatField(allow_null=True)
    stuckAfterPilot = serializers.IntegerField()
    medianDaysIdeaToOperation = serializers.FloatField(allow_null=True)


class DashboardSafeguardsOut(serializers.Serializer):
    coverage = serializers.FloatField(allow_null=True, help_text="Percent covered")
    covered = serializers.IntegerField()
    subjects = serializers.IntegerField()
    openHighRisks = serializers.IntegerField()
    overdueMitigations = serializers.IntegerField()
    algorithmsRegistered = serializers.IntegerField()
    algorithmsPublished = serializers.IntegerField()


class DashboardDecisionWaitingOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["gate", "scale-owner", "review-advice", "stuck-pilot"])
    label = serializers.CharField()
    subject = serializers.CharField()
    organisation = serializers.SlugField()
    since = serializers.DateField(allow_null=True)
    ageDays = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()


class DashboardDecisionCountsOut(serializers.Serializer):
    gate = serializers.IntegerField(help_text="Gate decisions pending")
    scaleOwner = serializers.IntegerField(
        help_text="Scale decisions without an implementation owner"
    )
    reviewAdvice = serializers.IntegerField(
        help_text="Projects above the review threshold without advice"
    )
    stuckPilot = serializers.IntegerField(help_text="Pilots stuck after a positive result")


class DashboardFreshnessOut(serializers.Serializer):
    label = serializers.CharField()
    asOf = serializers.DateField(allow_null=True)
    stale = serializers.BooleanField()
    warning = serializers.CharField(allow_blank=True)


class DashboardOut(serializers.Serializer):
    """Every figure of the board dashboard. Tiles other apps register add their own key."""

    organisation = DashboardOrganisationRefOut()
    withChildren = serializers.BooleanField()
    organisations = serializers.IntegerField(help_text="Organisations in the selection")
    asOf = serializers.DateField()
    balance = DashboardBalanceOut()
    legacy = DashboardLegacyOut()
    projects = DashboardProjectsOut()
    innovation = DashboardInnovationOut()
    safeguards = DashboardSafeguardsOut()
    decisionsWaiting = DashboardDecisionWaitingOut(
        many=True,
        help_text="The decisions that have waited longest: up to 20 of each kind, longest first",
    )
    decisionsWaitingTotal = serializers.IntegerField(
        help_text="Every decision waiting (decisionsWaiting lists the oldest of each kind)"
    )
    decisionsWaitingByKind = DashboardDecisionCountsOut()
    freshness = DashboardFreshnessOut(many=True)


@extend_schema(tags=["leadership"])
class DashboardApi(generics.GenericAPIView):
    serializer_class = DashboardOut
    pagination_class = None

    @extend_schema(
        operation_id="dashboard_read",
        parameters=[DashboardQueryIn],
        responses={200: DashboardOut, 422: BAD_DATE},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        query = validated(DashboardQueryIn, request.query_params.dict())
        dashboard = dashboard_for(
            person=request.user,
            organisation=organisation,
            with_children=query["with_children"],
            as_of=query.get("as_of"),
        )
        return Response(dashboard_document(dashboard))
