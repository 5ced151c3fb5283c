"""A choice among more records than can be listed is a text field (common.forms.QuickSelect
typed mode): in Chromium, checked by axe-core (WCAG 2.1 A and AA); it needs no script, and a
spend line added by typing its application's name is saved with that application."""

from django.test import override_settings

from omslag.organisations.models import Organisation
from omslag.portfolio.models import Application, SpendLine

from .support import E2E, assert_accessible, sign_in

pytestmark = E2E

MINISTRY = "ministerie-van-digitale-zaken"
ADMIN = "beheerder@omslag.example"


def test_a_typed_choice_is_accessible_and_saves_the_record_named(demo, new_page):
    ministry = Organisation.objects.get(slug=MINISTRY)
    application = Application.objects.filter(organisation=ministry).order_by("name").last()
    assert Application.objects.filter(organisation=ministry).count() > 1
    # The live server runs in this process: the setting holds for its requests too.
    with override_settings(CHOICE_LIST_LIMIT=1):
        page = new_page()
        sign_in(page, demo.url, ADMIN)
        page.goto(f"{demo.url}/organisations/{MINISTRY}/spend")
        field = page.locator("main form[method=post] input[name=application]")
        assert field.get_attribute("type") == "text"
        assert page.locator("main form[method=post] select[name=application]").count() == 0
        hint = field.get_attribute("aria-describedby").split()[-1]
        assert "too many to list" in page.locator(f"#{hint}").inner_text().lower() or (
            "te veel" in page.locator(f"#{hint}").inner_text().lower()
        )
        assert_accessible(page, "spend page with a typed choice of application")

        before = SpendLine.objects.filter(application=application).count()
        form = page.locator("main form[method=post]")
        form.locator("[name=year]").fill("2025")
        form.locator("[name=amount]").fill("1234")
        form.locator("[name=kind]").select_option("actual")
        form.locator("[name=category]").select_option("run")
        field.fill(application.name.upper())  # any case
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert SpendLine.objects.filter(application=application).count() == before + 1

        # A name that is no record's is refused at the field, and the page stays accessible.
        page.goto(f"{demo.url}/organisations/{MINISTRY}/spend")
        form = page.locator("main form[method=post]")
        form.locator("[name=year]").fill("2025")
        form.locator("[name=amount]").fill("1")
        form.locator("[name=kind]").select_option("actual")
        form.locator("[name=category]").select_option("run")
        form.locator("[name=application]").fill("Geen toepassing met deze naam")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("main form[method=post] [name=application][aria-invalid=true]").count()
        assert_accessible(page, "spend page with a typed choice refused")
