"""The innovation pipeline through its services: gates, measurements, evaluations against
scipy/statsmodels on the same data, decisions, implementation, stuck after pilot, funnel."""

import datetime as dt
import io

import numpy as np
import pytest
import statsmodels.formula.api as smf
from django.core.management import CommandError, call_command
from scipy import stats

from omslag.common.errors import RuleViolation
from omslag.innovation import selectors, services
from omslag.innovation.gates import GateRule, _rules, gate_rule_register
from omslag.innovation.models import Evaluation, Experiment, Stage

from .factories import DESIGN


@pytest.fixture
def org(tree):
    return tree[2]


def experiment(org, stage=Stage.DESIGN, **fields):
    exp = services.experiment_create(
        actor=None, organisation=org, title="Proef", owner_team="Lab", **{**DESIGN, **fields}
    )
    order = [Stage.DESIGN, Stage.RUNNING, Stage.EVALUATION, Stage.DECISION]
    for next_stage in order[: order.index(stage) + 1] if stage in order else []:
        exp = services.experiment_move(
            actor=None, experiment=exp, to_stage=next_stage, expected_version=exp.version
        )
    return exp


def test_running_needs_a_complete_design(org):
    exp = services.experiment_create(actor=None, organisation=org, title="Leeg")
    exp = services.experiment_move(
        actor=None, experiment=exp, to_stage=Stage.DESIGN, expected_version=1
    )
    with pytest.raises(services.GateRefused) as refused:
        services.experiment_move(
            actor=None, experiment=exp, to_stage=Stage.RUNNING, expected_version=exp.version
        )
    assert (
        "hypothesis" in refused.value.problems[0] and "units per group" in refused.value.problems[0]
    )
    assert Experiment.objects.get(pk=exp.pk).stage == Stage.DESIGN  # nothing stored


def test_moves_are_one_step_and_stopping_needs_a_reason(org):
    exp = experiment(org, Stage.DESIGN)
    with pytest.raises(RuleViolation, match="can go to"):
        services.experiment_move(
            actor=None, experiment=exp, to_stage=Stage.DECISION, expected_version=exp.version
        )
    with pytest.raises(RuleViolation, match="Say why"):
        services.experiment_move(
            actor=None, experiment=exp, to_stage=Stage.STOPPED, expected_version=exp.version
        )
    exp = services.experiment_move(
        actor=None,
        experiment=exp,
        to_stage=Stage.STOPPED,
        expected_version=exp.version,
        reason="Geen partner gevonden",
    )
    assert exp.stage == Stage.STOPPED and exp.stopped_reason == "Geen partner gevonden"


def test_other_apps_can_add_gate_rules(org):
    exp = experiment(org, Stage.DESIGN)
    gate_rule_register(GateRule("test-rule", "always refuses", (Stage.RUNNING,), lambda e: ["nee"]))
    try:
        with pytest.raises(services.GateRefused) as refused:
            services.experiment_move(
                actor=None, experiment=exp, to_stage=Stage.RUNNING, expected_version=exp.version
            )
        assert refused.value.problems == ["nee"]
    finally:
        _rules.pop("test-rule")


def _upload(exp, rows, header="unit,group,period,wachttijd"):
    text = header + "\n" + "\n".join(rows)
    return services.upload_save(
        actor=None, experiment=exp, stream=io.BytesIO(text.encode()), filename="m.csv"
    )


