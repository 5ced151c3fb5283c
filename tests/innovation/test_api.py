"""The innovation API through real requests: the stateless calculator against independent
references (scipy on raw data, statsmodels, R's pwr), every kind of bad input, and a walk of
one experiment from challenge to operation, with permissions and optimistic locking. Every
answer is checked against an OpenAPI document generated from the code for this run."""

import datetime as dt
import math

import numpy as np
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
)
from statsmodels.stats.proportion import test_proportions_2indep as proportions_score_test

from omslag.innovation.models import Experiment, MeasurementSummary, Stage
from omslag.organisations.models import Role
from tests.api.calls import call, invalid, ok, problem

TODAY = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def orgs(tree):
    """ministry > agency, and an unrelated municipality."""
    return tree


@pytest.fixture
def client_as(make_member, api_for):
    def make(role, organisation):
        client = api_for(make_member(role, organisation))
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # reasons are asserted in English
        return client

    return make


@pytest.fixture
def editor(orgs, client_as):
    return client_as(Role.EDITOR, orgs[1])


@pytest.fixture
def viewer(orgs, client_as):
    return client_as(Role.VIEWER, orgs[1])


@pytest.fixture
def board(orgs, client_as):
    return client_as(Role.BOARD, orgs[1])


@pytest.fixture
def outsider(orgs, client_as):
    """An administrator of the municipality: the agency's records are not found for them."""
    return client_as(Role.ADMIN, orgs[2])


def summary(values) -> dict:
    values = np.asarray(values, dtype=float)
    return {
        "count": int(values.size),
        "sum": float(values.sum()),
        "sumOfSquares": float(values @ values),
    }


def interval(low, high) -> list:
    return [None if math.isinf(low) else low, None if math.isinf(high) else high]


def assert_interval(got, expected, rel=1e-9):
    for value, reference in zip(got, expected, strict=True):
        assert (value is None) == (reference is None)
        if reference is not None:
            assert value == pytest.approx(reference, rel=rel, abs=1e-12)


# --- the calculator: results against independent references ---------------------------------

RNG = np.random.default_rng(20260601)
CONTROL = RNG.normal(10.0, 2.0, 40)
TREATMENT = RNG.normal(11.0, 3.0, 55)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_mean_difference_is_welch_as_scipy_computes_it_on_the_raw_data(editor, alternative):
    body = ok(
        call(
            editor,
            "post",
            "/analysis/mean-difference",
            {
                "control": summary(CONTROL),
                "treatment": summary(TREATMENT),
                "alternative": alternative,
                "confidenceLevel": 0.9,
            },
        )
    )

    reference = stats.ttest_ind(TREATMENT, CONTROL, equal_var=False, alternative=alternative)
    ci = reference.confidence_interval(confidence_level=0.9)
    se = math.sqrt(TREATMENT.var(ddof=1) / 55 + CONTROL.var(ddof=1) / 40)
    difference = TREATMENT.mean() - CONTROL.mean()
    assert body["difference"] == pytest.approx(difference, rel=1e-9)
    assert body["standardError"] == pytest.approx(se, rel=1e-9)
    assert body["degreesOfFreedom"] == pytest.approx(reference.df, rel=1e-9)
    assert body["statistic"] == pytest.approx(reference.statistic, rel=1e-9)
    assert body["pValue"] == pytest.approx(reference.pvalue, rel=1e-9)
    assert_interval(body["confidenceInterval"], interval(ci.low, ci.high))
    signed = -difference if alternative == "less" else difference
    assert body["chanceToBeatControl"] == pytest.approx(stats.norm.cdf(signed / se), rel=1e-9)
    assert body["controlMean"] == pytest.approx(CONTROL.mean())
    assert body["method"] == "welch-t-test" and body["methodVersion"] == "1"
    assert body["effect"] == "absolute" and body["alternative"] == alternative


def test_relative_effect_is_the_delta_method(editor):
    body = ok(
        call(
            editor,
            "post",
            "/analysis/mean-difference",
            {"control": summary(CONTROL), "treatment": summary(TREATMENT), "effect": "relative"},
        )
    )

    mean_c, mean_t = CONTROL.mean(), TREATMENT.mean()
    se_c = math.sqrt(CONTROL.var(ddof=1) / 40)
    se_t = math.sqrt(TREATMENT.var(ddof=1) / 55)
    # Numerical gradient of g(c, t) = t / c - 1, independent of the closed form.
    step = 1e-6
    grad_c = ((mean_t / (mean_c + step)) - (mean_t / (mean_c - step))) / (2 * step)
    grad_t = (((mean_t + step) / mean_c) - ((mean_t - step) / mean_c)) / (2 * step)
    se = math.hypot(grad_c * se_c, grad_t * se_t)
    estimate = mean_t / mean_c - 1
    z = stats.norm.ppf(0.975)
    assert body["effect"] == "relative"
    assert body["difference"] == pytest.approx(estimate, rel=1e-9)
    assert body["standardError"] == pytest.approx(se, rel=1e-6)
    assert_interval(body["confidenceInterval"], [estimate - z * se, estimate + z * se], rel=1e-6)
    welch = stats.ttest_ind(TREATMENT, CONTROL, equal_var=False)
    assert body["pValue"] == pytest.approx(welch.pvalue, rel=1e-9)  # the test of the difference


