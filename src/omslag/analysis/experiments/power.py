"""Power, sample size and minimum detectable effect for experiment design.

Definitions follow R's pwr package (Champely), itself after Cohen (1988):

* two-sample t-test (pwr.t.test type "two.sample" for n1 = n2, pwr.t2n.test otherwise):
  exact power from the noncentral t distribution with df = n1 + n2 - 2 and noncentrality
  d * sqrt(n1 n2 / (n1 + n2)); the two-sided power counts both rejection tails;
* two proportions (pwr.2p.test, pwr.2p2n.test): Cohen's h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p2))
  with the normal approximation, power from Phi(h sqrt(n1 n2 / (n1 + n2)) - z).

Sample sizes and effects are solved with Brent's method (scipy.optimize.brentq) on the same
interval pwr's uniroot uses, n in (2, 1e9); the fractional n is returned as pwr prints it,
with its ceiling as the number of units to recruit.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

from scipy import optimize, stats

from omslag.analysis.experiments.summaries import (
    Alternative,
    ExperimentResult,
    check_alternative,
    check_finite,
    check_probability_level,
)

T_TEST_METHOD = "power-two-sample-t-noncentral"
PROPORTIONS_METHOD = "power-two-proportions-arcsine-normal"
POWER_METHOD_VERSION = "1"

MINIMUM_N = 2.0
MAXIMUM_N = 1e9

PowerFunction = Callable[[float, float, float, float, Alternative], float]


@dataclasses.dataclass(frozen=True)
class PowerResult(ExperimentResult):
    """Power of the test for effect size `effect_size` (Cohen's d or h) with n1 and n2 units."""

    effect_size: float
    n1: float
    n2: float
    alpha: float
    alternative: Alternative
    power: float
    method: str
    method_version: str = POWER_METHOD_VERSION


@dataclasses.dataclass(frozen=True)
class SampleSizeResult(ExperimentResult):
    """Units needed per group for the target power: fractional (as pwr) and rounded up.

    n2 = ratio * n1; `achieved_power` is the power with the rounded-up group sizes.
    """

    effect_size: float
    target_power: float
    alpha: float
    alternative: Alternative
    ratio: float
    n1: float
    n2: float
    n1_ceiling: int
    n2_ceiling: int
    achieved_power: float
    method: str
    method_version: str = POWER_METHOD_VERSION


@dataclasses.dataclass(frozen=True)
class MinimumDetectableEffectResult(ExperimentResult):
    """Smallest effect size detected with the target power; negative for alternative "less".

    For two proportions with a `baseline` (the control proportion), `treatment_proportion` is
    the proportion at that effect and `absolute_difference` its distance from the baseline;
    both are None when the effect cannot be reached from that baseline.
    """

    n1: float
    n2: float
    target_power: float
    alpha: float
    alternative: Alternative
    effect_size: float
    baseline: float | None
    treatment_proportion: float | None
    absolute_difference: float | None
    method: str
    method_version: str = POWER_METHOD_VERSION


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's effect size for two proportions: 2 asin(sqrt(p1)) - 2 asin(sqrt(p2))."""
    for name, value in (("p1", p1), ("p2", p2)):
        if not 0.0 < float(value) < 1.0:
            raise ValueError(f"{name} must lie strictly between 0 and 1; got {value!r}")
    return 2.0 * math.asin(math.sqrt(p1)) - 2.0 * math.asin(math.sqrt(p2))


def power_t_test(
    effect_size: float,
    n1: float,
    n2: float | None = None,
    *,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
) -> PowerResult:
    """Power of the two-sample t-test for Cohen's d with n1 and n2 (default n1) per group."""
    return _power(_t_power, T_TEST_METHOD, effect_size, n1, n2, alpha, alternative)


def power_two_proportions(
    effect_size: float,
    n1: float,
    n2: float | None = None,
    *,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
) -> PowerResult:
    """Power of the two-proportion test for Cohen's h with n1 and n2 (default n1) per group."""
    return _power(_normal_power, PROPORTIONS_METHOD, effect_size, n1, n2, alpha, alternative)


def sample_size_t_test(
    effect_size: float,
    power: float,
    *,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    ratio: float = 1.0,
) -> SampleSizeResult:
    """Units per group for the two-sample t-test to reach `power`; n2 = ratio * n1."""
    return _sample_size(_t_power, T_TEST_METHOD, effect_size, power, alpha, alternative, ratio)


def sample_size_two_proportions(
    effect_size: float,
    power: float,
    *,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    ratio: float = 1.0,
) -> SampleSizeResult:
    """Units per group for the two-proportion test (Cohen's h) to reach `power`."""
    return _sample_size(
        _normal_power, PROPORTIONS_METHOD, effect_size, power, alpha, alternative, ratio
    )


def minimum_detectable_effect_t_test(
    n1: float,
    n2: float | None = None,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
) -> MinimumDetectableEffectResult:
    """Smallest Cohen's d the two-sample t-test detects with `power` (multiply by the SD)."""
    n1, n2, power, alpha, alternative = _design(n1, n2, power, alpha, alternative)
    effect = _solve_effect(_t_power, n1, n2, power, alpha, alternative)
    return MinimumDetectableEffectResult(
        n1=n1,
        n2=n2,
        target_power=power,
        alpha=alpha,
        alternative=alternative,
        effect_size=effect,
        baseline=None,
        treatment_proportion=None,
        absolute_difference=None,
        method=T_TEST_METHOD,
    )


def minimum_detectable_effect_two_proportions(
    n1: float,
    n2: float | None = None,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    baseline: float | None = None,
) -> MinimumDetectableEffectResult:
    """Smallest Cohen's h detected with `power`; with a baseline also as a proportion.

    For two-sided tests the proportion is given for an increase over the baseline.
    """
    n1, n2, power, alpha, alternative = _design(n1, n2, power, alpha, alternative)
    effect = _solve_effect(_normal_power, n1, n2, power, alpha, alternative)
    treatment: float | None = None
    if baseline is not None:
        cohens_h(baseline, 0.5)  # validates the baseline
        angle = math.asin(math.sqrt(baseline)) + effect / 2.0
        if 0.0 <= angle <= math.pi / 2.0:
            treatment = math.sin(angle) ** 2
    return MinimumDetectableEffectResult(
        n1=n1,
        n2=n2,
        target_power=power,
        alpha=alpha,
        alternative=alternative,
        effect_size=effect,
        baseline=baseline,
        treatment_proportion=treatment,
        absolute_difference=None if treatment is None or baseline is None else treatment - baseline,
        method=PROPORTIONS_METHOD,
    )


def _t_power(d: float, n1: float, n2: float, alpha: float, alternative: Alternative) -> float:
    df = n1 + n2 - 2.0
    ncp = d * math.sqrt(n1 * n2 / (n1 + n2))

    # P(T' > c) and P(T' < c) for the noncentral t; the lower tail is computed as the upper
    # tail of the mirrored distribution because scipy's nct.cdf returns NaN far in that tail.
    def above(c: float) -> float:
        return float(stats.nct.sf(c, df, ncp))

    def below(c: float) -> float:
        return float(stats.nct.sf(-c, df, -ncp))

    if alternative == "two-sided":
        critical = float(stats.t.isf(alpha / 2.0, df))
        return above(critical) + below(-critical)
    if alternative == "greater":
        return above(float(stats.t.isf(alpha, df)))
    return below(float(stats.t.ppf(alpha, df)))


def _normal_power(h: float, n1: float, n2: float, alpha: float, alternative: Alternative) -> float:
    shift = h * math.sqrt(n1 * n2 / (n1 + n2))
    if alternative == "two-sided":
        critical = float(stats.norm.isf(alpha / 2.0))
        return float(stats.norm.sf(critical - shift) + stats.norm.cdf(-critical - shift))
    if alternative == "greater":
        return float(stats.norm.sf(float(stats.norm.isf(alpha)) - shift))
    return float(stats.norm.cdf(float(stats.norm.ppf(alpha)) - shift))


def _check_n(value: float, name: str) -> float:
    number = check_finite(value, name)
    if number < MINIMUM_N:
        raise ValueError(f"{name} must be at least {MINIMUM_N:g}; got {value!r}")
    return number


def _design(
    n1: float, n2: float | None, power: float, alpha: float, alternative: str
) -> tuple[float, float, float, float, Alternative]:
    n1 = _check_n(n1, "n1")
    n2 = n1 if n2 is None else _check_n(n2, "n2")
    power = check_probability_level(power, "power")
    alpha = check_probability_level(alpha, "alpha")
    if power <= alpha:
        raise ValueError(f"power ({power!r}) must exceed alpha ({alpha!r})")
    return n1, n2, power, alpha, check_alternative(alternative)


def _power(
    function: PowerFunction,
    method: str,
    effect_size: float,
    n1: float,
    n2: float | None,
    alpha: float,
    alternative: Alternative,
) -> PowerResult:
    effect_size = check_finite(effect_size, "effect_size")
    first = _check_n(n1, "n1")
    second = first if n2 is None else _check_n(n2, "n2")
    alpha = check_probability_level(alpha, "alpha")
    alternative = check_alternative(alternative)
    return PowerResult(
        effect_size=effect_size,
        n1=first,
        n2=second,
        alpha=alpha,
        alternative=alternative,
        power=function(effect_size, first, second, alpha, alternative),
        method=method,
    )


def _sample_size(
    function: PowerFunction,
    method: str,
    effect_size: float,
    power: float,
    alpha: float,
    alternative: Alternative,
    ratio: float,
) -> SampleSizeResult:
    effect_size = check_finite(effect_size, "effect_size")
    power = check_probability_level(power, "power")
    alpha = check_probability_level(alpha, "alpha")
    alternative = check_alternative(alternative)
    ratio = check_finite(ratio, "ratio")
    if ratio <= 0.0:
        raise ValueError(f"ratio (n2 / n1) must be positive; got {ratio!r}")

    def shortfall(n: float) -> float:
        return function(effect_size, n, ratio * n, alpha, alternative) - power

    lower = max(MINIMUM_N, MINIMUM_N / ratio) + 1e-10
    if shortfall(MAXIMUM_N) < 0.0:
        raise ValueError(
            f"effect size {effect_size!r} cannot reach power {power!r} with alternative "
            f"{alternative!r} within {MAXIMUM_N:g} units per group"
            + (
                "; a one-sided test needs an effect in its direction"
                if alternative != "two-sided"
                else ""
            )
        )
    n1 = (
        lower
        if shortfall(lower) >= 0.0
        else optimize.brentq(shortfall, lower, MAXIMUM_N, xtol=1e-10)
    )
    n1 = float(n1)
    n2 = ratio * n1
    n1_ceiling, n2_ceiling = _ceiling(n1), _ceiling(n2)
    return SampleSizeResult(
        effect_size=effect_size,
        target_power=power,
        alpha=alpha,
        alternative=alternative,
        ratio=ratio,
        n1=n1,
        n2=n2,
        n1_ceiling=n1_ceiling,
        n2_ceiling=n2_ceiling,
        achieved_power=function(effect_size, n1_ceiling, n2_ceiling, alpha, alternative),
        method=method,
    )


def _solve_effect(
    function: PowerFunction,
    n1: float,
    n2: float,
    power: float,
    alpha: float,
    alternative: Alternative,
) -> float:
    sign = -1.0 if alternative == "less" else 1.0

    def shortfall(size: float) -> float:
        return function(sign * size, n1, n2, alpha, alternative) - power

    upper = 1.0
    while shortfall(upper) < 0.0:
        upper *= 2.0
        if upper > 1e6:  # pragma: no cover - power -> 1 long before this for n >= 2
            raise ValueError(f"power {power!r} is not reachable with n1={n1!r}, n2={n2!r}")
    return sign * float(optimize.brentq(shortfall, 1e-12, upper, xtol=1e-12))


def _ceiling(n: float) -> int:
    # Round first so that an n that is whole up to solver noise (120.0000000001) stays whole.
    return math.ceil(round(n, 6))
