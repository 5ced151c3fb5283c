"""The dashboard figures the small world leaves at zero, now with data behind them: assessments
(approved and open) of experiments, projects and applications, high risks open and closed,
mitigations overdue and not, pilots stuck longer than their own organisation's limit (an agency
with a shorter limit than its ministry), a closed maturity scan round with three board members,
an agency without spend of the last complete year and projects whose latest report is older
than six months. Each figure is computed here from the raw records, for the ministry alone and
rolled up with its agencies, compared with the selector, the API, the page and the JSON board
report, and asserted non-zero so that a test on zeros cannot pass."""

import datetime as dt
import json
import re
import statistics
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from omslag.innovation.models import (
    Evaluation,
    Experiment,
    PipelineSettings,
    Stage,
    StageTransition,
)
from omslag.leadership.selectors import dashboard_for
from omslag.maturity import services as maturity_services
from omslag.maturity.models import Answer as ScanAnswer
from omslag.maturity.scan import current_scan
from omslag.organisations.models import Organisation, Role
from omslag.portfolio.models import Application, SpendLine
from omslag.projects.models import Project, ProjectReport
from omslag.safeguards import services as safeguard_services
from omslag.safeguards.models import Assessment, AssessmentTemplate, Mitigation, Risk

from ..factories import member, organisation
from .conftest import TODAY, _project, at
from .test_drilldown import follow_every_tile

D = dt.date
COMPLETE_YEAR = TODAY.year - 1
# Six months before TODAY (2026-06-15): a running project's latest report before this is stale.
STALE_BEFORE = D(2025, 12, 15)
MINISTRY_LIMIT_MONTHS = 12
AGENCY_LIMIT_MONTHS = 3


def ids_of(world, with_children):
    ministry = world["ministry"]
    return [ministry.pk, *(a.pk for a in world["agencies"])] if with_children else [ministry.pk]


# --- the records ----------------------------------------------------------------------------


def _templates():
    safeguard_services.own_templates_load()
    return {t.kind: t for t in AssessmentTemplate.objects.order_by("pk")}


def _assessment(templates, kind, subject, *, approved):
    assessment = safeguard_services.assessment_create(
        actor=None, template=templates[kind], subject=subject
    )
    if approved:
        # The questionnaire and its sign-off are the safeguards' own tests; here only the
        # status counts.
        Assessment.objects.filter(pk=assessment.pk).update(status="approved")
        assessment.refresh_from_db()
    return assessment


def _risk(assessment, likelihood, impact, mitigations=()):
    risk = safeguard_services.risk_create(
        actor=None,
        assessment=assessment,
        description=f"Risico {likelihood}x{impact}",
        likelihood=likelihood,
        impact=impact,
    )
    for due, status in mitigations:
        safeguard_services.mitigation_create(
            actor=None, risk=risk, description="Maatregel", due_date=due, status=status
        )
    return risk


def _safeguards(org, templates, extra):
    """Per organisation: security baselines of projects and applications (approved and open),
    privacy pre-scans of experiments that process personal data (approved and open), high
    risks without and with an approved mitigation, mitigations past due and not. ``extra``
    adds more of each in the agencies, so the roll-up differs from three times the ministry."""
    projects = {p.name.split(" ", 1)[1]: p for p in Project.objects.filter(organisation=org)}
    applications = list(Application.objects.filter(organisation=org).order_by("name"))
    experiments = {e.title.split(" ", 1)[1]: e for e in Experiment.objects.filter(organisation=org)}
    baseline = _assessment(templates, "security", projects["vernieuwing"], approved=True)
    _assessment(templates, "security", projects["portaal"], approved=False)
    application_baseline = _assessment(templates, "security", applications[0], approved=True)
    for application in applications[1 : 1 + extra]:
        _assessment(templates, "security", application, approved=True)
    _assessment(templates, "security", applications[-1], approved=False)
    for title, approved in (("loopt", True), ("oud", False)):
        Experiment.objects.filter(pk=experiments[title].pk).update(processes_personal_data=True)
        _assessment(templates, "privacy_prescan", experiments[title], approved=approved)
    past, later = D(2026, 5, 1), D(2026, 9, 1)
    # Open high risk (4 x 5) with an open, overdue mitigation.
    _risk(baseline, 4, 5, [(past, "open")])
    # Closed high risk: its mitigation is approved (and past its date: not overdue either).
    _risk(baseline, 5, 5, [(past, "approved")])
    # Open high risk (3 x 5, the threshold) whose mitigation is due later.
    _risk(application_baseline, 3, 5, [(later, "open")])
    # Low risk with an overdue mitigation and one implemented in time.
    _risk(application_baseline, 2, 2, [(past, "open"), (past, "implemented")])
    for _ in range(extra):
        _risk(application_baseline, 4, 4, [(TODAY - dt.timedelta(days=1), "open")])


