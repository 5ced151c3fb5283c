"""The demo has an open public challenge with proposals in every state a proposer follows."""

import pytest
from django.test import Client

from omslag.demo.loading import demo_load
from omslag.participation import selectors
from omslag.participation.models import Proposal
from omslag.participation.selectors import FollowStatus

pytestmark = pytest.mark.django_db


def test_demo_challenge_is_open_with_proposals_in_every_state():
    demo_load(password="demo-password-for-tests")
    challenge = selectors.challenges_public().get(organisation__slug="gemeente-wadderveen")
    assert challenge.offer
    assert Client().get(f"/open/challenges/{challenge.pk}").status_code == 200
    statuses = {selectors.proposal_status(p).code for p in Proposal.objects.all()}
    assert statuses == {
        FollowStatus.AWAITING_CONFIRMATION,
        FollowStatus.RECEIVED,
        FollowStatus.UNDER_REVIEW,
        FollowStatus.ACCEPTED,
        FollowStatus.MERGED,
        FollowStatus.IN_EXPERIMENT,
        FollowStatus.IN_OPERATION,
        FollowStatus.DECLINED,
    }
    # every confirmed proposer was told their current status
    for proposal in Proposal.objects.exclude(moderation=Proposal.Moderation.UNCONFIRMED):
        assert proposal.status_notified == selectors.proposal_status(proposal).code
    count = Proposal.objects.count()
    demo_load(password="demo-password-for-tests")
    assert Proposal.objects.count() == count
