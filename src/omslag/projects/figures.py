"""Which reports a project's figures rest on, their snapshots for the analysis core, and a
reference class's ratios.
Shared by the services (which store the figures) and the selectors (which show them)."""

from collections.abc import Sequence
from decimal import Decimal

from omslag.analysis.projects import ReferencePair as AnalysisPair
from omslag.analysis.projects import ReportSnapshot, filter_by_band, pair_ratios
from omslag.analysis.projects.reference_class import FloatArray

from .models import ProjectReport, ReferenceClass


def figures_reports(project) -> list[ProjectReport]:
    """The reports the official figures rest on: published ones that no later published report
    corrects; when there are none yet, the checked and concept ones (provisional)."""
    return choose_figure_reports(list(project.reports.all()))


def choose_figure_reports(reports) -> list[ProjectReport]:
    corrected = {
        r.corrects_id
        for r in reports
        if r.corrects_id and r.status == ProjectReport.Status.PUBLISHED
    }
    published = [
        r for r in reports if r.status == ProjectReport.Status.PUBLISHED and r.pk not in corrected
    ]
    chosen = published or [r for r in reports if r.pk not in corrected]
    return sorted(chosen, key=lambda r: (r.peildatum, r.pk))


def snapshots(reports) -> list[ReportSnapshot]:
    return [
        ReportSnapshot(
            peildatum=r.peildatum,
            total_cost_estimate=Decimal(r.total_cost_estimate),
            cumulative_actual_cost=r.cumulative_actual_cost,
            estimated_end_date=r.estimated_end_date,
            is_rebaseline=r.is_rebaseline,
        )
        for r in reports
    ]


def reference_ratios(
    reference_class: ReferenceClass,
    size: float | None = None,
    band_edges: Sequence[float] | None = None,
) -> FloatArray:
    """later/earlier of the class's pairs (those of the size band when given)."""
    pairs = [AnalysisPair(p.earlier, p.later, p.size) for p in reference_class.pairs.all()]
    if size is not None and band_edges:
        pairs = filter_by_band(pairs, size, band_edges)
    return pair_ratios(pairs)
