"""`omslag seed --scale national`: counts, the organisation tree, people with every role,
history, refusal of a database with other data, determinism, and pages of a seeded
organisation that open. At a tiny factor, on SQLite and PostgreSQL."""

import hashlib
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum
from django.test import Client

from omslag.accounts.models import Person
from omslag.common.errors import RuleViolation
from omslag.innovation.models import Challenge, Decision, Experiment, Idea, Lesson
from omslag.organisations import services as organisation_services
from omslag.organisations.models import Membership, Organisation
from omslag.portfolio.models import Application, Dependency, SpendLine
from omslag.projects.models import Project, ProjectReport
from omslag.safeguards.models import Assessment
from omslag.seed.national import seed_national

FACTOR = 0.002  # 300 applications, 3,000 spend lines, 50 projects, 100 experiments
ROLES = {"viewer", "editor", "admin", "board", "auditor", "safeguard_officer"}


@pytest.fixture
def seeded(db):
    return seed_national(factor=FACTOR, seed=3)


def test_counts_follow_the_national_figures_times_the_factor(seeded):
    # The national figures of the issue times 0.002, rounded; spend: ten years per application,
    # four reports per project on average.
    assert Application.objects.count() == 300
    assert SpendLine.objects.count() == 3_000
    assert set(SpendLine.objects.values_list("year", flat=True)) == set(range(2017, 2027))
    assert Project.objects.count() == 50
    assert ProjectReport.objects.count() == 200
    assert Experiment.objects.count() == 100
    assert Idea.objects.count() > 100  # every experiment has its idea, and some ideas stay ideas
    assert Assessment.objects.count() == 400
    assert Dependency.objects.count() > 100
    # At least two of every kind of organisation at a tiny factor (one province, water board).
    kinds = {
        kind: Organisation.objects.filter(kind=kind).count()
        for kind in ("ministry", "agency", "municipality", "province", "water_board")
    }
    assert kinds == {
        "ministry": 2,
        "agency": 2,
        "municipality": 2,
        "province": 1,
        "water_board": 1,
    }


def test_at_factor_one_the_plan_is_the_whole_country():
    from omslag.seed.national import national_counts

    counts = national_counts(1)
    assert (counts["ministries"], counts["agencies"], counts["municipalities"]) == (12, 100, 342)
    assert (counts["provinces"], counts["water_boards"]) == (12, 21)
    assert counts["applications"] == 150_000 and counts["spend_lines"] == 1_500_000
    assert counts["projects"] == 25_000 and counts["reports"] == 100_000
    assert counts["experiments"] == 50_000 and counts["assessments"] == 200_000


def test_agencies_hang_below_ministries_with_correct_paths(seeded):
    for organisation in Organisation.objects.select_related("parent"):
        if organisation.kind == "agency":
            assert organisation.parent.kind == "ministry"
            assert organisation.path == f"{organisation.parent.path}{organisation.pk}/"
        else:
            assert organisation.parent is None
            assert organisation.path == f"/{organisation.pk}/"


def test_every_organisation_has_every_role_and_every_record_its_history(seeded):
    for organisation in Organisation.objects.all():
        roles = set(organisation.memberships.values_list("role", flat=True))
        assert roles == ROLES, organisation.slug
    for model in (Organisation, Membership, Application, SpendLine, Project, Experiment):
        assert model.history.filter(history_type="+").count() == model.objects.count()
    assert Assessment.history.filter(history_change_reason="omslag seed").count() == 400


def test_challenges_public_proposals_and_lessons_are_seeded_and_vary(seeded):
    # 2,500 challenges in the country times the factor.
    assert Challenge.objects.count() == 5
    assert Challenge.history.filter(history_type="+").count() == 5
    assert len(set(Challenge.objects.values_list("organisation_id", flat=True))) > 1
    assert len(set(Challenge.objects.values_list("title", flat=True))) > 1
    for challenge in Challenge.objects.exclude(closes_on=None):
        assert challenge.opens_on < challenge.closes_on
    # A proposal from the public answers a public challenge of its own organisation.
    answering = Idea.objects.exclude(challenge=None).select_related("challenge")
    for idea in answering:
        assert idea.source == "public" and idea.challenge.visibility == "public"
        assert idea.challenge.organisation_id == idea.organisation_id
    assert (
        answering.count()
        == Idea.objects.filter(source="public", challenge__visibility="public").count()
    )
    # Lessons come from experiments that ended, and do not all say the same.
    lessons = list(Lesson.objects.select_related("experiment"))
    ended = Experiment.objects.filter(stage__in=["stopped", "implementation", "in_operation"])
    assert 0 < len(lessons) <= 2 * ended.count()
    assert {lesson.experiment.stage for lesson in lessons} <= {
        "stopped",
        "implementation",
        "in_operation",
    }
    assert len({lesson.happened for lesson in lessons}) > 2
    assert Lesson.history.filter(history_type="+").count() == len(lessons)


