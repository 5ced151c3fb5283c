"""The stateless calculator: the analysis core's experiment statistics over JSON, for any
signed-in person. Nothing is stored. Input errors name the field; numbers the core refuses
(zero variance in both groups, an effect that cannot reach the power) answer 400 with the
core's own message."""

import math

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from omslag.analysis.experiments import (
    GroupSummary,
    ProportionSummary,
    benjamini_hochberg,
    cohens_h,
    did_from_cells,
    holm,
    power_t_test,
    power_two_proportions,
    proportion_difference_test,
    sample_size_t_test,
    sample_size_two_proportions,
    welch_test,
)
from omslag.analysis.experiments.summaries import ALTERNATIVES
from omslag.common.api.serializers import CamelSerializer

from .base import CalculationRefused, OpenUnitIntervalField, calculated, validated

# --- input ----------------------------------------------------------------------------------


def _alternative():
    return serializers.ChoiceField(
        choices=list(ALTERNATIVES),
        default="two-sided",
        help_text="greater: treatment expected higher; less: treatment expected lower.",
    )


def _confidence():
    return OpenUnitIntervalField(default=0.95, help_text="Strictly between 0 and 1.")


class GroupSummaryIn(CamelSerializer):
    """One group's numbers: how many units, the sum of their values and of their squares."""

    count = serializers.IntegerField(
        min_value=2, error_messages={"min_value": "A group needs at least {min_value} units."}
    )
    sum = serializers.FloatField(help_text="Sum of the values.")
    sum_of_squares = serializers.FloatField(help_text="Sum of the squared values.")

    def validate(self, attrs):
        try:
            return GroupSummary(
                count=attrs["count"],
                total=attrs["sum"],
                sum_of_squares=attrs["sum_of_squares"],
                name=self.field_name or "group",
            )
        except ValueError as error:  # the only check left: the variance the sums imply
            raise serializers.ValidationError({"sumOfSquares": [str(error)]}) from None


class ProportionSummaryIn(CamelSerializer):
    count = serializers.IntegerField(min_value=1)
    successes = serializers.IntegerField(min_value=0, help_text="Units with the outcome.")

    def validate(self, attrs):
        try:
            return ProportionSummary(
                count=attrs["count"],
                successes=attrs["successes"],
                name=self.field_name or "group",
            )
        except ValueError as error:
            raise serializers.ValidationError({"successes": [str(error)]}) from None


EFFECTS = ["absolute", "relative"]


class MeanDifferenceIn(CamelSerializer):
    control = GroupSummaryIn()
    treatment = GroupSummaryIn()
    alternative = _alternative()
    confidence_level = _confidence()
    effect = serializers.ChoiceField(
        choices=EFFECTS,
        default="absolute",
        help_text="relative: treatment / control - 1, by the delta method.",
    )


class ProportionDifferenceIn(CamelSerializer):
    control = ProportionSummaryIn()
    treatment = ProportionSummaryIn()
    alternative = _alternative()
    confidence_level = _confidence()
    effect = serializers.ChoiceField(choices=EFFECTS, default="absolute")


TESTS = ["two-sample-t", "two-proportions"]


class PowerIn(CamelSerializer):
    test = serializers.ChoiceField(choices=TESTS)
    effect_size = serializers.FloatField(
        required=False,
        help_text="Cohen's d (two-sample-t) or Cohen's h (two-proportions); negative for a "
        "decrease.",
    )
    control_rate = OpenUnitIntervalField(
        required=False,
        help_text="two-proportions only, instead of effectSize (with treatmentRate).",
    )
    treatment_rate = OpenUnitIntervalField(required=False)
    count_per_group = serializers.FloatField(
        required=False, min_value=2, help_text="Units in each group; gives the power."
    )
    count_control = serializers.FloatField(required=False, min_value=2)
    count_treatment = serializers.FloatField(required=False, min_value=2)
    power = OpenUnitIntervalField(
        required=False, help_text="Target power instead of counts; gives the units per group."
    )
    alpha = OpenUnitIntervalField(default=0.05)
    alternative = _alternative()

    def validate(self, attrs):
        rates = [name for name in ("control_rate", "treatment_rate") if name in attrs]
        if rates and attrs["test"] != "two-proportions":
            raise serializers.ValidationError(
                {"controlRate": ["Rates apply to the two-proportions test only."]}
            )
        if "effect_size" in attrs and rates:
            raise serializers.ValidationError(
                {"effectSize": ["Give effectSize or controlRate and treatmentRate, not both."]}
            )
        if "effect_size" not in attrs and len(rates) != 2:
            raise serializers.ValidationError(
                {"effectSize": ["Give effectSize (or, for two proportions, both rates)."]}
            )
        designs = [
            "count_per_group" in attrs,
            "count_control" in attrs or "count_treatment" in attrs,
            "power" in attrs,
        ]
        if sum(designs) != 1:
            raise serializers.ValidationError(
                {
                    "body": [
                        "Give exactly one of: countPerGroup, countControl and countTreatment, "
                        "or power."
                    ]
                }
            )
        if designs[1] and not ("count_control" in attrs and "count_treatment" in attrs):
            missing = "countTreatment" if "count_control" in attrs else "countControl"
            raise serializers.ValidationError({missing: ["Give both group counts."]})
        return attrs


