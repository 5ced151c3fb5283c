"""Who may do what with scan rounds, role by role, through the API: every reader reads rounds
and closed results; administrators open and close rounds; board members and administrators
make improvement actions; a person of another organisation finds nothing (404)."""

import pytest

from omslag.organisations.models import Role

from ..conftest import api_client_for
from ..factories import member, organisation
from .conftest import answered_round

# role: (open a round, close it, make an improvement action)
RIGHTS = {
    Role.VIEWER: (403, 403, 403),
    Role.EDITOR: (403, 403, 403),
    Role.AUDITOR: (403, 403, 403),
    Role.SAFEGUARD_OFFICER: (403, 403, 403),
    Role.BOARD: (403, 403, 201),
    Role.ADMIN: (201, 200, 201),
    "foreign": (404, 404, 404),
}


@pytest.mark.parametrize("role", list(RIGHTS), ids=str)
def test_rights_per_role(board, role):
    org, _admin, members = board
    closed = answered_round(org, {m: (lambda s: 1) for m in members}, title="Gesloten")
    still_open = answered_round(org, {m: (lambda s: 1) for m in members}, close=False)
    place = organisation("elders", kind="municipality") if role == "foreign" else org
    api = api_client_for(member(Role.BOARD if role == "foreign" else role, place))
    may_open, may_close, may_act = RIGHTS[role]
    reads = 404 if role == "foreign" else 200

    assert api.get(f"/api/v1/organisations/{org.slug}/maturity-rounds").status_code == reads
    assert api.get(f"/api/v1/maturity-rounds/{closed.pk}").status_code == reads
    assert api.get(f"/api/v1/maturity-rounds/{closed.pk}/results").status_code == reads
    # Taking no part: no answers of one's own, whatever the role.
    assert api.get(f"/api/v1/maturity-rounds/{still_open.pk}/answers").status_code == 404
    created = api.post(
        f"/api/v1/organisations/{org.slug}/maturity-rounds",
        {"title": "Nieuw", "opensOn": "2026-01-01", "closesOn": "2026-01-31"},
        format="json",
    )
    assert created.status_code == may_open
    assert api.post(f"/api/v1/maturity-rounds/{still_open.pk}/close").status_code == may_close
    acted = api.post(
        f"/api/v1/maturity-rounds/{closed.pk}/improvement-actions",
        {"dimension": "design"},
        format="json",
    )
    assert acted.status_code == may_act
