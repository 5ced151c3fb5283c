"""A small world for the board dashboard: a ministry with two agencies and an unrelated
municipality, each with spend, applications, projects, experiments with their stage history,
ideas, decisions, risks and algorithms; time frozen on TODAY."""

import datetime as dt
import random
from decimal import Decimal

import pytest
import time_machine

from omslag.algorithms.models import AlgorithmRecord
from omslag.innovation.models import (
    Decision,
    Experiment,
    Idea,
    ImplementationTrack,
    Stage,
    StageTransition,
)
from omslag.organisations.models import Role
from omslag.portfolio import services as portfolio_services
from omslag.projects import services as project_services
from omslag.projects.models import ReviewAdvice

from ..factories import member, organisation

TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def _spend(org, rng, years=range(2021, 2026)):
    for year in years:
        for category, (low, high) in {
            "run": (600_000, 900_000),
            "change": (150_000, 350_000),
            "innovate": (20_000, 120_000),
        }.items():
            for _ in range(2):
                portfolio_services.spend_line_create(
                    actor=None,
                    organisation=org,
                    year=year,
                    amount=Decimal(rng.randrange(low, high)) / 2,
                    kind="actual",
                    category=category,
                )
    # A budget for the running year must not count as a complete year.
    portfolio_services.spend_line_create(
        actor=None,
        organisation=org,
        year=2026,
        amount=Decimal("999999"),
        kind="budget",
        category="innovate",
    )


def _applications(org, rng, prefix):
    ends = [
        dt.date(2025, 1, 31),  # past
        dt.date(2026, 3, 1),  # past
        dt.date(2027, 6, 15),  # within 12 months (the boundary day)
        dt.date(2027, 6, 16),  # just outside
        dt.date(2030, 1, 1),  # later
        None,
    ]
    for index, end in enumerate(ends):
        application = portfolio_services.application_create(
            actor=None,
            organisation=org,
            name=f"{prefix} systeem {index}",
            business_value=rng.randint(1, 5),
            technical_condition=rng.randint(1, 5),
            end_of_support=end,
        )
        portfolio_services.spend_line_create(
            actor=None,
            organisation=org,
            year=2025,
            amount=Decimal(rng.randrange(10_000, 90_000)),
            kind="actual",
            category="run",
            application=application,
        )


def _project(org, name, reports, **fields):
    project = project_services.project_create(actor=None, organisation=org, name=name, **fields)
    for day, estimate, end in reports:
        project_services.report_create(
            actor=None,
            project=project,
            status="published",
            peildatum=day,
            total_cost_estimate=Decimal(estimate),
            estimated_end_date=end,
        )
    project.refresh_from_db()
    return project


def _experiment(org, title, stages, created):
    """An experiment whose stage history is ``stages`` [(stage, day)] after its creation."""
    experiment = Experiment.objects.create(
        organisation=org, title=title, stage=Stage.IDEA, stage_changed_at=at(created)
    )
    StageTransition.objects.create(
        experiment=experiment, from_stage="", to_stage=Stage.IDEA, at=at(created)
    )
    previous = Stage.IDEA
    for stage, day in stages:
        StageTransition.objects.create(
            experiment=experiment, from_stage=previous, to_stage=stage, at=at(day)
        )
        previous = stage
    experiment.stage = previous
    experiment.stage_changed_at = at(stages[-1][1]) if stages else at(created)
    experiment.save()
    return experiment


