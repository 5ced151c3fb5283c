"""Safeguards: coverage (subjects with every approved assessment their rules require), open
high risks, overdue mitigations, and algorithms registered versus published."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from omslag.algorithms.selectors import algorithm_publication_counts
from omslag.common import charts
from omslag.safeguards.coverage_stored import coverage_stored

from . import Chart, Table, TileData, stored_freshness

SUBJECT_LABELS = {
    "experiment": lambda: _("Experiments"),
    "project": lambda: _("Projects"),
    "application": lambda: _("Applications"),
}


def safeguards_compute(organisation_ids, as_of: dt.date, *, organisation) -> TileData:
    # Today's figures are the organisations' stored rows added up (refreshed when subjects,
    # assessments, risks, mitigations or rules change); an earlier date is counted now.
    stored = coverage_stored(organisation_ids, as_of)
    coverage = stored.coverage
    registered, published = algorithm_publication_counts(organisation_ids)
    measured = [s for s in coverage.subjects if s.total]
    chart = None
    if measured:
        labels = [SUBJECT_LABELS[s.subject]() for s in measured]
        chart = Chart(
            charts.share_bars(
                name="tile-safeguards",
                labels=labels,
                shares=[s.share for s in measured],
                notes=[f"{s.covered} / {s.total}" for s in measured],
                x_label=_("share with every required assessment approved"),
            ),
            _("Bar chart of safeguard coverage: ")
            + "; ".join(
                f"{label} {s.share}% ({s.covered} / {s.total})"
                for label, s in zip(labels, measured, strict=True)
            ),
        )
    return TileData(
        figures={
            "coverage": coverage.share,
            "covered": coverage.covered,
            "subjects": coverage.total,
            "openHighRisks": coverage.open_high_risks,
            "overdueMitigations": coverage.overdue_mitigations,
            "algorithmsRegistered": registered,
            "algorithmsPublished": published,
            # When the stored figures were computed (None: computed now for an earlier date)
            # and whether a refresh after a change is queued.
            "computedAt": stored.computed_at,
            "pending": stored.pending,
        },
        summary=_(
            "%(covered)s of %(total)s experiments, projects and applications have every "
            "approved assessment their rules require; %(risks)s open high risks."
        )
        % {
            "covered": coverage.covered,
            "total": coverage.total,
            "risks": coverage.open_high_risks,
        }
        + (
            " "
            + _(
                "Coverage and open high risks are those of today's assessments; overdue "
                "mitigations are counted on the chosen date."
            )
            if as_of != timezone.localdate()
            else ""
        ),
        table=Table(
            [_("Subject"), _("Total"), _("Covered"), _("Share")],
            [[SUBJECT_LABELS[s.subject](), s.total, s.covered, s.share] for s in coverage.subjects],
        ),
        chart=chart,
        freshness=stored_freshness(
            _("Safeguard figures (computed)"),
            stored.computed_at,
            stored.pending,
            _("Being updated after a recent change to the assessments or their subjects."),
        ),
    )


def safeguards_link(organisation, with_children: bool) -> str:
    return reverse("safeguards:coverage", args=[organisation.slug]) + (
        "?below=1" if with_children else ""
    )
