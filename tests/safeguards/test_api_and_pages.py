"""The safeguards API and pages: answers per step with errors naming the item, sign-off by
the author or without the role refused with 403 (problem+json in the API, the 403 page in the
web), the questionnaire rendered step by step with conditions applied on the server, and the
downloads."""

import json

import pytest
from django.test import Client

from omslag.safeguards import services

from .conftest import PRESCAN_DPIA, new_experiment

PROBLEM = "application/problem+json"


@pytest.fixture
def prescan(templates, org, editor):
    return services.assessment_create(
        actor=editor,
        template=templates["privacy-prescan"],
        subject=new_experiment(org),
        title="Prescan chatbot",
    )


def test_answers_are_saved_per_step_and_errors_name_the_item(api_for, prescan, editor):
    api = api_for(editor)
    url = f"/api/v1/assessments/{prescan.pk}/answers"
    response = api.patch(url, {"answers": [{"item": "1.1", "value": 3}]}, format="json")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert response.json()["invalidParams"][0]["name"] == "answers.1.1"
    response = api.patch(
        url, {"step": 1, "answers": [{"item": "1.1", "value": "yes"}]}, format="json"
    )
    assert response.status_code == 200, response.content
    response = api.patch(
        url,
        {"step": 2, "answers": [{"item": "2.1", "value": ["special", "profiling"]}]},
        format="json",
    )
    body = response.json()
    assert (body["score"], body["outcome"]) == (2, "dpia_required")
    assert {"item": "2.1", "repeat": "", "value": ["special", "profiling"]} in body["answers"]


