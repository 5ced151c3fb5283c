"""TIME application rationalisation: Tolerate, Invest, Migrate, Eliminate.

An application's TIME position follows from two scores on a 1-5 scale:

* business value ``>= HIGH_VALUE_THRESHOLD`` (3) counts as high value;
* technical condition ``>= GOOD_CONDITION_THRESHOLD`` (3) counts as good condition.

=============  ===============  ===============
value          good condition   poor condition
=============  ===============  ===============
high (3-5)     invest           migrate
low (1-2)      tolerate         eliminate
=============  ===============  ===============

The middle score 3 counts as high/good so that only applications scored below the middle are
pushed towards Migrate or Eliminate (see docs/analysis-spend.md).
"""

from typing import Literal

TimePosition = Literal["tolerate", "invest", "migrate", "eliminate"]
TIME_POSITIONS: tuple[TimePosition, ...] = ("tolerate", "invest", "migrate", "eliminate")

SCORE_MIN = 1
SCORE_MAX = 5
HIGH_VALUE_THRESHOLD = 3
GOOD_CONDITION_THRESHOLD = 3


def _check_score(name: str, value: object) -> int:
    # bool is an int subclass; True as a score is a bug upstream, not a 1.
    if isinstance(value, bool) or not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
        raise ValueError(
            f"{name} must be a whole number from {SCORE_MIN} to {SCORE_MAX}, got {value!r}"
        )
    return value


def derive_time_position(business_value: int, technical_condition: int) -> TimePosition:
    """Return the TIME position for a business value and technical condition score (1-5)."""
    high_value = _check_score("business_value", business_value) >= HIGH_VALUE_THRESHOLD
    good_condition = (
        _check_score("technical_condition", technical_condition) >= GOOD_CONDITION_THRESHOLD
    )
    if high_value:
        return "invest" if good_condition else "migrate"
    return "tolerate" if good_condition else "eliminate"