@pytest.mark.parametrize(
    ("alternative", "statsmodels_alternative"),
    [("two-sided", "two-sided"), ("greater", "larger"), ("less", "smaller")],
)
def test_proportion_difference_as_statsmodels_computes_it(
    editor,
    alternative,
    statsmodels_alternative,
):
    body = ok(
        call(
            editor,
            "post",
            "/analysis/proportion-difference",
            {
                "control": {"count": 480, "successes": 96},
                "treatment": {"count": 510, "successes": 128},
                "alternative": alternative,
            },
        )
    )

    test = proportions_score_test(
        128, 510, 96, 480, method="score", correction=False, alternative=statsmodels_alternative
    )
    assert body["pValue"] == pytest.approx(test.pvalue, rel=1e-7)
    assert body["difference"] == pytest.approx(128 / 510 - 96 / 480, rel=1e-12)
    assert body["controlRate"] == pytest.approx(0.2) and body["treatmentRate"] == pytest.approx(
        128 / 510
    )
    assert body["degreesOfFreedom"] is None
    if alternative == "two-sided":
        low, high = confint_proportions_2indep(128, 510, 96, 480, method="wald", compare="diff")
        assert_interval(body["confidenceInterval"], [low, high], rel=1e-9)
        wilson = proportion_confint(96, 480, alpha=0.05, method="wilson")
        assert_interval(body["controlRateInterval"], list(wilson), rel=1e-9)
    else:
        open_side = 1 if alternative == "greater" else 0
        assert body["confidenceInterval"][open_side] is None


def test_power_of_the_two_sample_t_test_as_r_pwr_and_the_noncentral_t(editor):
    body = ok(
        call(
            editor,
            "post",
            "/analysis/power",
            {"test": "two-sample-t", "effectSize": 0.75, "countPerGroup": 20},
        )
    )

    assert body["power"] == pytest.approx(0.6374, abs=5e-5)  # R: pwr.t.test(n=20, d=0.75)
    df, ncp = 38, 0.75 * math.sqrt(20 / 2)
    critical = stats.t.isf(0.025, df)
    noncentral = stats.nct.sf(critical, df, ncp) + stats.nct.cdf(-critical, df, ncp)
    assert body["power"] == pytest.approx(noncentral, rel=1e-9)
    assert body["countPerGroup"] == 20 and body["countPerGroupCeiling"] is None


def test_power_with_unequal_groups_as_statsmodels(editor):
    body = ok(
        call(
            editor,
            "post",
            "/analysis/power",
            {
                "test": "two-sample-t",
                "effectSize": 0.5,
                "countControl": 30,
                "countTreatment": 50,
                "alternative": "greater",
            },
        )
    )

    reference = TTestIndPower().power(
        effect_size=0.5, nobs1=30, ratio=50 / 30, alpha=0.05, alternative="larger"
    )
    assert body["power"] == pytest.approx(reference, rel=1e-6)
    assert (body["countControl"], body["countTreatment"]) == (30, 50)


def test_sample_size_for_a_target_power_is_fractional_as_r_pwr(editor):
    body = ok(
        call(
            editor,
            "post",
            "/analysis/power",
            {"test": "two-sample-t", "effectSize": 0.5, "power": 0.8},
        )
    )

    assert body["countPerGroup"] == pytest.approx(63.76561, abs=1e-4)  # R: pwr.t.test
    reference = TTestIndPower().solve_power(effect_size=0.5, power=0.8, alpha=0.05)
    assert body["countPerGroup"] == pytest.approx(reference, rel=1e-5)
    assert body["countPerGroupCeiling"] == 64
    assert body["achievedPower"] >= 0.8 and body["power"] == 0.8


def test_power_of_two_proportions_from_rates(editor):
    body = ok(
        call(
            editor,
            "post",
            "/analysis/power",
            {
                "test": "two-proportions",
                "controlRate": 0.5,
                "treatmentRate": 0.6,
                "countPerGroup": 200,
            },
        )
    )

    h = proportion_effectsize(0.6, 0.5)
    assert body["effectSize"] == pytest.approx(h, rel=1e-12)
    reference = NormalIndPower().power(effect_size=h, nobs1=200, alpha=0.05, ratio=1)
    assert body["power"] == pytest.approx(reference, rel=1e-9)

    solved = ok(
        call(
            editor,
            "post",
            "/analysis/power",
            {"test": "two-proportions", "effectSize": 0.3, "power": 0.8},
        )
    )
    reference = NormalIndPower().solve_power(effect_size=0.3, power=0.8, alpha=0.05, ratio=1)
    assert solved["countPerGroup"] == pytest.approx(reference, rel=1e-5)  # pwr.2p.test: 174.42
    assert solved["countPerGroupCeiling"] == 175