class MultipleTestingIn(CamelSerializer):
    p_values = serializers.ListField(
        child=serializers.FloatField(min_value=0, max_value=1), min_length=1, max_length=10_000
    )
    method = serializers.ChoiceField(choices=["holm", "benjamini-hochberg"])
    alpha = OpenUnitIntervalField(default=0.05)


class DifferenceInDifferencesIn(CamelSerializer):
    control_before = GroupSummaryIn()
    control_after = GroupSummaryIn()
    treated_before = GroupSummaryIn()
    treated_after = GroupSummaryIn()
    alternative = _alternative()
    confidence_level = _confidence()


# --- output ---------------------------------------------------------------------------------


def _bound(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _interval(help_text="[low, high]; null for the open side of a one-sided interval."):
    return serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        min_length=2,
        max_length=2,
        help_text=help_text,
    )


class DifferenceOut(CamelSerializer):
    effect = serializers.ChoiceField(choices=EFFECTS)
    difference = serializers.FloatField(
        help_text="Treatment minus control; with effect=relative, treatment / control - 1."
    )
    standard_error = serializers.FloatField()
    degrees_of_freedom = serializers.FloatField(
        allow_null=True, help_text="Of the t distribution of the test; null for a z-test."
    )
    statistic = serializers.FloatField(help_text="The test statistic (t or z).")
    p_value = serializers.FloatField(help_text="Of the test of no difference.")
    confidence_interval = _interval()
    confidence_level = serializers.FloatField()
    alternative = serializers.ChoiceField(choices=list(ALTERNATIVES))
    chance_to_beat_control = serializers.FloatField(
        help_text="Posterior probability (flat prior) that treatment is better."
    )
    method = serializers.CharField()
    method_version = serializers.CharField()


class MeanDifferenceOut(DifferenceOut):
    control_mean = serializers.FloatField()
    treatment_mean = serializers.FloatField()


class ProportionDifferenceOut(DifferenceOut):
    control_rate = serializers.FloatField()
    treatment_rate = serializers.FloatField()
    control_rate_interval = _interval(help_text="Wilson score interval of the control rate.")
    treatment_rate_interval = _interval(help_text="Wilson score interval of the treatment rate.")
    test_standard_error = serializers.FloatField(
        help_text="Pooled standard error of the test; standardError is the unpooled one."
    )


class PowerOut(CamelSerializer):
    test = serializers.ChoiceField(choices=TESTS)
    effect_size = serializers.FloatField()
    alpha = serializers.FloatField()
    alternative = serializers.ChoiceField(choices=list(ALTERNATIVES))
    power = serializers.FloatField(help_text="Computed from the counts, or the target given.")
    count_per_group = serializers.FloatField(
        allow_null=True, help_text="Given, or solved for the power: fractional, as R's pwr."
    )
    count_per_group_ceiling = serializers.IntegerField(
        allow_null=True, help_text="The units per group to recruit (solved only)."
    )
    achieved_power = serializers.FloatField(
        allow_null=True, help_text="The power with countPerGroupCeiling units (solved only)."
    )
    count_control = serializers.FloatField(allow_null=True)
    count_treatment = serializers.FloatField(allow_null=True)
    method = serializers.CharField()
    method_version = serializers.CharField()


