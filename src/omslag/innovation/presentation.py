"""The evaluation results of an experiment as the page shows them: per metric the effects
with their intervals, the sample-ratio check and the confidence sequence, each chart with its
alt text and a summary computed from the same numbers as its table; and the adjusted p-values
across metrics. Presentation only: the numbers come from the stored evaluations."""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from omslag.analysis.experiments import SRM_P_VALUE_THRESHOLD
from omslag.common import charts

from .forms import method_label
from .models import Experiment

EFFECT_METHODS = ("welch", "proportions", "did-cells", "did-panel")
ADJUSTMENT_METHODS = ("holm", "benjamini-hochberg")


def number(value, decimals: int = 2) -> str:
    """A number in the reader's language (0,25 in Dutch); a dash for none."""
    if value is None:
        return "—"
    return number_format(round(float(value), decimals), decimal_pos=decimals, use_l10n=True)


def percentage(value, decimals: int = 1) -> str:
    if value is None:
        return "—"
    return number(float(value) * 100, decimals) + "%"


def p_value_text(value) -> str:
    if value is None:
        return "—"
    if value < 0.001:
        return "< " + number(0.001, 3)
    return number(value, 3)


def p_clause(value) -> str:
    """'p = 0,012' or 'p < 0,001'."""
    text = p_value_text(value)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def tick(value) -> str:
    """An axis tick: at most four significant digits, in the reader's language."""
    return number_format(float(f"{value:.4g}"), use_l10n=True)


@dataclass
class Effect:
    method: str
    label: str
    estimate: float
    low: float | None
    high: float | None
    p_value: float | None
    confidence: float
    relative: dict | None
    chance_better: float | None
    positive: bool
    control_value: float | None = None
    treatment_value: float | None = None
    units: str = ""  # e.g. clusters of a panel estimate

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 1 - self.confidence + 1e-12

    @property
    def scale(self) -> float:
        """Differences in proportions are shown in percentage points."""
        return 100.0 if self.method == "proportions" else 1.0

    def scaled(self, value):
        return None if value is None else value * self.scale

    @property
    def interval_text(self) -> str:
        decimals = 1 if self.method == "proportions" else 2
        return _("%(low)s to %(high)s") % {
            "low": number(self.scaled(self.low), decimals) if self.low is not None else "−∞",
            "high": number(self.scaled(self.high), decimals) if self.high is not None else "+∞",
        }

    @property
    def estimate_text(self) -> str:
        if self.method == "proportions":
            return _("%(points)s points") % {"points": number(self.estimate * 100, 1)}
        return number(self.estimate)

    @property
    def p_text(self) -> str:
        return p_value_text(self.p_value)

    @property
    def chance_text(self) -> str:
        return percentage(self.chance_better)

    def _value(self, value) -> str:
        return percentage(value) if self.method == "proportions" else number(value)

    @property
    def control_text(self) -> str:
        return self._value(self.control_value)

    @property
    def treatment_text(self) -> str:
        return self._value(self.treatment_value)

    @property
    def relative_text(self) -> str:
        if not self.relative:
            return "—"
        return _("%(estimate)s (%(low)s to %(high)s)") % {
            "estimate": percentage(self.relative["estimate"]),
            "low": percentage(self.relative.get("low")),
            "high": percentage(self.relative.get("high")),
        }


@dataclass
class MetricResults:
    metric: str
    label: str = ""  # as the page names it: the design's measure with its unit, or the metric
    lower_is_better: bool = False
    effects: list[Effect] = field(default_factory=list)
    srm: dict | None = None
    sequence: list[dict] = field(default_factory=list)
    sequence_confidence: float = 0.95
    chart: charts.Chart | None = None
    sequence_chart: charts.Chart | None = None

    @property
    def srm_warning(self) -> bool:
        return bool(self.srm) and self.srm["p_value"] < SRM_P_VALUE_THRESHOLD

    @property
    def srm_text(self) -> dict:
        if not self.srm:
            return {}
        return {
            "observed": " / ".join(str(n) for n in self.srm["observed"]),
            "expected": " / ".join(number(n, 1) for n in self.srm["expected_counts"]),
            "p": p_clause(self.srm["p_value"]),
            "threshold": number(SRM_P_VALUE_THRESHOLD, 3),
        }


