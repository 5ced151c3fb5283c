"""The tiles of the board dashboard: a small registry, so that an app can add its own tile
(the maturity scan does) without editing this one.

A tile is registered with a key, a title, an order, a function that computes its figures and
a link (the drill-down). The compute function receives the ids of the organisations in scope,
the as-of date and the organisation the dashboard is of, and returns a ``TileData``: named
figures (camelCase keys, the API's names), a table, an optional chart, and what the board
should know about the data (freshness) and decide on (decisions waiting).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from omslag.common.chartimages import ChartImage


@dataclass
class Chart:
    image: ChartImage  # the chart: its address in the page, drawn when asked for
    alt: str


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # values as shown; amounts stay Decimal so templates format them


@dataclass
class Freshness:
    label: str
    as_of: dt.date | None  # the date the figure is as of (None: no data)
    stale: bool = False
    warning: str = ""


@dataclass
class DecisionWaiting:
    kind: str  # gate, scale-owner, review-advice, stuck-pilot
    label: str  # what waits, e.g. "Gate decision pending"
    subject: str  # the record's name
    organisation: str  # slug
    since: dt.date | None
    age_days: int | None
    url: str


@dataclass
class TileData:
    figures: dict  # camelCase name -> value (Decimal, int, float, str, None or a list)
    summary: str = ""  # one or two sentences that say what the figures mean
    table: Table | None = None
    chart: Chart | None = None
    freshness: list[Freshness] = field(default_factory=list)
    decisions: list[DecisionWaiting] = field(default_factory=list)


def stored_freshness(label, computed_at, pending: bool, warning) -> list[Freshness]:
    """The freshness line of a tile read from stored figures: when they were computed and,
    while a refresh after a change is queued, that they are being updated. None when the
    figures were computed now (an earlier as-of date)."""
    if computed_at is None:
        return []
    return [
        Freshness(
            label,
            timezone.localdate(computed_at),
            stale=pending,
            warning=warning if pending else "",
        )
    ]


@dataclass(frozen=True)
class Tile:
    key: str  # also the key of the tile's figures in the API
    title: Callable[[], str]  # lazily translated
    order: int
    compute: Callable[..., TileData]  # (organisation_ids, as_of, *, organisation) -> TileData
    link: Callable[..., str] | None = None  # (organisation, with_children) -> drill-down URL
    template: str = "leadership/tiles/generic.html"


_TILES: dict[str, Tile] = {}


def tile_register(tile: Tile) -> Tile:
    """Add ``tile`` to the dashboard (again with the same key replaces it)."""
    _TILES[tile.key] = tile
    return tile


def tiles_registered() -> list[Tile]:
    return sorted(_TILES.values(), key=lambda t: (t.order, t.key))
