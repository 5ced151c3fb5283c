"""The board dashboard: one computation used by the page, the API, the board report and the
command line, so they can never disagree.

The scope is an organisation, or an organisation with every organisation below it; its ids
are read once and every tile aggregates over them, so the number of queries does not grow
with the number of organisations."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation
from omslag.organisations.access import organisation_can_read
from omslag.organisations.models import Membership, Organisation, Role
from omslag.organisations.selectors import organisation_subtree

from .decisions import decisions_summary
from .tiles import DecisionWaiting, Freshness, TileData, tiles_registered


@dataclass
class TileResult:
    key: str
    title: str
    data: TileData
    link: str
    template: str  # renders the tile's figures (the page and the PDF include it)


@dataclass
class Dashboard:
    organisation: Organisation
    with_children: bool
    as_of: dt.date
    organisation_ids: list[int]
    tiles: list[TileResult] = field(default_factory=list)
    # The oldest DECISIONS_PER_KIND of each kind; the counts are of every one waiting.
    decisions: list[DecisionWaiting] = field(default_factory=list)
    decision_counts: dict[str, int] = field(default_factory=dict)
    decisions_per_kind: int = 0
    freshness: list[Freshness] = field(default_factory=list)
    tile_decisions: list[DecisionWaiting] = field(default_factory=list)  # listed by tiles

    @property
    def decisions_total(self) -> int:
        return sum(self.decision_counts.values()) + len(self.tile_decisions)

    def tile(self, key: str) -> TileResult | None:
        return next((t for t in self.tiles if t.key == key), None)


# The dashboard shows the oldest this many of each kind of decision waiting, with the total and
# a link to the full list (the decisions page).
DECISIONS_PER_KIND = 20

BOARD_ROLES = frozenset({Role.BOARD, Role.AUDITOR})


def board_organisations(person: Any) -> list[Organisation] | None:
    """For a person whose only roles are board member or auditor: the organisations they hold
    those roles on (their home page is the dashboard). None for anyone else."""
    if not person.is_authenticated or person.is_superuser:
        return None
    memberships = list(
        Membership.objects.filter(person=person, organisation__deleted_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    if not memberships or any(m.role not in BOARD_ROLES for m in memberships):
        return None
    return list({m.organisation_id: m.organisation for m in memberships}.values())


def scope_ids(organisation: Organisation, with_children: bool) -> list[int]:
    if not with_children:
        return [organisation.pk]
    return list(organisation_subtree(organisation).values_list("pk", flat=True))


def data_begins(organisation_ids: Sequence[int]) -> dt.date | None:
    """The earliest date any register of these organisations has data for: the first year of
    spend, the first project report, the first idea or experiment."""
    from omslag.innovation.models import Experiment, Idea
    from omslag.portfolio.models import SpendLine
    from omslag.projects.models import ProjectReport

    candidates = []
    first_year = SpendLine.objects.filter(organisation_id__in=organisation_ids).aggregate(
        first=Min("year")
    )["first"]
    if first_year:
        candidates.append(dt.date(first_year, 1, 1))
    first_report = ProjectReport.objects.filter(
        project__organisation_id__in=organisation_ids, project__deleted_at__isnull=True
    ).aggregate(first=Min("peildatum"))["first"]
    if first_report:
        candidates.append(first_report)
    for model in (Experiment, Idea):
        first = model.objects.filter(organisation_id__in=organisation_ids).aggregate(
            first=Min("created_at")
        )["first"]
        if first:
            candidates.append(timezone.localtime(first).date())
    return min(candidates, default=None)


def as_of_check(organisation_ids: Sequence[int], as_of: dt.date, today: dt.date) -> None:
    """Refuse a date in the future or before any data: the figures would be empty or made up."""
    if as_of > today:
        raise RuleViolation(
            _("The as-of date %(date)s lies in the future; choose today or an earlier date.")
            % {"date": as_of.isoformat()}
        )
    begins = data_begins(organisation_ids)
    if begins is not None and as_of < begins:
        raise RuleViolation(
            _(
                "The as-of date %(date)s lies before any data of this selection; the first "
                "data are of %(begins)s."
            )
            % {"date": as_of.isoformat(), "begins": begins.isoformat()}
        )


def dashboard_for(
    *,
    person: Any,
    organisation: Organisation,
    with_children: bool,
    as_of: dt.date | None,
    progress: Any = None,
) -> Dashboard:
    """The board dashboard of ``organisation`` (with the organisations below it when
    ``with_children``) as of a date (today when None). 404 when the person may not read the
    organisation; RuleViolation for an as-of date in the future or before any data.
    ``progress(done, total, title)`` is called before each tile (the board report's job)."""
    if person is not None and not organisation_can_read(person, organisation):
        raise Http404("No organisation matches the given query.")
    today = timezone.localdate()
    ids = scope_ids(organisation, with_children)
    if as_of is not None:
        as_of_check(ids, as_of, today)
    as_of = as_of or today
    dashboard = Dashboard(organisation, with_children, as_of, ids)
    tiles = list(tiles_registered())
    for index, tile in enumerate(tiles):
        if progress is not None:
            progress(index, len(tiles), str(tile.title()))
        data = tile.compute(ids, as_of, organisation=organisation)
        link = tile.link(organisation, with_children) if tile.link else ""
        dashboard.tiles.append(TileResult(tile.key, str(tile.title()), data, link, tile.template))
        dashboard.tile_decisions += data.decisions
        dashboard.freshness += data.freshness
    # The four kinds are counted in the database and only their oldest are loaded; tiles of
    # other apps may list decisions of their own.
    waiting = decisions_summary(ids, as_of, organisation=organisation, per_kind=DECISIONS_PER_KIND)
    dashboard.decisions = dashboard.tile_decisions + waiting.oldest
    dashboard.decision_counts = waiting.counts
    dashboard.decisions_per_kind = DECISIONS_PER_KIND
    dashboard.decisions.sort(key=lambda d: (-(d.age_days or 0), d.subject))
    return dashboard
