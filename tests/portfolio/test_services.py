"""The register, the balance, TIME and scenarios through services and selectors, checked
against figures worked out by hand in each test."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from omslag.common.errors import ConflictError, RuleViolation
from omslag.portfolio import selectors, services
from omslag.portfolio.models import Application, ScenarioChange

from .factories import application, spend


@pytest.fixture
def org(tree):
    return tree[2]  # the municipality


def test_balance_shares_per_year(org):
    spend(org, 2024, 700_000, "run")
    spend(org, 2024, 150_000, "change")
    spend(org, 2024, 50_000, "change")
    spend(org, 2024, 100_000, "innovate")
    # 700k + 200k + 100k = 1,000k → 70% / 20% / 10%
    (year,) = selectors.balance_overview(org).balances
    assert year.year == 2024
    assert year.actual.total == Decimal("1000000.00")
    assert (year.actual.run_share, year.actual.change_share, year.actual.innovate_share) == (
        pytest.approx(0.70),
        pytest.approx(0.20),
        pytest.approx(0.10),
    )


def test_balance_rolls_up_children_and_skips_deleted_lines(tree):
    ministry, agency, _ = tree
    spend(ministry, 2025, 600, "run")
    spend(agency, 2025, 300, "run")
    line = spend(agency, 2025, 100, "innovate")
    services.spend_line_delete(actor=None, spend_line=line)
    rolled = selectors.balance_overview(ministry).balances[0].actual
    own = selectors.balance_overview(ministry, include_children=False).balances[0].actual
    assert rolled.total == Decimal("900.00") and rolled.innovate == 0  # 600 + 300, deleted 100 gone
    assert own.total == Decimal("600.00")


def test_gap_to_target_in_points_and_euro(org):
    spend(org, 2025, 720_000, "run")
    spend(org, 2025, 200_000, "change")
    spend(org, 2025, 80_000, "innovate")
    services.spend_target_set(
        actor=None,
        organisation=org,
        target_year=2030,
        innovate_min_percent=Decimal("10"),
        run_max_percent=Decimal("65"),
    )
    gap = selectors.balance_overview(org).gap
    bounds = {b.category: b for b in gap.bounds}
    # innovate 8% vs at least 10%: 2 points, 20,000 euro short of 10% of 1,000,000
    assert bounds["innovate"].difference_points == pytest.approx(-2.0)
    assert bounds["innovate"].difference_amount == Decimal("-20000.00")
    # run 72% vs at most 65%: 7 points, 70,000 euro too much
    assert bounds["run"].difference_points == pytest.approx(7.0)
    assert bounds["run"].difference_amount == Decimal("70000.00")
    assert not gap.met


@pytest.mark.parametrize(
    "value, condition, expected",
    [
        (5, 5, "invest"),
        (3, 3, "invest"),
        (4, 2, "migrate"),
        (2, 4, "tolerate"),
        (1, 1, "eliminate"),
        (2, 2, "eliminate"),
        (3, 2, "migrate"),
        (2, 3, "tolerate"),
    ],
)
def test_time_position_in_python_and_in_the_database_agree(org, value, condition, expected):
    app = application(org, value=value, condition=condition)
    assert app.time_position == expected
    assert selectors.applications_of(org).get(pk=app.pk).time == expected


def test_time_override_needs_a_reason_and_wins(org):
    with pytest.raises(ValidationError, match="Say why"):
        application(org, value=5, condition=5, time_override="eliminate")
    app = application(
        org,
        value=5,
        condition=5,
        time_override="eliminate",
        time_override_reason="Replaced by the national service in 2027",
    )
    assert app.time_position == "eliminate" and app.derived_time_position == "invest"
    assert selectors.applications_of(org).get(pk=app.pk).time == "eliminate"


def test_end_of_support_before_go_live_is_refused(org):
    with pytest.raises(ValidationError, match="before the go-live year"):
        application(org, go_live_year=2020, end_of_support=dt.date(2019, 12, 31))


def test_duplicate_name_in_one_organisation_is_refused_but_fine_elsewhere(tree):
    ministry, _agency, municipality = tree
    application(municipality, name="Zaaksysteem")
    with pytest.raises(ValidationError, match="already has an application with this name"):
        application(municipality, name="Zaaksysteem")
    application(ministry, name="Zaaksysteem")


def test_dependency_on_another_organisations_application_is_refused(tree):
    ministry, _agency, municipality = tree
    ours, theirs = application(municipality, "A"), application(ministry, "B")
    with pytest.raises(ValidationError, match="same organisation"):
        services.dependency_add(actor=None, application=ours, depends_on=theirs)


def test_spend_line_for_another_organisations_application_is_refused(tree):
    ministry, _agency, municipality = tree
    theirs = application(ministry, "B")
    with pytest.raises(ValidationError, match="another organisation"):
        spend(municipality, 2025, 10, application=theirs)


def test_stale_application_update_is_refused(org):
    app = application(org)
    services.application_update(
        actor=None, application=Application.objects.get(pk=app.pk), expected_version=1, vendor="A"
    )
    with pytest.raises(ConflictError):
        services.application_update(actor=None, application=app, expected_version=1, vendor="B")
    assert Application.objects.get(pk=app.pk).vendor == "A"


def test_retiring_an_application_lowers_run_by_its_run_cost_from_that_year(org):
    legacy = application(org, "Mainframe belastingen", value=4, condition=1)
    spend(org, 2025, 120_000, "run", application=legacy)
    spend(org, 2025, 580_000, "run")
    spend(org, 2025, 200_000, "change")
    spend(org, 2025, 100_000, "innovate")
    scenario = services.scenario_create(actor=None, organisation=org, name="Afbouw", base_year=2025)
    change = services.scenario_change_add(
        actor=None,
        scenario=scenario,
        kind=ScenarioChange.Kind.RETIRE_APPLICATION,
        application=legacy,
        from_year=2027,
        amount=None,
    )
    assert change.amount == Decimal("120000.00")  # defaults to its run cost in the base year
    projection = selectors.scenario_comparison(org, [scenario])["Afbouw"]
    run = {y.year: y.split.run for y in projection.years}
    assert run[2026] == Decimal("700000.00")  # 120k + 580k, unchanged before 2027
    assert run[2027] == Decimal("580000.00")  # exactly 120,000 less from 2027 on
    assert run[2035] == Decimal("580000.00")
    # innovate share in 2027: 100k / (580k + 200k + 100k) = 100/880
    assert projection.year(2027).split.innovate_share == pytest.approx(100 / 880)


def test_scenario_reaches_target_in_the_year_worked_out_by_hand(org):
    spend(org, 2025, 700_000, "run")
    spend(org, 2025, 220_000, "change")
    spend(org, 2025, 80_000, "innovate")
    services.spend_target_set(
        actor=None,
        organisation=org,
        target_year=2030,
        innovate_min_percent=Decimal("10"),
        run_max_percent=None,
    )
    scenario = services.scenario_create(actor=None, organisation=org, name="Meer", base_year=2025)
    services.scenario_change_add(
        actor=None,
        scenario=scenario,
        kind="change_innovate",
        from_year=2028,
        amount=Decimal("30000"),
    )
    # 2028: innovate 110k of 1,030k = 10.7% ≥ 10%; before 2028 8%
    comparison = selectors.scenario_comparison(org, [scenario])
    assert comparison["Meer"].first_year_target_met == 2028
    assert comparison[selectors.BASELINE].first_year_target_met is None


def test_negative_projection_names_the_change(org):
    spend(org, 2025, 100, "innovate")
    scenario = services.scenario_create(
        actor=None, organisation=org, name="Te veel", base_year=2025
    )
    with pytest.raises(RuleViolation, match="2027"):
        services.scenario_change_add(
            actor=None,
            scenario=scenario,
            kind="change_innovate",
            from_year=2027,
            amount=Decimal("-500"),
        )
    assert not scenario.changes.exists()  # nothing stored


def test_a_stored_retirement_without_an_application_is_named_not_projected(org):
    """clean() refuses a retirement without an application; one stored without it anyway
    (written past the services) makes the comparison refuse with the change named, as a
    negative projection does, instead of projecting the retirement of no application."""
    legacy = application(org, "Oude post", value=2, condition=2)
    spend(org, 2025, 50_000, "run", application=legacy)
    scenario = services.scenario_create(actor=None, organisation=org, name="Weg", base_year=2025)
    change = services.scenario_change_add(
        actor=None,
        scenario=scenario,
        kind=ScenarioChange.Kind.RETIRE_APPLICATION,
        application=legacy,
        from_year=2026,
        amount=None,
    )
    ScenarioChange.objects.filter(pk=change.pk).update(application=None)
    english = f"Change {change.pk} retires an application but names none."
    with translation.override("en"), pytest.raises(ValueError, match=english):
        selectors.scenario_comparison(org, [scenario])
    dutch = f"Wijziging {change.pk} faseert een applicatie uit maar noemt er geen."
    with translation.override("nl"), pytest.raises(ValueError, match=dutch):
        selectors.scenario_comparison(org, [scenario])


def test_legacy_risk_lists_end_of_support_and_fan_in(org):
    today = dt.date(2026, 11, 29)
    old = application(org, "Oud", value=2, condition=1, end_of_support=dt.date(2025, 1, 1))
    soon = application(org, "Bijna", value=4, condition=2, end_of_support=dt.date(2028, 6, 1))
    application(org, "Later", end_of_support=dt.date(2031, 1, 1))
    a, b = application(org, "A"), application(org, "B")
    # B → A → Oud, and Bijna ← A: what breaks if Oud goes is A and B
    services.dependency_add(actor=None, application=a, depends_on=old)
    services.dependency_add(actor=None, application=b, depends_on=a)
    services.dependency_add(actor=None, application=a, depends_on=soon)
    spend(org, 2025, 50_000, "run", application=old)
    spend(org, 2025, 30_000, "run", application=soon)
    risk = selectors.legacy_risk(org, today=today)
    rows = {r.application.name: r for r in risk.rows}
    assert set(rows) == {"Oud", "Bijna"}
    assert rows["Oud"].support == "past" and rows["Bijna"].support == "within_window"
    assert (rows["Oud"].direct_dependents, rows["Oud"].transitive_dependents) == (1, 2)
    # Oud is Eliminate (value 2, condition 1), Bijna Migrate (4, 2): 50k + 30k
    assert risk.migrate_eliminate_run_cost == Decimal("80000.00")


def test_deleting_an_application_takes_its_dependencies_along(org):
    a, b = application(org, "A"), application(org, "B")
    services.dependency_add(actor=None, application=a, depends_on=b)
    services.application_delete(actor=None, application=b)
    assert selectors.dependency_edges(org) == []


def test_scenario_named_like_the_dash_is_kept_apart_from_no_change(org):
    """'No change' is keyed by a sentinel, not by the "—" the pages show for it: a scenario
    that happens to be called "—" keeps its own projection and does not replace the baseline."""
    spend(org, 2025, 900_000, "run")
    spend(org, 2025, 100_000, "innovate")
    dash = services.scenario_create(actor=None, organisation=org, name="—", base_year=2025)
    services.scenario_change_add(
        actor=None, scenario=dash, kind="change_innovate", from_year=2027, amount=Decimal("100000")
    )

    comparison = selectors.scenario_comparison(org, [dash])

    assert len(comparison) == 2 and selectors.BASELINE in comparison and "—" in comparison
    # no change: innovate 100k every year; "—": 200k from 2027 on
    assert {y.split.innovate for y in comparison[selectors.BASELINE].years} == {
        Decimal("100000.00")
    }
    assert comparison["—"].year(2026).split.innovate == Decimal("100000.00")
    assert comparison["—"].year(2027).split.innovate == Decimal("200000.00")
