"""Sample-ratio mismatch: do the observed group sizes fit the planned allocation?

A mismatch (e.g. 50.9% / 49.1% where 50/50 was planned, at scale) signals broken
randomisation or lost data, which invalidates the comparison. Pearson's chi-square goodness
of fit with k - 1 degrees of freedom; flagged when p < SRM_P_VALUE_THRESHOLD.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from scipy import stats

from omslag.analysis.experiments.summaries import ExperimentResult, check_count

SRM_METHOD = "sample-ratio-mismatch-chi-square"
SRM_METHOD_VERSION = "1"

# Strict on purpose: the check runs on every look of every experiment, and a false alarm
# stops an experiment. 0.001 is a conventional threshold in online experimentation practice
# (see Fabijan et al. 2019, "Diagnosing sample ratio mismatch in online controlled experiments").
SRM_P_VALUE_THRESHOLD = 0.001


@dataclasses.dataclass(frozen=True)
class SrmResult(ExperimentResult):
    """Chi-square goodness of fit of observed counts to the expected shares."""

    observed: tuple[int, ...]
    expected_shares: tuple[float, ...]
    expected_counts: tuple[float, ...]
    statistic: float
    degrees_of_freedom: int
    p_value: float
    threshold: float
    mismatch: bool
    method: str = SRM_METHOD
    method_version: str = SRM_METHOD_VERSION


def srm_check(observed: Sequence[int], expected_shares: Sequence[float]) -> SrmResult:
    """Test observed group counts against planned allocation shares (normalised to sum 1)."""
    counts = tuple(check_count(count, f"observed count {i}", 0) for i, count in enumerate(observed))
    shares = tuple(float(share) for share in expected_shares)
    if len(counts) < 2 or len(counts) != len(shares):
        raise ValueError(
            "observed counts and expected shares must have the same length of at least 2; got "
            f"{len(counts)} counts and {len(shares)} shares"
        )
    for index, share in enumerate(shares):
        if not (math.isfinite(share) and share > 0.0):
            raise ValueError(f"expected share {index} must be a positive number; got {share!r}")
    total = sum(counts)
    if total == 0:
        raise ValueError("observed counts are all zero: there is nothing to check")
    share_sum = sum(shares)
    normalised = tuple(share / share_sum for share in shares)
    expected = tuple(total * share for share in normalised)
    statistic = sum((count - exp) ** 2 / exp for count, exp in zip(counts, expected, strict=True))
    degrees_of_freedom = len(counts) - 1
    p_value = float(stats.chi2.sf(statistic, degrees_of_freedom))
    return SrmResult(
        observed=counts,
        expected_shares=normalised,
        expected_counts=expected,
        statistic=float(statistic),
        degrees_of_freedom=degrees_of_freedom,
        p_value=p_value,
        threshold=SRM_P_VALUE_THRESHOLD,
        mismatch=p_value < SRM_P_VALUE_THRESHOLD,
    )
