"""The calculator never fails silently: property tests (Hypothesis) of the stateless calculator
against scipy and statsmodels over wide ranges of means, spreads and counts, and the inputs
that used to give a wrong answer, a 500 or non-JSON output.

Every answer is either a result that agrees with the reference within 1e-6 relative, or a 400
problem that names the field; never a 500 and never a silently different number."""

import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.power import TTestIndPower
from statsmodels.stats.proportion import proportions_ztest

from omslag.analysis.experiments import (
    GroupSummary,
    ProportionSummary,
    proportion_difference_test,
    welch_test,
)
from omslag.organisations.models import Role
from tests.api.conftest import PROBLEM_JSON

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RELATIVE = 1e-6


@pytest.fixture
def editor(tree, make_member, api_for):
    client = api_for(make_member(Role.EDITOR, tree[1]))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # reasons are asserted in English
    return client


def post(client, path, body):
    response = client.post("/api/v1/analysis/" + path, body, format="json")
    # Never a 500, never anything but JSON: a result or a problem.
    assert response.status_code in (200, 400), (response.status_code, response.content)
    if response.status_code == 400:
        assert response["Content-Type"] == PROBLEM_JSON
    return response.status_code, response.json()


def reasons(body) -> dict[str, str]:
    return {param["name"]: param["reason"] for param in body.get("invalidParams", [])}


def exact_sums(count: int, mean: float, deviation: float) -> dict:
    """count, sum and sum of squares of a group with this mean and sample standard deviation,
    computed exactly and rounded once: the best sums anyone could send."""
    total = Fraction(mean) * count
    squares = Fraction(deviation) ** 2 * (count - 1) + total**2 / count
    return {"count": count, "sum": float(total), "sumOfSquares": float(squares)}


def assert_welch_agrees(body, control, treatment):
    """``control`` and ``treatment`` are (count, mean, standard deviation)."""
    (n1, m1, s1), (n2, m2, s2) = control, treatment
    reference = stats.ttest_ind_from_stats(m2, s2, n2, m1, s1, n1, equal_var=False)
    part1, part2 = s1**2 / n1, s2**2 / n2
    se = math.sqrt(part1 + part2)
    df = (part1 + part2) ** 2 / (part1**2 / (n1 - 1) + part2**2 / (n2 - 1))
    scale = se  # the statistic and difference are compared on the scale of their error
    assert body["difference"] == pytest.approx(m2 - m1, rel=RELATIVE, abs=RELATIVE * scale)
    assert body["standardError"] == pytest.approx(se, rel=RELATIVE)
    assert body["degreesOfFreedom"] == pytest.approx(df, rel=RELATIVE)
    assert body["statistic"] == pytest.approx(reference.statistic, rel=RELATIVE, abs=RELATIVE)
    assert body["pValue"] == pytest.approx(reference.pvalue, rel=RELATIVE, abs=1e-300)
    margin = stats.t.ppf(0.975, df) * se
    low, high = body["confidenceInterval"]
    assert low == pytest.approx(m2 - m1 - margin, rel=RELATIVE, abs=RELATIVE * scale)
    assert high == pytest.approx(m2 - m1 + margin, rel=RELATIVE, abs=RELATIVE * scale)
    assert high > low  # never an interval of width zero


def _group(mean_limit=1e12):
    """(count, mean, standard deviation): means up to 1e12 in magnitude, spreads from 1e-6 of
    the mean upward (log-uniform), counts from 2 to a billion."""
    counts = st.one_of(st.integers(2, 60), st.integers(2, 10**9))
    means = st.one_of(
        st.floats(-mean_limit, mean_limit, allow_nan=False),
        st.floats(1, 12).map(lambda e: 10.0**e),
    )
    relative_spreads = st.floats(-6, 1).map(lambda e: 10.0**e)
    return st.tuples(counts, means, relative_spreads).map(
        lambda t: (t[0], t[1], max(abs(t[1]), 1.0) * t[2])
    )


@st.composite
def two_groups(draw):
    control = draw(_group())
    count, _mean, deviation = draw(_group())
    # The treatment near the control (a shift of a few standard errors) or anywhere.
    shift = draw(st.floats(-8, 8)) * control[2] / math.sqrt(control[0])
    mean = draw(st.one_of(st.just(control[1] + shift), st.floats(-1e12, 1e12)))
    return control, (count, mean, max(deviation, 1e-6 * abs(mean)))


@PROPERTY
@given(groups=two_groups())
def test_mean_and_standard_deviation_agree_with_scipy_always(editor, groups):
    control, treatment = groups
    status, body = post(
        editor,
        "mean-difference",
        {
            "control": {"count": control[0], "mean": control[1], "standardDeviation": control[2]},
            "treatment": {
                "count": treatment[0],
                "mean": treatment[1],
                "standardDeviation": treatment[2],
            },
        },
    )
    assert status == 200, body
    assert_welch_agrees(body, control, treatment)


