"""Registers with something of every kind, built through the services; every field that must
never be public carries ``MARKER``."""

import datetime as dt
from decimal import Decimal

import pytest

from omslag.algorithms import services as algorithm_services
from omslag.innovation.models import Challenge
from omslag.innovation.services import pipeline
from omslag.organisations.models import Organisation, Role
from omslag.projects import services as project_services
from omslag.projects.models import ProjectReport
from omslag.publication.models import Kind
from omslag.safeguards import services as safeguard_services
from omslag.safeguards.models import AssessmentTemplate
from tests.algorithms.conftest import algorithm_values
from tests.factories import PersonFactory, member, organisation
from tests.portfolio.factories import application, spend

MARKER = "ZQXLEAK7731"


@pytest.fixture
def org(db):
    return organisation(
        "wadderveen", kind=Organisation.Kind.MUNICIPALITY, name="Gemeente Wadderveen"
    )


@pytest.fixture
def editor(org):
    return member(Role.EDITOR, org)


@pytest.fixture
def admin(org):
    return member(Role.ADMIN, org)


@pytest.fixture
def second_admin(org):
    return member(Role.ADMIN, org)


@pytest.fixture
def viewer(org):
    return member(Role.VIEWER, org)


def build_registers(org, marker: str = MARKER) -> dict:
    """One record of every publishable kind plus private records, keyed by kind (source ids)."""
    secret_person = PersonFactory(
        full_name=f"Persoon {marker}", email=f"{marker.lower()}@x.example"
    )
    member(Role.EDITOR, org, secret_person)

    project = project_services.project_create(
        actor=None, organisation=org, name="Nieuw zaaksysteem", number="P-1", goal="Sneller."
    )
    project_services.report_create(
        actor=None,
        project=project,
        status=ProjectReport.Status.PUBLISHED,
        peildatum=dt.date(2024, 1, 1),
        total_cost_estimate=Decimal("10000000"),
        estimated_end_date=dt.date(2026, 1, 1),
        notes=f"interne notitie {marker}",
    )
    project_services.report_create(
        actor=None,
        project=project,
        peildatum=dt.date(2025, 1, 1),
        total_cost_estimate=Decimal("99999999"),
        is_rebaseline=True,
        rebaseline_reason=f"concept {marker}",
        notes=f"concept {marker}",
    )
    from omslag.projects.models import QualityReview, ReviewAdvice

    project_services.part_create(
        actor=None,
        model=QualityReview,
        project=project,
        date=dt.date(2024, 2, 1),
        reviewer=f"Reviewer {marker}",
        conclusion=f"Conclusie {marker}",
    )
    project_services.part_create(
        actor=None,
        model=ReviewAdvice,
        project=project,
        date=dt.date(2024, 3, 1),
        verdict=f"oordeel {marker}",
        follow_up=f"opvolging {marker}",
    )
    public_challenge = pipeline.challenge_create(
        actor=None,
        organisation=org,
        title="Minder zwerfafval",
        problem_statement="Hoe krijgen we de stranden schoon?",
        owner=secret_person,
        visibility=Challenge.Visibility.PUBLIC,
        opens_on=dt.date(2025, 1, 1),
    )
    pipeline.challenge_create(
        actor=None,
        organisation=org,
        title=f"Intern {marker}",
        problem_statement=f"Intern {marker}",
        visibility=Challenge.Visibility.INTERNAL,
        opens_on=dt.date(2025, 1, 1),
    )
    pipeline.idea_submit(
        actor=None,
        organisation=org,
        title=f"Idee {marker}",
        description=f"Idee {marker}",
        author_name=f"Indiener {marker}",
        challenge=public_challenge,
    )
    experiment = pipeline.experiment_create(
        actor=None,
        organisation=org,
        title="Slimme containers",
        owner=secret_person,
        owner_team=f"Team {marker}",
        hypothesis="Sensoren besparen ritten.",
        partners=f"Partner {marker}",
        budget=Decimal("12345"),
    )
    pipeline.decision_record(
        actor=None,
        experiment=experiment,
        outcome="go",
        rationale="Genoeg bewijs om door te gaan.",
        evidence_level=2,
        decided_on=dt.date(2025, 3, 1),
        decided_by=secret_person,
    )
    lesson = pipeline.lesson_add(
        actor=None,
        experiment=experiment,
        tried="Sensoren in containers.",
        happened="Minder ritten.",
        differently="Eerder met de chauffeurs praten.",
    )
    algorithm = algorithm_services.algorithm_create(
        actor=None, organisation=org, **algorithm_values()
    )
    # Unpublished assessment answers and risks, on published subjects.
    safeguard_services.own_templates_load()
    workers = AssessmentTemplate.objects.get(key="workers-position")
    for subject in (experiment, project):
        assessment = safeguard_services.assessment_create(
            actor=None, template=workers, subject=subject, title=f"Toets {marker}"
        )
        safeguard_services.assessment_answers_save(
            actor=secret_person,
            assessment=assessment,
            answers=[{"item": "1.1.1", "repeat": "0", "value": f"Antwoord {marker}"}],
        )
        safeguard_services.risk_create(
            actor=None,
            assessment=assessment,
            description=f"Risico {marker}",
            owner=f"Eigenaar {marker}",
            likelihood=3,
            impact=3,
        )
    application(org, name=f"Applicatie {marker}", owner_name=f"Eigenaar {marker}")
    spend(org, 2024, 800000, "run", description=f"Regel {marker}")
    spend(org, 2024, 150000, "change")
    spend(org, 2024, 50000, "innovate")
    return {
        Kind.PROJECT: project.pk,
        Kind.EXPERIMENT: experiment.pk,
        Kind.LESSON: lesson.pk,
        Kind.ALGORITHM: algorithm.pk,
        Kind.CHALLENGE: public_challenge.pk,
        Kind.BALANCE_YEAR: 2024,
    }


@pytest.fixture
def registers(org):
    return build_registers(org)