@pytest.mark.parametrize(
    ("method", "reference"), [("holm", "holm"), ("benjamini-hochberg", "fdr_bh")]
)
def test_adjusted_p_values_as_statsmodels_in_input_order(editor, method, reference):
    p_values = [0.04, 0.001, 0.3, 0.012, 0.049, 0.8]

    body = ok(
        call(
            editor,
            "post",
            "/analysis/adjust-p-values",
            {"pValues": p_values, "method": method},
        )
    )

    rejected, adjusted, _sidak, _bonferroni = multipletests(p_values, alpha=0.05, method=reference)
    assert body["adjustedPValues"] == pytest.approx(list(adjusted), rel=1e-12)
    assert body["rejected"] == list(rejected)
    assert body["pValues"] == p_values and body["method"] == method


def test_difference_in_differences_from_four_cells(editor):
    rng = np.random.default_rng(5)
    cells = {
        "controlBefore": rng.normal(20, 4, 30),
        "controlAfter": rng.normal(21, 5, 35),
        "treatedBefore": rng.normal(19, 3, 25),
        "treatedAfter": rng.normal(24, 6, 40),
    }

    body = ok(
        call(
            editor,
            "post",
            "/analysis/difference-in-differences",
            {name: summary(values) for name, values in cells.items()},
        )
    )

    means = {name: values.mean() for name, values in cells.items()}
    estimate = (means["treatedAfter"] - means["treatedBefore"]) - (
        means["controlAfter"] - means["controlBefore"]
    )
    parts = [values.var(ddof=1) / values.size for values in cells.values()]
    se = math.sqrt(sum(parts))
    df = sum(parts) ** 2 / sum(
        part**2 / (values.size - 1) for part, values in zip(parts, cells.values(), strict=True)
    )
    # The saturated regression with HC2 errors gives the same standard error.
    y = np.concatenate(list(cells.values()))
    treated = np.concatenate([np.full(v.size, n.startswith("treated")) for n, v in cells.items()])
    after = np.concatenate([np.full(v.size, n.endswith("After")) for n, v in cells.items()])
    import statsmodels.api as sm

    design = sm.add_constant(np.column_stack([treated, after, treated & after]).astype(float))
    ols = sm.OLS(y, design).fit(cov_type="HC2")
    assert body["estimate"] == pytest.approx(ols.params[3], rel=1e-9)
    assert body["estimate"] == pytest.approx(estimate, rel=1e-9)
    assert body["standardError"] == pytest.approx(ols.bse[3], rel=1e-9)
    assert body["standardError"] == pytest.approx(se, rel=1e-9)
    assert body["degreesOfFreedom"] == pytest.approx(df, rel=1e-9)
    assert body["pValue"] == pytest.approx(2 * stats.t.sf(abs(estimate / se), df), rel=1e-9)
    margin = stats.t.ppf(0.975, df) * se
    assert_interval(body["confidenceInterval"], [estimate - margin, estimate + margin])
    assert body["observations"] == 130


# --- the calculator: bad input ---------------------------------------------------------------

GOOD = {"count": 10, "sum": 100.0, "sumOfSquares": 1090.0}


