"""Amounts like 1e30 and amounts wider than their database column: refused with the row and
column (imports) or the field (API), never a 500 (PostgreSQL) or a silently rounded value
(SQLite)."""

import io
from decimal import Decimal

import pytest

from omslag.exchange import services as exchange
from omslag.portfolio.models import SpendLine

HEADER = "year,amount,kind,category\n"


def spend_import(org, amounts):
    text = HEADER + "".join(f"2025,{a},actual,run\n" for a in amounts)
    return exchange.import_file(
        actor=None,
        organisation=org,
        kind="spend",
        stream=io.BytesIO(text.encode()),
        filename="spend.csv",
    )


@pytest.mark.parametrize(
    "amount, reason",
    [
        ("1e30", "too large"),
        ("1E+999999", "too large"),
        ("1000000000000", "too large"),  # 13 digits before the point; the column holds 12
        ("999999999999.999", "decimals"),
        ("1e-30", "decimals"),
    ],
)
def test_import_refuses_amounts_the_column_cannot_hold(tree, amount, reason):
    report = spend_import(tree[2], [amount])
    assert not report.ok
    [problem] = report.problems
    assert (problem.row, problem.column) == (2, "amount")
    assert reason in problem.reason
    assert not SpendLine.all_objects.exists()


def test_the_largest_amount_the_column_holds_is_stored_exactly(tree):
    report = spend_import(tree[2], ["999999999999.99", "1.5e3"])
    assert report.ok, report.problems
    stored = sorted(SpendLine.objects.values_list("amount", flat=True))
    assert stored == [Decimal("1500.00"), Decimal("999999999999.99")]


@pytest.mark.parametrize("amount", ["1e30", 1e30, "1000000000000.00", "1e-30", "NaN"])
def test_api_refuses_them_naming_the_field(tree, make_member, api_for, amount):
    client = api_for(make_member("editor", tree[1]))
    response = client.post(
        f"/api/v1/organisations/{tree[1].slug}/spend-lines",
        {"year": 2025, "amount": amount, "kind": "actual", "category": "run"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == ["amount"]
    assert not SpendLine.all_objects.exists()


def test_project_import_bounds_amounts_by_its_own_column(tree):
    """numeric(16, 2), but SQLite holds 15 significant digits exactly: 13 before the point."""
    header = "external_id,name,organisation,peildatum,total_cost_estimate\n"
    ok = header + f"P-1,Groot,{tree[2].slug},2025-01-01,9999999999999.99\n"
    wide = header + f"P-1,Groot,{tree[2].slug},2025-01-01,10000000000000\n"
    results = []
    for text in (wide, ok):
        report = exchange.import_file(
            actor=None,
            organisation=tree[2],
            kind="projects",
            stream=io.BytesIO(text.encode()),
            filename="projects.csv",
            dry_run=True,
        )
        results.append([(p.column, "too large" in p.reason) for p in report.problems])
    assert results[0] == [("total_cost_estimate", True)]
    assert ("total_cost_estimate", True) not in results[1]