def test_evaluation_matches_scipy_welch_on_the_same_units(org):
    exp = experiment(org, Stage.RUNNING)
    rng = np.random.default_rng(3)
    control, treatment = rng.normal(10, 3, 150), rng.normal(9, 4, 170)
    rows = [f"c{i},control,,{float(v)!r}" for i, v in enumerate(control)]
    rows += [f"t{i},treatment,,{float(v)!r}" for i, v in enumerate(treatment)]
    _upload(exp, rows)
    evaluations = {e.method: e for e in services.experiment_evaluate(actor=None, experiment=exp)}
    reference = stats.ttest_ind(treatment, control, equal_var=False)
    result = evaluations["welch"].result
    assert result["difference"] == pytest.approx(treatment.mean() - control.mean(), rel=1e-9)
    assert result["p_value"] == pytest.approx(reference.pvalue, rel=1e-6)
    assert result["statistic"] == pytest.approx(reference.statistic, rel=1e-6)
    # SRM: 150 vs 170 against 50/50 is chi-square on the counts (scipy as the reference)
    assert evaluations["srm"].result["p_value"] == pytest.approx(stats.chisquare([150, 170]).pvalue)
    # Every stored result can be re-run from its inputs to the same numbers.
    for evaluation in evaluations.values():
        assert services.evaluation_rerun(evaluation) == evaluation.result


def test_pilot_vs_control_panel_matches_statsmodels_clustered_ols(org):
    exp = experiment(org, Stage.RUNNING, design_type="pilot_control")
    rng = np.random.default_rng(8)
    records = []
    for unit in range(60):
        treated = unit % 2
        level = rng.normal(20, 5)
        for period, post in (("before", 0), ("after", 1)):
            value = level + 2 * post + 3 * treated * post + rng.normal(0, 2)
            records.append(
                (f"u{unit}", "treatment" if treated else "control", period, value, treated, post)
            )
    upload = _upload(exp, [f"{u},{g},{p},{float(v)!r}" for u, g, p, v, _t, _p in records])
    evaluations = {
        e.method: e for e in services.experiment_evaluate(actor=None, experiment=exp, upload=upload)
    }
    import pandas as pd

    frame = pd.DataFrame(records, columns=["unit", "group", "period", "y", "treated", "post"])
    fit = smf.ols("y ~ treated + post + treated:post", data=frame).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(frame["unit"])[0]}
    )
    panel = evaluations["did-panel"].result
    assert panel["estimate"] == pytest.approx(fit.params["treated:post"], rel=1e-9)
    assert panel["standard_error"] == pytest.approx(fit.bse["treated:post"], rel=1e-6)
    cells = evaluations["did-cells"].result
    assert cells["estimate"] == pytest.approx(fit.params["treated:post"], rel=1e-9)


def test_bad_measurements_are_reported_by_row_and_nothing_is_saved(org):
    exp = experiment(org, Stage.RUNNING)
    with pytest.raises(services.MeasurementProblems) as problems:
        _upload(exp, ["a,control,,1", "b,pilot,,2", "c,treatment,,veel"])
    found = {(p.row, p.column, p.value) for p in problems.value.problems}
    assert found == {(3, "group", "pilot"), (4, "wachttijd", "veel")}
    assert not exp.summaries.exists() and not exp.uploads.exists()


@pytest.mark.parametrize(
    "item, column",
    [
        (services.SummaryInput("m", "control", "", 1, 5.0, 25.0), "count"),
        (
            services.SummaryInput("m", "control", "", 10, 50.0, 200.0),
            "sum_of_squares",
        ),  # 250 needed
        (services.SummaryInput("m", "control", "", 10, 5.0, 5.0, successes=11), "successes"),
        (services.SummaryInput("m", "pilot", "", 10, 5.0, 5.0), "group"),
    ],
)
def test_impossible_summaries_are_refused(org, item, column):
    exp = experiment(org, Stage.RUNNING)
    with pytest.raises(services.MeasurementProblems) as problems:
        services.summaries_save(actor=None, experiment=exp, items=[item])
    assert [p.column for p in problems.value.problems] == [column]