@pytest.mark.parametrize(
    ("path", "body", "field", "words"),
    [
        (
            "/analysis/mean-difference",
            {"control": {**GOOD, "count": 1}, "treatment": GOOD},
            "control.count",
            "at least 2",
        ),
        (
            "/analysis/mean-difference",
            {"control": {**GOOD, "sumOfSquares": 900.0}, "treatment": GOOD},
            "control.sumOfSquares",
            "impossible variance in group 'control'",
        ),
        (
            "/analysis/mean-difference",
            {"control": GOOD, "treatment": GOOD, "confidenceLevel": 1},
            "confidenceLevel",
            "strictly between 0 and 1",
        ),
        (
            "/analysis/mean-difference",
            {"control": GOOD, "treatment": {"count": 3, "sum": "x", "sumOfSquares": 1}},
            "treatment.sum",
            "number",
        ),
        (
            "/analysis/mean-difference",
            {"control": GOOD, "treatment": GOOD, "effect": "ratio"},
            "effect",
            "not a valid choice",
        ),
        (
            "/analysis/proportion-difference",
            {"control": {"count": 10, "successes": 11}, "treatment": {"count": 10, "successes": 3}},
            "control.successes",
            "must not exceed its count",
        ),
        (
            "/analysis/proportion-difference",
            {
                "control": {"count": 10, "successes": 1},
                "treatment": {"count": 10, "successes": 3},
                "alternative": "bigger",
            },
            "alternative",
            "not a valid choice",
        ),
        (
            "/analysis/power",
            {"test": "two-sample-t", "effectSize": 0.5, "countPerGroup": 20, "alpha": 1.5},
            "alpha",
            "strictly between 0 and 1",
        ),
        (
            "/analysis/power",
            {"test": "two-sample-t", "effectSize": 0.5, "power": 0},
            "power",
            "strictly between 0 and 1",
        ),
        (
            "/analysis/power",
            {
                "test": "two-proportions",
                "controlRate": 1.2,
                "treatmentRate": 0.5,
                "countPerGroup": 20,
            },
            "controlRate",
            "strictly between 0 and 1",
        ),
        (
            "/analysis/power",
            {"test": "two-sample-t", "effectSize": 0.5, "countPerGroup": 20, "power": 0.8},
            "body",
            "exactly one of",
        ),
        (
            "/analysis/power",
            {"test": "two-sample-t", "countPerGroup": 20},
            "effectSize",
            "Give effectSize",
        ),
        (
            "/analysis/power",
            {"test": "two-sample-t", "effectSize": 0.5, "countControl": 20},
            "countTreatment",
            "both group counts",
        ),
        (
            "/analysis/power",
            {"test": "two-sample-t", "effectSize": 0.5, "countPerGroup": 1},
            "countPerGroup",
            "greater than or equal to 2",
        ),
        (
            "/analysis/adjust-p-values",
            {"pValues": [0.01, 1.2], "method": "holm"},
            "pValues.1",
            "less than or equal to 1",
        ),
        (
            "/analysis/adjust-p-values",
            {"pValues": [-0.1], "method": "holm"},
            "pValues.0",
            "greater than or equal to 0",
        ),
        (
            "/analysis/adjust-p-values",
            {"pValues": [], "method": "holm"},
            "pValues",
            "",
        ),
        (
            "/analysis/difference-in-differences",
            {
                "controlBefore": {**GOOD, "count": 1},
                "controlAfter": GOOD,
                "treatedBefore": GOOD,
                "treatedAfter": GOOD,
            },
            "controlBefore.count",
            "at least 2",
        ),
        (
            "/analysis/difference-in-differences",
            {"controlBefore": GOOD, "controlAfter": GOOD, "treatedBefore": GOOD},
            "treatedAfter",
            "required",
        ),
    ],
)
def test_bad_calculator_input_is_400_naming_the_field(editor, path, body, field, words):
    answer = problem(call(editor, "post", path, body), 400)

    reasons = invalid(answer)
    assert field in reasons, reasons
    assert words in reasons[field]


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        (
            "/analysis/mean-difference",
            {
                "control": {"count": 3, "sum": 6, "sumOfSquares": 12},
                "treatment": {"count": 4, "sum": 12, "sumOfSquares": 36},
            },
            "zero variance in both groups 'control' and 'treatment'",
        ),
        (
            "/analysis/mean-difference",
            {
                "control": {"count": 3, "sum": 0, "sumOfSquares": 2},
                "treatment": {"count": 3, "sum": 3, "sumOfSquares": 5},
                "effect": "relative",
            },
            "control mean (or rate) other than zero",
        ),
        (
            "/analysis/proportion-difference",
            {"control": {"count": 10, "successes": 0}, "treatment": {"count": 12, "successes": 0}},
            "no successes in both groups",
        ),
        (
            "/analysis/power",
            {"test": "two-sample-t", "effectSize": -0.5, "power": 0.8, "alternative": "greater"},
            "cannot reach power",
        ),
        (
            "/analysis/difference-in-differences",
            {
                name: {"count": 2, "sum": 2, "sumOfSquares": 2}
                for name in ("controlBefore", "controlAfter", "treatedBefore", "treatedAfter")
            },
            "zero variance in all four cells",
        ),
    ],
)
def test_numbers_the_analysis_core_refuses_are_400_with_its_message(editor, path, body, words):
    answer = problem(call(editor, "post", path, body), 400)

    assert words in answer["detail"]


def test_the_calculator_needs_a_signed_in_person(db):
    from rest_framework.test import APIClient

    problem(APIClient().post("/api/v1/analysis/power", {}, format="json"), 401)


# --- the pipeline: one experiment from challenge to operation --------------------------------

DESIGN = {
    "hypothesis": "A chatbot shortens the handling time of permit questions.",
    "intervention": "Chatbot on the permit pages",
    "primaryMetric": "handling_minutes",
    "metricType": "mean",
    "direction": "decrease",
    "designType": "ab",
    "minimumDetectableEffect": 2.0,
    "standardDeviation": 6.0,
    "sampleSizePerGroup": 150,
    "plannedStart": "2026-01-05",
    "plannedEnd": "2026-04-30",
    "budget": "25000.00",
}


def move(client, pk, to_stage, version, reason=""):
    body = {"toStage": to_stage, "version": version}
    if reason:
        body["reason"] = reason
    return call(client, "post", "/experiments/{id}/move", body, id=pk)


