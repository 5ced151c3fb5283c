"""The arithmetic of a scan result, without the database: per dimension the median of all
scores given to its statements, the spread between people (the lowest and highest of each
respondent's own score on the dimension) and the disagreement flag. Works on plain (person,
statement, score) triples."""

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .scan import Scan

# Below this many respondents the lowest and highest scores are not shown: with one or two
# people they are (nearly) a single person's answers.
MIN_RESPONDENTS_FOR_SPREAD = 3
DISAGREEMENT_POINTS = 2
# A dimension whose median is below this is "low": a board member can make it an action.
LOW_MEDIAN = 3.0
# Peer figures only from at least this many other organisations (k-anonymity).
MIN_PEERS = 5


@dataclass(frozen=True)
class DimensionScores:
    code: str
    scores: tuple[int, ...]
    # Each respondent's own score on the dimension: the mean of their scores on its
    # statements, to one decimal.
    person_scores: tuple[Decimal, ...] = ()

    @property
    def median(self) -> float | None:
        return float(statistics.median(self.scores)) if self.scores else None


def respondents(triples: Iterable[tuple[int, str, int]]) -> int:
    return len({person for person, _statement, _score in triples})


def person_score(scores: Iterable[int]) -> Decimal:
    """One person's score on a dimension: the mean of their scores, to one decimal (half up)."""
    values = list(scores)
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def dimension_scores(scan: Scan, triples: Iterable[tuple[int, str, int]]) -> list[DimensionScores]:
    """The scores per dimension, in the scan's order; answers to unknown statements (from an
    older version of the scan) are left out."""
    dimension_of = {s.code: s.dimension for s in scan.statements}
    by_dimension: dict[str, list[int]] = {d.code: [] for d in scan.dimensions}
    by_person: dict[str, dict[int, list[int]]] = {
        d.code: defaultdict(list) for d in scan.dimensions
    }
    for person, statement, score in triples:
        if statement in dimension_of:
            by_dimension[dimension_of[statement]].append(int(score))
            by_person[dimension_of[statement]][person].append(int(score))
    return [
        DimensionScores(
            code,
            tuple(sorted(scores)),
            tuple(sorted(person_score(own) for own in by_person[code].values())),
        )
        for code, scores in by_dimension.items()
    ]


def spread(
    scores: DimensionScores, respondent_count: int
) -> tuple[Decimal | None, Decimal | None, bool]:
    """(lowest, highest, disagreement) of the respondents' own scores on the dimension; None and
    False below three respondents. Disagreement: two people's scores lie 2 points or more
    apart, whatever each person's own answers vary by."""
    if respondent_count < MIN_RESPONDENTS_FOR_SPREAD or not scores.person_scores:
        return None, None, False
    low, high = min(scores.person_scores), max(scores.person_scores)
    return low, high, high - low >= DISAGREEMENT_POINTS


def median_of(values: Iterable[float]) -> float | None:
    values = list(values)
    return float(statistics.median(values)) if values else None