@PROPERTY
@given(groups=two_groups())
def test_sums_agree_with_scipy_or_say_they_cannot_carry_the_precision(editor, groups):
    control, treatment = groups
    status, body = post(
        editor,
        "mean-difference",
        {"control": exact_sums(*control), "treatment": exact_sums(*treatment)},
    )
    event("refused: too little precision" if status == 400 else "computed from the sums")
    if status == 400:
        named = reasons(body)
        assert set(named) <= {"control.sumOfSquares", "treatment.sumOfSquares"}, body
        assert all("give the count, mean and standard deviation" in r for r in named.values())
        # Refused only where the spread is small beside the mean (a precision limit).
        worst = max(abs(m) / s for _n, m, s in (control, treatment))
        assert worst > 1e3
    else:
        assert_welch_agrees(body, control, treatment)


def test_a_large_mean_with_a_small_spread_is_exact_from_mean_and_standard_deviation(editor):
    # The case: means near 100,000 with a standard deviation near 1. From the sums the
    # variance is lost in rounding; the calculator says so instead of a wrong p-value.
    control, treatment = (50, 100_000.0, 1.0), (50, 100_000.4, 1.1)
    status, body = post(
        editor,
        "mean-difference",
        {"control": exact_sums(*control), "treatment": exact_sums(*treatment)},
    )
    assert status == 400
    assert (
        "too little precision in the sums of group 'control'"
        in (reasons(body)["control.sumOfSquares"])
    )
    status, body = post(
        editor,
        "mean-difference",
        {
            "control": {"count": 50, "mean": 100_000.0, "standardDeviation": 1.0},
            "treatment": {"count": 50, "mean": 100_000.4, "standardDeviation": 1.1},
        },
    )
    assert status == 200
    assert_welch_agrees(body, control, treatment)
    # By hand: se = sqrt(1/50 + 1.21/50) = 0.21024, t = 0.4 / se = 1.9026 (df 97.2).
    assert body["statistic"] == pytest.approx(0.4 / math.sqrt(2.21 / 50), rel=1e-6)


def test_sums_of_a_moderate_spread_are_used_exactly_not_set_to_zero():
    # Mean 1,000 and standard deviation 1: the old relative threshold did not touch it, but
    # mean 10,000 with 0.5 had become "zero variance". Exact sums of such groups now give the
    # variance to full precision.
    summary = GroupSummary(**_sums_for_core(30, 2_000.0, 3.0))
    assert summary.variance == pytest.approx(9.0, rel=1e-9)


def _sums_for_core(count, mean, deviation):
    sums = exact_sums(count, mean, deviation)
    return {"count": count, "total": sums["sum"], "sum_of_squares": sums["sumOfSquares"]}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "mean-difference",
            {"control": {"count": 10, "sum": 1e300, "sumOfSquares": 1e301}, "treatment": {}},
            "control.sum",
        ),
        (
            "mean-difference",
            {
                "control": {"count": 10**20, "sum": 1.0, "sumOfSquares": 5.0},
                "treatment": {"count": 10, "sum": 1.0, "sumOfSquares": 5.0},
            },
            "control.count",
        ),
        (
            "mean-difference",
            {
                "control": {"count": 10, "mean": 1.0, "standardDeviation": 1e200},
                "treatment": {"count": 10, "sum": 1.0, "sumOfSquares": 5.0},
            },
            "control.standardDeviation",
        ),
        (
            "mean-difference",
            {
                "control": {"count": 10, "mean": 1.0, "sumOfSquares": 5.0},
                "treatment": {"count": 10, "sum": 1.0, "sumOfSquares": 5.0},
            },
            "control.mean",
        ),
        (
            "mean-difference",
            {
                "control": {"count": 10, "mean": 1.0},
                "treatment": {"count": 10, "sum": 1.0, "sumOfSquares": 5.0},
            },
            "control.standardDeviation",
        ),
        (
            "mean-difference",
            {
                "control": {"count": 10, "mean": 1.0, "standardDeviation": -2},
                "treatment": {"count": 10, "sum": 1.0, "sumOfSquares": 5.0},
            },
            "control.standardDeviation",
        ),
        (
            "proportion-difference",
            {
                "control": {"count": 10**30, "successes": 1},
                "treatment": {"count": 5, "successes": 1},
            },
            "control.count",
        ),
        ("power", {"test": "two-sample-t", "effectSize": 1e308, "countPerGroup": 20}, "effectSize"),
        (
            "power",
            {"test": "two-sample-t", "effectSize": 0.5, "countPerGroup": 1e300},
            "countPerGroup",
        ),
    ],
)
def test_out_of_range_inputs_are_a_400_naming_the_field(editor, path, body, field):
    status, answer = post(editor, path, body)
    assert status == 400
    assert field in reasons(answer), answer