def test_an_experiment_from_challenge_to_operation(orgs, editor, board):
    agency = orgs[1]

    challenge = ok(
        call(
            editor,
            "post",
            "/organisations/{slug}/challenges",
            {
                "title": "Faster permit answers",
                "problemStatement": "Citizens wait weeks for simple answers.",
                "opensOn": "2026-01-01",
                "visibility": "public",
            },
            slug=agency.slug,
        ),
        201,
    )
    assert challenge["organisation"] == agency.slug and challenge["ownerEmail"]

    idea = ok(
        call(
            editor,
            "post",
            "/organisations/{slug}/ideas",
            {
                "title": "Chatbot for permit questions",
                "description": "Answer the common questions straight away.",
                "challenge": challenge["id"],
            },
            slug=agency.slug,
        ),
        201,
    )
    assert idea["status"] == "submitted" and idea["challenge"] == challenge["id"]

    experiment = ok(
        call(
            editor,
            "post",
            "/ideas/{id}/accept",
            {"version": idea["version"], "ownerTeam": "Innovation lab"},
            id=idea["id"],
        ),
        201,
    )
    pk = experiment["id"]
    assert experiment["stage"] == "idea" and experiment["idea"] == idea["id"]
    assert experiment["ownerTeam"] == "Innovation lab"
    assert experiment["allowedMoves"] == ["design", "stopped"]
    assert ok(call(editor, "get", "/ideas/{id}", id=idea["id"]))["status"] == "accepted"

    experiment = ok(move(editor, pk, "design", experiment["version"]))
    assert experiment["gateProblems"][0]["toStage"] == "running"
    assert "hypothesis" in experiment["gateProblems"][0]["problems"][0]

    refused = problem(move(editor, pk, "running", experiment["version"]), 422)
    assert len(refused["problems"]) == 1
    assert "The design is not complete" in refused["problems"][0]
    assert "units per group" in refused["problems"][0]
    assert Experiment.objects.get(pk=pk).stage == Stage.DESIGN

    experiment = ok(
        call(
            editor,
            "patch",
            "/experiments/{id}",
            {"version": experiment["version"], **DESIGN},
            id=pk,
        )
    )
    assert experiment["budget"] == "25000.00" and experiment["sampleSizePerGroup"] == 150
    assert experiment["gateProblems"] == [{"toStage": "running", "problems": []}]
    experiment = ok(move(editor, pk, "running", experiment["version"]))
    assert experiment["stage"] == "running"

    # Measurements as summaries: the sums of two groups of handling times.
    rng = np.random.default_rng(11)
    control, treatment = rng.normal(30, 6, 160), rng.normal(27, 6, 150)
    saved = ok(
        call(
            editor,
            "post",
            "/experiments/{id}/measurements",
            [
                {"metric": "handling_minutes", "group": "control", **summary(control)},
                {"metric": "handling_minutes", "group": "treatment", **summary(treatment)},
            ],
            id=pk,
        ),
        201,
    )
    assert saved["saved"] == 2 and [s["group"] for s in saved["summaries"]] == [
        "control",
        "treatment",
    ]
    listed = ok(call(editor, "get", "/experiments/{id}/measurements", id=pk))
    assert listed["count"] == 2 and listed["results"][0]["sum"] == pytest.approx(control.sum())

    experiment = ok(move(editor, pk, "evaluation", experiment["version"]))
    evaluations = ok(call(editor, "post", "/experiments/{id}/evaluate", {}, id=pk), 201)
    by_method = {e["method"]: e for e in evaluations}
    assert set(by_method) == {"welch", "srm"}
    welch = by_method["welch"]
    reference = stats.ttest_ind(treatment, control, equal_var=False)
    assert welch["result"]["pValue"] == pytest.approx(reference.pvalue, rel=1e-9)
    assert welch["result"]["difference"] < 0 and welch["positive"] is True  # lower is better
    assert welch["inputs"]["control"]["sumOfSquares"] == pytest.approx(control @ control)
    assert welch["methodVersion"] == "1"
    read = ok(call(editor, "get", "/evaluations/{id}", id=welch["id"]))
    assert read == welch
    assert ok(call(editor, "get", "/experiments/{id}/evaluations", id=pk))["count"] == 2

    experiment = ok(move(editor, pk, "decision", experiment["version"]))
    decision = ok(
        call(
            board,
            "post",
            "/experiments/{id}/decisions",
            {
                "outcome": "scale",
                "rationale": "Three minutes faster, no complaints.",
                "evidenceLevel": 3,
                "evaluation": welch["id"],
            },
            id=pk,
        ),
        201,
    )
    assert decision["stage"] == "decision" and decision["decidedOn"] == "2026-06-01"
    assert decision["evaluation"] == welch["id"] and decision["decidedBy"]
    decisions = ok(call(editor, "get", "/experiments/{id}/decisions", id=pk))
    assert [d["outcome"] for d in decisions["results"]] == ["scale"]

    track = {
        "ownerName": "Head of permits",
        "ownerUnit": "innovation lab",
        "fundingSource": "freed_from_run",
        "adoptionTarget": 1000,
        "goLiveDate": "2026-09-01",
    }
    same_team = problem(call(editor, "post", "/experiments/{id}/implementation", track, id=pk), 422)
    assert "line organisation" in invalid(same_team)["ownerUnit"]
    problem(call(editor, "get", "/experiments/{id}/implementation", id=pk), 404)

    opened = ok(
        call(
            editor,
            "post",
            "/experiments/{id}/implementation",
            {**track, "ownerUnit": "Permits"},
            id=pk,
        ),
        201,
    )
    assert opened["ownerUnit"] == "Permits" and opened["goLiveDate"] == "2026-09-01"
    experiment = ok(call(editor, "get", "/experiments/{id}", id=pk))
    assert experiment["stage"] == "implementation"
    changed = ok(
        call(
            editor,
            "patch",
            "/experiments/{id}/implementation",
            {"version": opened["version"], "adoptionMeasured": 640},
            id=pk,
        )
    )
    assert changed["adoptionMeasured"] == 640 and changed["version"] == opened["version"] + 1

    experiment = ok(move(editor, pk, "in_operation", experiment["version"]))
    assert experiment["stage"] == "in_operation" and experiment["allowedMoves"] == []
    frozen = problem(
        call(
            editor,
            "patch",
            "/experiments/{id}",
            {"version": experiment["version"], "title": "Later"},
            id=pk,
        ),
        422,
    )
    assert "no longer changes" in frozen["detail"]

    lesson = ok(
        call(
            editor,
            "post",
            "/experiments/{id}/lessons",
            {
                "tried": "A chatbot on the permit pages.",
                "happened": "Handling time fell by three minutes.",
                "differently": "Involve the call centre earlier.",
                "reusableAssets": "https://code.example/permit-bot",
            },
            id=pk,
        ),
        201,
    )
    assert lesson["experimentTitle"] == "Chatbot for permit questions"
    assert ok(call(editor, "get", "/experiments/{id}/lessons", id=pk))["count"] == 1

    funnel = ok(call(editor, "get", "/organisations/{slug}/funnel", slug=agency.slug))
    reached = {row["stage"]: row["reached"] for row in funnel["stages"]}
    assert reached == dict.fromkeys(
        ["idea", "design", "running", "evaluation", "decision", "implementation", "in_operation"], 1
    )
    assert funnel["inOperationPercent"] == 100.0 and funnel["totalBudget"] == "25000.00"
    assert funnel["budgetPerOperation"] == "25000.00"

    history = ok(call(editor, "get", "/experiments/{id}/history", id=pk))
    assert history["results"][-1]["kind"] == "created"


