"""The capabilities built on the foundation, in the browser: legacy and spend (applications,
spend, balance, scenarios), large ICT projects, and — when their pages exist — the innovation
pipeline and the safeguards.

Every page passes axe-core's WCAG 2.1 A and AA rules with zero violations, forms also after a
submit with an error, and every chart is an image with a text alternative and its figures in a
table. The daily tasks also work with JavaScript switched off.

The demo data loads once for the module (the ``capabilities`` fixture); the tests run in order,
and the one without JavaScript, which changes data, comes after the ones that only look.
"""

import re
from dataclasses import dataclass

import pytest

from .support import E2E, Tour, assert_charts, experiment_charts_expected, screenshot, sign_in

pytestmark = E2E

MUNICIPALITY = "gemeente-wadderveen"
MINISTRY = "ministerie-van-digitale-zaken"
# Screenshots of the long pages hold several charts; they are reduced to 256 colours and may
# be a little larger than those of the foundation.
SCREENSHOT_LIMIT = 400_000


@dataclass(frozen=True)
class Reader:
    key: str
    email: str
    may_change: bool


LEGACY_READERS = [
    Reader("editor", "redacteur@omslag.example", True),
    Reader("board", "bestuurder@omslag.example", False),
]
PROJECT_ADMIN = Reader("admin", "beheerder@omslag.example", True)


def _signed_in(new_page, site, who: Reader, **options) -> Tour:
    page = new_page(**options)
    sign_in(page, site.url, who.email)
    return Tour(page, site.url, who.key)


def _follow(tour: Tour, link, label: str, **check):
    """Follow a link as a visitor would, and check the page it leads to."""
    with tour.page.expect_navigation() as navigation:
        link.click()
    response = navigation.value
    assert response is not None and response.status == 200, (
        f"{tour.who}: {label} answered {response and response.status} (at {tour.page.url})"
    )
    tour.check(label, **check)
    return response


def _column(page, index: int) -> list[str]:
    """The texts of one column (0 is the row heading) of the results table."""
    return page.locator("main table.data-table tbody tr").evaluate_all(
        f"rows => rows.map(row => row.children[{index}].textContent.trim())"
    )


# --- 1. Legacy and spend ---------------------------------------------------------------------


