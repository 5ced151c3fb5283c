"""Assessments through their services and pages: typed answers, conditions on the server,
scoring, review only by a safeguard officer who is not the author, the gates of experiments
and projects, coverage against hand counts, and the PDF read back."""

import datetime as dt
import io

import pytest

from omslag.innovation import services as innovation_services
from omslag.organisations.models import Role
from omslag.projects import services as project_services
from omslag.projects.gates import ProjectGateRefused
from omslag.safeguards import access, selectors, services
from omslag.safeguards.models import Answer, Mitigation
from omslag.safeguards.questionnaire import AnswerInvalid
from tests.factories import member
from tests.portfolio.factories import application

from .conftest import PRESCAN_DPIA, PRESCAN_NO_DPIA, approved, new_experiment


@pytest.fixture
def prescan(templates, org, editor):
    return services.assessment_create(
        actor=editor, template=templates["privacy-prescan"], subject=new_experiment(org)
    )


def test_answers_of_the_wrong_type_are_refused_naming_the_item(prescan, editor):
    with pytest.raises(AnswerInvalid) as refused:
        services.assessment_answers_save(
            actor=editor,
            assessment=prescan,
            answers=[
                {"item": "1.1", "value": "misschien"},
                {"item": "3.2", "value": "gisteren"},
                {"item": "2.1", "value": "special"},
                {"item": "9.9", "value": "x"},
                {"item": "1", "value": "x"},
            ],
        )
    problems = refused.value.problems
    assert "does not have the option 'misschien'" in problems["1.1"]
    assert "takes a date" in problems["3.2"]
    assert "takes a list of options" in problems["2.1"]
    assert problems["9.9"] == "no such item in this template"
    assert "takes no answer" in problems["1"]
    assert not Answer.objects.exists()


def test_answers_to_hidden_items_are_dropped_and_the_score_gives_the_outcome(prescan, editor):
    services.assessment_answers_save(actor=editor, assessment=prescan, answers=PRESCAN_DPIA)
    assert (prescan.score, prescan.outcome) == (2, "dpia_required")
    services.assessment_answers_save(actor=editor, assessment=prescan, answers=PRESCAN_NO_DPIA)
    prescan.refresh_from_db()
    # 2.1 sits in a group shown only when personal data is processed: its answer is removed
    assert list(prescan.answers.values_list("item__source_id", flat=True)) == ["1.1"]
    assert (prescan.score, prescan.outcome) == (0, "no_dpia")


def test_repeatable_groups_keep_an_answer_per_repetition(templates, org, editor):
    assessment = services.assessment_create(
        actor=editor, template=templates["workers-position"], subject=new_experiment(org)
    )
    services.assessment_answers_save(
        actor=editor,
        assessment=assessment,
        answers=[
            {"item": "1.1.1", "repeat": "0", "value": "Baliemedewerker"},
            {"item": "1.1.1", "repeat": "1", "value": "Data-analist"},
            {"item": "1.1.3", "repeat": "1", "value": 2.5},
        ],
    )
    with pytest.raises(AnswerInvalid, match="repeat path"):
        services.assessment_answers_save(
            actor=editor, assessment=assessment, answers=[{"item": "1.1.1", "value": "x"}]
        )
    with pytest.raises(AnswerInvalid, match="takes a number"):
        services.assessment_answers_save(
            actor=editor,
            assessment=assessment,
            answers=[{"item": "1.1.3", "repeat": "0", "value": "twee"}],
        )
    assert assessment.answers.count() == 3


def test_only_a_safeguard_officer_who_is_not_the_author_signs_off(prescan, editor, org):
    services.assessment_answers_save(actor=editor, assessment=prescan, answers=PRESCAN_NO_DPIA)
    services.assessment_submit(actor=editor, assessment=prescan)
    assert not access.assessment_can_review(editor, prescan)
    officer_and_author = member(Role.SAFEGUARD_OFFICER, org, person=editor)
    assert not access.assessment_can_review(officer_and_author, prescan)
    officer = member(Role.SAFEGUARD_OFFICER, org)
    assert access.assessment_can_review(officer, prescan)
    services.assessment_approve(actor=officer, assessment=prescan)
    assert prescan.status == "approved" and prescan.reviewed_by == officer


def test_required_questions_must_be_answered_before_review(prescan, editor):
    with pytest.raises(services.assessments.RuleViolation, match="required questions"):
        services.assessment_submit(actor=editor, assessment=prescan)


