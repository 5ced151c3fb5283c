"""Statistics for experiments in the innovation pipeline (DESIGN.md C4).

Pure Python with numpy, scipy and statsmodels; nothing here imports Django. Every result is a
frozen dataclass carrying its inputs, `method` and `method_version`, with `to_dict()`, so a
stored evaluation can be re-run to the same result. See docs/analysis-experiments.md.
"""

from omslag.analysis.experiments.did import DidResult, did_from_cells, did_from_panel
from omslag.analysis.experiments.means import (
    RelativeEffect,
    WelchResult,
    chance_to_beat_control,
    relative_effect,
    welch_test,
)
from omslag.analysis.experiments.multiple_testing import (
    AdjustedPValues,
    benjamini_hochberg,
    holm,
)
from omslag.analysis.experiments.power import (
    MinimumDetectableEffectResult,
    PowerResult,
    SampleSizeResult,
    cohens_h,
    minimum_detectable_effect_t_test,
    minimum_detectable_effect_two_proportions,
    power_t_test,
    power_two_proportions,
    sample_size_t_test,
    sample_size_two_proportions,
)
from omslag.analysis.experiments.proportions import (
    ProportionDifferenceResult,
    RateInterval,
    proportion_difference_test,
    wilson_interval,
)
from omslag.analysis.experiments.sequential import (
    ConfidenceSequence,
    SequenceLook,
    confidence_sequence_difference_in_means,
    normal_mixture_margin,
    normal_mixture_rho,
)
from omslag.analysis.experiments.srm import SRM_P_VALUE_THRESHOLD, SrmResult, srm_check
from omslag.analysis.experiments.summaries import (
    Alternative,
    GroupSummary,
    ProportionSummary,
    summarise,
    summarise_by_group,
)

__all__ = [
    "SRM_P_VALUE_THRESHOLD",
    "AdjustedPValues",
    "Alternative",
    "ConfidenceSequence",
    "DidResult",
    "GroupSummary",
    "MinimumDetectableEffectResult",
    "PowerResult",
    "ProportionDifferenceResult",
    "ProportionSummary",
    "RateInterval",
    "RelativeEffect",
    "SampleSizeResult",
    "SequenceLook",
    "SrmResult",
    "WelchResult",
    "benjamini_hochberg",
    "chance_to_beat_control",
    "cohens_h",
    "confidence_sequence_difference_in_means",
    "did_from_cells",
    "did_from_panel",
    "holm",
    "minimum_detectable_effect_t_test",
    "minimum_detectable_effect_two_proportions",
    "normal_mixture_margin",
    "normal_mixture_rho",
    "power_t_test",
    "power_two_proportions",
    "proportion_difference_test",
    "relative_effect",
    "sample_size_t_test",
    "sample_size_two_proportions",
    "srm_check",
    "summarise",
    "summarise_by_group",
    "welch_test",
    "wilson_interval",
]
