"""The accessibility statement's facts: the results of the last automatic check (written by
the browser tests, see docs/participation.md) and the known limitations, kept by hand here."""

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

RESULTS_FILE = Path(__file__).resolve().parent / "accessibility_results.json"

# Known limitations: what the automatic check cannot see or what does not yet meet WCAG 2.1 AA.
# Keep this list honest; the statement shows it as it is.
KNOWN_LIMITATIONS = [
    _(
        "The automatic check of 7 December 2026 was stopped before its end on a busy test "
        "machine: it covered the signed-in pages of every role (of the board member only the "
        "dashboard and the maturity scan: the full walk timed out) and the sign-in and error "
        "pages, but not the separate walks of the public open-data pages, the public challenge "
        "with its proposal form, the questionnaire constructs, the safeguards and the pages "
        "without JavaScript. In the complete run earlier that day those had no violations."
    ),
    _(
        "The automatic check finds only part of the possible problems (about a third of the "
        "WCAG success criteria can be tested automatically). No manual test with a screen "
        "reader or by an independent expert has been done yet."
    ),
    _(
        "Pages are checked in one browser (Chromium) at two widths (390 and 1280 pixels); "
        "other browsers, zoom levels up to 400% and screen readers have not been tested "
        "systematically."
    ),
    _(
        "Files to download (CSV, XLSX, ODS, JSON) and uploaded files are not checked for "
        "accessibility."
    ),
    _(
        "Charts are images with a text alternative and a table with the same figures; the "
        "chart images themselves cannot be explored with assistive technology."
    ),
]


@dataclass(frozen=True)
class AxeResults:
    checked_on: dt.date
    pages: int
    roles: list[str]
    violations: int
    pages_with_violations: int
    tool: str
    standard: str


def results_load(path: Path = RESULTS_FILE) -> AxeResults | None:
    """The last recorded check, or None when none was recorded."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return AxeResults(
        checked_on=dt.date.fromisoformat(data["checked_on"]),
        pages=int(data["pages"]),
        roles=list(data["roles"]),
        violations=int(data["violations"]),
        pages_with_violations=int(data["pages_with_violations"]),
        tool=str(data["tool"]),
        standard=str(data["standard"]),
    )


def results_write(path: Path, *, checked_on, pages, roles, violations, pages_with_violations, tool):
    """Write the results of a check (called by the browser tests)."""
    data = {
        "checked_on": checked_on.isoformat(),
        "pages": pages,
        "roles": sorted(roles),
        "violations": violations,
        "pages_with_violations": pages_with_violations,
        "tool": tool,
        "standard": "WCAG 2.1 A/AA",
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
