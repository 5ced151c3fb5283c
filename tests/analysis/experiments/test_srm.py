"""Sample-ratio mismatch against scipy.stats.chisquare."""

import pytest
from scipy import stats

from omslag.analysis.experiments import SRM_P_VALUE_THRESHOLD, srm_check


def test_two_groups_match_scipy_chisquare():
    result = srm_check([50_210, 49_420], [0.5, 0.5])

    # Reference: scipy's Pearson goodness of fit with equal expected counts.
    reference = stats.chisquare([50_210, 49_420])
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-10)
    assert result.degrees_of_freedom == 1


def test_unequal_shares_are_normalised_and_match_scipy():
    result = srm_check([2_030, 980, 1_010], [2, 1, 1])

    reference = stats.chisquare([2_030, 980, 1_010], f_exp=[2_010, 1_005, 1_005])
    assert result.expected_shares == pytest.approx((0.5, 0.25, 0.25))
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-10)


def test_flags_a_mismatch_only_below_the_documented_threshold():
    assert SRM_P_VALUE_THRESHOLD == 0.001
    # chi-square 9.90 (p = 0.0017): suspicious but not flagged; 22.2 (p = 2.5e-6): flagged.
    assert not srm_check([50_000, 51_000], [0.5, 0.5]).mismatch
    assert srm_check([50_000, 51_500], [0.5, 0.5]).mismatch


@pytest.mark.parametrize(
    ("observed", "shares", "message"),
    [
        ([10, -1], [0.5, 0.5], "observed count 1 must be at least 0; got -1"),
        ([10, 12], [0.5, 0.0], "expected share 1 must be a positive number; got 0.0"),
        ([10, 12, 5], [0.5, 0.5], "same length of at least 2; got 3 counts and 2 shares"),
        ([0, 0], [0.5, 0.5], "observed counts are all zero"),
    ],
)
def test_bad_input_is_refused(observed, shares, message):
    with pytest.raises(ValueError, match=message):
        srm_check(observed, shares)
