"""A choice among more records than a list can carry (a municipality's 10,000 applications made
the spend page 577 KB): beyond ``OMSLAG_CHOICE_LIST_LIMIT`` the record is typed by its name or
number, so every page that offers the choice stays light (issue 13)."""

import re

import pytest
from django.test import Client

from omslag.organisations.models import Role
from omslag.portfolio.models import SpendLine
from omslag.safeguards import services as safeguard_services
from omslag.safeguards.models import Assessment, AssessmentTemplate
from tests.factories import member, organisation
from tests.portfolio.factories import application

NAMES = ["Zaaksysteem", "Basisregistratie Personen", "Archief", "Loket"]


@pytest.fixture
def org(db):
    org = organisation("gemeente-veel", kind="municipality")
    for name in NAMES:
        application(org, name=name)
    return org


@pytest.fixture
def editor(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member(Role.EDITOR, org))
    return client


def spend_line(**overrides) -> dict:
    return {
        "year": "2025",
        "amount": "1000",
        "kind": "actual",
        "category": "run",
        "cost_type": "staff",
        "application": "",
        "pays_for": "",
        "description": "",
        "reference": "",
        **overrides,
    }


def application_options(page: str) -> int:
    select = re.search(r'<select name="application".*?</select>', page, re.S)
    return 0 if select is None else select.group(0).count("<option")


def test_under_the_limit_the_spend_page_lists_every_application(settings, org, editor):
    settings.CHOICE_LIST_LIMIT = len(NAMES)
    page = editor.get(f"/organisations/{org.slug}/spend").content.decode()
    assert application_options(page) == len(NAMES) + 1  # and the empty choice


def test_over_the_limit_the_application_is_typed_not_listed(settings, org, editor):
    settings.CHOICE_LIST_LIMIT = len(NAMES) - 1
    page = editor.get(f"/organisations/{org.slug}/spend").content.decode()
    assert application_options(page) == 0
    field = re.search(r'<input type="text" name="application"[^>]*>', page).group(0)
    hint = re.search(r'aria-describedby="([^"]+)"', field).group(1)
    assert f'id="{hint}">There are too many to list ({len(NAMES)})' in page
    # Typed by name (any case), the line is about that application.
    response = editor.post(
        f"/organisations/{org.slug}/spend", spend_line(application="basisregistratie personen")
    )
    assert response.status_code == 302
    line = SpendLine.objects.get(organisation=org)
    assert line.application.name == "Basisregistratie Personen"
    # Its edit page shows the name in the field.
    edit = editor.get(f"/spend-lines/{line.pk}/edit").content.decode()
    assert re.search(r'name="application" value="Basisregistratie Personen"', edit)


def test_a_typed_number_or_an_unknown_name(settings, org, editor):
    settings.CHOICE_LIST_LIMIT = 1
    from omslag.portfolio.models import Application

    loket = Application.objects.get(organisation=org, name="Loket")
    ok = editor.post(f"/organisations/{org.slug}/spend", spend_line(application=str(loket.pk)))
    assert ok.status_code == 302
    assert SpendLine.objects.get(organisation=org).application_id == loket.pk
    wrong = editor.post(f"/organisations/{org.slug}/spend", spend_line(application="Nergens"))
    assert wrong.status_code == 200  # the page again, with the form's error
    assert "There is no application of that name or number here." in wrong.content.decode()
    assert SpendLine.objects.filter(organisation=org).count() == 1


def test_the_application_page_offers_its_dependencies_typed(settings, org, editor):
    from omslag.portfolio.models import Application

    settings.CHOICE_LIST_LIMIT = 2
    archief = Application.objects.get(organisation=org, name="Archief")
    page = editor.get(f"/applications/{archief.pk}").content.decode()
    assert '<input type="text" name="depends_on"' in page
    assert "<option" not in re.search(r'name="depends_on".{0,400}', page, re.S).group(0)


# --- the start of an assessment: its subject ---------------------------------------------------


@pytest.fixture
def templates(db):
    safeguard_services.own_templates_load()
    return AssessmentTemplate.objects.order_by("pk")


def test_an_assessment_of_a_typed_subject(settings, org, editor, templates):
    from omslag.portfolio.models import Application

    settings.CHOICE_LIST_LIMIT = 2
    page = editor.get(f"/organisations/{org.slug}/assessments/new").content.decode()
    assert '<input type="text" name="subject"' in page
    assert not re.search(r'<option value="application:', page)
    response = editor.post(
        f"/organisations/{org.slug}/assessments/new",
        {"template": templates[0].pk, "subject": "zaaksysteem", "title": ""},
    )
    assert response.status_code == 302
    zaak = Application.objects.get(organisation=org, name="Zaaksysteem")
    assert Assessment.objects.get().application_id == zaak.pk
    unknown = editor.post(
        f"/organisations/{org.slug}/assessments/new",
        {"template": templates[0].pk, "subject": "Nergens", "title": ""},
    )
    assert unknown.status_code == 400 and "No record of that name or number." in (
        unknown.content.decode()
    )


def test_from_a_records_page_that_record_is_the_one_choice(settings, org, editor, templates):
    from omslag.portfolio.models import Application

    settings.CHOICE_LIST_LIMIT = 2
    loket = Application.objects.get(organisation=org, name="Loket")
    address = f"/organisations/{org.slug}/assessments/new?subject=application:{loket.pk}"
    page = editor.get(address).content.decode()
    assert re.findall(r'<option value="(application:\d+)"', page) == [f"application:{loket.pk}"]
    response = editor.post(
        address, {"template": templates[0].pk, "subject": f"application:{loket.pk}"}
    )
    assert response.status_code == 302
    assert Assessment.objects.get().application_id == loket.pk


def test_under_the_limit_every_subject_is_listed(settings, org, editor, templates):
    settings.CHOICE_LIST_LIMIT = 500
    page = editor.get(f"/organisations/{org.slug}/assessments/new").content.decode()
    assert len(re.findall(r'<option value="application:\d+"', page)) == len(NAMES)
