"""The innovation pipeline walked end to end in Chromium, through the pages' own forms:
challenge → idea → experiment → design → running → measurements → evaluation → a decision to
scale → implementation → in operation.

Every page on the way passes axe-core's WCAG 2.1 A and AA rules with zero violations,
including the page that refuses a move to running while the design is incomplete. The key
steps (design, moves, upload, evaluate) are then done once more with JavaScript switched off.

The editor (redacteur@omslag.example) of the demo municipality does the work; the board member
(bestuurder@omslag.example) records the gate decision.
"""

import random
import re

from .support import E2E, Tour, assert_charts, experiment_charts_expected, sign_in

pytestmark = E2E

MUNICIPALITY = "gemeente-wadderveen"
EDITOR = "redacteur@omslag.example"
BOARD = "bestuurder@omslag.example"

TEAM = "Innovatielab Wadderveen"
LINE_UNIT = "Afdeling Belastingen"
METRIC = "tevredenheid"
CONTROL, TREATMENT = "oude brief", "nieuwe brief"
UNITS_PER_GROUP = 100
IDEA_TITLE = "Brieven over belastingen in begrijpelijke taal"


# --- helpers ----------------------------------------------------------------------------------


def _submit(page, button, *, status: int = 200):
    """Click a submit button and wait for the page it leads to (with or without JavaScript)."""
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response is not None and response.status == status, (
        f"expected {status}, got {response and response.status} at {page.url}:\n"
        + page.inner_text("main")[:800]
    )
    return response


def _visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"


def _check(tour: Tour, label: str) -> None:
    """axe-check the page as it is, with every <details> of main opened (the stop form)."""
    tour.check(label, open_details=True)


def _move_button(page, stage: str):
    return page.locator(
        f"main form[action*='/move']:has(input[name=to_stage][value={stage}]) button[type=submit]"
    )


def _experiment_pk(page) -> int:
    match = re.search(r"/experiments/(\d+)(?:#.*)?$", page.url)
    assert match, f"not on an experiment page: {page.url}"
    return int(match.group(1))


def _success(page) -> str:
    messages = page.locator(".message--success")
    assert messages.count() >= 1, (
        f"no success message at {page.url}:\n" + page.inner_text("main")[:800]
    )
    return messages.first.inner_text()


def _fill_design(page, *, title_hint: str) -> None:
    """Fill the design form: a complete A/B design, no personal data, not public-facing."""
    page.fill("#id_owner_team", TEAM)
    page.fill(
        "#id_hypothesis",
        f"Een heldere brief ({title_hint}) maakt inwoners tevredener over de aanslag.",
    )
    page.fill("#id_intervention", "De aanslagbrief in begrijpelijke taal, met een stappenplan.")
    page.select_option("#id_design_type", "ab")
    page.fill("#id_control_label", CONTROL)
    page.fill("#id_treatment_label", TREATMENT)
    page.fill("#id_primary_metric", METRIC)
    page.select_option("#id_metric_type", "mean")
    page.fill("#id_metric_unit", "punten (0-100)")
    page.select_option("#id_direction", "increase")
    page.fill("#id_baseline_value", "60")
    # Whole numbers: the form is localised (Dutch decimal comma).
    page.fill("#id_minimum_detectable_effect", "5")
    page.fill("#id_standard_deviation", "15")
    page.fill("#id_sample_size_per_group", str(UNITS_PER_GROUP))
    page.fill("#id_planned_start", "2026-02-02")
    page.fill("#id_planned_end", "2026-05-29")
    page.select_option("#id_evidence_level_aimed", "3")
    for flag in ("#id_processes_personal_data", "#id_public_facing"):
        page.locator(flag).uncheck()


