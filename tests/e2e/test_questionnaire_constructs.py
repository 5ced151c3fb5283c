"""Questionnaires in the government's format (assessment-definition v2), filled in Chromium:
an item with several dependencies appears only when all hold (one on an item of an earlier
step), an item hidden by a dependency disappears, and descriptions with markup show as
formatted text. Every page passes axe-core's WCAG 2.1 A and AA rules. The fixtures are the
small files of tests/safeguards/fixtures/dpia-form-v2."""

from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model

from omslag.innovation import services as innovation_services
from omslag.organisations.models import Organisation
from omslag.safeguards import services as safeguard_services
from tests.safeguards.test_v2_construct_fixtures import (
    EXPECTED_TYPE,
    SAMPLE,
    hidden_by_condition,
    tasks_of,
)

from .support import E2E, assert_accessible, sign_in

pytestmark = E2E

FIXTURES = Path(__file__).resolve().parents[1] / "safeguards" / "fixtures" / "dpia-form-v2"
MUNICIPALITY = "gemeente-wadderveen"
EDITOR = "redacteur@omslag.example"


def _assessment(name: str) -> int:
    with (FIXTURES / name).open("rb") as stream:
        template, _happened, _count = safeguard_services.template_import_file(
            actor=None, stream=stream, fmt="dpia-form-v2"
        )
    organisation = Organisation.objects.get(slug=MUNICIPALITY)
    experiment = innovation_services.experiment_create(
        actor=None, organisation=organisation, title=f"Proef {name}", owner_team="Lab"
    )
    author = get_user_model().objects.get(email=EDITOR)
    return safeguard_services.assessment_create(
        actor=author, template=template, subject=experiment
    ).pk


@pytest.fixture
def editor_page(demo, new_page):
    page = new_page()
    sign_in(page, demo.url, EDITOR)
    return demo, page


def _save(page, value: str) -> None:
    with page.expect_navigation():
        page.locator(f"main button[name=go][value={value}]").click()


def _shown(page) -> set[str]:
    labels = page.locator("main form legend, main form label").all_inner_texts()
    return {source for source in ("2.2", "2.3") if any(t.startswith(source) for t in labels)}


def test_an_item_with_several_dependencies_appears_only_when_all_hold(editor_page):
    site, page = editor_page
    pk = _assessment("several-dependencies.yaml")

    page.goto(f"{site.url}/assessments/{pk}/steps/1")
    assert_accessible(page, "step 1")
    page.get_by_label("Nee").check()
    _save(page, "next")
    assert page.url.endswith(f"/assessments/{pk}/steps/2")
    assert _shown(page) == {"2.3"}
    page.get_by_label("Bijzondere persoonsgegevens").check()
    _save(page, "save")
    # 2.1 now holds, 1.1 (on step 1) does not: 2.2 stays away; 2.3 is shown.
    assert _shown(page) == {"2.3"}
    assert_accessible(page, "step 2, one of two conditions")

    page.goto(f"{site.url}/assessments/{pk}/steps/1")
    page.get_by_label("Ja").check()
    _save(page, "next")
    # Both hold: 2.2 appears; 2.3 is hidden by 1.1 = ja.
    assert _shown(page) == {"2.2"}
    assert_accessible(page, "step 2, both conditions")


def test_markup_in_descriptions_shows_as_formatted_text(editor_page):
    site, page = editor_page
    pk = _assessment("markup-and-information.yaml")

    page.goto(f"{site.url}/assessments/{pk}/steps/1")

    notice = page.locator("main .notice")
    assert notice.locator("strong", has_text="belangrijk").count() == 1
    assert notice.locator("li").all_inner_texts() == ["eerste punt", "tweede punt"]
    assert notice.locator("a[href='https://www.example.org/prescan']").inner_text() == "pre-scan"
    assert "<strong>" not in notice.inner_text()  # rendered, not shown as tags
    assert page.locator("main script").count() == 0
    assert_accessible(page, "step with markup")


def _fill_visible(page) -> None:
    """Answer every field of the step as a person would: text and dates typed, the first
    option of a choice taken, every box of a multiple choice ticked."""
    fields = page.locator("main form [name^='a-']")
    done = set()
    for index in range(fields.count()):
        field = fields.nth(index)
        name, kind = field.get_attribute("name"), field.get_attribute("type")
        tag = field.evaluate("e => e.tagName.toLowerCase()")
        if kind == "radio":
            if name not in done:
                field.check()
                done.add(name)
        elif kind == "checkbox":
            field.check()
        elif tag == "select":
            values = [
                v for v in field.locator("option").evaluate_all("os => os.map(o => o.value)") if v
            ]
            if values:
                field.select_option(
                    values if field.get_attribute("multiple") is not None else values[0]
                )
        elif kind == "date":
            field.fill(SAMPLE["date"])
        elif kind != "hidden":
            field.fill(
                SAMPLE["file"] if kind == "text" and "afbeelding" in name else "Klantcontact"
            )


def test_every_construct_fixture_is_filled_in_through_the_pages(editor_page):
    from omslag.safeguards.models import Assessment

    site, page = editor_page
    for path in sorted((FIXTURES / "constructs").glob("*.yaml")):
        pk = _assessment(f"constructs/{path.name}")
        page.goto(f"{site.url}/assessments/{pk}/steps/1")
        assert_accessible(page, f"construct {path.stem}, empty")
        _fill_visible(page)
        _save(page, "save")
        _fill_visible(page)  # what a saved answer brought into view (options, conditions)
        _save(page, "save")
        assert page.url.endswith(f"/assessments/{pk}/steps/1"), path.stem
        assert_accessible(page, f"construct {path.stem}, filled in")
        data = yaml.safe_load(path.read_text())
        stored = dict(Assessment.objects.get(pk=pk).answers.values_list("item__source_id", "value"))
        answerable = [t for t, _p, _d in tasks_of(data) if EXPECTED_TYPE[t["type"][0]] in SAMPLE]
        hidden = {t["id"] for t in answerable if hidden_by_condition(t, stored)}
        assert set(stored) == {t["id"] for t in answerable} - hidden, path.stem
