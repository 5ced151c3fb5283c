"""The demo tells the scan's story: two closed rounds and an open one for the ministry and the
municipality, bestuurder@ taking part, and a peer comparison that shows."""

from omslag.demo.loading import demo_load
from omslag.maturity import selectors
from omslag.maturity.models import Answer, Participant, ScanRound
from omslag.organisations.models import Organisation


def test_demo_rounds_peers_and_idempotence(db):
    demo_load(password="demo-password-for-tests")
    counts = (ScanRound.objects.count(), Answer.objects.count(), Participant.objects.count())
    for slug, board_member in (
        ("gemeente-wadderveen", "bestuurder@omslag.example"),
        ("ministerie-van-digitale-zaken", "bestuurder-rijk@omslag.example"),
    ):
        organisation = Organisation.objects.get(slug=slug)
        rounds = selectors.rounds_of(organisation)
        closed = [r for r in rounds if r.is_closed()]
        assert len(closed) == 2 and len(rounds) == 3
        assert all(r.respondent_count >= 3 for r in closed)
        open_round = next(r for r in rounds if not r.is_closed())
        emails = {p.email for p in selectors.round_participants(open_round)}
        assert board_member in emails
        summary = selectors.maturity_board_summary(organisation_ids=[organisation.pk], as_of=None)
        assert summary.respondents >= 3
        assert all(d.previous_median is not None for d in summary.dimensions)
        # A low dimension to turn into an improvement action.
        assert any(d.median < 3 for d in summary.dimensions)
        # Disagreement on some dimensions, not on all.
        flags = {d.disagreement for d in summary.dimensions}
        assert flags == {True, False}
    municipality = Organisation.objects.get(slug="gemeente-wadderveen")
    comparison = selectors.peer_comparison(municipality)
    assert comparison.shown and comparison.contributors >= 5

    demo_load(password="demo-password-for-tests")
    assert (
        ScanRound.objects.count(),
        Answer.objects.count(),
        Participant.objects.count(),
    ) == counts
