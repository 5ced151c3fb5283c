"""The web pages of the innovation pipeline, through the Django test client: what a viewer
sees, what editors and board members may do, what others get (403, 404), the gate refusal,
the similar-records step, the sample-size helper against statsmodels, the whole walk from a
challenge to operation through the forms, and a bound on the board's queries."""

import datetime as dt
import html
import io
import math
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from statsmodels.stats.power import NormalIndPower, TTestIndPower

from omslag.common import charts
from omslag.innovation import services
from omslag.innovation.models import (
    Challenge,
    Decision,
    Evaluation,
    Experiment,
    Idea,
    ImplementationTrack,
    Lesson,
    MeasurementSummary,
    Stage,
)

from ..chart_images import chart_svgs
from ..factories import member
from ..portfolio.factories import application

pytestmark = pytest.mark.django_db

DESIGN = {
    "hypothesis": "Met een digitale wachtrij daalt de wachttijd",
    "intervention": "Sms-wachtrij",
    "primary_metric": "wachttijd",
    "direction": "decrease",
    "design_type": "ab",
    "minimum_detectable_effect": 3.0,
    "standard_deviation": 10.0,
    "sample_size_per_group": 50,
    "planned_start": dt.date(2026, 1, 1),
    "planned_end": dt.date(2026, 6, 30),
}


@pytest.fixture
def org(tree):
    return tree[2]  # the municipality


@pytest.fixture
def foreign(tree):
    return tree[0]  # the ministry: nobody in these tests is a member there


