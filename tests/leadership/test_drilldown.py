"""Every tile links to the register page with the same selection; that page's total equals
the tile's figure."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client

from omslag.leadership.selectors import dashboard_for


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def euro(amount: Decimal) -> str:
    return f"€ {amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


@pytest.mark.parametrize("with_children", [False, True])
def test_every_tile_links_to_a_register_page_with_the_same_total(world, with_children):
    follow_every_tile(world, with_children)


def follow_every_tile(world, with_children):
    """Follow each tile's link from the ministry's dashboard and compare the register page's
    totals with the tile; returns the dashboard (tests/leadership/test_figures_complete.py
    runs it on a world with safeguards, stuck pilots and a closed scan round)."""
    board = dashboard_for(
        person=world["board"],
        organisation=world["ministry"],
        with_children=with_children,
        as_of=None,
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world["board"])
    page = client.get(f"/organisations/ministerie/dashboard?below={int(with_children)}")
    html = page.content.decode()
    followed = set()
    for tile in board.tiles:
        assert tile.link, tile.key
        assert f'href="{tile.link.replace("&", "&amp;")}"' in html, tile.key
        response = client.get(tile.link)
        assert response.status_code == 200, tile.link
        shown = text(response)
        figures = tile.data.figures
        if tile.key == "balance":
            row = re.search(
                rf"{figures['year']} actual (.+?) (€ [\d,]+) (€ [\d,]+) (€ [\d,]+)", shown
            )
            assert row, shown[:2000]
            assert row.group(1) == euro(figures["run"])
            assert row.group(2) == euro(figures["change"])
            assert row.group(3) == euro(figures["innovate"])
        elif tile.key == "legacy":
            assert f" {figures['applications']} applications (filtered)" in shown
        elif tile.key == "projects":
            assert f" {figures['count']} projects (filtered)" in shown
        elif tile.key == "safeguards":
            assert f"({figures['covered']} of {figures['subjects']})" in shown
            assert f"without an approved mitigation) {figures['openHighRisks']} " in shown
            assert f"Overdue mitigations {figures['overdueMitigations']} " in shown
        elif tile.key == "innovation":
            for label, name in [
                ("Ideas submitted", "ideas"),
                ("Experiments started", "experiments"),
                ("Scale decisions", "scaled"),
                ("Into operation", "inOperation"),
            ]:
                assert f"{label} {figures[name]} " in shown, label
        elif tile.key == "maturity" and figures["roundId"] is not None:
            assert figures["round"] in shown
        followed.add(tile.key)
    assert followed == {"balance", "legacy", "projects", "innovation", "safeguards", "maturity"}
    return board
