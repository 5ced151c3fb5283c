"""Group labels to codes without a sort of the column (issue 13 item 8): the same codes as
np.unique, and evaluations by text label equal to scipy's t-test on the split arrays."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from omslag.analysis.experiments import summarise_by_group, welch_test
from omslag.analysis.experiments.grouping import FEW_LABELS, factorise


def unique_reference(labels):
    unique, inverse = np.unique(np.asarray(labels), return_inverse=True)
    plain = [label.item() if hasattr(label, "item") else label for label in unique]
    return plain, inverse.ravel().tolist()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(["control", "treatment", "b", "a", "pilot-3", "Ünit", ""]), min_size=1)
)
def test_few_text_labels_get_the_codes_np_unique_gives(labels):
    found, codes = factorise(np.array(labels))
    assert (found, codes.tolist()) == unique_reference(labels)
    assert all(type(label) is str for label in found)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 60).map(lambda i: f"unit-{i:03d}"), min_size=1, max_size=300))
def test_many_text_labels_go_through_the_dict_and_still_match_np_unique(labels):
    found, codes = factorise(np.array(labels))
    assert (found, codes.tolist()) == unique_reference(labels)


def test_more_labels_than_the_comparison_passes_take_use_the_dict():
    labels = np.array([f"g{i}" for i in reversed(range(FEW_LABELS + 3))] * 2)
    found, codes = factorise(labels)
    assert found == sorted(f"g{i}" for i in range(FEW_LABELS + 3))
    assert [found[c] for c in codes] == labels.tolist()


@pytest.mark.parametrize(
    "labels",
    [
        np.array([b"y", b"x", b"y"]),
        np.array(["y", "x", "y"], dtype=object),
        np.array([7, 3, 7, 3]),
        np.array([-2, 5, -2]),
        np.array([2.5, 1.0, 2.5]),
        np.array([10**9, 1, 10**9]),
    ],
)
def test_bytes_objects_integers_and_floats_match_np_unique(labels):
    found, codes = factorise(labels)
    assert (found, codes.tolist()) == unique_reference(labels)


def test_no_labels_give_no_codes():
    found, codes = factorise(np.array([], dtype=str))
    assert found == [] and codes.size == 0


def test_a_label_that_is_not_equal_to_itself_does_not_hang():
    found, codes = factorise(np.array([1.5, float("nan"), 1.5], dtype=object))
    assert found[0] == 1.5 and codes.tolist()[0] == codes.tolist()[2] == 0
    assert codes[1] != codes[0]


def test_welch_by_text_label_equals_scipy_on_the_split_arrays():
    rng = np.random.default_rng(13)
    rows = 20_000
    groups = np.array(["treatment", "control"])[rng.integers(0, 2, size=rows)]
    values = rng.normal([12.0, 180.0], [4.0, 60.0], size=(rows, 2))
    values[groups == "treatment"] += [0.3, -2.0]

    summaries = summarise_by_group(groups, values, metric_names=("days", "cost"))

    for j, metric in enumerate(("days", "cost")):
        control = values[groups == "control", j]
        treatment = values[groups == "treatment", j]
        ours = welch_test(summaries["control"][metric], summaries["treatment"][metric])
        # welch_test gives treatment minus control; scipy's first sample is the treatment.
        reference = stats.ttest_ind(treatment, control, equal_var=False)
        assert ours.statistic == pytest.approx(float(reference.statistic), rel=1e-9)
        assert ours.p_value == pytest.approx(float(reference.pvalue), rel=1e-9)
        assert summaries["control"][metric].count == control.size
        assert summaries["treatment"][metric].mean == pytest.approx(treatment.mean(), rel=1e-12)