def _pilot(org, title, evaluated):
    """An experiment in evaluation with a positive result of ``evaluated`` and no
    implementation track."""
    experiment = Experiment.objects.create(
        organisation=org, title=title, stage=Stage.EVALUATION, stage_changed_at=at(evaluated)
    )
    StageTransition.objects.create(
        experiment=experiment, from_stage="", to_stage=Stage.IDEA, at=at(D(2024, 1, 1))
    )
    evaluation = Evaluation.objects.create(
        experiment=experiment,
        metric="doorlooptijd",
        method="t-test",
        method_version="1",
        inputs={},
        result={},
        positive=True,
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(created_at=at(evaluated))
    return experiment


def _scan_round(org, people, score_of, title="Scan voorjaar"):
    scan_round = maturity_services.round_create(
        actor=None,
        organisation=org,
        title=title,
        opens_on=D(2026, 5, 1),
        closes_on=D(2026, 6, 30),
        participants=people,
    )
    scan = current_scan()
    order = [d.code for d in scan.dimensions]
    statements = scan.statements
    for index, person in enumerate(people):
        maturity_services.answers_submit(
            actor=person,
            scan_round=scan_round,
            answers=[
                maturity_services.AnswerInput(
                    statement=s.code,
                    score=score_of(index, n, order.index(s.dimension)),
                    evidence="Zie jaarverslag.",
                )
                for n, s in enumerate(statements)
            ],
        )
    return maturity_services.round_close(actor=None, scan_round=scan_round)


def ministry_score(person, n, dimension):
    """Low on one dimension, high on another, people one point apart, statements alternating."""
    base = (2, 3, 1, 4, 5, 3)[dimension % 6]
    return min(5, max(1, base + person - 1 + n % 2))


@pytest.fixture
def full(world):
    ministry = world["ministry"]
    first, second = world["agencies"]
    templates = _templates()
    for extra, org in enumerate([ministry, first, second]):
        _safeguards(org, templates, extra)
    # The ministry's limit is a year; the first agency sets its own three months, the second
    # inherits the ministry's.
    PipelineSettings.objects.create(organisation=ministry, stuck_after_months=MINISTRY_LIMIT_MONTHS)
    PipelineSettings.objects.create(organisation=first, stuck_after_months=AGENCY_LIMIT_MONTHS)
    five_months_ago = D(2026, 1, 15)
    for org in (ministry, first, second):
        _pilot(org, f"{org.slug} pilot vijf maanden", five_months_ago)
    _pilot(ministry, "ministerie pilot veertien maanden", D(2025, 4, 15))
    # The second agency has no actual spend of the last complete year.
    SpendLine.objects.filter(organisation=second, year=COMPLETE_YEAR, kind="actual").delete()
    # Stale and fresh reports besides the world's (whose "portaal" reported last in June 2025).
    _project(first, "dienst-1 archief", [(D(2025, 11, 30), 900_000, D(2027, 1, 31))])
    _project(first, "dienst-1 balie", [(D(2025, 12, 20), 800_000, D(2027, 1, 31))])
    # Three board members of the ministry answer its scan; the agency's own round differs.
    board = [world["board"], member(Role.BOARD, ministry), member(Role.BOARD, ministry)]
    _scan_round(ministry, board, ministry_score)
    _scan_round(first, [member(Role.BOARD, first)], lambda person, n, dimension: 5)
    return world


# --- the figures, computed here -------------------------------------------------------------


def expected_safeguards(ids):
    """Coverage under the default rules (no organisation here has its own): every project
    that is not cancelled and every application needs an approved security baseline; an
    experiment that is not stopped and processes personal data an approved privacy pre-scan
    (and a DPIA when an approved pre-scan says so; none does here)."""
    approved = {
        (a.kind, a.project_id or a.application_id or a.experiment_id, _subject_kind(a))
        for a in Assessment.objects.filter(status="approved", deleted_at__isnull=True)
    }
    total = covered = 0
    for project in Project.objects.filter(organisation_id__in=ids).exclude(status="cancelled"):
        total += 1
        covered += ("security", project.pk, "project") in approved
    for application in Application.objects.filter(organisation_id__in=ids):
        total += 1
        covered += ("security", application.pk, "application") in approved
    for experiment in Experiment.objects.filter(organisation_id__in=ids).exclude(stage="stopped"):
        total += 1
        covered += (
            not experiment.processes_personal_data
            or ("privacy_prescan", experiment.pk, "experiment") in approved
        )
    risks = Risk.objects.filter(
        assessment__organisation_id__in=ids, assessment__deleted_at__isnull=True
    )
    open_high = sum(
        1
        for risk in risks
        if risk.likelihood * risk.impact >= 15
        and not any(m.status == "approved" for m in risk.mitigations.all())
    )
    overdue = sum(
        1
        for m in Mitigation.objects.filter(risk__in=risks, risk__deleted_at__isnull=True)
        if m.due_date and m.due_date < TODAY and m.status == "open"
    )
    return {
        "coverage": round(100 * covered / total, 1),
        "covered": covered,
        "subjects": total,
        "openHighRisks": open_high,
        "overdueMitigations": overdue,
    }


def _subject_kind(assessment):
    if assessment.project_id:
        return "project"
    if assessment.application_id:
        return "application"
    return "experiment"


def limit_months(org):
    """The organisation's own setting, else the nearest one above it, else six."""
    chain = [org] + [Organisation.objects.get(pk=pk) for pk in reversed(org.ancestor_ids)]
    for candidate in chain:
        setting = PipelineSettings.objects.filter(organisation=candidate).first()
        if setting:
            return setting.stuck_after_months
    return 6


def expected_stuck(ids):
    count = 0
    for experiment in Experiment.objects.filter(organisation_id__in=ids):
        if experiment.stage in ("stopped", "in_operation") or hasattr(experiment, "implementation"):
            continue
        months = limit_months(experiment.organisation)
        limit = TODAY - dt.timedelta(days=round(months * 30.44))
        if any(e.positive and e.created_at.date() <= limit for e in experiment.evaluations.all()):
            count += 1
    return count


def expected_maturity(org):
    """The median of every score given to a dimension's statements in the organisation's
    latest closed round."""
    dimension_of = {s.code: s.dimension for s in current_scan().statements}
    scores = {}
    answers = ScanAnswer.objects.filter(round__organisation=org, round__status="closed")
    for answer in answers:
        scores.setdefault(dimension_of[answer.statement], []).append(answer.score)
    return {code: float(statistics.median(values)) for code, values in scores.items()}


def expected_freshness(ids):
    """Organisations without actual spend of the last complete year, and the running projects
    whose latest report is older than six months."""
    with_spend = set(
        SpendLine.objects.filter(
            organisation_id__in=ids, year=COMPLETE_YEAR, kind="actual"
        ).values_list("organisation_id", flat=True)
    )
    stale = 0
    for project in Project.objects.filter(organisation_id__in=ids).exclude(status="completed"):
        dates = [r.peildatum for r in ProjectReport.objects.filter(project=project)]
        if not dates or max(dates) < STALE_BEFORE:
            stale += 1
    return {"withoutSpend": sorted(set(ids) - with_spend), "staleReports": stale}


# --- the tests ------------------------------------------------------------------------------


def test_the_data_make_the_figures_non_zero_and_the_roll_up_larger(full):
    one, rolled = ids_of(full, False), ids_of(full, True)
    for ids in (one, rolled):
        safeguards = expected_safeguards(ids)
        assert 0 < safeguards["covered"] < safeguards["subjects"]
        assert safeguards["openHighRisks"] > 0 and safeguards["overdueMitigations"] > 0
        assert expected_stuck(ids) > 0 and expected_freshness(ids)["staleReports"] > 0
    assert expected_safeguards(rolled)["openHighRisks"] > expected_safeguards(one)["openHighRisks"]
    assert (
        expected_safeguards(rolled)["overdueMitigations"]
        > 3 * (expected_safeguards(one)["overdueMitigations"])
    )
    # The first agency's three-month limit makes its five-month pilot stuck; the ministry's
    # and the second agency's (a year) do not.
    assert (expected_stuck(one), expected_stuck(rolled)) == (1, 2)
    assert expected_freshness(one)["withoutSpend"] == []
    assert expected_freshness(rolled)["withoutSpend"] == [full["agencies"][1].pk]
    medians = expected_maturity(full["ministry"])
    assert len(medians) == 6 and len(set(medians.values())) > 1


@pytest.mark.parametrize("with_children", [False, True])
def test_the_selector_gives_the_independent_figures(full, with_children):
    ids = ids_of(full, with_children)
    board = dashboard_for(
        person=full["board"],
        organisation=full["ministry"],
        with_children=with_children,
        as_of=None,
    )
    figures = {tile.key: tile.data.figures for tile in board.tiles}
    for name, value in expected_safeguards(ids).items():
        assert figures["safeguards"][name] == value, name
    assert figures["innovation"]["stuckAfterPilot"] == expected_stuck(ids)
    assert board.decision_counts["stuck-pilot"] == expected_stuck(ids)
    # The maturity tile is the scan of the board's own organisation, rolled up or not.
    medians = {d["code"]: d["median"] for d in figures["maturity"]["dimensions"]}
    assert medians == expected_maturity(full["ministry"])
    assert figures["maturity"]["respondents"] == 3
    assert figures["projects"]["staleReports"] == expected_freshness(ids)["staleReports"]


def test_each_agency_counts_its_own_stuck_after_pilot_limit(full):
    """The roll-up used to measure every agency's pilots against the ministry's limit: the
    first agency's five-month pilot (its limit: three months) went uncounted."""
    first, second = full["agencies"]
    for org, expected in ((first, 1), (second, 0), (full["ministry"], 1)):
        board = dashboard_for(person=None, organisation=org, with_children=False, as_of=None)
        assert board.tile("innovation").data.figures["stuckAfterPilot"] == expected, org.slug
    rolled = dashboard_for(
        person=full["board"], organisation=full["ministry"], with_children=True, as_of=None
    )
    stuck = [d.subject for d in rolled.decisions if d.kind == "stuck-pilot"]
    assert sorted(stuck) == ["dienst-1 pilot vijf maanden", "ministerie pilot veertien maanden"]


def page_text(person, with_children):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    response = client.get(f"/organisations/ministerie/dashboard?below={int(with_children)}")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize("with_children", [False, True])
def test_the_api_the_page_and_the_json_report_carry_the_same_figures(
    full, api_for, tmp_path, with_children
):
    ids = ids_of(full, with_children)
    query = "?withChildren=true" if with_children else ""
    response = api_for(full["board"]).get(f"/api/v1/organisations/ministerie/dashboard{query}")
    assert response.status_code == 200
    document = response.json()
    safeguards = expected_safeguards(ids)
    for name, value in safeguards.items():
        assert document["safeguards"][name] == value, name
    stuck = expected_stuck(ids)
    assert document["innovation"]["stuckAfterPilot"] == stuck
    assert document["decisionsWaitingByKind"]["stuckPilot"] == stuck
    medians = expected_maturity(full["ministry"])
    assert {d["code"]: d["median"] for d in document["maturity"]["dimensions"]} == medians
    freshness = expected_freshness(ids)
    assert document["projects"]["staleReports"] == freshness["staleReports"]
    stale_warnings = [f for f in document["freshness"] if f["stale"]]
    assert any(str(freshness["staleReports"]) in f["warning"] for f in stale_warnings)

    output = tmp_path / "board.json"
    arguments = ["report", "board", "--org", "ministerie", "--format", "json", "-o", output]
    if with_children:
        arguments.append("--with-children")
    call_command(*map(str, arguments))
    assert json.loads(output.read_text()) == document

    text = page_text(full["board"], with_children)
    assert (
        f"{safeguards['covered']} of {safeguards['subjects']} experiments, projects and "
        f"applications have every approved assessment their rules require; "
        f"{safeguards['openHighRisks']} open high risks."
    ) in text
    assert (
        f"{freshness['staleReports']} running projects have no report of the last six months."
    ) in text
    lowest = min(medians.values())
    assert f"lowest median {lowest:g} on" in text


def test_an_organisation_without_spend_of_the_last_complete_year_is_warned_of(full, api_for):
    second = full["agencies"][1]
    warning = f"No actual spend of {COMPLETE_YEAR} yet."
    client = api_for(full["board"])
    agency = client.get(
        f"/api/v1/organisations/{second.slug}/dashboard", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert warning in [f["warning"] for f in agency["freshness"]]
    ministry = client.get(
        "/api/v1/organisations/ministerie/dashboard", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert warning not in [f["warning"] for f in ministry["freshness"]]
    # Rolled up, the ministry and the first agency have spend of the year; the second agency's
    # missing share is named rather than silently left out of the balance.
    behind = [
        Organisation.objects.get(pk=pk).name
        for pk in expected_freshness(ids_of(full, True))["withoutSpend"]
    ]
    assert behind == ["Dienst 2"]
    named = f"No actual spend of {COMPLETE_YEAR} yet from: {', '.join(behind)}."
    assert named not in [f["warning"] for f in ministry["freshness"]]
    rolled = client.get(
        "/api/v1/organisations/ministerie/dashboard?withChildren=true", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert named in [f["warning"] for f in rolled["freshness"]]
    assert named in page_text(full["board"], True)
    assert named not in page_text(full["board"], False)


# --- the number of queries --------------------------------------------------------------------


def _agency_with_everything(slug, parent, templates, months):
    """An agency with spend, an application and a project (with a report) that each have an
    approved assessment with a high risk and an overdue mitigation, a stuck pilot under its
    own limit, and a closed scan round."""
    org = organisation(slug, parent=parent)
    SpendLine.objects.bulk_create(
        SpendLine(organisation=org, year=2025, amount=Decimal(100), kind="actual", category=c)
        for c in ("run", "change", "innovate")
    )
    application = Application.objects.create(
        organisation=org,
        name=f"{slug} app",
        business_value=2,
        technical_condition=2,
        end_of_support=D(2026, 1, 1),
    )
    project = _project(org, f"{slug} project", [(D(2025, 9, 30), 6_000_000, D(2027, 1, 31))])
    for subject in (application, project):
        assessment = _assessment(templates, "security", subject, approved=True)
        _risk(assessment, 4, 5, [(D(2026, 5, 1), "open")])
    PipelineSettings.objects.create(organisation=org, stuck_after_months=months)
    _pilot(org, f"{slug} pilot", D(2025, 12, 1))
    _scan_round(org, [member(Role.BOARD, org)], lambda person, n, dimension: 1 + n % 5)
    return org


def _queries(root, person):
    with CaptureQueriesContext(connection) as captured:
        board = dashboard_for(person=person, organisation=root, with_children=True, as_of=None)
    return len(captured), board


def test_the_query_count_does_not_grow_with_organisations_that_have_every_register(db):
    templates = _templates()
    root = organisation("top", kind="ministry")
    person = member(Role.BOARD, root)
    _agency_with_everything("onder-1", root, templates, months=3)
    few, board = _queries(root, person)
    assert board.tile("safeguards").data.figures["openHighRisks"] == 2
    assert board.tile("innovation").data.figures["stuckAfterPilot"] == 1
    for n in range(2, 6):
        # Each with its own limit: a limit of 8 months or more leaves its pilot (6.5 months)
        # not stuck.
        _agency_with_everything(f"onder-{n}", root, templates, months=n * 2)
    person = type(person).objects.get(pk=person.pk)  # forget cached memberships
    many, board = _queries(root, person)
    assert len(board.organisation_ids) == 6
    assert board.tile("safeguards").data.figures["openHighRisks"] == 2 * 5
    assert board.tile("safeguards").data.figures["overdueMitigations"] == 2 * 5
    # Stuck: limits 3, 4 and 6 months (onder-1, -2, -3); not 8 and 10 (onder-4, -5).
    assert board.tile("innovation").data.figures["stuckAfterPilot"] == 3
    assert board.tile("projects").data.figures["staleReports"] == 5
    assert many <= few, (few, many)


@pytest.mark.parametrize("with_children", [False, True])
def test_the_drill_down_of_a_full_picture_shows_the_same_nonzero_totals(full, with_children):
    """The drill-down test of test_drilldown.py on this world: the safeguards page's coverage,
    open high risks and overdue mitigations and the maturity round are compared with figures
    that are not zero (the plain world has no assessments and no closed round)."""
    board = follow_every_tile(full, with_children)
    safeguards = board.tile("safeguards").data.figures
    assert safeguards["subjects"] > 0 and safeguards["covered"] > 0
    assert safeguards["openHighRisks"] > 0 and safeguards["overdueMitigations"] > 0
    assert board.tile("maturity").data.figures["roundId"] is not None