@pytest.mark.parametrize("who", LEGACY_READERS, ids=lambda who: who.key)
def test_legacy_and_spend_pages_pass_axe(capabilities, new_page, who):
    tour = _signed_in(new_page, capabilities, who)
    page = tour.page
    base = f"/organisations/{MUNICIPALITY}"

    # The application list, filtered (Migrate and Eliminate) and sorted by end of support.
    tour.visit(f"{base}/applications", "application list")
    assert page.locator("main table.data-table tbody tr").count() > 0
    for position in ("migrate", "eliminate"):
        page.locator(f"main form.filters input[name=time][value={position}]").check()
    tour.submit(page.locator("main form.filters button[type=submit]"), "filtered list", check=False)
    sort = page.locator("main table.data-table thead a.sort-link[href*='sort=end-of-support']")
    _follow(tour, sort, "application list, filtered and sorted")
    assert re.search(r"time=migrate.*time=eliminate|time=eliminate.*time=migrate", page.url)
    assert "sort=end-of-support" in page.url
    assert page.locator("main th[aria-sort=ascending]").count() == 1
    tags = page.locator("main table.data-table tbody .time-tag").evaluate_all(
        "tags => tags.map(tag => tag.className)"
    )
    assert tags and all(re.search(r"time-tag--(migrate|eliminate)\b", tag) for tag in tags)

    # An application page, reached from the list.
    _follow(tour, page.locator("main table.data-table tbody th a").first, "application page")
    application_url = page.url.removeprefix(capabilities.url)
    edit = page.locator(f"main a[href='{application_url}/edit']")
    assert edit.count() == (1 if who.may_change else 0), "Edit button does not follow role"

    # The application form with an error: end of support before going live.
    if who.may_change:
        tour.visit(f"{application_url}/edit", "application form")
        page.fill("#id_go_live_year", "2020")
        page.fill("#id_end_of_support", "2015-06-01")
        tour.submit(
            page.locator("main form.stacked button[type=submit]"),
            "application form, end of support before go-live",
        )
        assert page.locator(".error-summary").count() == 1
        assert page.locator("#id_end_of_support[aria-invalid=true]").count() == 1
    else:
        tour.visit(f"{application_url}/edit", "application form", status=403, check=False)
        tour.visit(f"{base}/applications/new", "new application", status=403, check=False)

    # Spend lines, and the form to add one (with an error, for those who may change).
    tour.visit(f"{base}/spend", "spend page")
    assert page.locator("main table tbody tr").count() > 0
    if who.may_change:
        tour.submit(
            page.locator("main form[aria-labelledby=add-line] button[type=submit]"),
            "spend page, new line with errors",
        )
        assert page.locator(".error-summary").count() == 1
    else:
        assert page.locator("main form[aria-labelledby=add-line]").count() == 0

    # The balance: stacked shares with the target, TIME chart, legacy risk, scenarios.
    tour.visit(f"{base}/balance", "balance page")
    assert_charts(page, "balance page", count=3)
    for section in ("balance", "target", "time", "legacy", "scenarios"):
        tables = page.locator(f"main section[aria-labelledby={section}] table")
        assert tables.count() >= 1, f"balance page: section {section} shows no table"
    assert "doelstelling" in page.locator("#balance ~ figure img").get_attribute("alt")
    risk_rows = page.locator("main section[aria-labelledby=legacy] table").first
    assert risk_rows.locator("tbody tr").count() > 0, "no legacy-risk rows"
    scenario_rows = page.locator("main section[aria-labelledby=scenarios] table").first
    assert scenario_rows.locator("tbody tr").count() == 3, "expected two scenarios and no change"
    if who.may_change:
        screenshot(page, "balance", palette=True, max_bytes=SCREENSHOT_LIMIT)
        time_chart = page.locator("main section[aria-labelledby=time] figure")
        screenshot(page, "time-chart", element=time_chart, max_bytes=SCREENSHOT_LIMIT)

    # Scenarios, and a scenario page with its change forms opened (and one with an error).
    tour.visit(f"{base}/scenarios", "scenario list")
    scenario_links = page.locator("main table tbody th a[href^='/scenarios/']")
    assert scenario_links.count() == 2
    _follow(tour, scenario_links.first, "scenario page", open_details=True)
    if who.may_change:
        form = page.locator("main form:has(#id_change-innovate-amount)")
        form.locator("xpath=ancestor::details").evaluate("details => { details.open = true; }")
        tour.submit(form.locator("button[type=submit]"), "scenario page, change with errors")
        assert page.locator(".error-summary").count() == 1
    else:
        assert page.locator("main form input[name=kind]").count() == 0

    tour.assert_accessible()


# --- 2. Large ICT projects -------------------------------------------------------------------


