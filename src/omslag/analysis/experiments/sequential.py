"""Always-valid monitoring: asymptotic confidence sequences for a difference in means.

The Gaussian-mixture asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy
and Ramdas, "Time-uniform central limit theory and asymptotic confidence sequences" (Annals of
Statistics, 2024; arXiv:2103.06476): with t observations, mean m_t and standard deviation s_t,

    m_t +/- s_t * sqrt( 2 (t rho^2 + 1) / (t^2 rho^2) * log( sqrt(t rho^2 + 1) / alpha ) )

covers the mean at all t simultaneously with probability tending to >= 1 - alpha. It is
Robbins' two-sided normal-mixture boundary with the variance estimated. For two groups we apply
it to the difference of means with t = N = n_control + n_treatment and s^2 = N * SE^2, where
SE^2 = var_control / n_control + var_treatment / n_treatment; N * SE^2 estimates the
influence-function variance of the difference in means under a fixed allocation. The half-width
is then SE * sqrt(N) * margin(N).

rho is tuned so that the sequence is tightest at the planned total sample size N*:
rho^2 = (2 log(1/alpha) + log(1 + 2 log(1/alpha))) / N* (the approximation of Howard, Ramdas,
McAuliffe and Sekhon 2021, also used by Waudby-Smith et al.), within 0.01% of the optimal width.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from omslag.analysis.experiments.summaries import (
    ExperimentResult,
    GroupSummary,
    check_count,
    check_probability_level,
)

SEQUENCE_METHOD = "asymptotic-confidence-sequence-normal-mixture"
SEQUENCE_METHOD_VERSION = "1"


@dataclasses.dataclass(frozen=True)
class SequenceLook(ExperimentResult):
    """The confidence sequence at one look: total units so far, the estimate and its bounds."""

    n: int
    n_control: int
    n_treatment: int
    estimate: float
    low: float
    high: float


@dataclasses.dataclass(frozen=True)
class ConfidenceSequence(ExperimentResult):
    """An always-valid (1 - alpha) confidence sequence for mean(treatment) - mean(control)."""

    looks: tuple[SequenceLook, ...]
    alpha: float
    planned_total_n: int
    rho: float
    method: str = SEQUENCE_METHOD
    method_version: str = SEQUENCE_METHOD_VERSION


def normal_mixture_rho(planned_total_n: int, alpha: float) -> float:
    """The mixture parameter rho that makes the boundary (nearly) tightest at planned_total_n."""
    planned = check_count(planned_total_n, "planned_total_n", 1)
    alpha = check_probability_level(alpha, "alpha")
    log_term = 2.0 * math.log(1.0 / alpha)
    return math.sqrt((log_term + math.log(1.0 + log_term)) / planned)


def normal_mixture_margin(n: int, rho: float, alpha: float) -> float:
    """Half-width of the unit-variance two-sided normal-mixture boundary after n observations."""
    n = check_count(n, "n", 1)
    alpha = check_probability_level(alpha, "alpha")
    if not rho > 0.0:
        raise ValueError(f"rho must be positive; got {rho!r}")
    scaled = n * rho * rho + 1.0
    return math.sqrt(2.0 * scaled / (n * n * rho * rho) * math.log(math.sqrt(scaled) / alpha))


def confidence_sequence_difference_in_means(
    looks: Sequence[tuple[GroupSummary, GroupSummary]],
    *,
    planned_total_n: int,
    alpha: float = 0.05,
) -> ConfidenceSequence:
    """Always-valid interval for mean(treatment) - mean(control) at each look.

    `looks` holds (control, treatment) summaries of all data so far, in time order; counts may
    not decrease. `planned_total_n` is the planned number of units over both groups.
    """
    alpha = check_probability_level(alpha, "alpha")
    rho = normal_mixture_rho(planned_total_n, alpha)
    results: list[SequenceLook] = []
    previous = (0, 0)
    for index, (control, treatment) in enumerate(looks):
        if control.count < previous[0] or treatment.count < previous[1]:
            raise ValueError(
                f"look {index} has fewer units ({control.count} control, {treatment.count} "
                f"treatment) than the look before ({previous[0]}, {previous[1]}); looks must be "
                "cumulative and in time order"
            )
        previous = (control.count, treatment.count)
        n = control.count + treatment.count
        standard_error = math.sqrt(
            control.variance / control.count + treatment.variance / treatment.count
        )
        estimate = treatment.mean - control.mean
        half_width = standard_error * math.sqrt(n) * normal_mixture_margin(n, rho, alpha)
        results.append(
            SequenceLook(
                n=n,
                n_control=control.count,
                n_treatment=treatment.count,
                estimate=estimate,
                low=estimate - half_width,
                high=estimate + half_width,
            )
        )
    return ConfidenceSequence(
        looks=tuple(results),
        alpha=alpha,
        planned_total_n=int(planned_total_n),
        rho=rho,
    )
