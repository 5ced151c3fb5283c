"""Constructs of the government's questionnaire format (assessment-definition v2), each from
its own small fixture written for these tests (tests/safeguards/fixtures/dpia-form-v2)."""

from pathlib import Path

import pytest
import yaml
from django.test import Client

from omslag.safeguards import services
from omslag.safeguards.models import TemplateItem
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