def test_sign_off_by_the_author_or_without_the_role_is_refused(
    api_for, prescan, editor, officer, make_member, org
):
    services.assessment_answers_save(actor=editor, assessment=prescan, answers=PRESCAN_DPIA)
    api = api_for(editor)
    assert (
        api.post(f"/api/v1/assessments/{prescan.pk}/submit", {}, format="json").status_code == 200
    )
    response = api.post(f"/api/v1/assessments/{prescan.pk}/approve", {}, format="json")
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    viewer = make_member("viewer", org)
    response = api_for(viewer).post(f"/api/v1/assessments/{prescan.pk}/approve", {}, format="json")
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    response = api_for(officer).post(
        f"/api/v1/assessments/{prescan.pk}/approve", {"note": "Akkoord"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "approved"


def test_risks_mitigations_and_coverage_through_the_api(api_for, prescan, editor, officer, org):
    api = api_for(editor)
    risk = api.post(
        f"/api/v1/assessments/{prescan.pk}/risks",
        {"description": "Heridentificatie", "likelihood": 4, "impact": 4},
        format="json",
    ).json()
    assert risk["score"] == 16
    mitigation = api.post(
        f"/api/v1/risks/{risk['id']}/mitigations",
        {"description": "Pseudonimiseren", "dueDate": "2026-01-01"},
        format="json",
    ).json()
    refused = api.patch(
        f"/api/v1/mitigations/{mitigation['id']}", {"status": "approved"}, format="json"
    )
    assert refused.status_code == 403
    coverage = api.get(f"/api/v1/organisations/{org.slug}/safeguard-coverage").json()
    assert coverage["openHighRisks"] == 1
    assert (
        api_for(officer)
        .patch(f"/api/v1/mitigations/{mitigation['id']}", {"status": "approved"}, format="json")
        .status_code
        == 200
    )
    assert (
        api.get(f"/api/v1/organisations/{org.slug}/safeguard-coverage").json()["openHighRisks"] == 0
    )


def test_templates_are_listed_with_their_items(api_for, templates, editor):
    api = api_for(editor)
    listed = api.get("/api/v1/assessment-templates").json()
    assert any(t["urn"] == "urn:omslag:privacy-prescan" for t in listed["results"]) or listed
    pk = templates["privacy-prescan"].pk
    detail = api.get(f"/api/v1/assessment-templates/{pk}").json()
    assert [i["id"] for i in detail["items"]][:3] == ["1", "1.1", "1.2"]
    assert detail["items"][2]["condition"] == {"item": "1.1", "in": ["yes"]}


def login(client, person):
    client.force_login(person)


def test_the_form_shows_steps_and_applies_conditions_on_the_server(client, prescan, editor):
    login(client, editor)
    page = client.get(f"/assessments/{prescan.pk}/steps/1").content.decode()
    assert "Stap 1 van 3" in page or "Step 1 of 3" in page
    assert 'name="a-1.1"' in page and 'name="a-1.2"' not in page  # 1.2 only after "yes"
    response = client.post(f"/assessments/{prescan.pk}/steps/1", {"a-1.1": "yes", "go": "save"})
    assert response.status_code == 302
    page = client.get(f"/assessments/{prescan.pk}/steps/1").content.decode()
    assert 'name="a-1.2"' in page
    response = client.post(f"/assessments/{prescan.pk}/steps/3", {"a-3.2": "morgen", "go": "save"})
    assert response.status_code == 400 and 'id="a-3.2-error"' in response.content.decode()


def test_repeatable_groups_get_add_another(client, templates, org, editor):
    assessment = services.assessment_create(
        actor=editor, template=templates["workers-position"], subject=new_experiment(org)
    )
    login(client, editor)
    page = client.get(f"/assessments/{assessment.pk}/steps/1").content.decode()
    assert 'name="a-1.1.1-0"' in page and 'value="1.1@"' in page
    client.post(
        f"/assessments/{assessment.pk}/steps/1", {"a-1.1.1-0": "Baliemedewerker", "add": "1.1@"}
    )
    page = client.get(f"/assessments/{assessment.pk}/steps/1").content.decode()
    assert 'name="a-1.1.1-1"' in page and "Baliemedewerker" in page


def test_the_review_page_is_refused_to_the_author(client, prescan, editor, officer):
    services.assessment_answers_save(actor=editor, assessment=prescan, answers=PRESCAN_DPIA)
    services.assessment_submit(actor=editor, assessment=prescan)
    login(client, editor)
    assert client.get(f"/assessments/{prescan.pk}/review").status_code == 403
    assert (
        client.post(f"/assessments/{prescan.pk}/review", {"decision": "approve"}).status_code == 403
    )
    client.logout()
    login(client, officer)
    response = client.post(f"/assessments/{prescan.pk}/review", {"decision": "approve", "note": ""})
    assert response.status_code == 302
    prescan.refresh_from_db()
    assert prescan.status == "approved"


def test_pages_render(client, prescan, editor, org, templates):
    login(client, editor)
    for url in [
        "/assessment-templates",
        f"/assessment-templates/{templates['privacy-prescan'].pk}",
        f"/organisations/{org.slug}/assessments",
        f"/organisations/{org.slug}/assessments/new",
        f"/organisations/{org.slug}/safeguard-coverage",
        f"/organisations/{org.slug}/gate-requirements",
        f"/assessments/{prescan.pk}",
        f"/assessments/{prescan.pk}/risks",
        f"/history/assessment/{prescan.pk}",
    ]:
        assert client.get(url).status_code == 200, url
    exported = json.loads(client.get(f"/assessments/{prescan.pk}/json").content)
    assert exported["template"]["urn"] == "urn:omslag:privacy-prescan"


def test_html_in_imported_descriptions_is_never_rendered(client, editor, org):
    import io

    text = """
name: Test
description: Test
urn: 'urn:nl:test'
version: "1"
tasks:
  - task: Eerste
    id: "1"
    description: 'Zie <a href="https://example.org">hier</a><script>alert(1)</script>'
    type: [open_text]
    repeatable: false
"""
    template, _h, _c = services.template_import_file(
        actor=None, stream=io.StringIO(text), fmt="dpia-form-v2"
    )
    login(client, editor)
    page = client.get(f"/assessment-templates/{template.pk}").content.decode()
    assert "<script>alert(1)" not in page and '<a href="https://example.org">' not in page


def test_the_assessment_page_leads_back_to_its_experiment_in_the_readers_language(prescan, editor):
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(editor)
    page = client.get(f"/assessments/{prescan.pk}").content.decode()
    experiment = prescan.experiment
    assert f'<a href="/experiments/{experiment.pk}">{experiment.title}</a> (experiment)' in page


def test_rights_are_checked_where_the_request_enters(
    api_for, client, prescan, editor, officer, org
):
    """The services trust their caller; every page and API view asks access.py first."""
    risk = services.risk_create(
        actor=editor, assessment=prescan, description="Koppeling", likelihood=2, impact=2
    )
    mitigation = services.mitigation_create(actor=editor, risk=risk, description="Minimaliseren")
    client.force_login(editor)
    response = client.post(f"/mitigations/{mitigation.pk}/status", {"status": "approved"})
    assert response.status_code == 403
    mitigation.refresh_from_db()
    assert mitigation.status == "open"
    created = api_for(editor).post(
        f"/api/v1/risks/{risk.pk}/mitigations",
        {"description": "Zelf goedgekeurd", "status": "approved"},
        format="json",
    )
    assert created.status_code == 403
    assert risk.mitigations.count() == 1
    gates = api_for(editor).put(
        f"/api/v1/organisations/{org.slug}/gate-requirements",
        {"requirements": []},
        format="json",
    )
    assert gates.status_code == 403
    submit = api_for(officer).post(f"/api/v1/assessments/{prescan.pk}/submit", {}, format="json")
    assert submit.status_code == 403
    client.force_login(officer)
    response = client.post(f"/mitigations/{mitigation.pk}/status", {"status": "approved"})
    assert response.status_code == 302
    mitigation.refresh_from_db()
    assert mitigation.status == "approved"


def test_the_assessment_list_shows_pages_of_50_with_the_same_queries_whatever_the_number(
    client, templates, org, editor
):
    """At national scale a ministry has thousands of assessments: the list reads one page of
    50 (the newest first) and links to the others, and its queries do not grow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from omslag.safeguards.models import Assessment

    client.force_login(editor)
    url = f"/organisations/{org.slug}/assessments"
    experiment = new_experiment(org)

    def start(count):
        for _ in range(count):
            services.assessment_create(
                actor=editor,
                template=templates["privacy-prescan"],
                subject=experiment,
                title=f"Toets {Assessment.objects.count() + 1:03d}",
            )

    def queries_of_the_list():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        return len(queries.captured_queries), page.content.decode()

    start(3)
    few, page = queries_of_the_list()
    assert page.count("/assessments/") - page.count("/assessments/new") >= 3
    assert 'rel="next"' not in page
    start(57)  # 60 in all
    many, page = queries_of_the_list()
    assert many == few
    newest_first = [f"Toets {n:03d}" for n in range(60, 10, -1)]
    assert all(title in page for title in newest_first)
    assert "Toets 010" not in page and 'rel="next"' in page
    second = client.get(url, {"page": 2}).content.decode()
    assert all(f"Toets {n:03d}" in second for n in range(1, 11))
    assert "Toets 011" not in second
