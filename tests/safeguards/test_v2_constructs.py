"""Constructs of the government's questionnaire format (assessment-definition v2), each from
its own small fixture written for these tests (tests/safeguards/fixtures/dpia-form-v2)."""

from pathlib import Path

import pytest
import yaml
from django.test import Client

from omslag.safeguards import services
from omslag.safeguards.models import TemplateItem
from omslag.safeguards.presentation import field_name
from omslag.safeguards.questionnaire import Questionnaire

from .conftest import new_experiment

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dpia-form-v2"


def imported(name):
    with (FIXTURES / name).open("rb") as stream:
        template, happened, _count = services.template_import_file(
            actor=None, stream=stream, fmt="dpia-form-v2"
        )
    assert happened == "created"
    return template


@pytest.mark.django_db
def test_several_dependencies_are_kept_all_of_them():
    template = imported("several-dependencies.yaml")
    data = yaml.safe_load((FIXTURES / "several-dependencies.yaml").read_text())
    task = data["tasks"][1]["tasks"][1]  # 2.2, with two dependencies in the file
    item = template.items.get(source_id="2.2")
    assert item.condition == {
        "all": [
            {"item": d["condition"]["id"], "in": [d["condition"]["value"]]}
            for d in task["dependencies"]
        ]
    }
    assert template.items.get(source_id="2.3").condition == {"item": "1.1", "not_in": ["ja"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({}, {"2.3"}),
        ({"1.1": "ja"}, set()),
        ({"1.1": "ja", "2.1": "gewoon"}, set()),
        ({"1.1": "nee", "2.1": "bijzonder"}, {"2.3"}),  # only one of the two holds
        ({"1.1": "ja", "2.1": "bijzonder"}, {"2.2"}),  # both hold, one in another group
    ],
)
def test_an_item_with_several_dependencies_is_shown_only_when_all_hold(answers, shown):
    template = imported("several-dependencies.yaml")
    questionnaire = Questionnaire(list(template.items.all()))
    given = {(source, ""): value for source, value in answers.items()}
    visible = {
        slot.item.source_id
        for slot in questionnaire.slots(given, {})
        if slot.visible and slot.item.source_id in ("2.2", "2.3")
    }
    assert visible == shown


@pytest.mark.django_db
def test_answers_to_an_item_whose_dependencies_do_not_all_hold_are_dropped(org, editor):
    template = imported("several-dependencies.yaml")
    assessment = services.assessment_create(
        actor=editor, template=template, subject=new_experiment(org)
    )
    services.assessment_answers_save(
        actor=editor,
        assessment=assessment,
        answers=[
            {"item": "1.1", "value": "nee"},
            {"item": "2.1", "value": "bijzonder"},
            {"item": "2.2", "value": "Artikel 9 lid 2"},
        ],
    )
    kept = set(assessment.answers.values_list("item__source_id", flat=True))
    assert kept == {"1.1", "2.1"}  # 2.2 needs both 1.1 = ja and 2.1 = bijzonder
    services.assessment_answers_save(
        actor=editor,
        assessment=assessment,
        answers=[
            {"item": "1.1", "value": "ja"},
            {"item": "2.1", "value": "bijzonder"},
            {"item": "2.2", "value": "Artikel 9 lid 2"},
        ],
    )
    kept = dict(assessment.answers.values_list("item__source_id", "value"))
    assert kept == {"1.1": "ja", "2.1": "bijzonder", "2.2": "Artikel 9 lid 2"}


@pytest.mark.django_db
def test_the_template_page_says_that_all_conditions_must_hold(org, editor):
    template = imported("several-dependencies.yaml")
    client = Client()
    client.force_login(editor)
    page = client.get(f"/assessment-templates/{template.pk}").content.decode()
    assert "alleen als alle 2 voorwaarden gelden" in page
    assert TemplateItem.objects.filter(template=template).count() == 6


# --- markup, informational blocks, and everything else kept ----------------------------------


@pytest.fixture
def markup_assessment(org, editor):
    template = imported("markup-and-information.yaml")
    return services.assessment_create(actor=editor, template=template, subject=new_experiment(org))


@pytest.mark.django_db
def test_markup_is_rendered_as_safe_html_never_as_escaped_tags(markup_assessment, editor):
    client = Client()
    client.force_login(editor)
    page = client.get(f"/assessments/{markup_assessment.pk}/steps/1").content.decode()
    assert "<strong>belangrijk</strong>" in page and "<em>nadrukkelijk</em>" in page
    assert "<ul><li>eerste punt</li><li>tweede punt</li></ul>" in page
    assert (
        '<a href="https://www.example.org/model-dpia.pdf" rel="noopener noreferrer">model</a>'
        in page
    )
    # The Markdown link of the format, as a link too.
    assert '<a href="https://www.example.org/prescan" rel="noopener noreferrer">pre-scan</a>' in (
        page
    )
    for never in ("<script", "alert(", "onclick", "javascript:", "&lt;strong&gt;", "_blank"):
        assert never not in page


@pytest.mark.django_db
def test_an_informational_block_is_text_not_a_question(markup_assessment, editor):
    client = Client()
    client.force_login(editor)
    page = client.get(f"/assessments/{markup_assessment.pk}/steps/1").content.decode()
    info = markup_assessment.template.items.get(source_id="1.1")
    assert info.type == "info"
    assert 'class="notice"' in page and "Lees dit eerst" in page
    question = markup_assessment.template.items.get(source_id="1.2")
    # The question has a field; the informational block has none.
    assert f'name="{field_name(question, "")}"' in page
    assert f'name="{field_name(info, "")}"' not in page


@pytest.mark.django_db
def test_urn_version_ids_options_repeatable_and_sources_survive_import_and_export():
    from omslag.safeguards.exports import template_document

    template = imported("markup-and-information.yaml")
    data = yaml.safe_load((FIXTURES / "markup-and-information.yaml").read_text())
    document = template_document(template)
    assert (document["urn"], document["version"]) == (data["urn"], data["version"])
    items = {item["id"]: item for item in document["items"]}

    def walk(tasks, parent=None):
        for task in tasks:
            yield task, parent
            yield from walk(task.get("tasks", []), task["id"])

    for task, parent in walk(data["tasks"]):
        item = items[task["id"]]
        assert item["parent"] == parent and item["label"] == task["task"]
        assert item["repeatable"] == task["repeatable"]
        assert [o["value"] for o in item["options"]] == [
            o["value"] for o in task.get("options", [])
        ]
        for key in ("sources", "references", "item_name"):
            if key in task:
                assert item["extra"][key] == task[key]
    assert items["1.1"]["description"].startswith("Dit is <strong>belangrijk</strong>")