def test_proportion_metric_uses_the_proportions_test(org):
    exp = experiment(org, Stage.RUNNING, metric_type="proportion")
    services.summaries_save(
        actor=None,
        experiment=exp,
        items=[
            services.SummaryInput("m", "control", "", 1000, 500.0, 500.0, successes=500),
            services.SummaryInput("m", "treatment", "", 1000, 560.0, 560.0, successes=560),
        ],
    )
    (welch_or_prop, _srm) = services.experiment_evaluate(actor=None, experiment=exp)
    assert welch_or_prop.method == "proportions"
    assert welch_or_prop.result["difference"] == pytest.approx(0.06)
    from statsmodels.stats.proportion import proportions_ztest

    _z, p = proportions_ztest([560, 500], [1000, 1000])
    assert welch_or_prop.result["p_value"] == pytest.approx(p, rel=1e-9)
    assert welch_or_prop.positive


def test_scale_decision_then_implementation_owned_by_the_line(org):
    exp = experiment(org, Stage.DECISION)
    with pytest.raises(services.GateRefused, match="record the decision"):
        services.implementation_open(
            actor=None,
            experiment=exp,
            owner_name="A",
            owner_unit="Publiekszaken",
            funding_source="regular",
        )
    services.decision_record(
        actor=None, experiment=exp, outcome="scale", rationale="Werkt", evidence_level=3
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="line organisation"):
        services.implementation_open(
            actor=None,
            experiment=Experiment.objects.get(pk=exp.pk),
            owner_name="A",
            owner_unit="lab",
            funding_source="regular",
        )
    track = services.implementation_open(
        actor=None,
        experiment=Experiment.objects.get(pk=exp.pk),
        owner_name="A",
        owner_unit="Publiekszaken",
        funding_source="freed_from_run",
    )
    assert Experiment.objects.get(pk=exp.pk).stage == Stage.IMPLEMENTATION and track.pk


def test_stop_decision_stops_the_experiment(org):
    exp = experiment(org, Stage.DECISION)
    services.decision_record(
        actor=None, experiment=exp, outcome="stop", rationale="Geen effect", evidence_level=2
    )
    exp = Experiment.objects.get(pk=exp.pk)
    assert exp.stage == Stage.STOPPED and exp.stopped_reason == "Geen effect"


def test_positive_result_without_implementation_is_flagged_after_six_months(org):
    exp = experiment(org, Stage.EVALUATION)
    services.summaries_save(
        actor=None,
        experiment=exp,
        items=[
            services.SummaryInput("wachttijd", "control", "", 100, 1000.0, 10_400.0),
            services.SummaryInput("wachttijd", "treatment", "", 100, 1200.0, 14_800.0),
        ],
    )
    services.experiment_evaluate(actor=None, experiment=exp)
    assert Evaluation.objects.filter(experiment=exp, positive=True).exists()
    today = dt.date.today()
    assert not selectors.experiments_stuck_after_pilot(org, today=today).exists()
    later = today + dt.timedelta(days=190)
    assert list(selectors.experiments_stuck_after_pilot(org, today=later)) == [exp]


def test_funnel_counts_and_conversion(org):
    for _ in range(2):
        experiment(org, Stage.DESIGN)
    running = experiment(org, Stage.RUNNING)
    services.experiment_move(
        actor=None,
        experiment=running,
        to_stage=Stage.STOPPED,
        expected_version=running.version,
        reason="Te duur",
    )
    result = selectors.funnel(org)
    rows = {r["stage"]: r for r in result["stages"]}
    # 3 reached idea and design, 1 reached running: conversion design → running is 1/3
    assert rows["idea"]["reached"] == 3 and rows["design"]["reached"] == 3
    assert rows["running"]["reached"] == 1
    assert rows["design"]["conversion_to_next"] == pytest.approx(1 / 3)
    assert result["stopped"] == 1


def test_lessons_are_searchable_across_readable_organisations(tree, make_member):
    ministry, agency, municipality = tree
    exp = experiment(agency, Stage.DESIGN)
    services.lesson_add(actor=None, experiment=exp, tried="Chatbot", happened="Inwoners tevreden")
    reader = make_member("viewer", ministry)
    outsider = make_member("viewer", municipality)
    assert [lesson.experiment for lesson in selectors.lessons_search(reader, "chatbot")] == [exp]
    assert not selectors.lessons_search(outsider, "chatbot").exists()