def test_project_pages_pass_axe(capabilities, new_page):
    tour = _signed_in(new_page, capabilities, PROJECT_ADMIN)
    page = tour.page
    base = f"/organisations/{MINISTRY}"

    # The project list, with the facet "red" of the status colour applied.
    tour.visit(f"{base}/projects", "project list")
    total = page.locator("main table.data-table tbody tr").count()
    assert total == 5, f"the demo ministry should show 5 projects, not {total}"
    page.locator("main form.filters input[name=colour][value=red]").check()
    tour.submit(page.locator("main form.filters button[type=submit]"), "project list, red only")
    assert "colour=red" in page.url
    red = page.locator("main table.data-table tbody tr").count()
    assert 0 < red < total, f"the red facet shows {red} of {total} projects"

    # A project page: figures, the course of the reports, report history, milestones, advice.
    _follow(
        tour,
        page.locator("main table.data-table tbody th a").first,
        "project page",
        open_details=True,
    )
    project_url = page.url.removeprefix(capabilities.url)
    assert_charts(page, "project page", count=2)
    assert page.locator("main section[aria-labelledby=reports] tbody tr").count() >= 2
    for part in ("milestone", "review-advice"):
        rows = page.locator(f"main section[aria-labelledby={part}] tbody tr").count()
        assert rows >= 1, f"project page shows no {part}"
    page.evaluate("() => document.querySelectorAll('main details').forEach(d => d.open = false)")
    screenshot(page, "project-page", palette=True, max_bytes=SCREENSHOT_LIMIT)

    # A report of the history, and the report form with an error.
    _follow(
        tour,
        page.locator("main section[aria-labelledby=reports] tbody a[href^='/reports/']").first,
        "report page",
    )
    tour.visit(f"{project_url}/reports/new", "report form")
    page.fill("#id_peildatum", "2026-06-30")
    page.fill("#id_total_cost_estimate", "125000000")
    page.check("#id_is_rebaseline")
    tour.submit(
        page.locator("main form.stacked button[type=submit]"), "report form, re-baseline reason"
    )
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#id_rebaseline_reason[aria-invalid=true]").count() == 1

    # The project portfolio: the scatter of change and shift, and the forecast.
    tour.visit(f"{base}/project-portfolio", "project portfolio")
    assert_charts(page, "project portfolio", count=2)
    screenshot(page, "project-portfolio", palette=True, max_bytes=SCREENSHOT_LIMIT)

    # Reference classes, and one of them with its distribution.
    tour.visit(f"{base}/reference-classes", "reference classes")
    _follow(
        tour,
        page.locator("main table tbody a[href^='/reference-classes/']").first,
        "reference class",
    )
    assert_charts(page, "reference class", count=1)

    tour.assert_accessible()


# --- 5. Innovation and safeguards ----------------------------------------------------------


def test_innovation_pages_pass_axe(capabilities, new_page):
    from omslag.innovation.models import Experiment

    tour = _signed_in(new_page, capabilities, LEGACY_READERS[0])
    base = f"/organisations/{MUNICIPALITY}"
    tour.visit(f"{base}/experiments", "experiment board")
    tour.visit(f"{base}/funnel", "funnel")
    has_experiments = Experiment.objects.filter(organisation__slug=MUNICIPALITY).exists()
    assert_charts(tour.page, "funnel", count=1 if has_experiments else 0)
    evaluated = (
        Experiment.objects.filter(organisation__slug=MUNICIPALITY, evaluations__isnull=False)
        .order_by("pk")
        .first()
    )
    assert evaluated is not None, "no demo experiment has results"
    tour.visit(f"/experiments/{evaluated.pk}", "experiment with results", open_details=True)
    assert_charts(tour.page, "experiment", count=experiment_charts_expected(evaluated.pk))
    tour.assert_accessible()


def test_safeguards_pages_pass_axe(capabilities, new_page):
    tour = _signed_in(new_page, capabilities, LEGACY_READERS[0])
    page = tour.page
    tour.visit("/assessment-templates", "assessment templates")
    tour.visit(f"/organisations/{MUNICIPALITY}/safeguard-coverage", "safeguard coverage")
    tour.visit(f"/organisations/{MUNICIPALITY}/assessments/new", "start an assessment")
    subjects = page.locator("#id_subject option:not([value=''])")
    assert subjects.count() > 0, "the demo municipality has nothing to assess"
    page.select_option("#id_subject", subjects.first.get_attribute("value"))
    tour.submit(page.locator("main form button[type=submit]"), "assessment, first step")
    assert re.search(r"/assessments/\d+/steps/1$", page.url), page.url
    assert page.locator("main form").count() >= 1, "the first step shows no form"
    tour.assert_accessible()


# --- 3. Without JavaScript (changes data: runs last) ------------------------------------------


def _submit(page, button):
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response is not None and response.status == 200, f"{page.url}: {response.status}"
    return response


