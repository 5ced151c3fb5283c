"""API views for the figures computed from the register: the run / change / innovate balance
against the target, and legacy risk."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from omslag.common.api.helpers import money, validated
from omslag.common.api.serializers import CamelSerializer
from omslag.organisations.access import organisation_get_readable

from .. import figures
from ..models import SpendLine, TimePosition
from .base import PercentField, PointsField
from .spend import SpendTargetOut

KIND_CHOICES = SpendLine.Kind.choices
CATEGORY_CHOICES = SpendLine.Category.choices

# --- shared by the balance and the scenario projections -----------------------------------


class SplitOut(CamelSerializer):
    """Amounts per category for one year and kind, and their shares of the total."""

    run = money()
    change = money()
    innovate = money()
    total = money()
    run_percent = PercentField(source="run_share")
    change_percent = PercentField(source="change_share")
    innovate_percent = PercentField(source="innovate_share")


class BoundGapOut(CamelSerializer):
    category = serializers.ChoiceField(choices=CATEGORY_CHOICES)
    bound = serializers.ChoiceField(choices=["min", "max"])
    target_percent = PercentField(source="target_share")
    actual_percent = PercentField(source="actual_share")
    difference_points = PointsField(help_text="Actual minus target; negative is below.")
    difference_amount = money(
        help_text="Actual minus target in euro, at the same total spend; negative is below."
    )
    points_to_close = PointsField(help_text="Points the share must move to meet the bound.")
    amount_to_close = money(help_text="Euro to move into (min) or out of (max) the category.")
    met = serializers.BooleanField()


class TargetGapOut(CamelSerializer):
    year = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=KIND_CHOICES, help_text="The figures compared.")
    met = serializers.BooleanField()
    bounds = BoundGapOut(many=True)


# --- the state of stored figures ------------------------------------------------------------


class FiguresStateOut(CamelSerializer):
    as_of = serializers.DateTimeField(help_text="When the figures were computed.")
    pending = serializers.BooleanField(
        help_text="The data changed since; new figures are being computed."
    )


# --- balance ------------------------------------------------------------------------------


class YearBalanceOut(CamelSerializer):
    year = serializers.IntegerField()
    actual = SplitOut()
    budget = SplitOut()


class TrendOut(CamelSerializer):
    """Least-squares slope of each share in percentage points per year; null with fewer
    than two years of figures."""

    run = PointsField(allow_null=True)
    change = PointsField(allow_null=True)
    innovate = PointsField(allow_null=True)


class TrendsOut(CamelSerializer):
    actual = TrendOut()
    budget = TrendOut()


class BalanceOut(CamelSerializer):
    organisation = serializers.SlugField()
    include_children = serializers.BooleanField()
    latest_year = serializers.IntegerField(
        allow_null=True, help_text="The latest year with actuals (else with a budget)."
    )
    years = YearBalanceOut(many=True, source="overview.balances")
    trends = serializers.SerializerMethodField(method_name="trends_by_kind")
    target = SpendTargetOut(
        source="overview.target",
        allow_null=True,
        help_text="The target that applies now: the nearest from this year on, else the last.",
    )
    gap = TargetGapOut(
        source="overview.gap", allow_null=True, help_text="The latest year against the target."
    )
    figures = FiguresStateOut(source="state", help_text="The stored figures' as-of time.")

    @extend_schema_field(TrendsOut)
    def trends_by_kind(self, balance) -> dict:
        trends = balance["overview"].trends
        return {
            kind: TrendOut(
                {category: trends[(kind, category)] for category in ("run", "change", "innovate")}
            ).data
            for kind in ("actual", "budget")
        }


class BalanceQueryIn(CamelSerializer):
    include_children = serializers.BooleanField(
        default=True, help_text="Add the spend of the organisations below this one."
    )


@extend_schema(tags=["spend"])
class BalanceApi(generics.GenericAPIView):
    serializer_class = BalanceOut
    pagination_class = None

    @extend_schema(operation_id="balance_read", parameters=[BalanceQueryIn])
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        # A plain dict: a query string without the key means the default (true), not false.
        include_children = validated(BalanceQueryIn, request.query_params.dict())[
            "include_children"
        ]
        overview, state = figures.balance_overview_stored(
            organisation, include_children=include_children
        )
        return Response(
            BalanceOut(
                {
                    "organisation": organisation.slug,
                    "include_children": include_children,
                    "latest_year": overview.latest_year,
                    "overview": overview,
                    "state": state,
                }
            ).data
        )


# --- legacy risk ----------------------------------------------------------------------------


class ApplicationSummaryOut(CamelSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    end_of_support = serializers.DateField(allow_null=True)
    time_position = serializers.ChoiceField(choices=TimePosition.choices)
    run_cost = money()


class LegacyRowOut(CamelSerializer):
    application = ApplicationSummaryOut()
    support = serializers.ChoiceField(
        choices=["past", "within_window"],
        help_text="Support has ended, or ends within 24 months.",
    )
    direct_dependents = serializers.IntegerField()
    transitive_dependents = serializers.IntegerField(
        help_text="Applications that need it directly or through others: what breaks."
    )


class TimeCountsOut(CamelSerializer):
    tolerate = serializers.IntegerField()
    invest = serializers.IntegerField()
    migrate = serializers.IntegerField()
    eliminate = serializers.IntegerField()


class TimeRunCostOut(CamelSerializer):
    tolerate = money()
    invest = money()
    migrate = money()
    eliminate = money()


class AgeBucketOut(CamelSerializer):
    bucket = serializers.CharField(help_text='Years since go-live: "0-4" … "30+", or "unknown".')
    count = serializers.IntegerField()


class CycleOut(CamelSerializer):
    applications = ApplicationSummaryOut(many=True, source="*")


class LegacyRiskOut(CamelSerializer):
    run_cost_year = serializers.IntegerField(
        allow_null=True, help_text="The year whose actual run spend is counted."
    )
    migrate_eliminate_run_cost = money(
        help_text="Run cost of the applications in Migrate or Eliminate."
    )
    time_counts = TimeCountsOut()
    time_run_cost = TimeRunCostOut()
    age = serializers.SerializerMethodField(method_name="age_buckets")
    end_of_support = LegacyRowOut(
        many=True,
        source="rows",
        help_text="Past or near end of support, the most depended-on first.",
    )
    cycles = CycleOut(many=True, help_text="Applications that depend on each other.")
    figures = FiguresStateOut(source="state", help_text="The stored figures' as-of time.")

    @extend_schema_field(AgeBucketOut(many=True))
    def age_buckets(self, risk) -> list:
        return [{"bucket": bucket, "count": count} for bucket, count in risk.age.items()]


@extend_schema(tags=["applications"])
class LegacyRiskApi(generics.GenericAPIView):
    serializer_class = LegacyRiskOut
    pagination_class = None

    @extend_schema(operation_id="legacy_risk_read")
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        risk, _state = figures.legacy_risk_stored(organisation)
        return Response(LegacyRiskOut(risk).data)