def _measurements_csv(path, *, seed: int):
    """One row per unit: 100 in each group, the treatment about 10 points (0.67 sd) higher."""
    rng = random.Random(seed)
    lines = [f"unit,group,{METRIC}"]
    for number in range(1, 2 * UNITS_PER_GROUP + 1):
        group, mean = (CONTROL, 60.0) if number % 2 else (TREATMENT, 70.0)
        lines.append(f"u{number:04d},{group},{rng.gauss(mean, 15.0):.1f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _assert_results_show_effect(page, label: str) -> None:
    results = page.locator("main section[aria-labelledby=results]")
    rows = results.locator("table tbody tr")
    assert rows.count() >= 1, f"{label}: the results section shows no effect table"
    assert results.locator(".status-tag--good").count() >= 1, (
        f"{label}: the effect is not marked positive:\n" + results.inner_text()[:800]
    )
    assert METRIC in results.inner_text()


# --- the walk ---------------------------------------------------------------------------------


def test_innovation_walk_from_challenge_to_operation(demo, new_page, tmp_path):
    from omslag.innovation.models import (
        Challenge,
        Decision,
        Evaluation,
        Experiment,
        Idea,
        ImplementationTrack,
        Stage,
    )

    base = f"/organisations/{MUNICIPALITY}"
    editor_page = new_page()
    sign_in(editor_page, demo.url, EDITOR)
    tour = Tour(editor_page, demo.url, "editor")
    page = tour.page

    # 1. A challenge.
    tour.visit(f"{base}/challenges", "challenge list")
    tour.visit(f"{base}/challenges/new", "new challenge")
    page.fill("#id_title", "Begrijpelijke belastingbrieven")
    page.fill(
        "#id_problem_statement",
        "Veel inwoners bellen na de aanslag omdat de brief onduidelijk is.",
    )
    page.select_option("#id_visibility", "internal")
    page.fill("#id_opens_on", "2026-01-05")
    tour.submit(page.locator("main form.stacked button[type=submit]"), "challenge page")
    assert re.search(r"/challenges/\d+$", page.url), page.url
    challenge = Challenge.objects.get(title="Begrijpelijke belastingbrieven")

    # 2. An idea for it, from the challenge page. Its title shares words with the demo's
    # "Taalhulp bij brieven over belastingen", so similar records are shown first and the
    # idea is confirmed past them.
    with page.expect_navigation():
        page.locator(f"main a[href$='/ideas/new?challenge={challenge.pk}']").click()
    tour.check("new idea for the challenge")
    assert page.locator("#id_challenge").input_value() == str(challenge.pk)
    page.fill("#id_title", IDEA_TITLE)
    page.fill("#id_description", "Herschrijf de aanslagbrief op B1-niveau, met een stappenplan.")
    tour.submit(page.locator("main form.stacked button[type=submit]"), "idea", check=False)
    if page.locator("#id_create_anyway").count():
        tour.check("idea form, similar records shown")
        assert page.locator("main section.similar li").count() >= 1
        page.check("#id_create_anyway")
        tour.submit(page.locator("main form.stacked button[type=submit]"), "idea", check=False)
    tour.check("idea page")
    assert re.search(r"/ideas/\d+$", page.url), page.url
    idea = Idea.objects.get(title=IDEA_TITLE)
    assert idea.challenge_id == challenge.pk and idea.status == Idea.Status.SUBMITTED

    # 3. Accepted into an experiment.
    page.fill("#id_accept-owner_team", TEAM)
    tour.submit(page.locator("main form[action*='/accept'] button[type=submit]"), "new experiment")
    pk = _experiment_pk(page)
    experiment = Experiment.objects.get(pk=pk)
    assert experiment.idea_id == idea.pk and experiment.stage == Stage.IDEA
    tour.visit(f"{base}/experiments", "experiment board")
    assert page.locator(f"main a[href='/experiments/{pk}']").count() >= 1
    tour.visit(f"/experiments/{pk}", "experiment, idea stage", check=False)
    _check(tour, "experiment, idea stage")

    # 4. To design; running is refused while the design is incomplete.
    _submit(page, _move_button(page, "design"))
    _check(tour, "experiment, design stage")
    _submit(page, _move_button(page, "running"), status=422)
    _check(tour, "experiment, move to running refused")
    problems = page.locator("#refused ul li")
    assert problems.count() >= 1, "the refused move shows no problems"
    assert Experiment.objects.get(pk=pk).stage == Stage.DESIGN

    # 5. The design, filled in through its form (and the sample-size helper used once).
    with page.expect_navigation():
        page.locator("#refused a[href$='/design']").click()
    tour.check("design form")
    _fill_design(page, title_hint="A/B")
    tour.submit(
        page.locator("#sample-size-helper button[name=action][value=calculate]"),
        "design form, sample size calculated",
    )
    assert page.locator("#sample-size-helper .helper__answer").count() == 1
    page.fill("#id_sample_size_per_group", str(UNITS_PER_GROUP))
    tour.submit(page.locator("main form button[type=submit]:not([name])"), "design saved")
    _success(page)
    experiment = Experiment.objects.get(pk=pk)
    assert experiment.design_type == Experiment.DesignType.AB
    assert experiment.minimum_detectable_effect == 5
    assert experiment.sample_size_per_group == UNITS_PER_GROUP
    assert not experiment.processes_personal_data and not experiment.public_facing
    assert (experiment.control_label, experiment.treatment_label) == (CONTROL, TREATMENT)

    # 6. Running, and the measurements uploaded as a file with one row per unit.
    tour.visit(f"/experiments/{pk}", "experiment, design complete", check=False)
    _submit(page, _move_button(page, "running"))
    _check(tour, "experiment, running")
    assert Experiment.objects.get(pk=pk).stage == Stage.RUNNING
    page.set_input_files("#id_upload-file", str(_measurements_csv(tmp_path / "a.csv", seed=7)))
    _submit(page, page.locator("main form[action*='/measurements/upload'] button[type=submit]"))
    _check(tour, "experiment, measurements uploaded")
    assert "200" in _success(page)
    summary_rows = page.locator("main section[aria-labelledby=measurements] table tbody tr")
    assert summary_rows.count() == 2, "expected a summary per group"

    # 7. Evaluation: the results show a clear positive effect.
    _submit(page, _move_button(page, "evaluation"))
    _check(tour, "experiment, evaluation stage")
    _submit(page, page.locator("main form[action*='/evaluate'] button[type=submit]"))
    _check(tour, "experiment, evaluated")
    _assert_results_show_effect(page, "experiment, evaluated")
    expected = experiment_charts_expected(pk)
    assert expected >= 1, "the evaluation stored no effect"
    assert_charts(page, "experiment, evaluated", count=expected)
    primary = Evaluation.objects.filter(experiment_id=pk, metric=METRIC, method="welch").get()
    assert primary.positive, primary.result
    _submit(page, _move_button(page, "decision"))
    _check(tour, "experiment, decision stage")
    assert Experiment.objects.get(pk=pk).stage == Stage.DECISION
    tour.assert_accessible()

    # 8. The board member records the decision to scale, with the evidence level reached.
    board_page = new_page()
    sign_in(board_page, demo.url, BOARD)
    board = Tour(board_page, demo.url, "board")
    board.visit(f"/experiments/{pk}", "experiment, decision stage (board)", check=False)
    _check(board, "experiment, decision stage (board)")
    assert board_page.locator("main form[action*='/move']").count() == 0
    board_page.select_option("#id_decision-outcome", "scale")
    board_page.fill(
        "#id_decision-rationale",
        "De nieuwe brief verhoogt de tevredenheid duidelijk; invoeren bij Belastingen.",
    )
    board_page.select_option("#id_decision-evidence_level", "3")
    board_page.select_option("#id_decision-evaluation", str(primary.pk))
    _submit(board_page, board_page.locator("main form[action*='/decisions'] button[type=submit]"))
    _check(board, "experiment, decision recorded (board)")
    _success(board_page)
    assert board_page.locator("main .decision-tag--scale").count() == 1
    board.assert_accessible()

    # 9. The editor opens the implementation track (owner in a line unit, not the team) and
    # puts it into operation.
    tour.visit(f"/experiments/{pk}", "experiment, track form", check=False)
    _check(tour, "experiment, track form")
    assert _move_button(page, "implementation").count() == 0
    page.fill("#id_track-owner_name", "Karin de Vries")
    page.fill("#id_track-owner_unit", LINE_UNIT)
    page.select_option("#id_track-funding_source", "freed_from_run")
    page.fill("#id_track-funding_note", "Minder telefoontjes na de aanslag")
    page.fill("#id_track-adoption_target", "40000")
    page.fill("#id_track-go_live_date", "2026-09-01")
    _submit(page, page.locator("main form[action*='/implementation'] button[type=submit]"))
    _check(tour, "experiment, implementation")
    assert Experiment.objects.get(pk=pk).stage == Stage.IMPLEMENTATION
    _submit(page, _move_button(page, "in_operation"))
    _check(tour, "experiment, in operation")
    assert page.locator("main .stage-tag--in_operation").count() == 1
    tour.assert_accessible()

    # The end state in the database.
    experiment = Experiment.objects.get(pk=pk)
    assert experiment.stage == Stage.IN_OPERATION
    assert list(experiment.transitions.values_list("to_stage", flat=True)) == [
        Stage.IDEA,
        Stage.DESIGN,
        Stage.RUNNING,
        Stage.EVALUATION,
        Stage.DECISION,
        Stage.IMPLEMENTATION,
        Stage.IN_OPERATION,
    ]
    decision = Decision.objects.get(experiment=experiment)
    assert decision.outcome == Decision.Outcome.SCALE
    assert decision.evidence_level == 3 and decision.evaluation_id == primary.pk
    assert decision.decided_by.email == BOARD
    track = ImplementationTrack.objects.get(experiment=experiment)
    assert track.owner_unit == LINE_UNIT != experiment.owner_team

    # 10. The key steps once more, without JavaScript: a second experiment is created (past
    # the similar-records step), its design saved, moved, given measurements and evaluated.
    # axe-core cannot run here (its checks wait on timers, which never fire when scripts are
    # off); the same pages were checked above with JavaScript on.
    nojs = new_page(java_script_enabled=False)
    sign_in(nojs, demo.url, EDITOR)
    _visit(nojs, f"{demo.url}{base}/experiments/new")
    nojs.fill("#id_title", "Herinneringsbrief over belastingen in begrijpelijke taal")
    nojs.fill("#id_owner_team", TEAM)
    _submit(nojs, nojs.locator("main form button[type=submit]"))
    if nojs.locator("#id_create_anyway").count():
        assert nojs.locator("main section.similar li").count() >= 1
        nojs.check("#id_create_anyway")
        _submit(nojs, nojs.locator("main form button[type=submit]"))
    second = _experiment_pk(nojs)
    _submit(nojs, _move_button(nojs, "design"))
    _submit(nojs, _move_button(nojs, "running"), status=422)
    assert nojs.locator("#refused ul li").count() >= 1
    _visit(nojs, f"{demo.url}/experiments/{second}/design")
    _fill_design(nojs, title_hint="zonder JavaScript")
    _submit(nojs, nojs.locator("main form button[type=submit]:not([name])"))
    _success(nojs)
    _visit(nojs, f"{demo.url}/experiments/{second}")
    _submit(nojs, _move_button(nojs, "running"))
    assert Experiment.objects.get(pk=second).stage == Stage.RUNNING
    nojs.set_input_files("#id_upload-file", str(_measurements_csv(tmp_path / "b.csv", seed=11)))
    _submit(nojs, nojs.locator("main form[action*='/measurements/upload'] button[type=submit]"))
    _success(nojs)
    _submit(nojs, _move_button(nojs, "evaluation"))
    _submit(nojs, nojs.locator("main form[action*='/evaluate'] button[type=submit]"))
    _assert_results_show_effect(nojs, "experiment without JavaScript, evaluated")
    experiment = Experiment.objects.get(pk=second)
    assert experiment.stage == Stage.EVALUATION
    assert experiment.sample_size_per_group == UNITS_PER_GROUP
    assert Evaluation.objects.filter(
        experiment=experiment, metric=METRIC, method="welch", positive=True
    ).exists()