# --- measurements: bad numbers, uploads ------------------------------------------------------


@pytest.fixture
def running(orgs, editor):
    """An experiment of the agency with a complete design, running."""
    created = ok(
        call(
            editor,
            "post",
            "/organisations/{slug}/experiments",
            {"title": "Reminder letters", "ownerTeam": "Lab", **DESIGN},
            slug=orgs[1].slug,
        ),
        201,
    )
    moved = ok(move(editor, created["id"], "design", created["version"]))
    return ok(move(editor, created["id"], "running", moved["version"]))


def test_impossible_summaries_are_422_per_row_and_nothing_is_saved(editor, running):
    answer = problem(
        call(
            editor,
            "post",
            "/experiments/{id}/measurements",
            [
                {"metric": "m", "group": "control", "count": 10, "sum": 100, "sumOfSquares": 1100},
                {"metric": "m", "group": "treatment", "count": 1, "sum": 5, "sumOfSquares": 25},
                {"metric": "m", "group": "pilot", "count": 5, "sum": 10, "sumOfSquares": 2},
                {
                    "metric": "n",
                    "group": "control",
                    "count": 5,
                    "sum": 3,
                    "sumOfSquares": 3,
                    "successes": 7,
                },
            ],
            id=running["id"],
        ),
        422,
    )

    found = {(e["row"], e["column"]) for e in answer["errors"]}
    assert found == {(2, "count"), (3, "group"), (3, "sumOfSquares"), (4, "successes")}
    assert all(e["reason"] for e in answer["errors"])
    assert not MeasurementSummary.objects.filter(experiment_id=running["id"]).exists()


def test_malformed_summaries_are_400_naming_the_row_and_field(editor, running):
    answer = problem(
        call(
            editor,
            "post",
            "/experiments/{id}/measurements",
            [{"metric": "m", "group": "control", "count": -1, "sum": 1}],
            id=running["id"],
        ),
        400,
    )

    assert set(invalid(answer)) == {"0.count", "0.sumOfSquares"}  # the index in the list


def test_a_per_unit_file_is_reduced_to_summaries(editor, running):
    rows = ["unit,group,handling_minutes"] + [
        f"u{i},{'control' if i % 2 else 'treatment'},{20 + i % 7}" for i in range(40)
    ]
    upload = SimpleUploadedFile("units.csv", "\n".join(rows).encode(), content_type="text/csv")

    body = ok(
        call(
            editor,
            "post",
            "/experiments/{id}/measurement-uploads",
            {"file": upload},
            multipart=True,
            id=running["id"],
        ),
        201,
    )

    assert body["rows"] == 40 and body["metrics"] == ["handling_minutes"]
    summaries = ok(call(editor, "get", "/experiments/{id}/measurements", id=running["id"]))
    control = [20 + i % 7 for i in range(40) if i % 2]
    first = summaries["results"][0]
    assert (first["group"], first["count"], first["sum"]) == ("control", 20, sum(control))
    assert first["source"] == "upload"


def test_a_file_with_bad_rows_is_422_per_file_row(editor, running):
    content = "unit,group,handling_minutes\nu1,control,12\nu2,pilot,13\nu3,treatment,many\n"
    upload = SimpleUploadedFile("units.csv", content.encode(), content_type="text/csv")

    answer = problem(
        call(
            editor,
            "post",
            "/experiments/{id}/measurement-uploads",
            {"file": upload},
            multipart=True,
            id=running["id"],
        ),
        422,
    )

    assert {(e["row"], e["column"], e["value"]) for e in answer["errors"]} == {
        (3, "group", "pilot"),
        (4, "handling_minutes", "many"),
    }
    assert not MeasurementSummary.objects.filter(experiment_id=running["id"]).exists()