class MultipleTestingOut(CamelSerializer):
    method = serializers.CharField()
    method_version = serializers.CharField()
    alpha = serializers.FloatField()
    p_values = serializers.ListField(child=serializers.FloatField())
    adjusted_p_values = serializers.ListField(
        child=serializers.FloatField(), help_text="In the order of pValues."
    )
    rejected = serializers.ListField(
        child=serializers.BooleanField(), help_text="Adjusted p-value at most alpha."
    )


class DifferenceInDifferencesOut(CamelSerializer):
    estimate = serializers.FloatField(
        help_text="(treated after - treated before) - (control after - control before)"
    )
    standard_error = serializers.FloatField()
    degrees_of_freedom = serializers.FloatField()
    statistic = serializers.FloatField()
    p_value = serializers.FloatField()
    confidence_interval = _interval()
    confidence_level = serializers.FloatField()
    alternative = serializers.ChoiceField(choices=list(ALTERNATIVES))
    observations = serializers.IntegerField()
    method = serializers.CharField()
    method_version = serializers.CharField()


def _difference(result, data: dict, degrees_of_freedom) -> dict:
    """The shared part of a mean or proportion difference, absolute or relative."""
    if data["effect"] == "relative":
        if result.relative is None:
            raise CalculationRefused(
                "The relative effect needs a control mean (or rate) other than zero."
            )
        estimate, standard_error = result.relative.estimate, result.relative.standard_error
        low, high = result.relative.low, result.relative.high
    else:
        estimate, standard_error, low, high = (
            result.difference,
            result.standard_error,
            result.low,
            result.high,
        )
    return {
        "effect": data["effect"],
        "difference": estimate,
        "standard_error": standard_error,
        "degrees_of_freedom": degrees_of_freedom,
        "statistic": result.statistic,
        "p_value": result.p_value,
        "confidence_interval": [_bound(low), _bound(high)],
        "confidence_level": result.confidence,
        "alternative": result.alternative,
        "chance_to_beat_control": result.chance_to_beat_control,
        "method": result.method,
        "method_version": result.method_version,
    }


# --- views ----------------------------------------------------------------------------------


class _CalculatorApi(generics.GenericAPIView):
    pagination_class = None


@extend_schema(tags=["analysis"])
class MeanDifferenceApi(_CalculatorApi):
    serializer_class = MeanDifferenceOut

    @extend_schema(
        operation_id="analysis_mean_difference",
        description=(
            "Welch's t-test of mean(treatment) - mean(control) from each group's count, sum "
            "and sum of squares; the relative effect by the delta method (normal interval), "
            "with the p-value of the test of the difference."
        ),
        request=MeanDifferenceIn,
        responses={200: MeanDifferenceOut},
    )
    def post(self, request):
        data = validated(MeanDifferenceIn, request.data)
        result = calculated(
            welch_test,
            data["control"],
            data["treatment"],
            alternative=data["alternative"],
            confidence=data["confidence_level"],
        )
        body = _difference(result, data, result.degrees_of_freedom)
        body |= {"control_mean": result.control.mean, "treatment_mean": result.treatment.mean}
        return Response(MeanDifferenceOut(body).data)


@extend_schema(tags=["analysis"])
class ProportionDifferenceApi(_CalculatorApi):
    serializer_class = ProportionDifferenceOut

    @extend_schema(
        operation_id="analysis_proportion_difference",
        description=(
            "Two-proportion z-test (pooled standard error) of rate(treatment) - "
            "rate(control), with an unpooled Wald interval and each rate's Wilson interval."
        ),
        request=ProportionDifferenceIn,
        responses={200: ProportionDifferenceOut},
    )
    def post(self, request):
        data = validated(ProportionDifferenceIn, request.data)
        result = calculated(
            proportion_difference_test,
            data["control"],
            data["treatment"],
            alternative=data["alternative"],
            confidence=data["confidence_level"],
        )
        body = _difference(result, data, None)
        body |= {
            "control_rate": result.control_rate.proportion,
            "treatment_rate": result.treatment_rate.proportion,
            "control_rate_interval": [result.control_rate.low, result.control_rate.high],
            "treatment_rate_interval": [result.treatment_rate.low, result.treatment_rate.high],
            "test_standard_error": result.test_standard_error,
        }
        return Response(ProportionDifferenceOut(body).data)


