"""The web interface works with JavaScript switched off: every task is a plain form."""

import csv
import io

from omslag.organisations.models import Membership, Organisation

from .support import E2E, sign_in, switch_language

pytestmark = E2E

NEW_ORGANISATIONS_CSV = """slug;name;kind;parent;description
directie-data;Directie Data;other;;Uit een import zonder JavaScript.
team-open-data;Team Open Data;other;directie-data;
"""


def _submit(page, button):
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response is not None and response.status == 200, f"{page.url}: {response.status}"
    return response


def test_a_administrator_does_the_daily_tasks_without_javascript(demo, new_page):
    page = new_page(java_script_enabled=False)
    base = demo.url
    slug = "ministerie-van-digitale-zaken"
    sign_in(page, base, "beheerder@omslag.example")

    # Edit an organisation.
    page.goto(f"{base}/organisations/{slug}/edit")
    page.fill("#id_description", "Beschrijving gewijzigd zonder JavaScript.")
    _submit(page, page.locator("main form.stacked button[type=submit]"))
    assert page.url == f"{base}/organisations/{slug}"
    assert "Beschrijving gewijzigd zonder JavaScript." in page.inner_text("main")
    assert page.locator(".message--success").count() == 1

    # Add a person.
    page.goto(f"{base}/organisations/{slug}/people")
    page.fill("#id_email", "nieuw@omslag.example")
    page.fill("#id_full_name", "Nina Nieuw")
    page.select_option("#id_role", "editor")
    _submit(page, page.locator("form[aria-labelledby='add-person'] button"))
    assert "Nina Nieuw" in page.inner_text("main table")
    assert Membership.objects.filter(
        person__email="nieuw@omslag.example", organisation__slug=slug, role="editor"
    ).exists()

    # Upload an import file, look at the check, confirm it.
    page.goto(f"{base}/organisations/{slug}/import")
    page.select_option("#id_kind", "organisations")
    page.set_input_files(
        "#id_file",
        files=[
            {"name": "nieuw.csv", "mimeType": "text/csv", "buffer": NEW_ORGANISATIONS_CSV.encode()}
        ],
    )
    _submit(page, page.locator("main form[enctype] button[type=submit]"))
    assert "/imports/" in page.url
    assert not Organisation.objects.filter(slug="directie-data").exists(), "saved before confirm"
    _submit(page, page.locator("main form[action$='/confirm'] button"))
    assert page.locator(".message--success").count() >= 1
    team = Organisation.objects.get(slug="team-open-data")
    assert team.parent.slug == "directie-data" and team.parent.parent.slug == slug

    # Switch the language with the header form.
    page.goto(f"{base}/organisations/{slug}")
    response = switch_language(page, "en")
    assert response.status == 200 and page.url == f"{base}/organisations/{slug}"
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("#language-select option[value=en]").get_attribute("selected") is not None

    # Export a CSV: the form (it posts) answers a small export with the download.
    page.goto(f"{base}/organisations/{slug}/export")
    page.select_option("#id_kind", "organisations")
    page.select_option("#id_format", "csv")
    with page.expect_download() as download_info:
        page.locator("main form button[type=submit]").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.DictReader(io.StringIO(exported.read())))
    slugs = {row["slug"] for row in rows}
    assert {slug, "directie-data", "team-open-data", "dienst-digitale-dienstverlening"} <= slugs
    assert "gemeente-wadderveen" not in slugs, "export holds an organisation outside the subtree"
