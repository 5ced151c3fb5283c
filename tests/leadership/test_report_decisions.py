"""The PDF lists the decisions that have waited longest and says how many more the
spreadsheets and the dashboard carry (a full list of a thousand made the PDF take a minute)."""

import pytest
from django.utils import translation

from omslag.leadership import report
from omslag.leadership.selectors import dashboard_for

from .test_report import pdf_text


def test_the_pdf_shows_the_longest_waiting_decisions_and_counts_the_rest(world, monkeypatch):
    board = dashboard_for(
        person=world["board"], organisation=world["ministry"], with_children=True, as_of=None
    )
    decisions = board.decisions
    if len(decisions) < 2:
        pytest.fail("the test world needs at least two decisions waiting")
    monkeypatch.setattr(report, "REPORT_DECISIONS_SHOWN", 1)
    with translation.override("en"):
        text = pdf_text(report.report_pdf(board))
    assert decisions[0].subject in text
    more = len(decisions) - 1
    noun = "is" if more == 1 else "are"
    assert (
        f"These are the 1 that have waited longest; {more} more {noun} in the XLSX and ODS "
        "report and on the dashboard." in text
    )
