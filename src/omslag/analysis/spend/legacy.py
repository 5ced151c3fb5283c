"""Legacy risk: end of support, dependency fan-in, dependency cycles and age.

Dependency edges are ``(dependent_id, dependency_id)`` pairs: "A depends on B" is ``(A, B)``.
The dependents of B are what breaks if B goes. Application ids may be any hashable value.
"""

import calendar
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, Literal, TypeVar

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

SupportStatus = Literal["past", "within_window", "later", "unknown"]
DEFAULT_SUPPORT_WINDOW_MONTHS = 24
DEFAULT_AGE_BUCKET_EDGES = (5, 10, 20, 30)
UNKNOWN_AGE = "unknown"

AppId = TypeVar("AppId", bound=Hashable)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def end_of_support_status(
    end_of_support: date | None,
    today: date,
    window_months: int = DEFAULT_SUPPORT_WINDOW_MONTHS,
) -> SupportStatus:
    """Where an end-of-support date lies: past, within the next ``window_months``, or later.

    Support still runs on the end date itself, so that day is ``within_window``; the window
    ends on the same day of the month ``window_months`` later (clamped to the month's end).
    """
    if isinstance(window_months, bool) or not isinstance(window_months, int) or window_months < 0:
        raise ValueError(f"window_months must be a whole number >= 0, got {window_months!r}")
    if end_of_support is None:
        return "unknown"
    if end_of_support < today:
        return "past"
    if end_of_support <= _add_months(today, window_months):
        return "within_window"
    return "later"


@dataclass(frozen=True, slots=True)
class FanIn:
    """How many applications depend on one: directly, and directly or through others."""

    direct_dependents: int
    transitive_dependents: int


def _strong_component_labels(size: int, pairs: Sequence[tuple[int, int]]) -> list[int]:
    """Label each node with its strongly connected component (scipy, no recursion)."""
    if size == 0:
        return []
    sources = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    targets = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    matrix = coo_array(
        (np.ones(len(pairs), dtype=np.int8), (sources, targets)), shape=(size, size)
    ).tocsr()
    _, labels = connected_components(matrix, directed=True, connection="strong")
    return [int(label) for label in labels]


class _Graph(Generic[AppId]):
    """Edges deduplicated and numbered, with the strongly connected components."""

    def __init__(self, edges: Iterable[tuple[AppId, AppId]], applications: Iterable[AppId]):
        self.index: dict[AppId, int] = {}
        pairs: set[tuple[int, int]] = set()
        for dependent, dependency in edges:
            pairs.add((self._number(dependent), self._number(dependency)))
        for application in applications:
            self._number(application)
        self.ids: list[AppId] = list(self.index)
        self.pairs = sorted(pairs)
        self.labels = _strong_component_labels(len(self.ids), self.pairs)

    def _number(self, application: AppId) -> int:
        return self.index.setdefault(application, len(self.index))

    def components(self) -> list[list[int]]:
        """Node numbers per component, indexed by label."""
        members: list[list[int]] = [[] for _ in range(max(self.labels, default=-1) + 1)]
        for node, label in enumerate(self.labels):
            members[label].append(node)
        return members


