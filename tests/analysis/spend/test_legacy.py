"""Legacy risk: end of support, who depends on what, cycles, and application age."""

import random
from collections.abc import Hashable
from datetime import date

import pytest

from omslag.analysis.spend import (
    FanIn,
    age_distribution,
    dependency_fan_in,
    end_of_support_status,
    find_cycles,
    transitive_dependents,
)

# -- end of support -----------------------------------------------------------------------------

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("end_of_support", "expected"),
    [
        (None, "unknown"),
        (date(2026, 3, 14), "past"),  # ended yesterday
        (date(2026, 3, 15), "within_window"),  # support still runs today
        (date(2028, 3, 15), "within_window"),  # exactly 24 months ahead
        (date(2028, 3, 16), "later"),  # one day beyond the window
    ],
)
def test_status_against_a_24_month_window(end_of_support: date | None, expected: str) -> None:
    assert end_of_support_status(end_of_support, TODAY) == expected


def test_window_ends_on_the_last_day_of_a_shorter_month() -> None:
    # 31 August 2026 + 6 months = 31 February, which is 28 February 2027
    today = date(2026, 8, 31)
    assert end_of_support_status(date(2027, 2, 28), today, window_months=6) == "within_window"
    assert end_of_support_status(date(2027, 3, 1), today, window_months=6) == "later"


def test_a_zero_window_holds_only_today_and_a_negative_one_is_refused() -> None:
    assert end_of_support_status(TODAY, TODAY, window_months=0) == "within_window"
    assert end_of_support_status(date(2026, 3, 16), TODAY, window_months=0) == "later"
    with pytest.raises(ValueError, match="window_months must be a whole number >= 0, got -1"):
        end_of_support_status(TODAY, TODAY, window_months=-1)


# -- dependency fan-in --------------------------------------------------------------------------

#   A ──► B ──► C ──► D ◄── E        F (no dependencies)      G ──► G
#         ▲     │
#         └─────┘   B and C depend on each other (a cycle)
#
# An arrow X ──► Y means "X depends on Y": if Y goes, X breaks.
EDGES = [
    ("A", "B"),
    ("A", "B"),  # registered twice; still one dependent
    ("B", "C"),
    ("C", "B"),
    ("C", "D"),
    ("E", "D"),
    ("G", "G"),
]


def test_fan_in_on_a_small_graph_with_a_cycle() -> None:
    fan_in = dependency_fan_in(EDGES, applications=["F"])
    assert fan_in == {
        "A": FanIn(direct_dependents=0, transitive_dependents=0),
        # B: A and C directly; nothing more
        "B": FanIn(direct_dependents=2, transitive_dependents=2),
        # C: B directly, A through B; C itself (via B) does not count
        "C": FanIn(direct_dependents=1, transitive_dependents=2),
        # D: C and E directly, B through C, A through B: {A, B, C, E}
        "D": FanIn(direct_dependents=2, transitive_dependents=4),
        "E": FanIn(direct_dependents=0, transitive_dependents=0),
        "F": FanIn(direct_dependents=0, transitive_dependents=0),
        # depending on yourself breaks nothing else
        "G": FanIn(direct_dependents=0, transitive_dependents=0),
    }


def test_what_breaks_if_an_application_goes() -> None:
    assert transitive_dependents(EDGES, "D") == {"A", "B", "C", "E"}
    assert transitive_dependents(EDGES, "C") == {"A", "B"}
    assert transitive_dependents(EDGES, "G") == set()
    assert transitive_dependents(EDGES, "unknown") == set()


def test_cycles_are_groups_of_two_or_more_and_self_dependencies() -> None:
    assert find_cycles(EDGES) == [frozenset({"B", "C"}), frozenset({"G"})]
    assert find_cycles([("A", "B"), ("B", "C")]) == []
    assert dependency_fan_in([]) == {}
    assert find_cycles([]) == []


def _reference_reach(edges: list[tuple[int, int]], start: int, forward: bool) -> set[int]:
    """Naive breadth-first search, written independently of the code under test."""
    seen: set[int] = set()
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for a, b in edges:
            source, target = (a, b) if forward else (b, a)
            if source == node and target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


def test_fan_in_and_cycles_agree_with_a_naive_search_on_a_random_graph() -> None:
    rng = random.Random(20260315)
    nodes = list(range(60))
    edges = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(110)]
    fan_in = dependency_fan_in(edges, applications=nodes)
    for node in nodes:
        dependents = _reference_reach(edges, node, forward=False) - {node}
        direct = {a for a, b in edges if b == node and a != node}
        assert fan_in[node] == FanIn(len(direct), len(dependents)), node
        assert transitive_dependents(edges, node) == dependents
    # a cycle is a set of nodes that reach each other (or a node that reaches itself)
    expected: set[frozenset[Hashable]] = set()
    for node in nodes:
        forward = _reference_reach(edges, node, forward=True)
        if node in forward:
            backward = _reference_reach(edges, node, forward=False)
            expected.add(frozenset((forward & backward) | {node}))
    assert set(find_cycles(edges)) == expected
    assert any(len(cycle) > 1 for cycle in expected)  # the seed does produce a real cycle


def test_long_chains_and_cycles_hit_no_recursion_limit() -> None:
    # 0 ──► 1 ──► ... ──► 2999: node k is needed by 0 .. k-1, so k transitive dependents
    chain = [(k, k + 1) for k in range(2999)]
    fan_in = dependency_fan_in(chain)
    assert fan_in[2999] == FanIn(1, 2999)
    assert fan_in[1500] == FanIn(1, 1500)
    assert fan_in[0] == FanIn(0, 0)
    # close the loop 2999 ──► 0: all 3,000 in one cycle; each has the other 2,999 as dependents
    loop = [*chain, (2999, 0)]
    assert find_cycles(loop) == [frozenset(range(3000))]
    assert {f.transitive_dependents for f in dependency_fan_in(loop).values()} == {2999}


# -- age ----------------------------------------------------------------------------------------


def test_age_buckets_from_the_go_live_year() -> None:
    go_live = [
        2026,  # age 0  -> 0-4
        2022,  # age 4  -> 0-4
        2021,  # age 5  -> 5-9
        2017,  # age 9  -> 5-9
        2016,  # age 10 -> 10-19
        2007,  # age 19 -> 10-19
        2006,  # age 20 -> 20-29
        1997,  # age 29 -> 20-29
        1996,  # age 30 -> 30+
        1980,  # age 46 -> 30+
        None,  # no go-live year registered
    ]
    assert age_distribution(go_live, today_year=2026) == {
        "0-4": 2,
        "5-9": 2,
        "10-19": 2,
        "20-29": 2,
        "30+": 2,
        "unknown": 1,
    }


def test_every_bucket_is_present_even_when_empty_and_edges_can_be_chosen() -> None:
    assert age_distribution([], 2026, bucket_edges=(10,)) == {"0-9": 0, "10+": 0, "unknown": 0}
    # ages 9 and 10 fall either side of the single edge
    assert age_distribution([2017, 2016], 2026, bucket_edges=(10,)) == {
        "0-9": 1,
        "10+": 1,
        "unknown": 0,
    }


def test_bad_age_input_is_refused() -> None:
    with pytest.raises(ValueError, match="go-live year 2030 is after 2026"):
        age_distribution([2030], 2026)
    for edges in [(), (10, 5), (0, 5), (5, 5)]:
        with pytest.raises(ValueError, match="bucket_edges must be whole numbers > 0"):
            age_distribution([2020], 2026, bucket_edges=edges)
