"""The exchange rates of issue 11 in Chromium, checked by axe-core (WCAG 2.1 A and AA): the
portfolio refusing to add a currency without a rate and naming it, and an administrator
stating the rate on the exchange rates page (Dutch, the default language)."""

import datetime as dt
from decimal import Decimal

from omslag.organisations.models import Organisation
from omslag.projects import services
from omslag.projects.models import ProjectReport

from .support import E2E, assert_accessible, sign_in

pytestmark = E2E

MINISTRY = "ministerie-van-digitale-zaken"
ADMIN = "beheerder@omslag.example"


def test_portfolio_refusal_and_stating_a_rate_are_accessible(demo, new_page):
    ministry = Organisation.objects.get(slug=MINISTRY)
    project = services.project_create(
        actor=None, organisation=ministry, name="Ärendesystem", currency="SEK"
    )
    services.report_create(
        actor=None,
        project=project,
        status=ProjectReport.Status.PUBLISHED,
        peildatum=dt.date(2025, 6, 30),
        total_cost_estimate=Decimal("19750000"),
        estimated_end_date=dt.date(2026, 9, 30),
    )
    page = new_page()
    sign_in(page, demo.url, ADMIN)

    page.goto(f"{demo.url}/organisations/{MINISTRY}/project-portfolio")
    refusal = page.locator("#unconverted-currencies").inner_text()
    assert "geen wisselkoers naar EUR vastgesteld voor SEK (1 project)" in refusal
    assert_accessible(page, "portfolio refusing a currency without a rate")

    page.click("#unconverted-currencies a")
    assert page.locator("h1").inner_text().startswith("Wisselkoersen van")
    assert_accessible(page, "exchange rates, empty")
    page.fill("#id_rate-currency", "SEK")
    page.fill("#id_rate-rate", "0.0874")
    page.fill("#id_rate-as_of", "2025-06-30")
    page.fill("#id_rate-source", "ECB-referentiekoers")
    with page.expect_navigation():
        page.locator("main form:has(#id_rate-currency) button[type=submit]").click()
    main = page.inner_text("main")
    assert "Vastgesteld: 1 SEK = 0.0874 EUR per 2025-06-30." in main
    assert "ECB-referentiekoers" in main
    assert_accessible(page, "exchange rates, one stated")

    page.fill("#id_rate-currency", "SKE")
    page.fill("#id_rate-rate", "-1")
    page.fill("#id_rate-as_of", "2025-06-30")
    with page.expect_navigation():
        page.locator("main form:has(#id_rate-currency) button[type=submit]").click()
    assert "SKE is geen valutacode van ISO 4217" in page.inner_text("main")
    assert_accessible(page, "exchange rates, refused")
