"""What every experiment result promises: method, version, frozen, JSON-ready, reproducible."""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

from omslag.analysis.experiments import (
    GroupSummary,
    ProportionSummary,
    benjamini_hochberg,
    confidence_sequence_difference_in_means,
    did_from_cells,
    did_from_panel,
    holm,
    minimum_detectable_effect_two_proportions,
    power_t_test,
    proportion_difference_test,
    sample_size_two_proportions,
    srm_check,
    summarise,
    welch_test,
)

A = GroupSummary(40, 400.0, 4_200.0, "control")
B = GroupSummary(50, 540.0, 6_100.0, "treatment")


def _results():
    units = np.repeat(np.arange(8), 4)
    return [
        welch_test(A, B, alternative="greater"),
        proportion_difference_test(ProportionSummary(100, 10), ProportionSummary(100, 18)),
        confidence_sequence_difference_in_means([(A, B)], planned_total_n=200),
        did_from_cells(A, B, A, B),
        did_from_panel(
            units,
            (units < 4).astype(int),
            np.tile([0, 0, 1, 1], 8),
            np.random.default_rng(1).normal(size=32),
        ),
        srm_check([510, 490], [0.5, 0.5]),
        holm([0.01, 0.2]),
        benjamini_hochberg([0.01, 0.2]),
        power_t_test(0.5, 30),
        sample_size_two_proportions(0.2, 0.8),
        minimum_detectable_effect_two_proportions(500, baseline=0.3),
    ]


@pytest.mark.parametrize("result", _results(), ids=lambda r: type(r).__name__)
def test_results_are_frozen_and_carry_method_and_version(result):
    assert isinstance(result.method, str) and result.method
    assert result.method_version == "1"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.method = "other"


@pytest.mark.parametrize("result", _results(), ids=lambda r: type(r).__name__)
def test_to_dict_is_strict_json(result):
    plain = result.to_dict()

    json.dumps(plain, allow_nan=False)
    assert plain["method"] == result.method


def test_one_sided_bounds_become_none_in_the_dictionary():
    plain = welch_test(A, B, alternative="greater").to_dict()

    assert plain["high"] is None
    assert isinstance(plain["low"], float)


def test_a_stored_welch_evaluation_reruns_to_the_same_result():
    stored = json.loads(json.dumps(welch_test(A, B, alternative="less", confidence=0.9).to_dict()))

    rerun = welch_test(
        GroupSummary(**stored["control"]),
        GroupSummary(**stored["treatment"]),
        alternative=stored["alternative"],
        confidence=stored["confidence"],
    )

    assert rerun.to_dict() == stored


def test_summaries_round_trip_through_to_dict():
    summary = summarise([1.0, 2.0, 4.0], name="pilot")

    assert GroupSummary(**summary.to_dict()) == summary


def test_the_experiment_statistics_import_nothing_of_django():
    code = (
        "import sys, omslag.analysis.experiments; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'rest_framework'}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout

    assert output.strip() == "[]"
