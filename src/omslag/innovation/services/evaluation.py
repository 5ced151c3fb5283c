"""Evaluating an experiment with the analysis core; every stored result keeps its inputs,
method and method version, so re-running it gives the same result."""

from collections import defaultdict
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, Protocol

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from omslag.analysis.experiments import (
    GroupSummary,
    ProportionSummary,
    benjamini_hochberg,
    confidence_sequence_difference_in_means,
    did_from_cells,
    did_from_panel,
    holm,
    proportion_difference_test,
    srm_check,
    welch_test,
)
from omslag.common.errors import RuleViolation

from ..models import Evaluation, Experiment, MeasurementSummary, MeasurementUpload

# An evaluation's inputs and result, and a summary row read with values(): JSON objects.
Json = dict[str, Any]
# One metric's summary rows by (group, period).
Cells = dict[tuple[str, str], Json]


class _MethodResult(Protocol):
    """What every method of the analysis core returns: a result that reads as JSON."""

    def to_dict(self) -> Json: ...


# The test of a metric's effect; when one is refused the evaluation is refused as a whole.
PRIMARY_METHODS = ("welch", "proportions", "did-cells")
BEFORE_LABELS = ("before", "voor", "pre", "baseline", "0")
AFTER_LABELS = ("after", "na", "post", "1")


def _alternative(experiment: Experiment) -> str:
    return "two-sided"


def _group_summary(row: Json, name: str) -> GroupSummary:
    """The core's summary of a stored row; its spread from ``squared_deviations`` when that
    was given (exact), else from the sums (refused when they cannot carry it)."""
    deviations = row.get("squared_deviations")
    return GroupSummary(
        count=row["count"],
        total=row["total"],
        sum_of_squares=row["sum_of_squares"],
        name=name,
        moments=None if deviations is None else (row["total"] / row["count"], deviations),
    )


def _pooled_deviations(rows: list[Json]) -> float | None:
    """Squared deviations of several rows together (Chan, Golub & LeVeque's parallel rule),
    in exact arithmetic; None unless every row has them."""
    if not rows or any(r.get("squared_deviations") is None for r in rows):
        return None
    count = sum(r["count"] for r in rows)
    mean = sum(Fraction(r["total"]) for r in rows) / count
    return float(
        sum(
            Fraction(r["squared_deviations"])
            + r["count"] * (Fraction(r["total"]) / r["count"] - mean) ** 2
            for r in rows
        )
    )


def run_method(method: str, inputs: Json) -> Json:
    """Compute a result from stored inputs. The one place each method is called, so that an
    evaluation can be re-run exactly."""
    alternative = inputs.get("alternative", "two-sided")
    confidence = inputs.get("confidence", 0.95)
    result: _MethodResult
    if method == "welch":
        result = welch_test(
            _group_summary(inputs["control"], "control"),
            _group_summary(inputs["treatment"], "treatment"),
            alternative=alternative,
            confidence=confidence,
        )
    elif method == "proportions":
        result = proportion_difference_test(
            ProportionSummary(
                count=inputs["control"]["count"],
                successes=inputs["control"]["successes"],
                name="control",
            ),
            ProportionSummary(
                count=inputs["treatment"]["count"],
                successes=inputs["treatment"]["successes"],
                name="treatment",
            ),
            alternative=alternative,
            confidence=confidence,
        )
    elif method == "did-cells":
        cells = [
            _group_summary(inputs[key], key)
            for key in ("control_before", "control_after", "treated_before", "treated_after")
        ]
        result = did_from_cells(*cells, alternative=alternative, confidence=confidence)
    elif method == "srm":
        result = srm_check(inputs["observed"], inputs["expected_shares"])
    elif method == "sequential":
        looks = [
            (_group_summary(c, "control"), _group_summary(t, "treatment"))
            for c, t in inputs["looks"]
        ]
        result = confidence_sequence_difference_in_means(
            looks, planned_total_n=inputs["planned_total_n"], alpha=inputs["alpha"]
        )
    elif method == "holm":
        result = holm(inputs["p_values"], alpha=inputs["alpha"])
    elif method == "benjamini-hochberg":
        result = benjamini_hochberg(inputs["p_values"], alpha=inputs["alpha"])
    else:
        raise RuleViolation(_("Unknown method %(m)s.") % {"m": method})
    data = result.to_dict()
    if data.get("chance_to_beat_control") is not None:
        # The core's chance is P(treatment > control). Where lower is better the treatment
        # wins when it is lower: ``chance_better`` is the chance in the desired direction.
        chance = data["chance_to_beat_control"]
        data["chance_better"] = 1 - chance if inputs.get("lower_is_better") else chance
    return data


