"""Input and output of the stateless calculator (``calculator.py``): the request fields with
their limits, and the answers' fields with their meaning."""

import math

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from omslag.analysis.experiments import GroupSummary, ProportionSummary
from omslag.analysis.experiments.summaries import ALTERNATIVES
from omslag.common.api.serializers import CamelSerializer

from .base import OpenUnitIntervalField

# --- input ----------------------------------------------------------------------------------


def _alternative():
    return serializers.ChoiceField(
        choices=list(ALTERNATIVES),
        default="two-sided",
        help_text="greater: treatment expected higher; less: treatment expected lower.",
    )


def _confidence():
    return OpenUnitIntervalField(default=0.95, help_text="Strictly between 0 and 1.")


# The largest magnitude any number of the calculator may have. Beyond it squares and products
# leave the floating-point range (about 1.8e308); a 400 naming the field is clearer than an
# answer that overflows.
LARGEST = 1e150
LARGEST_COUNT = 2**53  # beyond it a count is no longer exact as a floating-point number


class FiniteFloatField(serializers.FloatField):
    """A finite number of at most ``LARGEST`` in magnitude (JSON's 1e999 reads as infinity)."""

    default_error_messages = {
        "not_finite": gettext_lazy("Give a finite number of at most 1e150 in magnitude."),
    }

    def __init__(self, **kwargs):
        # As bounds, so the document says them too.
        kwargs.setdefault("max_value", LARGEST)
        kwargs.setdefault("min_value", -LARGEST)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        number = super().to_internal_value(data)
        if not math.isfinite(number) or abs(number) > LARGEST:
            self.fail("not_finite")
        return number


def _count(minimum: int):
    return serializers.IntegerField(
        min_value=minimum,
        max_value=LARGEST_COUNT,
        error_messages={"min_value": gettext_lazy("A group needs at least {min_value} units.")},
    )


class GroupSummaryIn(CamelSerializer):
    """One group's numbers: how many units, and either the sum of their values and of their
    squares, or their mean and (sample) standard deviation. With a large mean and a small
    spread the sums cannot carry the variance precisely; the answer is then a 400 that says so,
    and the mean and standard deviation give the exact result."""

    count = _count(2)
    sum = FiniteFloatField(required=False, help_text="Sum of the values.")
    sum_of_squares = FiniteFloatField(required=False, help_text="Sum of the squared values.")
    mean = FiniteFloatField(required=False, help_text="Mean of the values, instead of sum.")
    standard_deviation = FiniteFloatField(
        required=False,
        min_value=0,
        help_text="Sample standard deviation (divisor count - 1), with mean, instead of "
        "sumOfSquares.",
    )

    def validate(self, attrs):
        sums = [name for name in ("sum", "sum_of_squares") if name in attrs]
        moments = [name for name in ("mean", "standard_deviation") if name in attrs]
        if sums and moments:
            raise serializers.ValidationError(
                {"mean": [_("Give sum and sumOfSquares, or mean and standardDeviation; not both.")]}
            )
        if len(moments) == 2:
            build, field = GroupSummary.from_mean_and_standard_deviation, "standardDeviation"
            arguments = (attrs["mean"], attrs["standard_deviation"])
        elif len(sums) == 2:
            build, field = GroupSummary, "sumOfSquares"
            arguments = (attrs["sum"], attrs["sum_of_squares"])
        else:
            missing = {
                "sum": "sumOfSquares",
                "sum_of_squares": "sum",
                "mean": "standardDeviation",
                "standard_deviation": "mean",
            }
            given = (sums or moments or ["sum_of_squares"])[0]
            raise serializers.ValidationError(
                {missing[given]: [_("Give sum and sumOfSquares, or mean and standardDeviation.")]}
            )
        try:
            return build(attrs["count"], *arguments, name=self.field_name or "group")
        except ValueError as error:  # the only check left: the variance the numbers imply
            raise serializers.ValidationError({field: [str(error)]}) from None


class ProportionSummaryIn(CamelSerializer):
    count = serializers.IntegerField(min_value=1, max_value=LARGEST_COUNT)
    successes = serializers.IntegerField(
        min_value=0, max_value=LARGEST_COUNT, help_text="Units with the outcome."
    )

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
# Cohen's d or h beyond this is no experiment (h is at most pi); the power is 1 long before.
LARGEST_EFFECT = 1000


class PowerIn(CamelSerializer):
    test = serializers.ChoiceField(choices=TESTS)
    effect_size = serializers.FloatField(
        required=False,
        min_value=-LARGEST_EFFECT,
        max_value=LARGEST_EFFECT,
        help_text="Cohen's d (two-sample-t) or Cohen's h (two-proportions); negative for a "
        "decrease.",
    )
    control_rate = OpenUnitIntervalField(
        required=False,
        help_text="two-proportions only, instead of effectSize (with treatmentRate).",
    )
    treatment_rate = OpenUnitIntervalField(required=False)
    count_per_group = serializers.FloatField(
        required=False,
        min_value=2,
        max_value=LARGEST_COUNT,
        help_text="Units in each group; gives the power.",
    )
    count_control = serializers.FloatField(required=False, min_value=2, max_value=LARGEST_COUNT)
    count_treatment = serializers.FloatField(required=False, min_value=2, max_value=LARGEST_COUNT)
    power = OpenUnitIntervalField(
        required=False, help_text="Target power instead of counts; gives the units per group."
    )
    alpha = OpenUnitIntervalField(default=0.05)
    alternative = _alternative()

    def validate(self, attrs):
        rates = [name for name in ("control_rate", "treatment_rate") if name in attrs]
        if rates and attrs["test"] != "two-proportions":
            raise serializers.ValidationError(
                {"controlRate": [_("Rates apply to the two-proportions test only.")]}
            )
        if "effect_size" in attrs and rates:
            raise serializers.ValidationError(
                {"effectSize": [_("Give effectSize or controlRate and treatmentRate, not both.")]}
            )
        if "effect_size" not in attrs and len(rates) != 2:
            raise serializers.ValidationError(
                {"effectSize": [_("Give effectSize (or, for two proportions, both rates).")]}
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
                        _(
                            "Give exactly one of: countPerGroup, countControl and "
                            "countTreatment, or power."
                        )
                    ]
                }
            )
        if designs[1] and not ("count_control" in attrs and "count_treatment" in attrs):
            missing = "countTreatment" if "count_control" in attrs else "countControl"
            raise serializers.ValidationError({missing: [_("Give both group counts.")]})
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


def open_interval(low: float, high: float) -> list[float | None]:
    """[low, high] with an infinite bound (the open side of a one-sided interval) as None."""
    return [value if math.isfinite(value) else None for value in (low, high)]


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
