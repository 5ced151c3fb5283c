"""Every figure of the board dashboard, computed again in the test from the raw records, for
one organisation and rolled up over the organisations below it, compared with the selector,
the API, the page and the JSON board report."""

import datetime as dt
import json
import re
import statistics
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from omslag.algorithms.models import AlgorithmRecord
from omslag.innovation.models import Decision, Experiment, Idea, StageTransition
from omslag.leadership.api import DashboardOut
from omslag.leadership.selectors import dashboard_for
from omslag.portfolio.models import Application, SpendLine
from omslag.projects.models import Project, ProjectReport, ReviewAdvice

from .conftest import TODAY

CENT = Decimal("0.01")
WINDOW_START = dt.date(2025, 6, 15)


def scope(world, with_children):
    ministry = world["ministry"]
    return [ministry.pk, *(a.pk for a in world["agencies"])] if with_children else [ministry.pk]


def expected_balance(ids):
    per_year = defaultdict(lambda: defaultdict(Decimal))
    for line in SpendLine.objects.filter(organisation_id__in=ids):
        if line.kind == "actual" and line.year < TODAY.year:
            per_year[line.year][line.category] += line.amount
    year = max(per_year)
    amounts = per_year[year]
    total = amounts["run"] + amounts["change"] + amounts["innovate"]
    return {
        "year": year,
        "run": amounts["run"],
        "change": amounts["change"],
        "innovate": amounts["innovate"],
        "runShare": round(float(amounts["run"]) / float(total) * 100, 1),
        "changeShare": round(float(amounts["change"]) / float(total) * 100, 1),
        "innovateShare": round(float(amounts["innovate"]) / float(total) * 100, 1),
        "targetInnovateShare": 10.0,
        "gapInnovate": max(total * Decimal("0.10") - amounts["innovate"], Decimal(0)).quantize(
            CENT
        ),
    }


def expected_legacy(ids):
    limit = dt.date(2027, 6, 15)
    chosen = [
        a
        for a in Application.objects.filter(organisation_id__in=ids)
        if a.end_of_support and a.end_of_support <= limit
    ]
    run_cost = sum(
        (
            line.amount
            for line in SpendLine.objects.filter(
                application__in=chosen, year=2025, kind="actual", category="run"
            )
        ),
        Decimal(0),
    )
    return {
        "applications": len(chosen),
        "pastEndOfSupport": sum(1 for a in chosen if a.end_of_support < TODAY),
        "runCost": run_cost,
    }


def expected_projects(ids):
    projects = list(Project.objects.filter(organisation_id__in=ids))
    original = current = Decimal(0)
    shifts = []
    for project in projects:
        reports = list(ProjectReport.objects.filter(project=project).order_by("peildatum"))
        first, latest = reports[0], reports[-1]
        original += first.total_cost_estimate
        current += latest.total_cost_estimate
        a, b = first.estimated_end_date, latest.estimated_end_date
        shifts.append((b.year - a.year) * 12 + b.month - a.month)
    return {
        "count": len(projects),
        "originalBudget": original,
        "currentEstimate": current,
        "costChange": current - original,
        "scheduleChangeMonths": round(sum(shifts) / len(shifts), 1),
        # +40% cost and 15 months late is red; +5% and two months is not.
        "red": sum(1 for p in projects if p.name.endswith("vernieuwing")),
        "openReviewAdvice": ReviewAdvice.objects.filter(
            project__organisation_id__in=ids, follow_up=""
        ).count(),
    }


def in_window(moment) -> bool:
    return WINDOW_START < moment.date() <= TODAY


def expected_innovation(ids):
    experiments = list(Experiment.objects.filter(organisation_id__in=ids))
    started, operation, days = set(), set(), []
    for experiment in experiments:
        history = list(StageTransition.objects.filter(experiment=experiment).order_by("at"))
        for move in history:
            if move.to_stage == "running" and in_window(move.at):
                started.add(experiment.pk)
            if move.to_stage == "in_operation" and in_window(move.at):
                operation.add(experiment.pk)
                days.append((move.at - history[0].at).days)
    scaled = {
        d.experiment_id
        for d in Decision.objects.filter(experiment__in=experiments, outcome="scale")
        if WINDOW_START < d.decided_on <= TODAY
    }
    return {
        "ideas": sum(
            1 for i in Idea.objects.filter(organisation_id__in=ids) if in_window(i.created_at)
        ),
        "experiments": len(started),
        "scaled": len(scaled),
        "inOperation": len(operation),
        "conversionToPractice": round(len(operation) / len(started) * 100, 1),
        "medianDaysIdeaToOperation": statistics.median(days),
        "stuckAfterPilot": 0,
    }


def expected_algorithms(ids):
    records = list(AlgorithmRecord.objects.filter(organisation_id__in=ids))
    return {
        "algorithmsRegistered": len(records),
        "algorithmsPublished": sum(1 for r in records if r.link),
    }