def _cells(experiment: Experiment) -> dict[str, Cells]:
    by_metric: dict[str, Cells] = defaultdict(dict)
    for row in MeasurementSummary.objects.filter(experiment=experiment).values():
        by_metric[row["metric"]][(row["group"], row["period"])] = row
    return by_metric


def _plain(row: Json) -> Json:
    return _with_deviations(
        {
            "count": row["count"],
            "total": row["total"],
            "sum_of_squares": row["sum_of_squares"],
            "successes": row["successes"],
        },
        row.get("squared_deviations"),
    )


def _with_deviations(inputs: Json, deviations: float | None) -> Json:
    """Stored inputs carry ``squared_deviations`` only when it is known, so that those of
    summaries given as sums stay as they were."""
    return inputs if deviations is None else {**inputs, "squared_deviations": deviations}


def design_measure(experiment: Experiment, metric: str, metrics: Iterable[str]) -> bool:
    """Whether ``metric`` is the measure the design names (its primary metric, with its unit
    and direction): it has that name, or it is the only metric measured (a file's one value
    column, whatever its heading). Other metrics count higher as better."""
    primary = experiment.primary_metric.strip().lower()
    if primary and metric.strip().lower() == primary:
        return True
    return len(set(metrics)) == 1


def _lower_is_better(experiment: Experiment, is_design_measure: bool) -> bool:
    return is_design_measure and experiment.direction == Experiment.Direction.DECREASE


def _positive(experiment: Experiment, method: str, result: Json, is_design_measure: bool) -> bool:
    """Significant in the desired direction: the design's direction for its measure, higher
    for the other metrics."""
    if method not in ("welch", "proportions", "did-cells", "did-panel"):
        return False
    estimate = result.get("difference", result.get("estimate"))
    if estimate is None or result.get("p_value") is None:
        return False
    right_way = estimate < 0 if _lower_is_better(experiment, is_design_measure) else estimate > 0
    return right_way and bool(result["p_value"] < experiment.alpha)


def _period_role(label: str) -> str | None:
    text = label.strip().lower()
    if text in BEFORE_LABELS:
        return "before"
    if text in AFTER_LABELS:
        return "after"
    return None