def test_json_infinity_is_a_400_not_a_500(editor):
    # 1e999 is valid JSON and reads as infinity.
    response = editor.post(
        "/api/v1/analysis/mean-difference",
        data=b'{"control": {"count": 10, "sum": 1e999, "sumOfSquares": 5},'
        b' "treatment": {"count": 10, "sum": 1, "sumOfSquares": 5}}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "control.sum" in reasons(response.json())


def test_a_relative_effect_beyond_the_range_is_refused_not_a_500(editor):
    status, body = post(
        editor,
        "mean-difference",
        {
            "control": {"count": 10, "mean": 1e-300, "standardDeviation": 1e100},
            "treatment": {"count": 10, "mean": 1e100, "standardDeviation": 1e100},
            "effect": "relative",
        },
    )
    assert status == 400
    assert "control mean" in body["detail"]


@pytest.mark.parametrize(
    ("control", "treatment"), [((1, 0), (1, 1)), ((10, 0), (12, 12)), ((7, 7), (3, 0))]
)
def test_all_or_nothing_groups_are_refused_not_a_zero_width_interval(editor, control, treatment):
    status, body = post(
        editor,
        "proportion-difference",
        {
            "control": {"count": control[0], "successes": control[1]},
            "treatment": {"count": treatment[0], "successes": treatment[1]},
        },
    )
    assert status == 400
    assert "width zero" in body["detail"]
    with pytest.raises(ValueError, match="all-or-nothing"):
        proportion_difference_test(ProportionSummary(*control), ProportionSummary(*treatment))


def test_one_all_success_group_beside_a_mixed_one_keeps_a_real_interval(editor):
    status, body = post(
        editor,
        "proportion-difference",
        {"control": {"count": 20, "successes": 20}, "treatment": {"count": 20, "successes": 15}},
    )
    assert status == 200
    low, high = body["confidenceInterval"]
    # Wald: -0.25 +- 1.95996 * sqrt(0.75 * 0.25 / 20), by hand.
    margin = stats.norm.ppf(0.975) * math.sqrt(0.75 * 0.25 / 20)
    assert (low, high) == (pytest.approx(-0.25 - margin), pytest.approx(-0.25 + margin))


@st.composite
def two_rates(draw):
    def group():
        count = draw(st.one_of(st.integers(1, 50), st.integers(1, 10**12)))
        return count, draw(st.integers(0, count))

    return group(), group()


@PROPERTY
@given(groups=two_rates())
def test_proportions_agree_with_statsmodels_or_refuse_clearly(editor, groups):
    (n1, x1), (n2, x2) = groups
    status, body = post(
        editor,
        "proportion-difference",
        {"control": {"count": n1, "successes": x1}, "treatment": {"count": n2, "successes": x2}},
    )
    degenerate = x1 in (0, n1) and x2 in (0, n2)
    if degenerate:
        assert status == 400 and body["detail"], body
        return
    assert status == 200, body
    statistic, p_value = proportions_ztest([x2, x1], [n2, n1])
    assert body["statistic"] == pytest.approx(statistic, rel=RELATIVE, abs=RELATIVE)
    assert body["pValue"] == pytest.approx(p_value, rel=RELATIVE, abs=1e-300)
    low, high = body["confidenceInterval"]
    assert high > low


@PROPERTY
@given(
    effect=st.one_of(st.floats(-3, 3), st.floats(-1000, 1000)),
    count=st.one_of(st.integers(2, 200), st.floats(2, 2.0**53)),
)
def test_power_agrees_with_statsmodels_or_refuses_clearly(editor, effect, count):
    status, body = post(
        editor, "power", {"test": "two-sample-t", "effectSize": effect, "countPerGroup": count}
    )
    if status == 400:
        assert body["detail"]
        return
    assert 0.0 <= body["power"] <= 1.0
    reference = TTestIndPower().power(effect_size=effect, nobs1=count, alpha=0.05, ratio=1.0)
    if math.isfinite(reference):
        assert body["power"] == pytest.approx(reference, rel=RELATIVE, abs=1e-9)
    else:
        # statsmodels gives NaN far in the noncentral t's tail; there the normal
        # approximation is within 1e-3 of the power (both tails of a two-sided test).
        shift = abs(effect) * math.sqrt(count / 2)
        critical = stats.t.isf(0.025, 2 * count - 2)
        approximate = stats.norm.sf(critical - shift) + stats.norm.cdf(-critical - shift)
        assert body["power"] == pytest.approx(approximate, abs=1e-3)


def test_welch_from_the_core_keeps_huge_variances_finite():
    # Variances near 1e290: their squares overflow in the textbook degrees-of-freedom formula.
    control = GroupSummary.from_mean_and_standard_deviation(10, 0.0, 1e145, "control")
    treatment = GroupSummary.from_mean_and_standard_deviation(12, 1e145, 2e145, "treatment")
    result = welch_test(control, treatment)
    part1, part2 = (1e145) ** 2 / 10, (2e145) ** 2 / 12
    # Scaled by 1e-290 to compute the reference without overflow.
    a, b = part1 / 1e290, part2 / 1e290
    assert result.degrees_of_freedom == pytest.approx((a + b) ** 2 / (a * a / 9 + b * b / 11))