def test_daily_tasks_of_legacy_and_projects_work_without_javascript(capabilities, new_page):
    from omslag.portfolio.models import ScenarioChange, SpendLine
    from omslag.projects.models import ProjectReport

    base = capabilities.url
    page = new_page(java_script_enabled=False)
    sign_in(page, base, LEGACY_READERS[0].email)

    # Filter the application list, then sort it by go-live year, newest first.
    page.goto(f"{base}/organisations/{MUNICIPALITY}/applications")
    page.check("main form.filters input[name=time][value=migrate]")
    page.fill("#id_q", "oracle")
    _submit(page, page.locator("main form.filters button[type=submit]"))
    assert "time=migrate" in page.url and "q=oracle" in page.url
    for _click in range(2):  # ascending, then descending
        _submit(page, page.locator("main thead a.sort-link[href*='go-live']"))
    assert "sort=-go-live" in page.url
    assert page.locator("main th[aria-sort=descending]").count() == 1
    years = [int(year) for year in _column(page, 4) if year.isdigit()]
    assert len(years) >= 2 and years == sorted(years, reverse=True), years
    assert all(
        "time-tag--migrate" in tag
        for tag in page.locator("main table.data-table tbody .time-tag").evaluate_all(
            "tags => tags.map(tag => tag.className)"
        )
    )

    # Add a spend line.
    page.goto(f"{base}/organisations/{MUNICIPALITY}/spend")
    page.fill("#id_year", "2026")
    page.fill("#id_amount", "12500")
    page.select_option("main form[aria-labelledby=add-line] #id_kind", "budget")
    page.select_option("main form[aria-labelledby=add-line] #id_category", "innovate")
    page.select_option("#id_cost_type", "other")
    page.fill("#id_description", "Proef zonder JavaScript")
    _submit(page, page.locator("main form[aria-labelledby=add-line] button[type=submit]"))
    assert page.locator(".message--success").count() == 1, page.inner_text("main")[:500]
    assert SpendLine.objects.filter(description="Proef zonder JavaScript", year=2026).exists()

    # Add a change to a scenario: the <details> opens without JavaScript too.
    page.goto(f"{base}/organisations/{MUNICIPALITY}/scenarios")
    page.locator("main table tbody th a[href^='/scenarios/']").first.click()
    form = page.locator("main form:has(#id_change-innovate-amount)")
    form.locator("xpath=ancestor::details/summary").click()
    page.fill("#id_change-innovate-label", "Innovatie zonder JavaScript")
    page.fill("#id_change-innovate-from_year", "2028")
    page.fill("#id_change-innovate-amount", "250000")
    _submit(page, form.locator("button[type=submit]"))
    assert page.locator(".message--success").count() == 1, page.inner_text("main")[:500]
    assert "Innovatie zonder JavaScript" in page.inner_text("main table")
    assert ScenarioChange.objects.filter(label="Innovatie zonder JavaScript").exists()

    # Publish a project report: add it as a concept, mark it as checked, publish it.
    page = new_page(java_script_enabled=False)
    sign_in(page, base, PROJECT_ADMIN.email)
    page.goto(f"{base}/organisations/{MINISTRY}/projects")
    page.get_by_role("link", name="Toegankelijk aanvraagportaal").click()
    page.locator("main .actions a[href$='/reports/new']").click()
    page.fill("#id_peildatum", "2026-06-30")
    page.fill("#id_estimated_end_date", "2027-12-31")
    page.fill("#id_total_cost_estimate", "31000000")
    page.fill("#id_cumulative_actual_cost", "18000000")
    _submit(page, page.locator("main form.stacked button[type=submit]"))
    assert re.search(r"/reports/\d+$", page.url), f"adding a report ended at {page.url}"
    report_pk = int(page.url.rsplit("/", 1)[1])
    for expected in ("checked", "published"):
        _submit(page, page.locator("main form[action$='/advance'] button[type=submit]"))
        assert page.locator(".message--success").count() == 1, page.inner_text("main")[:500]
        assert ProjectReport.objects.get(pk=report_pk).status == expected
    assert page.locator("main form[action$='/advance']").count() == 0