def test_assessments_carry_answers_from_their_own_templates(seeded):
    from omslag.safeguards.models import Answer, TemplateItem

    answers = list(Answer.objects.select_related("assessment", "item"))
    assert answers
    for answer in answers:
        assert answer.item.template_id == answer.assessment.template_id
        if answer.item.type == "single_choice":
            assert answer.value in [o["value"] for o in answer.item.options]
    # A submitted assessment has every question answered (outside repeated groups).
    submitted = Assessment.objects.exclude(status="draft").first()
    questions = TemplateItem.objects.filter(template_id=submitted.template_id).exclude(
        type__in=["group", "info"]
    )
    questions = questions.exclude(repeatable=True).exclude(parent__repeatable=True)
    assert set(submitted.answers.values_list("item_id", flat=True)) == set(
        questions.values_list("pk", flat=True)
    )
    assert len({str(a.value) for a in answers}) > 10
    assert Answer.history.filter(history_type="+").count() == len(answers)


def test_maturity_scans_are_answered_by_people_of_the_organisation_with_varied_scores(seeded):
    from omslag.maturity.models import Answer, Participant, ScanRound
    from omslag.maturity.scan import current_scan

    statements = {s.code for s in current_scan().statements}
    rounds = list(ScanRound.objects.all())
    assert {r.organisation_id for r in rounds} == set(
        Organisation.objects.values_list("pk", flat=True)
    )
    assert all(r.opens_on <= r.closes_on for r in rounds)
    assert ScanRound.history.filter(history_type="+").count() == len(rounds)
    for participant in Participant.objects.select_related("round"):
        assert Membership.objects.filter(
            person_id=participant.person_id, organisation_id=participant.round.organisation_id
        ).exists()
    answers = list(Answer.objects.values_list("round_id", "person_id", "statement", "score"))
    assert answers and {statement for _r, _p, statement, _s in answers} == statements
    participants = set(Participant.objects.values_list("round_id", "person_id"))
    assert {(r, p) for r, p, _s, _score in answers} <= participants
    scores = [score for *_rest, score in answers]
    assert set(scores) <= {1, 2, 3, 4, 5} and len(set(scores)) >= 4
    # Organisations differ: their average scores are not all the same.
    by_round = {}
    for round_id, _p, _s, score in answers:
        by_round.setdefault(round_id, []).append(score)
    assert len({round(sum(v) / len(v), 1) for v in by_round.values()}) > 3


def test_stored_project_figures_match_the_reports(seeded):
    for project in Project.objects.all()[:20]:
        reports = list(project.reports.order_by("peildatum"))
        published = [r for r in reports if r.status == "published"]
        basis = published or reports
        assert project.report_count == len(basis)
        assert project.original_estimate == basis[0].total_cost_estimate
        assert project.current_estimate == basis[-1].total_cost_estimate


