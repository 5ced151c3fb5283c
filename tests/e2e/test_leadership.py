"""The board dashboard in Chromium: axe-core finds no WCAG 2.1 A/AA violation for the board
member or the auditor, every chart has its caption, alt text and table, and the whole flow
(choose the scope and date, have the report made and download it) works without JavaScript."""

import pytest

from .support import E2E, Tour, assert_charts, screenshot, sign_in

pytestmark = E2E

MINISTRY = "ministerie-van-digitale-zaken"
CLOSE_DETAILS = "() => document.querySelectorAll('main details').forEach(d => { d.open = false; })"


@pytest.mark.parametrize(
    ("email", "slug"),
    [
        ("bestuurder-rijk@omslag.example", MINISTRY),
        ("bestuurder@omslag.example", "gemeente-wadderveen"),
        ("auditor@omslag.example", MINISTRY),
    ],
    ids=["board-ministry", "board-municipality", "auditor"],
)
def test_the_dashboard_passes_axe_for_the_board_and_the_auditor(demo, new_page, email, slug):
    page = new_page()
    sign_in(page, demo.url, email)
    assert page.url == f"{demo.url}/organisations/{slug}/dashboard"  # their home page
    tour = Tour(page, demo.url, email)
    tour.check("dashboard as home page", open_details=True)
    # Five register tiles and the maturity scan's (the demo has closed scan rounds).
    assert_charts(page, "dashboard", count=6)
    if slug == MINISTRY:
        tour.visit(
            f"/organisations/{slug}/dashboard?below=1", "dashboard rolled up", open_details=True
        )
        assert_charts(page, "dashboard rolled up", count=6)
        if email.startswith("bestuurder-rijk"):
            page.evaluate(
                "() => document.querySelectorAll('main details').forEach(d => d.open = false)"
            )
            screenshot(page, "board-dashboard", palette=True, max_bytes=600_000)
        # The full list of the decisions waiting (the demo has some), sorted.
        with page.expect_navigation():
            page.locator("#decisions-all").click()
        assert "/dashboard/decisions?below=1" in page.url
        tour.visit(
            f"/organisations/{slug}/dashboard/decisions?below=1&sort=-subject",
            "decisions waiting, sorted",
        )
        tour.visit(
            f"/organisations/{slug}/dashboard?as_of=2999-01-01",
            "dashboard with a date in the future",
            status=400,
        )
    tour.assert_accessible()


def test_the_whole_flow_works_without_javascript(demo, new_page):
    page = new_page(java_script_enabled=False, accept_downloads=True)
    base = demo.url
    sign_in(page, base, "bestuurder-rijk@omslag.example")
    page.check("#id_below_1")
    with page.expect_navigation() as navigation:
        page.locator("main form.dashboard-selection button[type=submit]").click()
    assert navigation.value.status == 200
    assert "below=1" in page.url
    text = page.inner_text("main")
    assert "organisaties: deze en alles eronder" in text
    # A table of every tile opens without JavaScript (a details element).
    page.locator("#tile-projects ~ details summary").click()
    assert page.locator("#tile-projects ~ details table").is_visible()
    # Follow a drill-down link and come back.
    with page.expect_navigation():
        page.locator("section[aria-labelledby=tile-projects] a[href*='/projects']").click()
    assert "/organisations/ministerie-van-digitale-zaken/projects" in page.url
    page.go_back()
    # The report is a job: its page (here already done) offers the file.
    with page.expect_navigation():
        page.locator("main form.board-report button", has_text="XLSX").click()
    assert "/jobs/" in page.url
    with page.expect_download() as download:
        page.locator("main a[href$='/download']").click()
    assert download.value.suggested_filename.startswith("board-report-ministerie-van-digitale")