def client_for(person, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(person)
    return client


@pytest.fixture
def viewer(org):
    return client_for(member("viewer", org))


@pytest.fixture
def editor(org):
    return client_for(member("editor", org))


@pytest.fixture
def board_member(org):
    return client_for(member("board", org))


def text_of(response) -> str:
    """The page as one line of text without tags, entities resolved."""
    page = response.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def field_errors(response, field_id) -> str:
    match = re.search(rf'<div id="{field_id}_error">(.*?)</div>', response.content.decode(), re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def experiment(org, title="Digitale wachtrij", stage=Stage.IDEA, **fields):
    """An experiment moved through the services to ``stage`` (design filled in on the way)."""
    exp = services.experiment_create(
        actor=None, organisation=org, title=title, owner_team="Innovatielab"
    )
    order = [Stage.DESIGN, Stage.RUNNING, Stage.EVALUATION, Stage.DECISION]
    if stage in order:
        for next_stage in order[: order.index(stage) + 1]:
            if next_stage == Stage.RUNNING:
                exp = services.experiment_update(
                    actor=None,
                    experiment=exp,
                    expected_version=exp.version,
                    **{**DESIGN, **fields},
                )
            exp = services.experiment_move(
                actor=None, experiment=exp, to_stage=next_stage, expected_version=exp.version
            )
    return exp


def per_unit_csv(control_mean=25.0, treatment_mean=21.0, n=40, seed=1) -> bytes:
    import numpy as np

    rng = np.random.default_rng(seed)
    lines = ["unit,group,wachttijd"]
    for group, mean in (("control", control_mean), ("treatment", treatment_mean)):
        for index in range(n):
            lines.append(f"{group}-{index},{group},{rng.normal(mean, 5):.3f}")
    return "\n".join(lines).encode()


def upload(client, exp, content: bytes, name="metingen.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(f"/experiments/{exp.pk}/measurements/upload", {"upload-file": file})


@pytest.fixture
def pipeline(org):
    """A challenge with an idea, an evaluated experiment at the decision stage with a lesson,
    an experiment per earlier stage and a stopped one."""
    challenge = services.challenge_create(
        actor=None,
        organisation=org,
        title="Minder wachttijd aan de balie",
        problem_statement="Inwoners wachten te lang.",
        opens_on=dt.date(2026, 1, 1),
    )
    idea = services.idea_submit(
        actor=None,
        organisation=org,
        title="Afspraak verplicht maken",
        description="Alleen nog op afspraak.",
        challenge=challenge,
    )
    evaluated = experiment(org, "Digitale wachtrij", Stage.RUNNING)
    services.upload_save(
        actor=None,
        experiment=evaluated,
        stream=io.BytesIO(per_unit_csv()),
        filename="metingen.csv",
    )
    services.experiment_evaluate(actor=None, experiment=evaluated)
    evaluated = experiment_refresh(evaluated)
    for next_stage in (Stage.EVALUATION, Stage.DECISION):
        evaluated = services.experiment_move(
            actor=None,
            experiment=evaluated,
            to_stage=next_stage,
            expected_version=evaluated.version,
        )
    lesson = services.lesson_add(
        actor=None,
        experiment=evaluated,
        tried="Een sms-wachtrij",
        happened="Kortere wachttijd",
        differently="Eerder met de balie praten",
    )
    early = experiment(org, "Slimme afvalcontainers", Stage.DESIGN)
    stopped = experiment(org, "Drones voor dakinspectie")
    stopped = services.experiment_move(
        actor=None,
        experiment=stopped,
        to_stage=Stage.STOPPED,
        expected_version=stopped.version,
        reason="Geen toestemming",
    )
    return {
        "challenge": challenge,
        "idea": idea,
        "evaluated": evaluated,
        "early": early,
        "stopped": stopped,
        "lesson": lesson,
    }


def experiment_refresh(exp):
    return Experiment.objects.get(pk=exp.pk)


# --- what a viewer sees ---------------------------------------------------------------------


def page_urls(org, pipeline):
    return [
        f"/organisations/{org.slug}/experiments",
        f"/organisations/{org.slug}/experiments?q=wachtrij",
        f"/organisations/{org.slug}/experiments/all",
        f"/organisations/{org.slug}/experiments/all?stage=design",
        f"/experiments/{pipeline['evaluated'].pk}",
        f"/experiments/{pipeline['early'].pk}",
        f"/experiments/{pipeline['stopped'].pk}",
        f"/organisations/{org.slug}/challenges",
        f"/challenges/{pipeline['challenge'].pk}",
        f"/organisations/{org.slug}/ideas",
        f"/organisations/{org.slug}/ideas?status=submitted",
        f"/ideas/{pipeline['idea'].pk}",
        f"/organisations/{org.slug}/funnel",
        "/lessons",
        "/lessons?q=wachtrij",
        f"/history/experiment/{pipeline['evaluated'].pk}",
    ]


def test_every_page_renders_for_a_viewer_without_inline_script_or_style(org, pipeline, viewer):
    for url in page_urls(org, pipeline):
        response = viewer.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "<script" not in page and " style=" not in page, url


def test_pages_are_dutch_by_default(org, pipeline):
    client = client_for(member("viewer", org), language="nl")
    page = text_of(client.get(f"/organisations/{org.slug}/experiments"))
    assert "Experimenten van Gemeente" in page
    page = text_of(client.get(f"/experiments/{pipeline['evaluated'].pk}"))
    assert "Resultaten" in page and "Besluiten" in page


def test_viewer_sees_no_forms_that_change_anything(org, pipeline, viewer):
    for url in (
        f"/organisations/{org.slug}/experiments",
        f"/experiments/{pipeline['evaluated'].pk}",
        f"/ideas/{pipeline['idea'].pk}",
        f"/challenges/{pipeline['challenge'].pk}",
    ):
        page = viewer.get(url).content.decode()
        assert 'method="post"' not in page.replace('action="/language" method="post"', "").replace(
            'action="/logout" method="post"', ""
        ), url
        assert "New experiment" not in page and "/design" not in page, url


def test_organisation_page_links_to_the_innovation_pages(org, viewer):
    page = viewer.get(f"/organisations/{org.slug}").content.decode()
    assert "Innovation" in page
    for part in ("experiments", "funnel", "challenges", "ideas"):
        assert f'href="/organisations/{org.slug}/{part}"' in page


# --- permissions ------------------------------------------------------------------------------


def write_attempts(org, pipeline):
    exp, idea, challenge = pipeline["evaluated"], pipeline["idea"], pipeline["challenge"]
    return [
        ("get", f"/organisations/{org.slug}/experiments/new", {}),
        ("post", f"/organisations/{org.slug}/experiments/new", {"title": "X"}),
        ("get", f"/experiments/{exp.pk}/design", {}),
        ("post", f"/experiments/{exp.pk}/design", {"title": "X", "version": exp.version}),
        (
            "post",
            f"/experiments/{exp.pk}/move",
            {"to_stage": "stopped", "version": exp.version, "reason": "X"},
        ),
        ("post", f"/experiments/{exp.pk}/evaluate", {}),
        ("post", f"/experiments/{exp.pk}/measurements/summaries", {"summary-metric": "x"}),
        ("post", f"/experiments/{exp.pk}/measurements/upload", {}),
        ("post", f"/experiments/{exp.pk}/decisions", {"decision-outcome": "stop"}),
        ("post", f"/experiments/{exp.pk}/implementation", {"track-owner_name": "X"}),
        ("post", f"/experiments/{exp.pk}/lessons", {"lesson-tried": "X"}),
        ("get", f"/organisations/{org.slug}/challenges/new", {}),
        ("post", f"/organisations/{org.slug}/challenges/new", {"title": "X"}),
        ("get", f"/challenges/{challenge.pk}/edit", {}),
        ("post", f"/challenges/{challenge.pk}/edit", {"title": "X"}),
        ("get", f"/ideas/{idea.pk}/edit", {}),
        ("post", f"/ideas/{idea.pk}/review", {"review-status": "declined"}),
        ("post", f"/ideas/{idea.pk}/accept", {"accept-version": idea.version}),
    ]


def test_viewer_gets_403_with_a_clear_message_on_every_write(org, pipeline, viewer):
    counts = (Experiment.objects.count(), Idea.objects.count(), Challenge.objects.count())
    evaluations = Evaluation.objects.count()
    for method, url, data in write_attempts(org, pipeline):
        response = getattr(viewer, method)(url, data)
        assert response.status_code == 403, (method, url)
        assert "Your role in this organisation does not allow this action" in text_of(response)
    assert counts == (Experiment.objects.count(), Idea.objects.count(), Challenge.objects.count())
    assert Evaluation.objects.count() == evaluations
    assert not Decision.objects.exists() and Lesson.objects.count() == 1
    assert experiment_refresh(pipeline["evaluated"]).stage == Stage.DECISION


def test_board_member_decides_but_changes_nothing_else(org, pipeline, board_member):
    exp = pipeline["evaluated"]
    response = board_member.post(
        f"/experiments/{exp.pk}/decisions",
        {
            "decision-outcome": "go",
            "decision-rationale": "Goed genoeg om door te gaan",
            "decision-evidence_level": "3",
            "decision-decided_on": "2026-07-01",
        },
    )
    assert response.status_code == 302
    assert Decision.objects.get().decided_on == dt.date(2026, 7, 1)
    assert board_member.post(f"/experiments/{exp.pk}/evaluate").status_code == 403
    assert board_member.get(f"/experiments/{exp.pk}/design").status_code == 403


def test_viewer_may_not_decide(pipeline, viewer):
    page = viewer.get(f"/experiments/{pipeline['evaluated'].pk}").content.decode()
    assert "Record a decision" not in page


def test_another_organisations_records_are_not_found(org, foreign, editor):
    theirs = experiment(foreign, "Hun experiment", Stage.DESIGN)
    challenge = services.challenge_create(
        actor=None,
        organisation=foreign,
        title="Hun uitdaging",
        problem_statement="…",
        opens_on=dt.date(2026, 1, 1),
    )
    idea = services.idea_submit(actor=None, organisation=foreign, title="Hun idee", description="…")
    for url in (
        f"/experiments/{theirs.pk}",
        f"/experiments/{theirs.pk}/design",
        f"/challenges/{challenge.pk}",
        f"/challenges/{challenge.pk}/edit",
        f"/ideas/{idea.pk}",
        f"/organisations/{foreign.slug}/experiments",
        f"/organisations/{foreign.slug}/experiments/all",
        f"/organisations/{foreign.slug}/experiments/new",
        f"/organisations/{foreign.slug}/challenges",
        f"/organisations/{foreign.slug}/ideas",
        f"/organisations/{foreign.slug}/funnel",
    ):
        assert editor.get(url).status_code == 404, url
    response = editor.post(
        f"/experiments/{theirs.pk}/move",
        {"to_stage": "stopped", "version": theirs.version, "reason": "weg"},
    )
    assert response.status_code == 404
    assert experiment_refresh(theirs).stage == Stage.DESIGN


def test_lessons_search_covers_readable_organisations_only(org, foreign, pipeline, viewer):
    theirs = experiment(foreign, "Hun wachtrij")
    services.lesson_add(actor=None, experiment=theirs, tried="Geheime wachtrij", happened="…")
    page = text_of(viewer.get("/lessons?q=wachtrij"))
    assert "Een sms-wachtrij" in page and "Geheime wachtrij" not in page
    assert "1 lesson with “wachtrij”" in page


# --- board ------------------------------------------------------------------------------------


def test_board_shows_each_stage_with_its_count(org, pipeline, viewer):
    page = text_of(viewer.get(f"/organisations/{org.slug}/experiments"))
    assert "3 experiments" in page
    for label in ("Idea", "Design", "Running", "Decision", "In operation", "Stopped"):
        assert label in page
    assert "Digitale wachtrij" in page and "Slimme afvalcontainers" in page


def test_board_search_and_show_all_link_to_the_filtered_list(org, viewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def board_queries():
        with CaptureQueriesContext(connection) as queries:
            response = viewer.get(f"/organisations/{org.slug}/experiments")
        return response, len(queries.captured_queries)

    experiment(org, "De eerste", owner_team="Team één")
    _response, few = board_queries()
    for number in range(51):
        experiment(org, f"Proef {number:02d}")
    experiment(org, "Iets anders")
    response, many = board_queries()
    assert many == few  # the cards read only what they show, no query per card
    page = response.content.decode()
    assert page.count('class="board__card"') == 20  # the 20 most recently moved
    assert "Iets anders" in page and "Innovatielab" in page
    assert f'href="/organisations/{org.slug}/experiments/all?stage=idea"' in page
    assert "Show all 53 in idea" in text_of(response)
    page = text_of(viewer.get(f"/organisations/{org.slug}/experiments?q=anders"))
    assert "1 experiment with “anders” in the title" in page and "Proef 01" not in page
    listed = text_of(viewer.get(f"/organisations/{org.slug}/experiments/all?stage=idea&page=2"))
    assert "Page 2 of 2" in listed and "53 experiments" in listed


def test_board_lists_experiments_stuck_after_their_pilot(org, pipeline, viewer):
    old = timezone.now() - dt.timedelta(days=250)
    Evaluation.objects.filter(experiment=pipeline["evaluated"]).update(created_at=old)
    page = text_of(viewer.get(f"/organisations/{org.slug}/experiments"))
    assert "1 experiment is stuck after its pilot" in page
    assert "more than 6 months ago" in page


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_board_query_count_does_not_grow_with_the_experiments(
    org, viewer, django_assert_max_num_queries
):
    url = f"/organisations/{org.slug}/experiments"
    for number in range(3):
        experiment(org, f"Proef {number}", Stage.DESIGN)
    few = count_queries(viewer, url)
    for number in range(3, 63):
        experiment(org, f"Proef {number}", [Stage.IDEA, Stage.DESIGN][number % 2])
    many = count_queries(viewer, url)
    assert few == many
    # measured: 15 (session, person, organisation, memberships, the stage counts, one query
    # per stage (8), pipeline settings, stuck experiments); one more for the ancestors of an
    # organisation below another, one more when the stuck notice shows
    with django_assert_max_num_queries(17):
        viewer.get(url)


# --- new experiment and idea: similar records first -------------------------------------------


def test_new_experiment_shows_similar_ones_first_and_is_created_when_confirmed(
    org, pipeline, editor
):
    url = f"/organisations/{org.slug}/experiments/new"
    data = {"title": "Wachtrij met sms-berichten", "owner_team": "Lab"}
    response = editor.post(url, {**data, "title": "Digitale wachtrij voor de balie"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Similar experiments and ideas already exist" in page
    assert "Digitale wachtrij" in page and "Create it anyway" in page
    assert Experiment.objects.filter(title__startswith="Digitale wachtrij voor").count() == 0
    response = editor.post(
        url, {**data, "title": "Digitale wachtrij voor de balie", "create_anyway": "on"}
    )
    created = Experiment.objects.get(title="Digitale wachtrij voor de balie")
    assert response.status_code == 302 and response["Location"] == f"/experiments/{created.pk}"
    assert created.stage == Stage.IDEA and created.owner is not None
    response = editor.post(url, {**data, "title": "Iets heel nieuws"})  # nothing similar
    assert response.status_code == 302


def test_new_idea_shows_similar_ideas_first(org, pipeline, editor):
    url = f"/organisations/{org.slug}/ideas/new?challenge={pipeline['challenge'].pk}"
    page = editor.get(url).content.decode()
    assert f'<option value="{pipeline["challenge"].pk}" selected>' in page
    data = {
        "title": "Afspraak verplicht voor paspoorten",
        "description": "Alleen op afspraak",
        "challenge": pipeline["challenge"].pk,
    }
    response = editor.post(url, data)
    assert "Afspraak verplicht maken" in text_of(response) and not Idea.objects.filter(
        title=data["title"]
    )
    response = editor.post(url, {**data, "create_anyway": "on"})
    idea = Idea.objects.get(title=data["title"])
    assert response.status_code == 302 and idea.challenge == pipeline["challenge"]
    assert idea.status == Idea.Status.SUBMITTED and idea.author is not None


# --- stage moves ------------------------------------------------------------------------------


def test_gate_refusal_lists_what_is_missing(org, editor):
    exp = experiment(org, "Half ontwerp", Stage.DESIGN)
    response = editor.post(
        f"/experiments/{exp.pk}/move", {"to_stage": "running", "version": exp.version}
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "The experiment cannot move to running yet" in page
    assert (
        "The design is not complete. Not filled in yet: hypothesis, intervention, primary "
        "metric, design, planned start, planned end, minimum detectable effect and units per "
        "group."
    ) in page
    assert experiment_refresh(exp).stage == Stage.DESIGN


def test_one_missing_part_of_the_design_is_named_in_dutch(org):
    exp = experiment(org, "Bijna af", Stage.DESIGN)
    design = {key: value for key, value in DESIGN.items() if key != "planned_end"}
    exp = services.experiment_update(
        actor=None, experiment=exp, expected_version=exp.version, **design
    )
    dutch = client_for(member("editor", org), language="nl")
    response = dutch.post(
        f"/experiments/{exp.pk}/move", {"to_stage": "running", "version": exp.version}
    )
    assert response.status_code == 422
    assert "De opzet is niet compleet. Nog niet ingevuld: gepland einde." in text_of(response)


def test_stopping_needs_a_reason_shown_on_the_field(org, editor):
    exp = experiment(org, "Te stoppen")
    url = f"/experiments/{exp.pk}/move"
    response = editor.post(url, {"to_stage": "stopped", "version": exp.version, "reason": " "})
    assert response.status_code == 422
    assert "Say why the experiment stops" in field_errors(response, "move-stopped-reason")
    response = editor.post(
        url, {"to_stage": "stopped", "version": exp.version, "reason": "Geen budget"}
    )
    assert response.status_code == 302
    stopped = experiment_refresh(exp)
    assert stopped.stage == Stage.STOPPED and stopped.stopped_reason == "Geen budget"
    page = text_of(editor.get(f"/experiments/{exp.pk}"))
    assert "Why it stopped Geen budget" in page and "Move to" not in page


def test_a_stale_move_gets_409_and_the_current_stage(org, editor):
    exp = experiment(org, "Verouderd")
    response = editor.post(
        f"/experiments/{exp.pk}/move", {"to_stage": "design", "version": exp.version - 1 + 5}
    )
    assert response.status_code == 409
    assert "Somebody else saved this record" in text_of(response)


def test_a_move_that_is_not_allowed_from_this_stage_is_refused(org, editor):
    exp = experiment(org, "Sprong")
    response = editor.post(
        f"/experiments/{exp.pk}/move", {"to_stage": "decision", "version": exp.version}
    )
    assert response.status_code == 422
    assert "From idea the experiment can go to" in text_of(response)


# --- design and the sample-size helper --------------------------------------------------------


def design_data(exp, **overrides):
    data = {
        "title": exp.title,
        "owner_team": "Innovatielab",
        "hypothesis": "Sneller geholpen",
        "intervention": "Sms-wachtrij",
        "design_type": "ab",
        "control_label": "control",
        "treatment_label": "treatment",
        "primary_metric": "wachttijd",
        "metric_type": "mean",
        "metric_unit": "minuten",
        "direction": "decrease",
        "baseline_value": "25",
        "secondary_metrics": "",
        "minimum_detectable_effect": "3",
        "standard_deviation": "10",
        "alpha": "0.05",
        "power": "0.8",
        "sample_size_per_group": "",
        "planned_start": "2026-01-01",
        "planned_end": "2026-06-30",
        "budget": "60000",
        "partners": "",
        "evidence_level_aimed": "3",
        "version": exp.version,
    }
    return {**data, **overrides}


def test_helper_gives_the_units_per_group_of_a_t_test(org, editor):
    exp = experiment(org, "Ontwerp", Stage.DESIGN)
    response = editor.post(
        f"/experiments/{exp.pk}/design", {**design_data(exp), "action": "calculate"}
    )
    assert response.status_code == 200
    # Independent reference: statsmodels solves the same two-sided t-test power equation.
    expected = math.ceil(TTestIndPower().solve_power(effect_size=0.3, alpha=0.05, power=0.8))
    assert expected == 176
    page = text_of(response)
    assert "176 units per group" in page and "Cohen's d = 0.300" in page
    assert experiment_refresh(exp).sample_size_per_group is None  # nothing saved


def test_helper_uses_cohens_h_for_a_share_of_units(org, editor):
    exp = experiment(org, "Aandeel", Stage.DESIGN)
    data = design_data(
        exp,
        metric_type="proportion",
        baseline_value="0.3",
        minimum_detectable_effect="0.05",
        direction="increase",
        action="calculate",
    )
    response = editor.post(f"/experiments/{exp.pk}/design", data)
    h = 2 * math.asin(math.sqrt(0.35)) - 2 * math.asin(math.sqrt(0.30))
    expected = math.ceil(NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8))
    assert f"{expected} units per group" in text_of(response)
    response = editor.post(f"/experiments/{exp.pk}/design", {**data, "baseline_value": "30"})
    assert "must lie between 0 and 1" in text_of(response)


def test_use_fills_in_the_number_and_save_keeps_it(org, editor):
    exp = experiment(org, "Overnemen", Stage.DESIGN)
    url = f"/experiments/{exp.pk}/design"
    response = editor.post(url, {**design_data(exp), "action": "use"})
    page = response.content.decode()
    assert re.search(r'name="sample_size_per_group" value="176"', page)
    assert "176 units per group is filled in below" in text_of(response)
    response = editor.post(url, {**design_data(exp, sample_size_per_group="176"), "action": "save"})
    assert response.status_code == 302
    saved = experiment_refresh(exp)
    assert saved.sample_size_per_group == 176 and saved.standard_deviation == 10.0


def test_the_design_form_is_the_shared_grouped_form_with_its_helper_in_its_group(org, editor):
    """The design page is components/form.html: one fieldset per group of the form's FIELDSETS
    with its legend, the sample size helper inside the group whose fields it reads, the shared
    Save and Cancel, and a field's error under that field; a save without the action button
    (Enter in a field, no JavaScript) saves."""
    exp = experiment(org, "Gegroepeerd", Stage.DESIGN)
    url = f"/experiments/{exp.pk}/design"
    page = editor.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    groups = re.findall(r'<fieldset class="form-group"[^>]*>\s*<legend>([^<]+)</legend>', page)
    assert groups == [
        "The experiment",
        "Hypothesis and design",
        "Metrics",
        "Sample size and power",
        "Plan",
        "Safeguards",
    ]
    sample = page[page.index('<fieldset class="form-group" id="sample-size">') :]
    sample = sample[: sample.index("</fieldset>")]
    assert 'name="sample_size_per_group"' in sample and 'id="sample-size-helper"' in sample
    assert '<button type="submit">Save the design</button>' in page
    assert f'href="/experiments/{exp.pk}#design">Cancel</a>' in page
    refused = editor.post(url, design_data(exp, alpha="2"), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    field = re.search(r'<div id="id_alpha_error">(.*?)</div>', refused.content.decode(), re.S)
    assert field and "field__error" in field.group(1)
    saved = editor.post(url, design_data(exp, sample_size_per_group="176"))
    assert saved.status_code == 302
    assert experiment_refresh(exp).sample_size_per_group == 176


def test_design_reads_dutch_decimals(org):
    exp = experiment(org, "Komma", Stage.DESIGN)
    client = client_for(member("editor", org), language="nl")
    data = design_data(exp, alpha="0,01", power="0,9", standard_deviation="12,5", action="save")
    assert client.post(f"/experiments/{exp.pk}/design", data).status_code == 302
    saved = experiment_refresh(exp)
    assert (saved.alpha, saved.power, saved.standard_deviation) == (0.01, 0.9, 12.5)


def test_bad_design_input_is_shown_on_its_field(org, editor):
    exp = experiment(org, "Fout", Stage.DESIGN)
    response = editor.post(
        f"/experiments/{exp.pk}/design",
        design_data(exp, planned_end="2025-01-01", power="0.2", action="save"),
    )
    assert response.status_code == 200
    assert "The end comes before the start" in field_errors(response, "id_planned_end")
    assert field_errors(response, "id_power")


# --- measurements -----------------------------------------------------------------------------


def test_upload_problems_are_shown_by_row_and_column(org, editor):
    exp = experiment(org, "Metingen", Stage.RUNNING)
    bad = b"unit,group,wachttijd\nu1,control,12\nu2,pilot,13\nu3,treatment,veel\n"
    response = upload(editor, exp, bad)
    assert response.status_code == 422
    page = text_of(response)
    assert "The file has 2 problems. Nothing was saved." in page
    assert "3 group pilot unknown group" in page
    assert "4 wachttijd veel not a number" in page
    assert not MeasurementSummary.objects.filter(experiment=exp).exists()


def test_a_file_that_cannot_be_read_is_said_on_the_field(org, editor):
    exp = experiment(org, "Leeg bestand", Stage.RUNNING)
    response = upload(editor, exp, b"unit,group\x00,x\n", "kapot.csv")
    assert "NUL bytes" in field_errors(response, "id_upload-file")


def test_summaries_typed_in_are_saved_and_impossible_ones_refused(org, editor):
    exp = experiment(org, "Samenvattingen", Stage.RUNNING)
    url = f"/experiments/{exp.pk}/measurements/summaries"
    data = {
        "summary-metric": "tevredenheid",
        "summary-period": "",
        "summary-control_count": "10",
        "summary-control_total": "70",
        "summary-control_sum_of_squares": "500",
        "summary-treatment_count": "10",
        "summary-treatment_total": "80",
        "summary-treatment_sum_of_squares": "10",  # less than 80²/10: impossible
    }
    response = editor.post(url, data)
    assert response.status_code == 422
    assert "the variance would be negative" in field_errors(
        response, "id_summary-treatment_sum_of_squares"
    )
    assert not MeasurementSummary.objects.exists()
    response = editor.post(url, {**data, "summary-treatment_sum_of_squares": "660.5"})
    assert response.status_code == 302
    cells = {c.group: c for c in MeasurementSummary.objects.filter(experiment=exp)}
    assert cells["treatment"].sum_of_squares == 660.5 and cells["control"].count == 10


def test_evaluating_without_measurements_says_why(org, editor):
    exp = experiment(org, "Niets gemeten", Stage.RUNNING)
    response = editor.post(f"/experiments/{exp.pk}/evaluate")
    assert response.status_code == 422
    assert "There are no measurements to evaluate yet." in text_of(response)


# --- results ----------------------------------------------------------------------------------


def test_results_show_effect_chart_and_table(pipeline, viewer):
    exp = pipeline["evaluated"]
    response = viewer.get(f"/experiments/{exp.pk}")
    page = response.content.decode()
    figures = re.findall(r"<figure class=\"chart\">(.*?)</figure>", page, re.S)
    assert len(figures) == 1
    assert "<figcaption>Effect on wachttijd, with its confidence interval</figcaption>" in page
    assert re.search(r'<img src="/experiments/[^"]+chart=effect[^"]+" alt="Chart of the esti', page)
    assert chart_svgs(viewer, response)[0].lstrip().startswith("<?xml")
    assert 'class="chart__summary"' in figures[0]
    text = text_of(response)
    welch = Evaluation.objects.get(experiment=exp, method="welch").result
    assert f"{welch['difference']:.2f}" in text
    assert f"{welch['low']:.2f} to {welch['high']:.2f}" in text
    assert "Chance the treatment is lower (better)" in text  # lower is better for wachttijd
    assert "Sample-ratio check: 40 / 40 units (p = 1.000); no mismatch." in text


def test_sample_ratio_mismatch_is_a_warning(org, editor):
    exp = experiment(org, "Scheef", Stage.RUNNING)
    services.summaries_save(
        actor=None,
        experiment=exp,
        items=[
            services.SummaryInput("wachttijd", "control", "", 1000, 25000, 700000),
            services.SummaryInput("wachttijd", "treatment", "", 800, 19000, 500000),
        ],
    )
    assert editor.post(f"/experiments/{exp.pk}/evaluate").status_code == 302
    page = text_of(editor.get(f"/experiments/{exp.pk}"))
    assert "Sample-ratio mismatch: the groups have 1000 / 800 units where 900.0 / 900.0" in page


def test_looks_show_a_confidence_sequence_and_several_metrics_adjusted_p_values(org, editor):
    exp = experiment(org, "Weken", Stage.RUNNING)
    lines = ["unit,group,period,wachttijd,tevredenheid"]
    for week in ("week-01", "week-02"):
        for group, shift in (("control", 0), ("treatment", -3)):
            for index in range(30):
                value = 25 + shift + (index % 7) - 3
                lines.append(f"{group}-{week}-{index},{group},{week},{value},{7 + index % 3}")
    assert upload(editor, exp, "\n".join(lines).encode()).status_code == 302
    assert editor.post(f"/experiments/{exp.pk}/evaluate").status_code == 302
    response = editor.get(f"/experiments/{exp.pk}")
    page = response.content.decode()
    assert page.count('<figure class="chart">') == 4  # effect and sequence, per metric
    assert "Confidence sequence of the effect on wachttijd over the looks" in page
    text = text_of(response)
    assert "Looks at wachttijd: estimate and always-valid interval" in text
    assert "P-values adjusted for testing several metrics" in text
    assert "Holm correction" in text and "Benjamini-Hochberg correction" in text


# --- ideas ------------------------------------------------------------------------------------


def test_idea_review_decline_needs_a_reason_and_the_status_is_shown(org, pipeline, editor):
    idea = pipeline["idea"]
    url = f"/ideas/{idea.pk}/review"
    response = editor.post(url, {"review-status": "declined", "review-version": idea.version})
    assert "Say why the idea is declined or merged." in field_errors(response, "id_review-reason")
    response = editor.post(
        url,
        {
            "review-status": "declined",
            "review-reason": "Past niet bij de dienstverlening",
            "review-version": idea.version,
        },
    )
    assert response.status_code == 302
    page = text_of(editor.get(f"/ideas/{idea.pk}"))
    assert "Status: declined Reason: Past niet bij de dienstverlening" in page


def test_idea_merge_into_another_and_the_author_sees_it(org, pipeline):
    author = member("editor", org)
    client = client_for(author)
    other = services.idea_submit(
        actor=None, organisation=org, title="Mijn idee", description="…", author=author
    )
    response = client.post(
        f"/ideas/{other.pk}/review",
        {
            "review-status": "merged",
            "review-reason": "Hetzelfde voorstel",
            "review-merged_into": pipeline["idea"].pk,
            "review-version": other.version,
        },
    )
    assert response.status_code == 302
    page = text_of(client.get(f"/ideas/{other.pk}"))
    assert "The status of your idea: merged into another idea" in page
    assert "Merged into: Afspraak verplicht maken" in page
    listed = text_of(client.get(f"/organisations/{org.slug}/ideas?status=merged"))
    assert "1 idea" in listed and "Mijn idee" in listed


# --- the whole walk ---------------------------------------------------------------------------


def test_walk_from_challenge_to_operation_through_the_forms(org, editor, board_member):
    replaced = application(org, "Oud wachtrijsysteem")
    # challenge
    response = editor.post(
        f"/organisations/{org.slug}/challenges/new",
        {
            "title": "Minder wachten",
            "problem_statement": "Te lange wachttijd aan de balie.",
            "visibility": "public",
            "opens_on": "2026-01-01",
            "closes_on": "2026-12-31",
        },
    )
    challenge = Challenge.objects.get(title="Minder wachten")
    assert response["Location"] == f"/challenges/{challenge.pk}"
    # idea for it
    response = editor.post(
        f"/organisations/{org.slug}/ideas/new",
        {"title": "Sms bij beurt", "description": "Een sms als je aan de beurt bent.",
         "challenge": challenge.pk},
    )  # fmt: skip
    idea = Idea.objects.get(title="Sms bij beurt")
    assert response["Location"] == f"/ideas/{idea.pk}"
    assert "Sms bij beurt" in text_of(editor.get(f"/challenges/{challenge.pk}"))
    # accept → experiment
    response = editor.post(
        f"/ideas/{idea.pk}/accept", {"accept-owner_team": "Innovatielab", "accept-version": 1}
    )
    exp = Experiment.objects.get(idea=idea)
    assert response["Location"] == f"/experiments/{exp.pk}"
    url = f"/experiments/{exp.pk}"

    def move(to_stage, status=302):
        current = experiment_refresh(exp)
        response = editor.post(f"{url}/move", {"to_stage": to_stage, "version": current.version})
        assert response.status_code == status, text_of(response)[:2000]
        return response

    move("design")
    # design, with the helper's number
    current = experiment_refresh(exp)
    response = editor.post(f"{url}/design", {**design_data(current), "action": "use"})
    assert "176 units per group is filled in below" in text_of(response)
    response = editor.post(
        f"{url}/design", {**design_data(current, sample_size_per_group="40"), "action": "save"}
    )
    assert response.status_code == 302
    move("running")
    # measurements
    assert upload(editor, exp, per_unit_csv()).status_code == 302
    assert "metingen.csv" in text_of(editor.get(url))
    move("evaluation")
    assert editor.post(f"{url}/evaluate")["Location"] == f"{url}#results"
    welch = Evaluation.objects.get(experiment=exp, method="welch")
    assert welch.positive
    move("decision")
    page = text_of(editor.get(url))
    assert "Move to implementation" not in page  # the implementation track makes that move
    assert "Open the implementation track" not in page  # not before a decision to scale
    # implementation is refused before a decision to scale
    response = move("implementation", status=422)
    assert "No decision to scale is recorded" in text_of(response)
    # the board member decides to scale
    response = board_member.post(
        f"{url}/decisions",
        {
            "decision-outcome": "scale",
            "decision-rationale": "Vier minuten korter, in elke week.",
            "decision-evidence_level": "3",
            "decision-evaluation": welch.pk,
            "decision-decided_on": "2026-07-01",
        },
    )
    assert response.status_code == 302
    page = text_of(editor.get(url))
    assert "Open the implementation track" in page
    # the implementation track, first with the innovation team as owner
    track = {
        "track-owner_name": "A. Jansen",
        "track-owner_unit": "Innovatielab",
        "track-same_team_reason": "",
        "track-funding_source": "freed_from_run",
        "track-funding_note": "Licentie oud systeem",
        "track-replaces_application": replaced.pk,
        "track-adoption_target": "1000",
        "track-adoption_measured": "",
        "track-go_live_date": "2026-10-01",
        "track-realised_benefits": "",
    }
    response = editor.post(f"{url}/implementation", track)
    assert "must sit in the line organisation" in field_errors(response, "id_track-owner_unit")
    response = editor.post(f"{url}/implementation", {**track, "track-owner_unit": "Publiekszaken"})
    assert response.status_code == 302, text_of(response)[-3000:]
    opened = ImplementationTrack.objects.get(experiment=exp)
    assert opened.replaces_application == replaced
    assert experiment_refresh(exp).stage == Stage.IMPLEMENTATION
    move("in_operation")
    # benefits are still recorded in operation
    response = editor.post(
        f"{url}/implementation",
        {
            **track,
            "track-owner_unit": "Publiekszaken",
            "track-adoption_measured": "850",
            "track-realised_benefits": "Wachttijd 4 minuten korter",
            "track-version": opened.version,
        },
    )
    assert response.status_code == 302
    assert ImplementationTrack.objects.get(pk=opened.pk).adoption_measured == 850
    # a lesson
    response = editor.post(
        f"{url}/lessons",
        {"lesson-tried": "Sms-wachtrij", "lesson-happened": "Korter wachten",
         "lesson-differently": "", "lesson-reusable_assets": "https://example.org/code"},
    )  # fmt: skip
    assert response.status_code == 302
    page = text_of(editor.get(url))
    assert "In operation" in page and "Oud wachtrijsysteem" in page and "Sms-wachtrij" in page
    assert experiment_refresh(exp).stage == Stage.IN_OPERATION
    idea_page = text_of(editor.get(f"/ideas/{idea.pk}"))
    assert "accepted: became an experiment" in idea_page
    funnel = text_of(editor.get(f"/organisations/{org.slug}/funnel"))
    assert "Of 1 experiments, 1 reached operation (100.0%)" in funnel


# --- funnel and charts ------------------------------------------------------------------------


def test_funnel_shows_the_chart_table_and_cost(org, pipeline, viewer):
    response = viewer.get(f"/organisations/{org.slug}/funnel")
    page = response.content.decode()
    assert page.count('<figure class="chart">') == 1
    text = text_of(response)
    assert "Experiments per stage" in text
    assert "Of 3 experiments, 0 reached operation (0.0%) and 1 stopped." in text
    assert "none reached operation yet" in text


def test_innovation_charts_are_svg():
    image = charts.effect_intervals(
        name="effect",
        rows=[charts.Interval("Welch", 1.0, 0.2, 1.8), charts.Interval("open", 0.5, None, 2.0)],
        x_label="x",
        zero_label="no effect",
        estimate_label="estimate",
        interval_label="interval",
    )
    assert "<svg" in image.svg
    band = charts.confidence_band(
        name="band",
        x=[10, 20],
        estimates=[1, 1],
        lows=[-1, 0.5],
        highs=[3, 1.5],
        x_label="n",
        y_label="d",
        estimate_label="e",
        band_label="b",
        zero_label="0",
    )
    bars = charts.funnel_bars(
        name="bars", labels=["a", "b"], values=[3, 1], notes=["", "33%"], x_label="n"
    )
    assert "<svg" in band.svg and "<svg" in bars.svg
    again = charts.funnel_bars(
        name="bars", labels=["a", "b"], values=[3, 1], notes=["", "33%"], x_label="n"
    )
    assert again.etag == bars.etag and again.svg == bars.svg


def test_every_role_may_propose_an_idea_and_follow_it(org, make_member):
    from django.test import Client

    viewer = make_member("viewer", org)
    client = Client()
    client.force_login(viewer)
    assert client.get(f"/organisations/{org.slug}/ideas/new").status_code == 200
    response = client.post(
        f"/organisations/{org.slug}/ideas/new",
        {"title": "Parkeren via de app", "description": "Betalen per minuut", "confirmed": "on"},
    )
    if response.status_code == 200:  # similar ideas were shown first: create it anyway
        response = client.post(
            f"/organisations/{org.slug}/ideas/new",
            {
                "title": "Parkeren via de app",
                "description": "Betalen per minuut",
                "create_anyway": "on",
                "confirmed": "on",
            },
        )
    idea = Idea.objects.get(title="Parkeren via de app")
    assert response.status_code == 302 and idea.author == viewer
    # The author follows it, even without a role in the organisation any more.
    from omslag.organisations.models import Membership

    Membership.objects.filter(person=viewer).delete()
    stranger = Client()
    stranger.force_login(type(viewer).objects.get(pk=viewer.pk))
    assert stranger.get(f"/ideas/{idea.pk}").status_code == 200


# --- the design's measure, unit and direction -------------------------------------------------


def test_results_use_the_designs_measure_unit_and_direction_for_a_files_one_column(org, viewer):
    """The file's one value column is called "metric"; the design measures "wachttijd" in
    minutes, lower is better. The page speaks of the design's measure, the chance that the
    treatment is lower, and shows "positive" only with that chance high."""
    exp = experiment(org, "Digitale wachtrij", Stage.RUNNING, metric_unit="minuten")
    content = per_unit_csv(control_mean=25.0, treatment_mean=18.0).replace(
        b"unit,group,wachttijd", b"unit,group,metric"
    )
    services.upload_save(
        actor=None, experiment=exp, stream=io.BytesIO(content), filename="metingen.csv"
    )
    services.experiment_evaluate(actor=None, experiment=exp)
    welch = Evaluation.objects.get(experiment=exp, method="welch")
    # independent of the page: the treatment's mean is lower, so the chance it is lower is high
    assert welch.result["difference"] < 0 and welch.positive
    assert welch.result["chance_better"] == pytest.approx(
        1 - welch.result["chance_to_beat_control"]
    )

    response = viewer.get(f"/experiments/{exp.pk}")
    text = text_of(response)
    assert "Effect on wachttijd (minuten), treatment minus control" in text
    assert "Chance the treatment is lower (better)" in text
    assert "higher (better)" not in text
    assert f"{welch.result['chance_better'] * 100:.1f}%" in text
    assert "positive" in text
    assert not re.search(r"<h3 id=\"metric-\d+\">metric</h3>", response.content.decode())


def test_other_metrics_count_higher_as_better_when_the_design_says_lower(org):
    exp = experiment(org, "Twee maten", Stage.RUNNING)
    lines = ["unit,group,wachttijd,tevredenheid"]
    for group, wait, happy in (("control", 25, 6), ("treatment", 19, 8)):
        for index in range(40):
            lines.append(f"{group}-{index},{group},{wait + index % 5},{happy + index % 3}")
    services.upload_save(
        actor=None,
        experiment=exp,
        stream=io.BytesIO("\n".join(lines).encode()),
        filename="twee.csv",
    )
    services.experiment_evaluate(actor=None, experiment=exp)
    welch = {e.metric: e for e in Evaluation.objects.filter(experiment=exp, method="welch")}
    # wachttijd 6 lower (the design's direction), tevredenheid 2 higher (higher is better)
    assert welch["wachttijd"].result["difference"] == pytest.approx(-6.0)
    assert welch["tevredenheid"].result["difference"] == pytest.approx(2.0)
    assert welch["wachttijd"].positive and welch["tevredenheid"].positive
    assert welch["wachttijd"].inputs["lower_is_better"] is True
    assert welch["tevredenheid"].inputs["lower_is_better"] is False


def test_a_stale_design_save_gets_409_with_the_current_design(org, editor):
    exp = experiment(org, "Tegelijk", Stage.DESIGN)
    stale = design_data(exp, action="save")
    services.experiment_update(
        actor=None, experiment=exp, expected_version=exp.version, hypothesis="Van een ander"
    )
    response = editor.post(f"/experiments/{exp.pk}/design", {**stale, "hypothesis": "Van mij"})
    assert response.status_code == 409
    assert "Somebody else saved this record" in text_of(response)
    assert "Van een ander" in response.content.decode()
    assert experiment_refresh(exp).hypothesis == "Van een ander"