def move(experiment, stage):
    return innovation_services.experiment_move(
        actor=None, experiment=experiment, to_stage=stage, expected_version=experiment.version
    )


def test_an_experiment_with_personal_data_runs_only_after_its_assessments(
    templates, org, editor, officer
):
    experiment = new_experiment(org, processes_personal_data=True)
    with pytest.raises(innovation_services.GateRefused) as refused:
        move(experiment, "running")
    assert "privacy pre-scan" in " ".join(refused.value.problems)
    prescan = services.assessment_create(
        actor=editor, template=templates["privacy-prescan"], subject=experiment
    )
    services.assessment_answers_save(actor=editor, assessment=prescan, answers=PRESCAN_DPIA)
    services.assessment_submit(actor=editor, assessment=prescan)
    with pytest.raises(innovation_services.GateRefused):  # in review is not approved
        move(experiment, "running")
    services.assessment_approve(actor=officer, assessment=prescan)
    with pytest.raises(innovation_services.GateRefused) as refused:
        move(experiment, "running")
    assert refused.value.problems == [
        "An approved data protection impact assessment (DPIA) is missing (the privacy "
        "pre-scan says a DPIA is required)."
    ]
    dpia = services.assessment_create(
        actor=editor, template=templates["privacy-prescan"], subject=experiment
    )
    dpia.kind = "dpia"  # any template of the DPIA kind will do; the own set has none
    dpia.save()
    approved(dpia, editor, officer, PRESCAN_NO_DPIA)
    experiment.refresh_from_db()
    assert move(experiment, "running").stage == "running"


def test_no_dpia_needed_when_the_prescan_says_so(templates, org, editor, officer):
    experiment = new_experiment(org, processes_personal_data=True)
    prescan = services.assessment_create(
        actor=editor, template=templates["privacy-prescan"], subject=experiment
    )
    approved(prescan, editor, officer, PRESCAN_NO_DPIA)
    experiment.refresh_from_db()
    assert move(experiment, "running").stage == "running"


def test_a_high_risk_without_approved_mitigation_blocks_implementation(
    templates, org, editor, officer
):
    from omslag.innovation.gates import gate_problems

    experiment = new_experiment(org)
    assessment = services.assessment_create(
        actor=editor, template=templates["ai-act-risk-class"], subject=experiment
    )
    risk = services.risk_create(
        actor=editor, assessment=assessment, description="Discriminatie", likelihood=3, impact=5
    )
    assert risk.score == 15
    assert "Discriminatie" in " ".join(gate_problems(experiment, "implementation"))
    mitigation = services.mitigation_create(actor=editor, risk=risk, description="Bias-toets")
    # the author does not approve their own mitigation; the safeguard officer does
    assert not access.mitigation_can_set(editor, risk, status="approved")
    assert access.mitigation_can_set(editor, risk, status="open")
    assert access.mitigation_can_set(officer, risk, status="approved")
    services.mitigation_update(actor=officer, mitigation=mitigation, status="approved")
    assert not any("Discriminatie" in p for p in gate_problems(experiment, "implementation"))


def test_a_project_starts_only_with_an_approved_security_baseline(templates, org, editor, officer):
    project = project_services.project_create(
        actor=None, organisation=org, name="Nieuw zaaksysteem", status="not_started"
    )
    with pytest.raises(ProjectGateRefused, match="security baseline"):
        project_services.project_update(
            actor=None, project=project, expected_version=project.version, status="in_progress"
        )
    baseline = services.assessment_create(
        actor=editor, template=templates["security-baseline"], subject=project
    )
    approved(
        baseline,
        editor,
        officer,
        [
            {"item": "1.1", "value": "high"},
            {"item": "1.2", "value": "medium"},
            {"item": "1.3", "value": "low"},
        ],
    )
    project.refresh_from_db()
    project_services.project_update(
        actor=None, project=project, expected_version=project.version, status="in_progress"
    )


def test_organisation_rules_replace_the_defaults(templates, org, editor):
    admin = member(Role.ADMIN, org)
    services.gate_requirements_save(
        actor=admin,
        organisation=org,
        rules=[
            {
                "subject": "experiment",
                "stage": "running",
                "need": "assessment",
                "template_kind": "workers",
                "when": "always",
            },
        ],
    )
    experiment = new_experiment(org, processes_personal_data=True)
    with pytest.raises(innovation_services.GateRefused) as refused:
        move(experiment, "running")
    assert refused.value.problems == ["An approved workers' position is missing."]
    assert not access.gate_requirements_can_change(editor, org)