def _plan(
    experiment: Experiment, metric: str, cells: Cells, is_design_measure: bool
) -> list[tuple[str, Json]]:
    """Which methods apply to one metric's cells, with their inputs."""
    control, treatment = experiment.control_label, experiment.treatment_label
    periods = sorted({period for _group, period in cells})
    confidence = 1 - experiment.alpha
    common = {
        "alternative": _alternative(experiment),
        "confidence": confidence,
        # The design's direction belongs to its measure; others count higher as better.
        "lower_is_better": _lower_is_better(experiment, is_design_measure),
        "design_measure": is_design_measure,
    }
    roles = {p: _period_role(p) for p in periods}
    if experiment.design_type == Experiment.DesignType.PILOT_CONTROL and sorted(
        r for r in roles.values() if r
    ) == ["after", "before"]:
        before = next(p for p, r in roles.items() if r == "before")
        after = next(p for p, r in roles.items() if r == "after")
        needed = [(control, before), (control, after), (treatment, before), (treatment, after)]
        if all(key in cells for key in needed):
            return [
                (
                    "did-cells",
                    {
                        **common,
                        **{
                            name: _plain(cells[key])
                            for name, key in zip(
                                (
                                    "control_before",
                                    "control_after",
                                    "treated_before",
                                    "treated_after",
                                ),
                                needed,
                                strict=True,
                            )
                        },
                    },
                )
            ]
        return []
    plans: list[tuple[str, Json]] = []
    # A/B (and before/after, whose two "groups" are the two periods): the test uses all data;
    # several periods are looks in time (sorted by label: name them week-01, week-02, ...).
    pooled: dict[str, Json] = {}
    for group in (control, treatment):
        rows = [row for (g, _p), row in cells.items() if g == group]
        if not rows:
            return []
        successes = [r["successes"] for r in rows]
        pooled[group] = _with_deviations(
            {
                "count": sum(r["count"] for r in rows),
                "total": sum(r["total"] for r in rows),
                "sum_of_squares": sum(r["sum_of_squares"] for r in rows),
                "successes": None if any(x is None for x in successes) else sum(successes),
            },
            _pooled_deviations(rows),
        )
    c, t = pooled[control], pooled[treatment]
    if (
        experiment.metric_type == Experiment.MetricType.PROPORTION
        and c["successes"] is not None
        and t["successes"] is not None
    ):
        plans.append(("proportions", {**common, "control": c, "treatment": t}))
    else:
        plans.append(("welch", {**common, "control": c, "treatment": t}))
    if experiment.design_type != Experiment.DesignType.BEFORE_AFTER:
        plans.append(("srm", {"observed": [c["count"], t["count"]], "expected_shares": [0.5, 0.5]}))
    if len(periods) > 1 and all((g, p) in cells for p in periods for g in (control, treatment)):
        looks: list[list[Json]] = []
        cumulative: dict[str, list[float]] = {control: [0, 0.0, 0.0], treatment: [0, 0.0, 0.0]}
        seen: dict[str, list[Json]] = {control: [], treatment: []}
        for period in periods:
            for group in (control, treatment):
                row = cells[(group, period)]
                seen[group].append(row)
                acc = cumulative[group]
                acc[0] += row["count"]
                acc[1] += row["total"]
                acc[2] += row["sum_of_squares"]
            looks.append(
                [
                    _with_deviations(
                        {
                            "count": cumulative[g][0],
                            "total": cumulative[g][1],
                            "sum_of_squares": cumulative[g][2],
                            "successes": None,
                        },
                        _pooled_deviations(seen[g]),
                    )
                    for g in (control, treatment)
                ]
            )
        planned = (experiment.sample_size_per_group or 0) * 2 or looks[-1][0]["count"] * 2
        plans.append(
            (
                "sequential",
                {"looks": looks, "planned_total_n": int(planned), "alpha": experiment.alpha},
            )
        )
    return plans