@extend_schema(tags=["analysis"])
class PowerApi(_CalculatorApi):
    serializer_class = PowerOut

    @extend_schema(
        operation_id="analysis_power",
        description=(
            "Power of a two-sample t-test (Cohen's d, noncentral t) or a two-proportion test "
            "(Cohen's h, normal) for the given counts; or, with a target power instead of "
            "counts, the units per group it needs (as R's pwr.t.test and pwr.2p.test)."
        ),
        request=PowerIn,
        responses={200: PowerOut},
    )
    def post(self, request):
        data = validated(PowerIn, request.data)
        proportions = data["test"] == "two-proportions"
        effect_size = data.get("effect_size")
        if effect_size is None:
            effect_size = calculated(cohens_h, data["treatment_rate"], data["control_rate"])
        options = {"alpha": data["alpha"], "alternative": data["alternative"]}
        body = {
            "test": data["test"],
            "effect_size": effect_size,
            "alpha": data["alpha"],
            "alternative": data["alternative"],
            "count_per_group": None,
            "count_per_group_ceiling": None,
            "achieved_power": None,
            "count_control": None,
            "count_treatment": None,
        }
        if "power" in data:
            solve = sample_size_two_proportions if proportions else sample_size_t_test
            solved = calculated(solve, effect_size, data["power"], **options)
            body |= {
                "power": solved.target_power,
                "count_per_group": solved.n1,
                "count_per_group_ceiling": solved.n1_ceiling,
                "achieved_power": solved.achieved_power,
                "method": solved.method,
                "method_version": solved.method_version,
            }
        else:
            first = data.get("count_per_group", data.get("count_control"))
            second = data.get("count_per_group", data.get("count_treatment"))
            compute = power_two_proportions if proportions else power_t_test
            result = calculated(compute, effect_size, first, second, **options)
            body |= {
                "power": result.power,
                "count_per_group": data.get("count_per_group"),
                "count_control": result.n1,
                "count_treatment": result.n2,
                "method": result.method,
                "method_version": result.method_version,
            }
        return Response(PowerOut(body).data)


@extend_schema(tags=["analysis"])
class AdjustPValuesApi(_CalculatorApi):
    serializer_class = MultipleTestingOut

    @extend_schema(
        operation_id="analysis_adjust_p_values",
        description=(
            "Holm (family-wise error rate) or Benjamini-Hochberg (false discovery rate) "
            "adjusted p-values, in the order given."
        ),
        request=MultipleTestingIn,
        responses={200: MultipleTestingOut},
    )
    def post(self, request):
        data = validated(MultipleTestingIn, request.data)
        adjust = holm if data["method"] == "holm" else benjamini_hochberg
        result = calculated(adjust, data["p_values"], alpha=data["alpha"])
        return Response(
            MultipleTestingOut(
                {
                    "method": result.method,
                    "method_version": result.method_version,
                    "alpha": result.alpha,
                    "p_values": result.p_values,
                    "adjusted_p_values": result.adjusted,
                    "rejected": result.rejected,
                }
            ).data
        )


@extend_schema(tags=["analysis"])
class DifferenceInDifferencesApi(_CalculatorApi):
    serializer_class = DifferenceInDifferencesOut

    @extend_schema(
        operation_id="analysis_difference_in_differences",
        description=(
            "Difference-in-differences of a pilot (treated) against a control group over a "
            "before and an after period, from four cell summaries taken as independent "
            "samples (different units in each cell); Welch-Satterthwaite degrees of freedom."
        ),
        request=DifferenceInDifferencesIn,
        responses={200: DifferenceInDifferencesOut},
    )
    def post(self, request):
        data = validated(DifferenceInDifferencesIn, request.data)
        result = calculated(
            did_from_cells,
            data["control_before"],
            data["control_after"],
            data["treated_before"],
            data["treated_after"],
            alternative=data["alternative"],
            confidence=data["confidence_level"],
        )
        return Response(
            DifferenceInDifferencesOut(
                {
                    "estimate": result.estimate,
                    "standard_error": result.standard_error,
                    "degrees_of_freedom": result.degrees_of_freedom,
                    "statistic": result.statistic,
                    "p_value": result.p_value,
                    "confidence_interval": [_bound(result.low), _bound(result.high)],
                    "confidence_level": result.confidence,
                    "alternative": result.alternative,
                    "observations": result.observations,
                    "method": result.method,
                    "method_version": result.method_version,
                }
            ).data
        )