def test_coverage_matches_a_hand_count(
    templates, org, editor, officer, django_assert_max_num_queries
):
    today = dt.date.today()
    # experiments: 1 without personal data (covered), 1 with and an approved pre-scan (covered),
    # 1 with personal data and nothing (not covered), 1 public-facing without accessibility
    new_experiment(org, title="A")
    b = new_experiment(org, title="B", processes_personal_data=True)
    approved(
        services.assessment_create(actor=editor, template=templates["privacy-prescan"], subject=b),
        editor,
        officer,
        PRESCAN_NO_DPIA,
    )
    new_experiment(org, title="C", processes_personal_data=True)
    new_experiment(org, title="D", public_facing=True)
    # projects: 2, one with an approved security baseline
    p1 = project_services.project_create(actor=None, organisation=org, name="P1")
    project_services.project_create(actor=None, organisation=org, name="P2")
    baseline = services.assessment_create(
        actor=editor, template=templates["security-baseline"], subject=p1
    )
    approved(baseline, editor, officer, [{"item": f"1.{i}", "value": "low"} for i in (1, 2, 3)])
    # applications: 1 without assessment
    app = application(org, name="Zaaksysteem")
    draft = services.assessment_create(
        actor=editor, template=templates["security-baseline"], subject=app
    )
    high = services.risk_create(
        actor=editor, assessment=draft, description="Lek", likelihood=5, impact=4
    )
    low = services.risk_create(
        actor=editor, assessment=draft, description="Klein", likelihood=1, impact=2
    )
    services.mitigation_create(
        actor=editor, risk=high, description="Pentest", due_date=today - dt.timedelta(days=3)
    )
    services.mitigation_create(
        actor=editor, risk=low, description="Later", due_date=today + dt.timedelta(days=3)
    )
    services.mitigation_create(
        actor=editor,
        risk=low,
        description="Klaar",
        status="implemented",
        due_date=today - dt.timedelta(days=9),
    )
    with django_assert_max_num_queries(12):
        figures = selectors.coverage_for(org)
    by = {s.subject: s for s in figures.subjects}
    assert (by["experiment"].total, by["experiment"].covered) == (4, 2)
    assert sorted(name for _pk, name in by["experiment"].missing) == ["C", "D"]
    assert (by["project"].total, by["project"].covered) == (2, 1)
    assert (by["application"].total, by["application"].covered) == (1, 0)
    assert (figures.total, figures.covered, figures.share) == (7, 3, round(300 / 7, 1))
    assert figures.open_high_risks == 1
    assert figures.overdue_mitigations == 1
    Mitigation.objects.filter(description="Pentest").update(status="approved")
    assert selectors.coverage_for(org).open_high_risks == 0


def test_the_pdf_holds_the_title_and_an_answer(templates, org, editor):
    import pypdf  # weasyprint (a dependency) writes it, pypdf (a dev tool) reads it

    from omslag.safeguards.pdf import assessment_pdf

    assessment = services.assessment_create(
        actor=editor,
        template=templates["workers-position"],
        subject=new_experiment(org),
        title="Werkgevolgen chatbot",
    )
    services.assessment_answers_save(
        actor=editor,
        assessment=assessment,
        answers=[
            {"item": "1.1.1", "repeat": "0", "value": "Klantcontactmedewerker"},
            {"item": "2.2", "value": "advice"},
        ],
    )
    text = "".join(
        page.extract_text()
        for page in pypdf.PdfReader(io.BytesIO(assessment_pdf(assessment))).pages
    )
    assert "Werkgevolgen chatbot" in text
    assert "Klantcontactmedewerker" in text, text
    assert "Advice requested" in text  # tests run in English


def test_a_rule_names_a_stage_the_subject_has(org):
    from django.core.exceptions import ValidationError

    admin = member(Role.ADMIN, org)
    with pytest.raises(ValidationError, match="Use one of"):
        services.gate_requirements_save(
            actor=admin,
            organisation=org,
            rules=[
                {
                    "subject": "experiment",
                    "stage": "runing",
                    "need": "assessment",
                    "template_kind": "dpia",
                    "when": "always",
                },
            ],
        )