def test_an_unreadable_file_is_422(editor, running):
    upload = SimpleUploadedFile("units.pdf", b"%PDF-1.4", content_type="application/pdf")

    answer = problem(
        call(
            editor,
            "post",
            "/experiments/{id}/measurement-uploads",
            {"file": upload},
            multipart=True,
            id=running["id"],
        ),
        422,
    )

    assert "unknown file type" in answer["detail"] and answer["errors"] == []


def test_an_upload_sent_as_json_is_415(editor, running):
    problem(
        call(
            editor,
            "post",
            "/experiments/{id}/measurement-uploads",
            {"file": "unit,group\n"},
            id=running["id"],
        ),
        415,
    )


def test_evaluating_without_measurements_is_422(editor, running):
    answer = problem(call(editor, "post", "/experiments/{id}/evaluate", {}, id=running["id"]), 422)

    assert "no measurements" in answer["detail"]


# --- ideas: review ---------------------------------------------------------------------------


def test_declining_needs_a_reason_and_merging_an_idea_of_the_same_organisation(
    orgs,
    editor,
    outsider,
):
    agency, municipality = orgs[1], orgs[2]

    def submit(client, organisation, title):
        return ok(
            call(
                client,
                "post",
                "/organisations/{slug}/ideas",
                {"title": title, "description": "…"},
                slug=organisation.slug,
            ),
            201,
        )

    first, second = submit(editor, agency, "Open data"), submit(editor, agency, "Open data too")
    foreign = submit(outsider, municipality, "Elsewhere")

    no_reason = problem(
        call(
            editor,
            "post",
            "/ideas/{id}/review",
            {"version": first["version"], "status": "declined"},
            id=first["id"],
        ),
        422,
    )
    assert set(invalid(no_reason)) == {"reason"}

    across = problem(
        call(
            editor,
            "post",
            "/ideas/{id}/review",
            {
                "version": second["version"],
                "status": "merged",
                "reason": "Same",
                "mergedInto": foreign["id"],
            },
            id=second["id"],
        ),
        400,
    )
    assert "no idea with id" in invalid(across)["mergedInto"]

    merged = ok(
        call(
            editor,
            "post",
            "/ideas/{id}/review",
            {
                "version": second["version"],
                "status": "merged",
                "reason": "Same idea",
                "mergedInto": first["id"],
            },
            id=second["id"],
        )
    )
    assert (merged["status"], merged["mergedInto"]) == ("merged", first["id"])
    again = problem(
        call(editor, "post", "/ideas/{id}/accept", {"version": merged["version"]}, id=second["id"]),
        422,
    )
    assert "merged" in again["detail"]


def test_an_idea_cannot_answer_another_organisations_challenge(orgs, editor, outsider):
    foreign = ok(
        call(
            outsider,
            "post",
            "/organisations/{slug}/challenges",
            {"title": "Theirs", "problemStatement": "…", "opensOn": "2026-01-01"},
            slug=orgs[2].slug,
        ),
        201,
    )

    answer = problem(
        call(
            editor,
            "post",
            "/organisations/{slug}/ideas",
            {"title": "Mine", "description": "…", "challenge": foreign["id"]},
            slug=orgs[1].slug,
        ),
        400,
    )

    assert "no challenge with id" in invalid(answer)["challenge"]


# --- lists, filters, similar, stuck after pilot -----------------------------------------------


def _experiment(client, organisation, title, **fields):
    return ok(
        call(
            client,
            "post",
            "/organisations/{slug}/experiments",
            {"title": title, **fields},
            slug=organisation.slug,
        ),
        201,
    )


def test_experiment_list_filters_by_stage_and_title_in_few_queries(
    orgs,
    editor,
    django_assert_max_num_queries,
):
    agency = orgs[1]
    for index in range(12):
        _experiment(editor, agency, f"Pilot {index:02d}")
    stopped = _experiment(editor, agency, "Parking sensors")
    ok(move(editor, stopped["id"], "stopped", stopped["version"], "No supplier"))

    # 8 for the token and the rate limit's cache; then organisation, roles, count, page.
    with django_assert_max_num_queries(13):
        page = ok(
            call(
                editor,
                "get",
                "/organisations/{slug}/experiments",
                query={"pageSize": 5},
                slug=agency.slug,
            )
        )
    assert page["count"] == 13 and len(page["results"]) == 5 and page["next"]
    found = ok(
        call(
            editor,
            "get",
            "/organisations/{slug}/experiments",
            query={"stage": "idea,stopped", "search": "sensor"},
            slug=agency.slug,
        )
    )
    assert [e["title"] for e in found["results"]] == ["Parking sensors"]
    bad = problem(
        call(
            editor,
            "get",
            "/organisations/{slug}/experiments",
            query={"stage": "dreaming"},
            slug=agency.slug,
        ),
        400,
    )
    assert set(invalid(bad)) == {"stage"}