@dataclass
class Adjustment:
    method: str
    label: str
    alpha: float
    rows: list[tuple[str, str, str, bool]]  # metric, p-value, adjusted p-value, rejected


def lower_is_better(experiment: Experiment, metric: str) -> bool:
    """The design's direction belongs to its primary metric; for the other metrics higher
    counts as better."""
    return (
        experiment.direction == Experiment.Direction.DECREASE
        and metric.strip().lower() == experiment.primary_metric.strip().lower()
    )


def evaluation_lower_is_better(experiment: Experiment, evaluation) -> bool:
    """Whether lower counts as better in this evaluation: as stored with it, or (for results
    stored before the evaluation kept it) from the design's direction for its primary metric."""
    if "lower_is_better" in evaluation.inputs:
        return bool(evaluation.inputs["lower_is_better"])
    return lower_is_better(experiment, evaluation.metric)


def measure_label(experiment: Experiment, evaluation) -> str:
    """The design's measure with its unit ("wachttijd (minuten)") for an evaluation of the
    measure the design names, else the metric as measured. Evaluations stored before they kept
    ``design_measure`` count as the design's measure when the names match."""
    primary = experiment.primary_metric.strip()
    is_design = evaluation.inputs.get("design_measure")
    if is_design is None:
        is_design = bool(primary) and evaluation.metric.strip().lower() == primary.lower()
    if not is_design or not primary:
        return evaluation.metric
    unit = experiment.metric_unit.strip()
    return f"{primary} ({unit})" if unit else primary


def _effect(experiment: Experiment, evaluation) -> Effect:
    result = evaluation.result
    estimate = result.get("difference", result.get("estimate"))
    chance = result.get("chance_better")
    if chance is None and result.get("chance_to_beat_control") is not None:
        chance = result["chance_to_beat_control"]  # the chance that the treatment is higher
        if evaluation_lower_is_better(experiment, evaluation):
            chance = 1 - chance
    control_value = treatment_value = None
    if evaluation.method == "welch":
        control_value = result["control"]["total"] / result["control"]["count"]
        treatment_value = result["treatment"]["total"] / result["treatment"]["count"]
    elif evaluation.method == "proportions":
        control_value = result["control_rate"]["proportion"]
        treatment_value = result["treatment_rate"]["proportion"]
    units = ""
    if result.get("clusters"):
        units = _("%(clusters)s units: %(treated)s pilot, %(control)s control") % {
            "clusters": result["clusters"],
            "treated": result.get("treated_units"),
            "control": result.get("control_units"),
        }
    return Effect(
        method=evaluation.method,
        label=method_label(evaluation.method),
        estimate=estimate,
        low=result.get("low"),
        high=result.get("high"),
        p_value=result.get("p_value"),
        confidence=result.get("confidence", 1 - experiment.alpha),
        relative=result.get("relative"),
        chance_better=chance,
        positive=evaluation.positive,
        control_value=control_value,
        treatment_value=treatment_value,
        units=units,
    )


def _effect_sentence(metric: str, effect: Effect) -> str:
    values = {
        "metric": metric,
        "method": effect.label,
        "estimate": effect.estimate_text,
        "confidence": percentage(effect.confidence, 0),
        "interval": effect.interval_text,
        "p": p_clause(effect.p_value),
    }
    text = capfirst(
        _(
            "%(method)s: treatment minus control on %(metric)s is %(estimate)s "
            "(%(confidence)s interval %(interval)s, %(p)s)"
        )
        % values
    )
    if effect.significant:
        return text + "; " + _("the interval excludes zero.")
    return text + "; " + _("the interval includes zero: no clear effect.")


def effect_chart(metric: str, effects: list[Effect]) -> charts.Chart | None:
    if not effects:
        return None
    confidence = percentage(effects[0].confidence, 0)
    if effects[0].method == "proportions":
        x_label = _("Treatment minus control (%(metric)s, percentage points)")
    else:
        x_label = _("Treatment minus control (%(metric)s)")
    image = charts.effect_intervals(
        name=f"effect-{metric}",
        rows=[
            charts.Interval(e.label, e.scaled(e.estimate), e.scaled(e.low), e.scaled(e.high))
            for e in effects
        ],
        x_label=x_label % {"metric": metric},
        zero_label=_("no effect"),
        estimate_label=_("estimate"),
        interval_label=_("%(confidence)s confidence interval") % {"confidence": confidence},
        x_format=tick,
    )
    alt = _(
        "Chart of the estimated effect on %(metric)s as a point with its %(confidence)s "
        "confidence interval as a line, per method, and a dashed line at zero (no effect). "
        "The numbers are in the table below."
    ) % {"metric": metric, "confidence": confidence}
    return charts.Chart(image, alt, " ".join(_effect_sentence(metric, e) for e in effects))


