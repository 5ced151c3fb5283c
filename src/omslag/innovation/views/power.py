"""The sample-size helper of the design page: from the minimum detectable effect and the
standard deviation (Cohen's d) or the baseline proportion (Cohen's h), the units each group
needs for the chosen power and significance level. The statistics are the analysis core's;
this module only picks the inputs and words the answer."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from omslag.analysis.experiments import cohens_h, sample_size_t_test, sample_size_two_proportions

from ..models import Experiment
from ..presentation import number, percentage, tick


@dataclass
class SampleSizeAdvice:
    units_per_group: int | None = None
    effect_name: str = ""
    effect_size: float | None = None
    achieved_power: float | None = None
    explanation: str = ""
    problem: str = ""


def _missing(names) -> SampleSizeAdvice:
    return SampleSizeAdvice(
        problem=_("To calculate the sample size, fill in: %(fields)s.")
        % {"fields": ", ".join(names)}
    )


def sample_size_advice(values: dict) -> SampleSizeAdvice:
    """``values``: the design's metric_type, baseline_value, minimum_detectable_effect,
    standard_deviation, alpha, power and direction (as the form cleaned them)."""
    proportion = values.get("metric_type") == Experiment.MetricType.PROPORTION
    mde = values.get("minimum_detectable_effect")
    alpha, power = values.get("alpha"), values.get("power")
    missing = []
    if mde in (None, 0):
        missing.append(_("minimum detectable effect"))
    if proportion and values.get("baseline_value") is None:
        missing.append(_("baseline value"))
    if not proportion and not values.get("standard_deviation"):
        missing.append(_("standard deviation"))
    if alpha is None:
        missing.append(_("significance level"))
    if power is None:
        missing.append(_("power"))
    if missing:
        return _missing(missing)
    mde = abs(mde)
    try:
        if proportion:
            baseline = values["baseline_value"]
            if values.get("direction") == Experiment.Direction.DECREASE:
                target = baseline - mde
            else:
                target = baseline + mde
            if not (0 < baseline < 1 and 0 < target < 1):
                return SampleSizeAdvice(
                    problem=_(
                        "For a share of units, the baseline and the baseline with the effect "
                        "must lie between 0 and 1 (e.g. 0.35 and 0.40); now %(baseline)s and "
                        "%(target)s."
                    )
                    % {"baseline": tick(baseline), "target": tick(target)}
                )
            effect = abs(cohens_h(target, baseline))
            result = sample_size_two_proportions(effect, power, alpha=alpha)
            name = _("Cohen's h")
            explanation = _(
                "From %(baseline)s to %(target)s is Cohen's h = %(h)s; a two-sided test at "
                "significance level %(alpha)s with power %(power)s needs %(n)s units per "
                "group (power with that many: %(achieved)s)."
            )
            values_text = {
                "baseline": percentage(baseline),
                "target": percentage(target),
                "h": number(effect, 3),
            }
        else:
            effect = mde / values["standard_deviation"]
            result = sample_size_t_test(effect, power, alpha=alpha)
            name = _("Cohen's d")
            explanation = _(
                "An effect of %(mde)s with a standard deviation of %(sd)s is Cohen's d = "
                "%(d)s; a two-sided test at significance level %(alpha)s with power "
                "%(power)s needs %(n)s units per group (power with that many: %(achieved)s)."
            )
            values_text = {
                "mde": tick(mde),
                "sd": tick(values["standard_deviation"]),
                "d": number(effect, 3),
            }
    except ValueError as error:
        return SampleSizeAdvice(problem=str(error))
    return SampleSizeAdvice(
        units_per_group=result.n1_ceiling,
        effect_name=name,
        effect_size=effect,
        achieved_power=result.achieved_power,
        explanation=explanation
        % {
            **values_text,
            "alpha": tick(alpha),
            "power": tick(power),
            "n": result.n1_ceiling,
            "achieved": number(result.achieved_power, 3),
        },
    )
