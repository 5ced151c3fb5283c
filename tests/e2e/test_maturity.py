"""The digital-maturity scan in Chromium: every page passes axe-core (WCAG 2.1 A/AA) as the
board member and as the auditor, the results carry a chart with a data table per dimension,
and the board member answers the open round with JavaScript switched off.

The demo data loads once for the module (the ``capabilities`` fixture); the test that answers
runs last."""

import datetime as dt

from omslag.maturity.demo import round_title
from omslag.maturity.scan import current_scan

from .support import E2E, Tour, assert_charts, screenshot, sign_in

pytestmark = E2E

MUNICIPALITY = "gemeente-wadderveen"
MINISTRY = "ministerie-van-digitale-zaken"
BOARD = "bestuurder@omslag.example"
AUDITOR = "auditor@omslag.example"
STATEMENTS = len(current_scan().statements)
# The demo names its rounds after the month they opened (7 and 90 days ago).
OPEN_ROUND = round_title(dt.date.today() - dt.timedelta(days=7))
LATEST_CLOSED = round_title(dt.date.today() - dt.timedelta(days=90))


def _tour(new_page, site, email, key, **options) -> Tour:
    page = new_page(**options)
    sign_in(page, site.url, email)
    return Tour(page, site.url, key)


def _open(tour: Tour, slug: str, title: str, label: str) -> None:
    tour.visit(f"/organisations/{slug}/maturity", f"{label}: rounds")
    with tour.page.expect_navigation():
        tour.page.get_by_role("link", name=title, exact=True).click()
    tour.check(f"{label}: round {title}")


def test_the_board_member_sees_accessible_scan_pages(capabilities, new_page):
    tour = _tour(new_page, capabilities, BOARD, "board")
    page = tour.page
    tour.visit(f"/organisations/{MUNICIPALITY}", "organisation page")
    assert page.locator(f"a[href='/organisations/{MUNICIPALITY}/maturity']").count() == 1

    _open(tour, MUNICIPALITY, OPEN_ROUND, "municipality")
    round_url = page.url.removeprefix(capabilities.url)
    tour.visit(f"{round_url}/answer", "answer form")
    assert page.locator("main input[type=radio]").count() == 5 * STATEMENTS
    screenshot(page, "maturity-answer-form", palette=True)
    # Sending an empty form: an error summary and a message at every statement, all checked.
    tour.submit(
        page.locator("main form.stacked button[type=submit]"), "answer form, errors", status=400
    )
    assert page.locator(".field__error").count() == STATEMENTS
    tour.visit(f"{round_url}/results", "results of an open round")
    assert "zodra de ronde sluit" in page.inner_text("main")

    _open(tour, MUNICIPALITY, LATEST_CLOSED, "municipality")
    closed_url = page.url.removeprefix(capabilities.url)
    tour.visit(f"{closed_url}/results", "results", open_details=True)
    assert_charts(page, "results", count=6)
    assert page.locator("#summary tbody tr").count() == 6
    assert page.locator("main form button[type=submit]").count() >= 1  # a low dimension to act on
    screenshot(page, "maturity-results", palette=True, max_bytes=400_000)
    tour.visit(f"{closed_url}/answers/0", "someone else's answers", status=404, check=False)

    tour.visit(f"/organisations/{MUNICIPALITY}/maturity/peers", "peers")
    assert page.locator("#peers tbody tr").count() == 6
    tour.assert_accessible()


def test_the_auditor_sees_accessible_results_and_no_form(capabilities, new_page):
    tour = _tour(new_page, capabilities, AUDITOR, "auditor")
    page = tour.page
    _open(tour, MINISTRY, LATEST_CLOSED, "ministry")
    assert page.get_by_role("link", name="De scan invullen").count() == 0
    round_url = page.url.removeprefix(capabilities.url)
    tour.visit(f"{round_url}/answer", "the statements, read only")
    assert page.locator("main input[type=radio]").count() == 0
    assert page.locator("main ol.statements li").count() == STATEMENTS
    tour.visit(f"{round_url}/results", "ministry results", open_details=True)
    assert_charts(page, "ministry results", count=6)
    # Auditors read; they make no improvement actions.
    assert page.locator("main form button[type=submit]").count() == 0
    tour.visit(f"/organisations/{MINISTRY}/maturity/peers", "ministry peers")
    assert page.locator("#peers-hidden").count() == 1
    tour.assert_accessible()


def test_the_board_member_answers_without_javascript(capabilities, new_page):
    """Plain forms only; axe needs JavaScript, so these pages were checked above."""
    page = new_page(java_script_enabled=False)
    sign_in(page, capabilities.url, BOARD)
    tour = Tour(page, capabilities.url, "board without JavaScript")
    tour.visit(f"/organisations/{MUNICIPALITY}/maturity", "rounds", check=False)
    with page.expect_navigation():
        page.get_by_role("link", name=OPEN_ROUND, exact=True).click()
    round_url = page.url.removeprefix(capabilities.url)
    tour.visit(f"{round_url}/answer", "answer form", check=False)
    for index, statement in enumerate(current_scan().statements):
        page.check(f"#score-{statement.code}_{index % 5}")  # the score 1 + index % 5
        page.fill(f"#evidence-{statement.code}", f"Onderbouwing zonder JavaScript {index}")
    tour.submit(page.locator("main form.stacked button[type=submit]"), "own answers", check=False)
    assert page.url.startswith(capabilities.url + f"{round_url}/answers/")
    text = page.inner_text("main")
    assert "Onderbouwing zonder JavaScript 0" in text
    assert f"Onderbouwing zonder JavaScript {STATEMENTS - 1}" in text
    # The other participants' evidence is not on the page.
    assert "Besproken in de bestuursvergadering" not in text
    tour.visit(round_url, "round after answering", check=False)
    assert "3 van 4 deelnemers" in page.inner_text("main")