def sequence_chart(metric: str, looks: list[dict], confidence: float) -> charts.Chart | None:
    if not looks:
        return None
    level = percentage(confidence, 0)
    image = charts.confidence_band(
        name=f"sequence-{metric}",
        x=[look["n"] for look in looks],
        estimates=[look["estimate"] for look in looks],
        lows=[look["low"] for look in looks],
        highs=[look["high"] for look in looks],
        x_label=_("Units so far (both groups)"),
        y_label=_("Treatment minus control"),
        estimate_label=_("estimate"),
        band_label=_("always-valid %(confidence)s interval") % {"confidence": level},
        zero_label=_("no effect"),
        y_format=tick,
    )
    last = looks[-1]
    values = {
        "metric": metric,
        "looks": len(looks),
        "n": last["n"],
        "estimate": number(last["estimate"]),
        "low": number(last["low"]),
        "high": number(last["high"]),
        "confidence": level,
    }
    summary = (
        _(
            "%(looks)s looks at %(metric)s. At the last look, with %(n)s units, the estimate "
            "is %(estimate)s with an always-valid %(confidence)s interval from %(low)s to "
            "%(high)s"
        )
        % values
    )
    if last["low"] > 0 or last["high"] < 0:
        summary += "; " + _("it excludes zero, so the experiment may stop here.")
    else:
        summary += "; " + _("it still includes zero.")
    alt = (
        _(
            "Line chart of the estimated effect on %(metric)s at each of %(looks)s looks, inside "
            "a hatched band that is its always-valid %(confidence)s interval, with a dashed line "
            "at zero. The numbers are in the table below."
        )
        % values
    )
    return charts.Chart(image, alt, summary)


def experiment_results(experiment, evaluations) -> tuple[list[MetricResults], list[Adjustment]]:
    """The latest evaluation of each (metric, method), grouped by metric, with their charts;
    and the multiple-testing adjustments across metrics."""
    metrics: dict[str, MetricResults] = {}
    adjustments = []
    for evaluation in evaluations:
        if evaluation.method in ADJUSTMENT_METHODS:
            result = evaluation.result
            adjustments.append(
                Adjustment(
                    method=evaluation.method,
                    label=method_label(evaluation.method),
                    alpha=result["alpha"],
                    rows=[
                        (metric, p_value_text(p), p_value_text(adjusted), rejected)
                        for metric, p, adjusted, rejected in zip(
                            evaluation.inputs.get("metrics", []),
                            result["p_values"],
                            result["adjusted"],
                            result["rejected"],
                            strict=False,
                        )
                    ],
                )
            )
            continue
        results = metrics.setdefault(
            evaluation.metric, MetricResults(evaluation.metric, label=evaluation.metric)
        )
        if evaluation.method in EFFECT_METHODS:
            results.effects.append(_effect(experiment, evaluation))
            results.lower_is_better = evaluation_lower_is_better(experiment, evaluation)
            results.label = measure_label(experiment, evaluation)
        elif evaluation.method == "srm":
            results.srm = evaluation.result
        elif evaluation.method == "sequential":
            results.sequence = evaluation.result["looks"]
            results.sequence_confidence = 1 - evaluation.result["alpha"]
    for results in metrics.values():
        order = {method: index for index, method in enumerate(EFFECT_METHODS)}
        results.effects.sort(key=lambda e: order[e.method])
        results.chart = effect_chart(results.label, results.effects)
        results.sequence_chart = sequence_chart(
            results.label, results.sequence, results.sequence_confidence
        )
    labels = {name: results.label for name, results in metrics.items()}
    for adjustment in adjustments:
        adjustment.rows = [(labels.get(row[0], row[0]), *row[1:]) for row in adjustment.rows]
    adjustments.sort(key=lambda a: ADJUSTMENT_METHODS.index(a.method))
    return sorted(metrics.values(), key=lambda m: m.metric), adjustments