@transaction.atomic
def experiment_evaluate(
    *, actor: Any, experiment: Experiment, upload: MeasurementUpload | None = None
) -> list[Evaluation]:
    """Evaluate every metric with the methods its design and data allow, adjust the p-values of
    the primary tests across metrics (Holm and Benjamini-Hochberg), and store it all."""
    by_metric = _cells(experiment)
    if not by_metric:
        raise RuleViolation(_("There are no measurements to evaluate yet."))
    stored: list[Evaluation] = []
    tests: list[tuple[str, float]] = []
    problems: list[str] = []
    refused_tests: list[str] = []
    for metric, cells in sorted(by_metric.items()):
        is_design_measure = design_measure(experiment, metric, by_metric)
        plans = _plan(experiment, metric, cells, is_design_measure)
        if not plans:
            problems.append(
                _(
                    "%(metric)s: measurements of both groups are needed (and for a pilot "
                    "vs control design, before and after periods)."
                )
                % {"metric": metric}
            )
            continue
        for method, inputs in plans:
            try:
                result = run_method(method, inputs)
            except ValueError as error:
                problems.append(f"{metric}: {error}")
                if method in PRIMARY_METHODS:
                    refused_tests.append(f"{metric}: {error}")
                continue
            evaluation = Evaluation.objects.create(
                experiment=experiment,
                metric=metric,
                method=method,
                method_version=result.get("method_version", "1"),
                inputs=inputs,
                result=result,
                positive=_positive(experiment, method, result, is_design_measure),
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            stored.append(evaluation)
            if method in ("welch", "proportions", "did-cells"):
                tests.append((metric, result["p_value"]))
    if upload is not None:
        stored.extend(_panel_evaluations(actor, experiment, upload))
    if len(tests) > 1:
        p_values = [p for _metric, p in tests]
        for method in ("holm", "benjamini-hochberg"):
            inputs = {
                "metrics": [m for m, _p in tests],
                "p_values": p_values,
                "alpha": experiment.alpha,
            }
            result = run_method(method, inputs)
            stored.append(
                Evaluation.objects.create(
                    experiment=experiment,
                    metric="*",
                    method=method,
                    method_version=result.get("method_version", "1"),
                    inputs=inputs,
                    result=result,
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
            )
    if not stored:
        raise RuleViolation(" ".join(problems))
    if refused_tests:
        # A metric's test refused (e.g. sums that cannot carry the variance) is never passed
        # over because another method (the sample-ratio check) did run: nothing is stored.
        raise RuleViolation(" ".join(refused_tests))
    return stored


def _panel_evaluations(
    actor: Any, experiment: Experiment, upload: MeasurementUpload
) -> list[Evaluation]:
    """Difference-in-differences from the units, with errors clustered by unit."""
    from .measurements import upload_arrays

    if experiment.design_type != Experiment.DesignType.PILOT_CONTROL:
        return []
    arrays = upload_arrays(upload)
    roles = [_period_role(str(label)) for label in arrays["period_labels"]]
    if sorted(r for r in roles if r) != ["after", "before"]:
        return []
    post_by_code = np.array([1.0 if r == "after" else 0.0 for r in roles])
    post = post_by_code[arrays["period"]]
    stored: list[Evaluation] = []
    for name in upload.metrics:
        is_design_measure = design_measure(experiment, name, upload.metrics)
        values = arrays[f"metric:{name}"]
        keep = ~np.isnan(values)
        try:
            result = did_from_panel(
                arrays["unit"][keep],
                arrays["group"][keep].astype(float),
                post[keep],
                values[keep],
                confidence=1 - experiment.alpha,
            ).to_dict()
        except ValueError as error:
            raise RuleViolation(f"{name}: {error}") from None
        stored.append(
            Evaluation.objects.create(
                experiment=experiment,
                metric=name,
                method="did-panel",
                method_version=result.get("method_version", "1"),
                inputs={
                    "upload": upload.pk,
                    "metric": name,
                    "confidence": 1 - experiment.alpha,
                    "lower_is_better": _lower_is_better(experiment, is_design_measure),
                    "design_measure": is_design_measure,
                },
                result=result,
                positive=_positive(experiment, "did-panel", result, is_design_measure),
                created_by=actor if getattr(actor, "pk", None) else None,
            )
        )
    return stored


def evaluation_rerun(evaluation: Evaluation) -> Json:
    """The result of running the stored method on the stored inputs again."""
    if evaluation.method == "did-panel":
        from .measurements import upload_arrays

        upload = MeasurementUpload.objects.get(pk=evaluation.inputs["upload"])
        arrays = upload_arrays(upload)
        roles = [_period_role(str(label)) for label in arrays["period_labels"]]
        post = np.array([1.0 if r == "after" else 0.0 for r in roles])[arrays["period"]]
        values = arrays[f"metric:{evaluation.inputs['metric']}"]
        keep = ~np.isnan(values)
        return did_from_panel(
            arrays["unit"][keep],
            arrays["group"][keep].astype(float),
            post[keep],
            values[keep],
            confidence=evaluation.inputs["confidence"],
        ).to_dict()
    return run_method(evaluation.method, evaluation.inputs)
