"""The stateless calculator: the analysis core's experiment statistics over JSON, for any
signed-in person. Nothing is stored. Input errors name the field; numbers the core refuses
(zero variance in both groups, an effect that cannot reach the power) answer 400 with the
core's own message."""

import math

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from omslag.analysis.experiments import (
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
from omslag.common.api.helpers import validated

from .base import CalculationRefused, calculated
from .calculator_serializers import (
    DifferenceInDifferencesIn,
    DifferenceInDifferencesOut,
    MeanDifferenceIn,
    MeanDifferenceOut,
    MultipleTestingIn,
    MultipleTestingOut,
    PowerIn,
    PowerOut,
    ProportionDifferenceIn,
    ProportionDifferenceOut,
    open_interval,
)


def _difference(result, data: dict, degrees_of_freedom) -> dict:
    """The shared part of a mean or proportion difference, absolute or relative."""
    if data["effect"] == "relative":
        if result.relative is None:
            raise CalculationRefused(
                _("The relative effect needs a control mean (or rate) other than zero.")
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
        "confidence_interval": open_interval(low, high),
        "confidence_level": result.confidence,
        "alternative": result.alternative,
        "chance_to_beat_control": result.chance_to_beat_control,
        "method": result.method,
        "method_version": result.method_version,
    }


def answered(serializer_class, body: dict) -> Response:
    """The answer, after a last check that every number in it is finite: a result the
    floating-point range cannot hold is refused (400 naming the field), never sent as
    non-JSON or turned into a 500."""
    data = serializer_class(body).data
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(item, float) and not math.isfinite(item) for item in values):
            raise CalculationRefused(
                _(
                    "The %(field)s of this calculation lies beyond the range of numbers that "
                    "can be computed; check the inputs for values far too large or too small."
                )
                % {"field": name}
            )
    return Response(data)


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
        return answered(MeanDifferenceOut, body)


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
        return answered(ProportionDifferenceOut, body)


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
        return answered(PowerOut, body)


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
        return answered(
            MultipleTestingOut,
            {
                "method": result.method,
                "method_version": result.method_version,
                "alpha": result.alpha,
                "p_values": result.p_values,
                "adjusted_p_values": result.adjusted,
                "rejected": result.rejected,
            },
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
        return answered(
            DifferenceInDifferencesOut,
            {
                "estimate": result.estimate,
                "standard_error": result.standard_error,
                "degrees_of_freedom": result.degrees_of_freedom,
                "statistic": result.statistic,
                "p_value": result.p_value,
                "confidence_interval": open_interval(result.low, result.high),
                "confidence_level": result.confidence,
                "alternative": result.alternative,
                "observations": result.observations,
                "method": result.method,
                "method_version": result.method_version,
            },
        )
