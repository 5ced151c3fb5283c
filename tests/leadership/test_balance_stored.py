"""The balance tile reads the stored balance: the same figures as a count of every spend line
(tests/leadership/test_figures.py), and "being updated" while a refresh is pending."""

from django.utils import translation

from omslag.leadership.selectors import dashboard_for
from omslag.portfolio.figures import figures_inputs_changed


def board_of(world):
    return dashboard_for(
        person=world["board"], organisation=world["ministry"], with_children=True, as_of=None
    )


def test_the_balance_tile_says_when_its_stored_figures_are_being_updated(world):
    with translation.override("en"):
        first = board_of(world)
        assert not any("Being updated" in item.warning for item in first.freshness)
        # Inside the test's transaction the refresh queued on commit never runs: pending.
        figures_inputs_changed(world["ministry"], balance=True)
        again = board_of(world)
    assert again.tile("balance").data.figures == first.tile("balance").data.figures
    warnings = [item.warning for item in again.freshness]
    assert "Being updated after a recent change to the spend." in warnings
