"""The board report: the dashboard as PDF (WeasyPrint, imported on first use), as a
spreadsheet (XLSX / ODS, one sheet of figures and one per table) and as JSON (the API's
document). Every format is drawn from the same ``Dashboard``."""

import json
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from omslag.common.tabular.formats import CONTENT_TYPES, neutralise

from .decisions import decisions_iter
from .document import dashboard_document
from .selectors import Dashboard

REPORT_FORMATS = ("pdf", "xlsx", "ods", "json")


def report_filename(dashboard: Dashboard, fmt: str) -> str:
    scope = "-with-children" if dashboard.with_children else ""
    return f"board-report-{dashboard.organisation.slug}{scope}-{dashboard.as_of}.{fmt}"


# The PDF lists the decisions that have waited longest, up to this many. A ministry with its
# agencies can have a thousand and more (every project above the review threshold without
# advice, every experiment at a gate); laid out in full they made a report of 60 pages that
# took WeasyPrint a minute. The spreadsheets and the dashboard keep every one.
REPORT_DECISIONS_SHOWN = 100


def decisions_every(dashboard: Dashboard):
    """Every decision waiting (the dashboard holds only the oldest of each kind): those the
    tiles of other apps list, then the four kinds from the database, longest waiting first."""
    yield from dashboard.tile_decisions
    yield from decisions_iter(
        dashboard.organisation_ids, dashboard.as_of, organisation=dashboard.organisation
    )


def report_pdf(dashboard: Dashboard) -> bytes:
    from weasyprint import HTML  # lazy: heavy import

    html = render_to_string(
        "leadership/report_pdf.html",
        {
            "dashboard": dashboard,
            "decisions": dashboard.decisions[:REPORT_DECISIONS_SHOWN],
            "decisions_more": max(
                0, dashboard.decisions_total - len(dashboard.decisions[:REPORT_DECISIONS_SHOWN])
            ),
            "language": get_language() or "nl",
        },
    )
    return HTML(string=html).write_pdf()


def _cell(value):
    """A spreadsheet cell: amounts as numbers, dates as ISO text, text defused."""
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return value


def _sheet_title(text: str) -> str:
    # Spreadsheet sheet names: at most 31 characters, none of []:*?/\
    return "".join(c for c in str(text) if c not in "[]:*?/\\")[:31]


def report_spreadsheet(dashboard: Dashboard, fmt: str) -> bytes:
    import tablib

    document = dashboard_document(dashboard)
    figures = tablib.Dataset(headers=[_("Tile"), _("Figure"), _("Value")])
    figures.title = _sheet_title(_("Figures"))
    figures.append([_("Dashboard"), "asOf", document["asOf"]])
    figures.append([_("Dashboard"), "organisation", document["organisation"]["slug"]])
    figures.append([_("Dashboard"), "withChildren", document["withChildren"]])
    for tile in dashboard.tiles:
        for key, value in tile.data.figures.items():
            if not isinstance(value, list | dict):
                figures.append([tile.title, key, _cell(value)])
    sheets = [figures]
    for tile in dashboard.tiles:
        table = tile.data.table
        if table is None:
            continue
        sheet = tablib.Dataset(
            *[tuple(_cell(v) for v in row) for row in table.rows],
            headers=[str(h) for h in table.headers],
        )
        sheet.title = _sheet_title(tile.title)
        sheets.append(sheet)
    decisions = tablib.Dataset(
        *[
            (_cell(str(d.label)), _cell(d.subject), d.organisation, _cell(d.since), d.age_days)
            for d in decisions_every(dashboard)
        ],
        headers=[_("Waiting"), _("Subject"), _("Organisation"), _("Since"), _("Days")],
    )
    decisions.title = _sheet_title(_("Decisions waiting"))
    sheets.append(decisions)
    return tablib.Databook(sheets).export(fmt)


def report_render(dashboard: Dashboard, fmt: str) -> tuple[bytes, str]:
    """The report in ``fmt`` and its content type."""
    if fmt == "pdf":
        return report_pdf(dashboard), "application/pdf"
    if fmt == "json":
        body = json.dumps(dashboard_document(dashboard), ensure_ascii=False, indent=2)
        return body.encode(), CONTENT_TYPES["json"]
    if fmt in ("xlsx", "ods"):
        return report_spreadsheet(dashboard, fmt), CONTENT_TYPES[fmt]
    raise ValueError(f"unknown report format {fmt!r}")
