"""Amounts in another currency are stored as they are and converted at a rate the
organisation states wherever a sum needs one currency; without a stated rate the portfolio
forecast, the board dashboard and its report refuse to add them, and say which currencies and
how many projects. Every expected figure is computed here from the amounts the test writes."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from omslag.projects import rates, selectors, services
from omslag.projects.models import ExchangeRate, ProjectReport
from tests.conftest import api_client_for
from tests.factories import member, organisation

pytestmark = pytest.mark.django_db

# (name, currency, first estimate, latest estimate)
PROJECTS = [
    ("Zaaksysteem", "EUR", Decimal("2000000"), Decimal("2600000")),
    ("Portaal", "EUR", Decimal("1000000"), Decimal("1100000")),
    ("Ärendesystem", "SEK", Decimal("12500000"), Decimal("19750000")),
]
SEK_RATE = Decimal("0.0874")


@pytest.fixture
def org():
    found = organisation("gemeente-a")
    for name, currency, first, latest in PROJECTS:
        project = services.project_create(
            actor=None, organisation=found, name=name, currency=currency
        )
        for peildatum, estimate, end in (
            (dt.date(2023, 1, 1), first, dt.date(2025, 1, 1)),
            (dt.date(2024, 6, 30), latest, dt.date(2025, 7, 1)),
        ):
            services.report_create(
                actor=None,
                project=project,
                status=ProjectReport.Status.PUBLISHED,
                peildatum=peildatum,
                total_cost_estimate=estimate,
                estimated_end_date=end,
            )
    return found


@pytest.fixture
def state(django_capture_on_commit_callbacks):
    """State a rate and let the refresh of the stored forecasts run, as after a commit."""

    def stating(org, currency, rate, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return services.exchange_rate_set(
                actor=None, organisation=org, currency=currency, rate=rate, **fields
            )

    return stating


def expected_total(which: int, sek_rate=SEK_RATE) -> Decimal:
    """The sum of the first (2) or latest (3) estimates, SEK converted at ``sek_rate``."""
    return sum(
        (p[which] * (sek_rate if p[1] == "SEK" else 1) for p in PROJECTS),
        Decimal(0),
    )


def forecast(org):
    return selectors.portfolio_forecast_stored(
        org, services.reference_class_shipped(), iterations=500, seed=3
    )


# --- stating rates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "rate", "field"),
    [
        ("SKE", "0.1", "currency"),  # no ISO 4217 code
        ("kronor", "0.1", "currency"),
        ("EUR", "1", "currency"),  # the reporting currency itself
        ("SEK", "0", "rate"),
        ("SEK", "-0.1", "rate"),
        ("SEK", "abc", "rate"),
        ("SEK", "Infinity", "rate"),
    ],
)
def test_a_bad_rate_is_refused_naming_the_field(org, currency, rate, field):
    with pytest.raises(ValidationError) as refused:
        services.exchange_rate_set(actor=None, organisation=org, currency=currency, rate=rate)
    assert field in refused.value.message_dict
    assert not ExchangeRate.objects.exists()


def test_the_latest_rate_as_of_a_day_holds_and_every_rate_stays_on_record(org):
    for as_of, rate in (("2024-01-01", "0.085"), ("2025-01-01", "0.0874"), ("2099-01-01", "9")):
        services.exchange_rate_set(
            actor=None,
            organisation=org,
            currency="sek",
            rate=rate,
            as_of=dt.date.fromisoformat(as_of),
        )
    assert len(rates.exchange_rates_of(org)) == 3
    today = rates.rate_table_for(org, dt.date(2025, 6, 30))
    assert today.factor("SEK") == Decimal("0.0874")
    assert rates.rate_table_for(org, dt.date(2024, 6, 30)).factor("SEK") == Decimal("0.085")
    assert rates.rate_table_for(org, dt.date(2023, 6, 30)).factor("SEK") is None
    assert today.factor("EUR") == 1


def test_an_organisation_below_uses_the_rates_above_it_unless_it_states_its_own(org):
    agency = organisation("dienst", parent=org)
    services.exchange_rate_set(actor=None, organisation=org, currency="SEK", rate="0.08")
    assert rates.rate_table_for(agency).rates["SEK"].organisation == org.slug
    services.exchange_rate_set(actor=None, organisation=agency, currency="SEK", rate="0.09")
    assert rates.rate_table_for(agency).factor("SEK") == Decimal("0.09")
    assert rates.rate_table_for(org).factor("SEK") == Decimal("0.08")


# --- the portfolio forecast ------------------------------------------------------------------


def test_the_forecast_refuses_to_add_a_currency_without_a_rate(org, state):
    refused = forecast(org)
    assert refused.result is None
    assert refused.unconverted == [{"currency": "SEK", "projects": 1}]
    with translation.override("en"):
        assert "no exchange rate to EUR is stated for SEK (1 project)" in forecast(org).problem

    state(org, "SEK", str(SEK_RATE), source="ECB")
    converted = forecast(org)  # the stored forecast was marked behind and recomputed
    assert converted.result.total_estimate == pytest.approx(float(expected_total(3)))
    assert converted.currency == "EUR"
    assert [(r["currency"], r["rate"], r["source"]) for r in converted.rates] == [
        ("SEK", str(SEK_RATE), "ECB")
    ]


def test_another_reporting_currency_needs_rates_into_it(
    org, state, django_capture_on_commit_callbacks
):
    state(org, "SEK", "0.0874")
    with django_capture_on_commit_callbacks(execute=True):
        services.reporting_currency_set(actor=None, organisation=org, currency="SEK")
    refused = forecast(org)  # the rate into euro no longer holds; now euro needs one
    assert refused.result is None
    assert refused.unconverted == [{"currency": "EUR", "projects": 2}]
    state(org, "EUR", "11.45")
    sek_total = sum(
        (p[3] * (Decimal("11.45") if p[1] == "EUR" else 1) for p in PROJECTS), Decimal(0)
    )
    assert forecast(org).result.total_estimate == pytest.approx(float(sek_total))


def test_forecast_api_and_page_say_what_was_not_added(org, state):
    viewer = member("viewer", org)
    shipped = services.reference_class_shipped()
    url = f"/api/v1/organisations/{org.slug}/forecast"
    body = api_client_for(viewer).get(url, {"referenceClass": shipped.pk, "seed": 1}).json()
    assert body["portfolio"] is None
    assert body["unconvertedCurrencies"] == [{"currency": "SEK", "projects": 1}]
    assert body["currency"] == "EUR"

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(viewer)
    page = client.get(f"/organisations/{org.slug}/project-portfolio").content.decode()
    assert 'id="unconverted-currencies"' in page
    assert "no exchange rate to EUR is stated for SEK (1 project)" in page
    assert "Current estimate, together" not in page

    state(org, "SEK", "0.0874", as_of=dt.date(2025, 6, 30))
    body = api_client_for(viewer).get(url, {"referenceClass": shipped.pk, "seed": 1}).json()
    assert body["portfolio"]["totalEstimate"] == pytest.approx(float(expected_total(3)))
    assert body["unconvertedCurrencies"] == []
    assert body["exchangeRates"][0]["asOf"] == "2025-06-30"
    page = client.get(f"/organisations/{org.slug}/project-portfolio").content.decode()
    assert "1 SEK = 0.0874 EUR as of 2025-06-30" in page
    assert "Current estimate, together" in page


# --- the board dashboard and its report ------------------------------------------------------


def test_dashboard_and_json_report_refuse_then_convert(org, state, tmp_path):
    board = member("board", org)
    services.reference_class_shipped()
    url = f"/api/v1/organisations/{org.slug}/dashboard"
    projects = api_client_for(board).get(url).json()["projects"]
    assert projects["originalBudget"] is None
    assert projects["currentEstimate"] is None
    assert projects["costChange"] is None
    assert projects["p80Exposure"] is None
    assert projects["unconvertedCurrencies"] == [{"currency": "SEK", "projects": 1}]

    output = tmp_path / "board.json"
    call_command("report", "board", "--org", org.slug, "--format", "json", "-o", str(output))
    assert json.loads(output.read_text())["projects"]["unconvertedCurrencies"] == [
        {"currency": "SEK", "projects": 1}
    ]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(board)
    page = client.get(f"/organisations/{org.slug}/dashboard").content.decode()
    assert "no exchange rate to EUR is stated for SEK (1 project)" in page

    state(org, "SEK", str(SEK_RATE), as_of=dt.date(2024, 1, 1))
    projects = api_client_for(board).get(url).json()["projects"]
    cent = Decimal("0.01")
    assert projects["originalBudget"] == str(expected_total(2).quantize(cent))
    assert projects["currentEstimate"] == str(expected_total(3).quantize(cent))
    assert projects["costChange"] == str((expected_total(3) - expected_total(2)).quantize(cent))
    assert projects["unconvertedCurrencies"] == []
    assert projects["exchangeRates"][0]["rate"] == str(SEK_RATE)
    assert projects["p80Exposure"] is not None
    # A dashboard as of a day before the rate was stated has no rate to convert with.
    earlier = api_client_for(board).get(url, {"asOf": "2023-12-31"}).json()["projects"]
    assert earlier["currentEstimate"] is None
    page = client.get(f"/organisations/{org.slug}/dashboard").content.decode()
    assert "1 SEK = 0.0874 EUR as of 2024-01-01" in page


# --- page, API and command line to state rates ----------------------------------------------


def test_only_an_administrator_states_rates_on_the_page(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = f"/organisations/{org.slug}/exchange-rates"
    form = {
        "action": "rate",
        "rate-currency": "SEK",
        "rate-rate": "0.0874",
        "rate-as_of": "2025-06-30",
        "rate-source": "ECB",
    }
    client.force_login(member("editor", org))
    assert 'name="rate-currency"' not in client.get(url).content.decode()
    assert client.post(url, form).status_code == 403

    client.force_login(member("admin", org))
    refused = client.post(url, {**form, "rate-currency": "SKE"})
    assert refused.status_code == 422
    assert "SKE is no currency code of ISO 4217" in refused.content.decode()
    assert client.post(url, form).status_code == 302
    page = client.get(url).content.decode()
    assert "0.0874" in page and "ECB" in page
    response = client.post(url, {"action": "reporting", "reporting-currency": "SEK"})
    assert response.status_code == 302
    assert rates.reporting_currency_of(org) == "SEK"


def test_api_states_and_lists_rates(org):
    url = f"/api/v1/organisations/{org.slug}/exchange-rates"
    body = {"currency": "SEK", "rate": "0.0874", "asOf": "2025-06-30", "source": "ECB"}
    assert api_client_for(member("editor", org)).post(url, body, format="json").status_code == 403
    admin = api_client_for(member("admin", org))
    bad = admin.post(url, {**body, "rate": "-1"}, format="json")
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    assert "rate" in json.dumps(bad.json())
    unknown = admin.post(url, {**body, "currency": "SKE"}, format="json")
    assert unknown.status_code == 400 and "currency" in json.dumps(unknown.json())
    created = admin.post(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["reportingCurrency"] == "EUR"
    listed = api_client_for(member("viewer", org)).get(url).json()
    assert listed["reportingCurrency"] == "EUR"
    assert [(r["currency"], r["rate"], r["asOf"]) for r in listed["holding"]] == [
        ("SEK", "0.0874", "2025-06-30")
    ]
    assert len(listed["stated"]) == 1
    changed = admin.put(
        f"/api/v1/organisations/{org.slug}/reporting-currency", {"currency": "SEK"}, format="json"
    )
    assert changed.status_code == 200 and changed.json() == {"currency": "SEK"}


def test_command_line_sets_and_lists_rates(org, capsys):
    call_command("rate", "set", "--org", org.slug, "SEK", "0.0874", "--as-of", "2025-06-30")
    assert "1 SEK = 0.0874 EUR" in capsys.readouterr().out
    call_command("rate", "list", "--org", org.slug)
    listed = capsys.readouterr().out
    assert "SEK\t0.0874\t2025-06-30" in listed
    with pytest.raises(CommandError, match="rate"):
        call_command("rate", "set", "--org", org.slug, "SEK", "-2")
    with pytest.raises(CommandError, match="as-of"):
        call_command("rate", "set", "--org", org.slug, "SEK", "0.1", "--as-of", "30-06-2025")


@pytest.mark.parametrize("code", ["SKE", "sek", " SEK", "EURO"])
def test_the_api_refuses_a_code_outside_iso_4217_with_the_choice_message(org, code):
    """The currency is one of the ISO 4217 codes the API documents (a choice field): a code
    outside them, in small letters or with a space, is refused with the field's message, on
    both addresses that take a currency."""
    admin = api_client_for(member("admin", org))
    expected = f'"{code}" is not a valid choice.'  # DRF's message for a choice field
    stated = admin.post(
        f"/api/v1/organisations/{org.slug}/exchange-rates",
        {"currency": code, "rate": "0.0874"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    reporting = admin.put(
        f"/api/v1/organisations/{org.slug}/reporting-currency",
        {"currency": code},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    for refused in (stated, reporting):
        assert refused.status_code == 400
        assert refused["Content-Type"] == "application/problem+json"
        assert refused.json()["invalidParams"] == [{"name": "currency", "reason": expected}]
    assert ExchangeRate.objects.filter(organisation=org).count() == 0
    assert rates.reporting_currency_of(org) == "EUR"