def _innovation(org, prefix):
    D = dt.date
    for index, day in enumerate([D(2025, 5, 1), D(2025, 7, 1), D(2026, 1, 10), D(2026, 6, 1)]):
        Idea.objects.create(organisation=org, title=f"{prefix} idee {index}", created_at=at(day))
    running = [(Stage.DESIGN, D(2025, 8, 1)), (Stage.RUNNING, D(2025, 9, 1))]
    _experiment(org, f"{prefix} loopt", running, D(2025, 7, 1))
    old = [(Stage.DESIGN, D(2024, 8, 1)), (Stage.RUNNING, D(2024, 9, 1))]
    _experiment(org, f"{prefix} oud", old, D(2024, 7, 1))
    to_operation = [
        (Stage.DESIGN, D(2024, 10, 1)),
        (Stage.RUNNING, D(2024, 11, 1)),
        (Stage.EVALUATION, D(2025, 3, 1)),
        (Stage.DECISION, D(2025, 4, 1)),
        (Stage.IMPLEMENTATION, D(2025, 8, 1)),
        (Stage.IN_OPERATION, D(2026, 2, 1)),
    ]
    _experiment(org, f"{prefix} in bedrijf", to_operation, D(2024, 9, 1))
    waiting = [
        (Stage.DESIGN, D(2025, 9, 1)),
        (Stage.RUNNING, D(2025, 10, 1)),
        (Stage.EVALUATION, D(2026, 1, 1)),
        (Stage.DECISION, D(2026, 3, 1)),
    ]
    scaled = _experiment(org, f"{prefix} wacht", waiting, D(2025, 8, 15))
    Decision.objects.create(
        experiment=scaled,
        stage=Stage.DECISION,
        outcome=Decision.Outcome.SCALE,
        decided_on=D(2026, 4, 1),
        rationale="Werkt.",
        evidence_level=3,
    )
    owned = _experiment(org, f"{prefix} geschaald", waiting, D(2025, 8, 15))
    Decision.objects.create(
        experiment=owned,
        stage=Stage.DECISION,
        outcome=Decision.Outcome.SCALE,
        decided_on=D(2025, 5, 1),  # before the window
        rationale="Werkt.",
        evidence_level=3,
    )
    ImplementationTrack.objects.create(
        experiment=owned, owner_name="Lijn", owner_unit="Dienst", funding_source="regular"
    )


@pytest.fixture
def world(db):
    rng = random.Random(9)
    ministry = organisation("ministerie", kind="ministry", name="Ministerie van Zaken")
    agencies = [organisation(f"dienst-{n}", parent=ministry, name=f"Dienst {n}") for n in (1, 2)]
    municipality = organisation("gemeente", kind="municipality", name="Gemeente Ergens")
    portfolio_services.spend_target_set(
        actor=None,
        organisation=ministry,
        target_year=2030,
        innovate_min_percent=Decimal("10"),
        run_max_percent=Decimal("65"),
    )
    D = dt.date
    for org in [ministry, *agencies, municipality]:
        _spend(org, rng)
        _applications(org, rng, org.slug)
        _innovation(org, org.slug)
        red = _project(
            org,
            f"{org.slug} vernieuwing",
            [
                (D(2023, 6, 30), 10_000_000, D(2025, 12, 31)),
                (D(2026, 3, 31), 14_000_000, D(2027, 3, 31)),
            ],
        )
        _project(
            org,
            f"{org.slug} portaal",
            [
                (D(2024, 6, 30), 2_000_000, D(2026, 6, 30)),
                (D(2025, 6, 30), 2_100_000, D(2026, 8, 31)),
            ],
        )
        project_services.part_create(
            actor=None,
            model=ReviewAdvice,
            project=red,
            date=D(2025, 1, 1),
            verdict="Bijsturen",
        )
        # Above the review threshold of EUR 5 million, without advice: waits for the board.
        _project(org, f"{org.slug} register", [(D(2026, 1, 31), 6_000_000, D(2028, 1, 31))])
        for index, link in enumerate(["https://algoritmes.overheid.nl/x", ""]):
            AlgorithmRecord.objects.create(
                organisation=org,
                name=f"{org.slug} algoritme {index}",
                status="in_use",
                publication_category="other",
                link=link,
            )
    board = member(Role.BOARD, ministry)
    auditor = member(Role.AUDITOR, agencies[0])
    outsider = member(Role.VIEWER, municipality)
    return {
        "ministry": ministry,
        "agencies": agencies,
        "municipality": municipality,
        "board": board,
        "auditor": auditor,
        "outsider": outsider,
    }