def test_distributions_are_plausible_not_copies(seeded):
    amounts = list(SpendLine.objects.values_list("amount", flat=True))
    assert len(set(amounts)) > 0.99 * len(amounts)
    # Heavy-tailed: the largest tenth of the lines carries far more than a tenth of the money.
    amounts.sort(reverse=True)
    assert sum(amounts[: len(amounts) // 10]) > Decimal("0.3") * sum(amounts)
    run = SpendLine.objects.filter(category="run").aggregate(t=Sum("amount"))["t"]
    total = SpendLine.objects.aggregate(t=Sum("amount"))["t"]
    assert Decimal("0.45") < run / total < Decimal("0.95")
    names = list(Application.objects.values_list("name", flat=True))
    assert len(set(names)) > 0.5 * len(names)
    stages = set(Experiment.objects.values_list("stage", flat=True))
    assert {"idea", "running", "stopped"} <= stages
    # Every experiment's stage history starts at the idea and ends at its stage.
    for experiment in Experiment.objects.all()[:30]:
        steps = list(experiment.transitions.order_by("at").values_list("to_stage", flat=True))
        assert steps[0] == "idea" and steps[-1] == experiment.stage
    assert Decision.objects.exists()


def _digest() -> str:
    parts = [
        *Organisation.objects.order_by("slug").values_list("slug", flat=True),
        *Application.objects.order_by("organisation__slug", "name").values_list("name", flat=True),
        str(SpendLine.objects.aggregate(t=Sum("amount"))["t"]),
        *Project.objects.order_by("name", "start_date").values_list("name", flat=True),
        *(
            str(v)
            for v in ProjectReport.objects.order_by("total_cost_estimate").values_list(
                "total_cost_estimate", flat=True
            )
        ),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    digests = []
    for seed in (5, 5, 6):
        with transaction.atomic():
            seed_national(factor=FACTOR, seed=seed)
            digests.append(_digest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


@pytest.mark.django_db
def test_a_database_with_other_organisations_is_refused():
    organisation_services.organisation_create(
        actor=None, name="Gemeente Echt", slug="gemeente-echt", kind="municipality"
    )
    with pytest.raises(RuleViolation, match="did not make"):
        seed_national(factor=FACTOR)
    with pytest.raises(CommandError, match="did not make"):
        call_command("seed", "--scale", "national", "--factor", str(FACTOR))
    assert Organisation.objects.count() == 1 and not Application.objects.exists()


def test_a_seeded_database_is_not_seeded_twice(seeded):
    with pytest.raises(RuleViolation, match="seeded already"):
        seed_national(factor=FACTOR)


def test_sign_in_accounts_sign_in_and_the_pages_of_a_seeded_organisation_open(seeded):
    assert {role for _email, role, _orgs in seeded.sign_in} == ROLES
    email, _role, slugs = next(a for a in seeded.sign_in if a[1] == "viewer")
    client = Client()
    signed_in = client.post("/login", {"username": email, "password": seeded.password})
    assert signed_in.status_code == 302
    for slug in slugs:
        for page in (
            "",
            "/applications",
            "/spend",
            "/balance",
            "/projects",
            "/experiments",
            "/funnel",
            "/assessments",
            "/safeguard-coverage",
            "/dashboard",
        ):
            response = client.get(f"/organisations/{slug}{page}")
            assert response.status_code == 200, (slug, page, response.status_code)
    assert Person.objects.filter(email__endswith="@nationaal.example").count() == 30


def test_the_command_prints_the_counts_and_the_sign_in_accounts(db, capsys, monkeypatch):
    monkeypatch.setenv("OMSLAG_CLI_LANGUAGE", "nl")
    call_command("seed", "--scale", "national", "--factor", str(FACTOR), "--password", "geheim-1")
    out = capsys.readouterr().out
    assert "applicaties: 300" in out and "uitgavenregels: 3,000" in out
    assert "Accounts om in te loggen (wachtwoord voor allemaal: geheim-1)" in out
    assert "viewer-1@nationaal.example" in out
    # Not "does not exist yet": the other stored figures are computed at their page's first view.
    assert (
        "Andere opgeslagen cijfers bijgewerkt: geen hier; elk wordt berekend en opgeslagen "
        "wanneer de "
        "pagina ervan voor het eerst wordt geopend" in out
    )


def test_a_database_without_tables_is_refused_with_the_step_to_take(tmp_path):
    """A new user seeds into a fresh OMSLAG_DATA_DIR: before `omslag migrate` the command
    says what to do (it used to fail on the first query with a traceback)."""
    from tests.test_cli_and_settings import run_omslag

    env = {"OMSLAG_DATA_DIR": str(tmp_path), "OMSLAG_SECRET_KEY": "seed-test-key"}
    result = run_omslag("seed", "--scale", "national", "--factor", str(FACTOR), env_extra=env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "not applied" in result.stderr and "omslag migrate" in result.stderr