def test_similar_experiments_come_from_organisations_you_may_read(
    orgs,
    editor,
    outsider,
    client_as,
):
    ministry, agency, municipality = orgs
    ministry_editor = client_as(Role.EDITOR, ministry)
    mine = _experiment(editor, agency, "Chatbot for permits")
    _experiment(ministry_editor, ministry, "Chatbot for taxes")
    _experiment(outsider, municipality, "Chatbot for parking permits")

    similar = ok(call(ministry_editor, "get", "/experiments/{id}/similar", id=mine["id"]))

    assert [s["title"] for s in similar] == ["Chatbot for taxes"]  # not the municipality's
    assert similar[0]["sharedWords"] == 1 and similar[0]["organisation"] == ministry.slug


def test_a_positive_pilot_without_implementation_is_stuck_after_six_months(orgs, editor, running):
    rng = np.random.default_rng(3)
    control, treatment = rng.normal(30, 5, 200), rng.normal(25, 5, 200)
    with time_machine.travel(dt.datetime(2025, 9, 1, tzinfo=dt.UTC), tick=False):
        ok(
            call(
                editor,
                "post",
                "/experiments/{id}/measurements",
                [
                    {"metric": "handling_minutes", "group": "control", **summary(control)},
                    {"metric": "handling_minutes", "group": "treatment", **summary(treatment)},
                ],
                id=running["id"],
            ),
            201,
        )
        ok(call(editor, "post", "/experiments/{id}/evaluate", {}, id=running["id"]), 201)

    stuck = ok(call(editor, "get", "/organisations/{slug}/stuck-after-pilot", slug=orgs[1].slug))

    assert [e["id"] for e in stuck["results"]] == [running["id"]]


def test_lessons_are_searched_across_the_organisations_you_may_read(
    orgs,
    editor,
    outsider,
    running,
):
    ok(
        call(
            editor,
            "post",
            "/experiments/{id}/lessons",
            {"tried": "Reminder letters in plain language", "happened": "More paid on time"},
            id=running["id"],
        ),
        201,
    )

    found = ok(call(editor, "get", "/lessons", query={"search": "plain letters"}))
    assert [lesson["experiment"] for lesson in found["results"]] == [running["id"]]
    assert found["results"][0]["organisation"] == orgs[1].slug
    assert ok(call(outsider, "get", "/lessons", query={"search": "plain"}))["count"] == 0


# --- permissions, locking, delete and restore ------------------------------------------------


def test_who_may_do_what(orgs, editor, viewer, board, outsider, running):
    pk = running["id"]
    agency = orgs[1]

    for client in (editor, viewer, board):
        assert ok(call(client, "get", "/experiments/{id}", id=pk))["id"] == pk
    problem(call(outsider, "get", "/experiments/{id}", id=pk), 404)
    problem(call(outsider, "get", "/experiments/{id}/evaluations", id=pk), 404)
    problem(call(outsider, "get", "/organisations/{slug}/funnel", slug=agency.slug), 404)

    for client in (viewer, board):
        problem(
            call(client, "patch", "/experiments/{id}", {"version": 3, "title": "X"}, id=pk), 403
        )
        problem(move(client, pk, "evaluation", 3), 403)
        problem(
            call(
                client,
                "post",
                "/organisations/{slug}/challenges",
                {"title": "X", "problemStatement": "…", "opensOn": "2026-01-01"},
                slug=agency.slug,
            ),
            403,
        )
    problem(
        call(
            outsider,
            "patch",
            "/experiments/{id}",
            {"version": 3, "title": "X"},
            id=pk,
        ),
        404,
    )

    decision = {"outcome": "iterate", "rationale": "More data", "evidenceLevel": 2}
    problem(call(viewer, "post", "/experiments/{id}/decisions", decision, id=pk), 403)
    problem(call(outsider, "post", "/experiments/{id}/decisions", decision, id=pk), 404)
    ok(call(board, "post", "/experiments/{id}/decisions", decision, id=pk), 201)
    assert Experiment.objects.get(pk=pk).title == "Reminder letters"


def test_a_stale_version_is_409_and_the_other_change_is_kept(editor, running):
    pk, version = running["id"], running["version"]
    ok(call(editor, "patch", "/experiments/{id}", {"version": version, "title": "Mine"}, id=pk))

    answer = problem(
        call(editor, "patch", "/experiments/{id}", {"version": version, "title": "Theirs"}, id=pk),
        409,
    )

    assert answer["currentVersion"] == version + 1
    assert Experiment.objects.get(pk=pk).title == "Mine"
    problem(move(editor, pk, "evaluation", version), 409)


def test_delete_and_restore_an_experiment(editor, viewer, running):
    pk = running["id"]
    first = ok(call(editor, "get", "/experiments/{id}/history", id=pk))["results"][-1]["id"]

    assert (
        call(
            editor, "delete", "/experiments/{id}", query={"version": running["version"]}, id=pk
        ).status_code
        == 204
    )
    problem(call(editor, "get", "/experiments/{id}", id=pk), 404)
    problem(
        call(
            viewer, "post", "/experiments/{id}/history/{historyId}/restore", id=pk, historyId=first
        ),
        403,
    )
    restored = ok(
        call(
            editor, "post", "/experiments/{id}/history/{historyId}/restore", id=pk, historyId=first
        )
    )

    assert restored["kind"] == "undeleted"
    assert ok(call(editor, "get", "/experiments/{id}", id=pk))["id"] == pk