def expected_decisions(ids):
    waiting = Experiment.objects.filter(organisation_id__in=ids, stage="decision")
    gates = waiting.count()
    unowned = sum(
        1
        for e in waiting
        if e.decisions.filter(outcome="scale").exists() and not hasattr(e, "implementation")
    )
    above_threshold_without_advice = 0
    for project in Project.objects.filter(organisation_id__in=ids):
        latest = ProjectReport.objects.filter(project=project).order_by("peildatum").last()
        if latest.total_cost_estimate >= 5_000_000 and not ReviewAdvice.objects.filter(
            project=project
        ):
            above_threshold_without_advice += 1
    return {
        "gate": gates,
        "scale-owner": unowned,
        "review-advice": above_threshold_without_advice,
    }


def as_api(value):
    return str(value.quantize(CENT)) if isinstance(value, Decimal) else value


@pytest.mark.parametrize("with_children", [False, True])
def test_every_figure_equals_the_independent_computation(world, with_children):
    ids = scope(world, with_children)
    board = dashboard_for(
        person=world["board"],
        organisation=world["ministry"],
        with_children=with_children,
        as_of=None,
    )
    assert sorted(board.organisation_ids) == sorted(ids)
    figures = {tile.key: tile.data.figures for tile in board.tiles}
    for name, value in expected_balance(ids).items():
        assert figures["balance"][name] == value, name
    for name, value in expected_legacy(ids).items():
        assert figures["legacy"][name] == value, name
    for name, value in expected_projects(ids).items():
        assert figures["projects"][name] == value, name
    for name, value in expected_innovation(ids).items():
        assert figures["innovation"][name] == value, name
    for name, value in expected_algorithms(ids).items():
        assert figures["safeguards"][name] == value, name
    kinds = defaultdict(int)
    for decision in board.decisions:
        kinds[decision.kind] += 1
    for kind, count in expected_decisions(ids).items():
        assert kinds[kind] == count, kind
    # The rolled-up figures are really more than the ministry's own.
    assert figures["projects"]["count"] == 3 * len(ids)


@pytest.mark.parametrize("with_children", [False, True])
def test_api_page_and_json_report_carry_the_same_figures(world, api_for, tmp_path, with_children):
    ids = scope(world, with_children)
    query = "?withChildren=true" if with_children else ""
    response = api_for(world["board"]).get(f"/api/v1/organisations/ministerie/dashboard{query}")
    assert response.status_code == 200
    document = response.json()
    assert document["asOf"] == TODAY.isoformat()
    assert document["withChildren"] is with_children
    documented = DashboardOut(data=document)  # the OpenAPI description fits the answer
    assert documented.is_valid(), documented.errors
    for name, value in expected_balance(ids).items():
        assert document["balance"][name] == as_api(value), name
    for name, value in expected_projects(ids).items():
        assert document["projects"][name] == as_api(value), name
    for name, value in expected_innovation(ids).items():
        assert document["innovation"][name] == value, name
    for name, value in expected_legacy(ids).items():
        assert document["legacy"][name] == as_api(value), name
    for name in ("coverage", "openHighRisks", "overdueMitigations"):
        assert name in document["safeguards"]
    assert len(document["decisionsWaiting"]) == sum(expected_decisions(ids).values())
    assert document["decisionsWaitingTotal"] == sum(expected_decisions(ids).values())
    by_kind = document["decisionsWaitingByKind"]
    for kind, count in expected_decisions(ids).items():
        assert (
            by_kind[{"scale-owner": "scaleOwner", "review-advice": "reviewAdvice"}.get(kind, kind)]
            == count
        )

    output = tmp_path / "board.json"
    arguments = ["report", "board", "--org", "ministerie", "--format", "json", "-o", output]
    if with_children:
        arguments.append("--with-children")
    call_command(*map(str, arguments))
    assert json.loads(output.read_text()) == document

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world["board"])
    page = client.get(f"/organisations/ministerie/dashboard?below={int(with_children)}")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
    balance = expected_balance(ids)
    projects = expected_projects(ids)
    for amount in (balance["run"], balance["innovate"], projects["currentEstimate"]):
        whole = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert f"€ {whole:,}" in text.replace("\xa0", " ")
    assert f"{balance['runShare']}%" in text
    legacy = expected_legacy(ids)
    assert f"Past or within 12 months of the end of support {legacy['applications']}" in text


def test_the_balance_names_the_year_each_scenario_meets_the_target(world, api_for):
    from omslag.portfolio import services
    from omslag.portfolio.models import ScenarioChange

    scenario = services.scenario_create(
        actor=None, organisation=world["ministry"], name="Meer innovatie", base_year=2025
    )
    services.scenario_change_add(
        actor=None,
        scenario=scenario,
        kind=ScenarioChange.Kind.CHANGE_INNOVATE,
        label="Extra",
        from_year=2027,
        amount=Decimal("5000000"),
    )
    document = (
        api_for(world["board"])
        .get("/api/v1/organisations/ministerie/dashboard?withChildren=true")
        .json()
    )
    years = {s["name"]: s["targetMetIn"] for s in document["balance"]["scenarios"]}
    assert set(years) == {"—", "Meer innovatie"}
    # Five million more innovation a year lifts innovate above 10% of the (about 4 million
    # a year) spend from 2027 on; without change the 2025 split never reaches it.
    assert years["Meer innovatie"] == 2027
    balance = expected_balance(scope(world, True))
    assert balance["innovateShare"] < 10
    assert years["—"] is None
