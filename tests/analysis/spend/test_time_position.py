"""TIME position: high value (>= 3) and good condition (>= 3) decide the quadrant."""

import pytest

from omslag.analysis.spend import TIME_POSITIONS, derive_time_position


@pytest.mark.parametrize(
    ("business_value", "technical_condition", "expected"),
    [
        # The four quadrants, well inside each.
        (5, 5, "invest"),  # high value, good condition
        (5, 1, "migrate"),  # high value, poor condition
        (1, 5, "tolerate"),  # low value, good condition
        (1, 1, "eliminate"),  # low value, poor condition
        # The boundary: 3 is high/good, 2 is low/poor.
        (3, 3, "invest"),
        (3, 2, "migrate"),
        (2, 3, "tolerate"),
        (2, 2, "eliminate"),
    ],
)
def test_quadrants_and_boundaries(
    business_value: int, technical_condition: int, expected: str
) -> None:
    assert derive_time_position(business_value, technical_condition) == expected


def test_every_score_pair_lands_in_exactly_the_quadrant_of_the_table() -> None:
    # 5 x 5 grid: value 3-5 x condition 3-5 = 9 invest, 3 x 2 = 6 migrate,
    # 2 x 3 = 6 tolerate, 2 x 2 = 4 eliminate; 9 + 6 + 6 + 4 = 25.
    counts = dict.fromkeys(TIME_POSITIONS, 0)
    for value in range(1, 6):
        for condition in range(1, 6):
            counts[derive_time_position(value, condition)] += 1
    assert counts == {"invest": 9, "migrate": 6, "tolerate": 6, "eliminate": 4}


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, True, None, "3"])
def test_business_value_outside_1_to_5_is_refused_by_name(bad: object) -> None:
    with pytest.raises(
        ValueError, match=r"business_value must be a whole number from 1 to 5"
    ) as info:
        derive_time_position(bad, 3)  # type: ignore[arg-type]
    assert repr(bad) in str(info.value)


@pytest.mark.parametrize("bad", [0, 6])
def test_technical_condition_outside_1_to_5_is_refused_by_name(bad: int) -> None:
    with pytest.raises(ValueError, match=rf"technical_condition .* got {bad}$"):
        derive_time_position(3, bad)
