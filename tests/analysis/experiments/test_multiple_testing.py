"""Holm and Benjamini-Hochberg against statsmodels.stats.multitest.multipletests."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from omslag.analysis.experiments import benjamini_hochberg, holm

P_VALUES = [0.04, 0.001, 0.03, 0.5, 0.0095, 0.03, 0.2, 0.012]


@pytest.mark.parametrize(("ours", "theirs"), [(holm, "holm"), (benjamini_hochberg, "fdr_bh")])
@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_adjusted_p_values_match_statsmodels_in_input_order(ours, theirs, alpha):
    result = ours(P_VALUES, alpha=alpha)

    rejected, corrected, _, _ = multipletests(P_VALUES, alpha=alpha, method=theirs)
    assert result.adjusted == pytest.approx(tuple(corrected), rel=1e-12)
    assert result.rejected == tuple(bool(r) for r in rejected)
    assert result.p_values == tuple(P_VALUES)


@pytest.mark.parametrize(("ours", "theirs"), [(holm, "holm"), (benjamini_hochberg, "fdr_bh")])
def test_random_p_values_with_extremes_match_statsmodels(ours, theirs):
    p_values = list(np.random.default_rng(9).uniform(size=50) ** 3) + [0.0, 1.0]

    result = ours(p_values)

    assert result.adjusted == pytest.approx(tuple(multipletests(p_values, method=theirs)[1]))


@pytest.mark.parametrize("bad", [1.2, -0.1, float("nan")])
def test_p_values_outside_zero_one_are_refused(bad):
    with pytest.raises(ValueError, match=f"p-value 1 must lie between 0 and 1; got {bad}"):
        holm([0.01, bad])
    with pytest.raises(ValueError, match=f"p-value 1 must lie between 0 and 1; got {bad}"):
        benjamini_hochberg([0.01, bad])


def test_an_empty_list_is_refused():
    with pytest.raises(ValueError, match="p_values is empty"):
        holm([])