def dependency_fan_in(
    edges: Iterable[tuple[AppId, AppId]], applications: Iterable[AppId] = ()
) -> dict[AppId, FanIn]:
    """Direct and transitive dependents per application; cycles and self-loops are allowed.

    ``applications`` adds ids without edges (they get 0/0). An application never counts as
    its own dependent, not even through a cycle.
    """
    graph = _Graph(edges, applications)
    labels = graph.labels
    members = graph.components()
    direct = [0] * len(graph.ids)
    # Component graph (acyclic): for each component, the components it depends on directly,
    # and how many distinct components depend on it.
    dependencies_of: list[set[int]] = [set() for _ in members]
    for dependent, dependency in graph.pairs:
        if dependent == dependency:
            continue
        direct[dependency] += 1
        source, target = labels[dependent], labels[dependency]
        if source != target:
            dependencies_of[source].add(target)
    waiting = [0] * len(members)
    for targets in dependencies_of:
        for target in targets:
            waiting[target] += 1
    # Kahn's order, starting from components nothing depends on, so that all dependents of a
    # component are collected before it is reached. Python ints serve as bitsets of node
    # numbers: 2,000 applications make 250-byte sets.
    dependents_of = [0] * len(members)
    member_bits = [sum(1 << node for node in nodes) for nodes in members]
    ready = [component for component, count in enumerate(waiting) if count == 0]
    while ready:
        component = ready.pop()
        reach = dependents_of[component] | member_bits[component]
        for target in dependencies_of[component]:
            dependents_of[target] |= reach
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    result: dict[AppId, FanIn] = {}
    for node, application in enumerate(graph.ids):
        label = labels[node]
        transitive = dependents_of[label].bit_count() + len(members[label]) - 1
        result[application] = FanIn(direct[node], transitive)
    return result


def transitive_dependents(edges: Iterable[tuple[AppId, AppId]], application: AppId) -> set[AppId]:
    """Every application that depends on ``application`` directly or through others."""
    dependents: dict[AppId, list[AppId]] = {}
    for dependent, dependency in edges:
        dependents.setdefault(dependency, []).append(dependent)
    found: set[AppId] = set()
    stack = [application]
    while stack:
        for dependent in dependents.get(stack.pop(), ()):
            if dependent not in found:
                found.add(dependent)
                stack.append(dependent)
    found.discard(application)
    return found


def find_cycles(edges: Iterable[tuple[AppId, AppId]]) -> list[frozenset[AppId]]:
    """Dependency cycles: strongly connected components of more than one application, and
    applications that depend on themselves; in order of first appearance in ``edges``."""
    graph = _Graph(edges, ())
    self_loops = {a for a, b in graph.pairs if a == b}
    cycles = []
    for nodes in sorted(graph.components(), key=min):
        if len(nodes) > 1 or nodes[0] in self_loops:
            cycles.append(frozenset(graph.ids[node] for node in nodes))
    return cycles


def _age_labels(bucket_edges: Sequence[int]) -> list[str]:
    lower = [0, *bucket_edges]
    labels = [f"{low}-{high - 1}" for low, high in zip(lower, bucket_edges, strict=False)]
    return [*labels, f"{bucket_edges[-1]}+"]


def age_distribution(
    go_live_years: Iterable[int | None],
    today_year: int,
    bucket_edges: Sequence[int] = DEFAULT_AGE_BUCKET_EDGES,
) -> dict[str, int]:
    """Count applications per age bucket (age = ``today_year`` - go-live year, in years).

    With edges (5, 10, 20, 30) the buckets are 0-4, 5-9, 10-19, 20-29 and 30+; a missing
    go-live year counts as ``unknown``. Every bucket is present, also when empty.
    """
    edges = list(bucket_edges)
    if (
        not edges
        or any(isinstance(edge, bool) or not isinstance(edge, int) for edge in edges)
        or edges[0] <= 0
        or any(low >= high for low, high in zip(edges, edges[1:], strict=False))
    ):
        raise ValueError(
            f"bucket_edges must be whole numbers > 0 in increasing order, got {bucket_edges!r}"
        )
    known: list[int] = []
    unknown = 0
    for year in go_live_years:
        if year is None:
            unknown += 1
        elif year > today_year:
            raise ValueError(f"go-live year {year} is after {today_year}")
        else:
            known.append(today_year - year)
    ages = np.asarray(known, dtype=np.int64)
    buckets = np.searchsorted(np.asarray(edges, dtype=np.int64), ages, side="right")
    counts = np.bincount(buckets, minlength=len(edges) + 1)
    distribution = {
        label: int(count) for label, count in zip(_age_labels(edges), counts, strict=True)
    }
    distribution[UNKNOWN_AGE] = unknown
    return distribution