def test_similar_experiments_share_title_words(org, make_member):
    services.experiment_create(actor=None, organisation=org, title="Chatbot voor vergunningen")
    services.experiment_create(actor=None, organisation=org, title="Sensoren in afvalbakken")
    person = make_member("viewer", org)
    similar = selectors.similar_experiments(person, "Een chatbot voor belastingen")
    assert [e.title for e, _score in similar] == ["Chatbot voor vergunningen"]


def test_one_shared_common_word_does_not_make_titles_similar(org, make_member):
    for title in (
        "Slimme straatverlichting",
        "Digitale balie voor vergunningen",
        "Sensoren in afvalbakken bij scholen, parken, pleinen en sportvelden",
    ):
        services.experiment_create(actor=None, organisation=org, title=title)
    person = make_member("viewer", org)
    # shares only "slimme" / "digitale" / "voor": common words
    assert selectors.similar_experiments(person, "Slimme digitale parkeerborden voor") == []
    # shares one specific word, but it is one of seven: not alike
    long_title = "Vragen van ouders over scholen via een spraakassistent beantwoorden"
    assert selectors.similar_experiments(person, long_title) == []
    # two meaningful words in common of two: alike
    similar = selectors.similar_experiments(person, "Balie vergunningen op afspraak")
    assert [(e.title, score) for e, score in similar] == [("Digitale balie voor vergunningen", 2)]


def test_cli_import_measurements(org, tmp_path, capsys):
    exp = experiment(org, Stage.RUNNING)
    path = tmp_path / "m.csv"
    path.write_text(
        "unit,group,wachttijd\n"
        + "".join(f"u{i},{'control' if i % 2 else 'treatment'},{i}\n" for i in range(20))
    )
    call_command("import", "measurements", str(path), "--experiment", str(exp.pk))
    assert "Imported 20 row(s)" in capsys.readouterr().out
    assert exp.summaries.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("unit,group,wachttijd\nu1,pilot,3\n")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import", "measurements", str(bad), "--experiment", str(exp.pk))
    assert "row 2, column group (value 'pilot')" in capsys.readouterr().err


def test_an_administrator_sets_when_a_pilot_is_stuck(org, make_member):
    from django.test import Client

    admin, editor = make_member("admin", org), make_member("editor", org)
    client = Client()
    client.force_login(editor)
    url = f"/organisations/{org.slug}/pipeline-settings"
    assert client.get(url).status_code == 403
    client.force_login(admin)
    assert client.post(url, {"stuck_after_months": 0}).status_code == 200  # at least 1
    assert client.post(url, {"stuck_after_months": 3}).status_code == 302
    assert selectors.stuck_after_months(org) == 3
    exp = experiment(org, Stage.EVALUATION)
    services.summaries_save(
        actor=None,
        experiment=exp,
        items=[
            services.SummaryInput("wachttijd", "control", "", 100, 1000.0, 10_400.0),
            services.SummaryInput("wachttijd", "treatment", "", 100, 1200.0, 14_800.0),
        ],
    )
    services.experiment_evaluate(actor=None, experiment=exp)
    in_four_months = dt.date.today() + dt.timedelta(days=122)
    assert list(selectors.experiments_stuck_after_pilot(org, today=in_four_months)) == [exp]


def test_the_funnel_of_an_organisation_without_experiments_gives_amounts_as_decimals(tree):
    """mypy found that the funnel's total budget was the integer 0, not an amount, when no
    experiment existed (a sum without a start value); every amount is a Decimal now."""
    from decimal import Decimal

    _ministry, _agency, municipality = tree
    result = selectors.funnel(municipality)
    assert result["total"] == 0 and result["stopped"] == 0
    assert isinstance(result["total_budget"], Decimal) and result["total_budget"] == 0
    assert result["budget_per_operation"] is None and result["share_in_operation"] is None
