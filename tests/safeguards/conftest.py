"""Shared set-up for the safeguards tests: an organisation with an editor (the author) and a
safeguard officer, omslag's own templates loaded, and helpers to fill in an assessment."""

import pytest

from omslag.innovation import services as innovation_services
from omslag.organisations.models import Role
from omslag.safeguards import services
from omslag.safeguards.models import AssessmentTemplate
from tests.conftest import SHARED_DATA
from tests.factories import member, organisation

from ..innovation.factories import DESIGN

DPIA_FILE = SHARED_DATA / "safeguards" / "par-dpia-form" / "dpia.yaml"


@pytest.fixture
def org(db):
    return organisation("wadderveen", kind="municipality")


@pytest.fixture
def editor(org):
    return member(Role.EDITOR, org)


@pytest.fixture
def officer(org):
    return member(Role.SAFEGUARD_OFFICER, org)


@pytest.fixture
def templates(db):
    services.own_templates_load()
    return {t.key: t for t in AssessmentTemplate.objects.all()}


def new_experiment(org, title="Proef", **fields):
    experiment = innovation_services.experiment_create(
        actor=None, organisation=org, title=title, owner_team="Lab", **{**DESIGN, **fields}
    )
    return innovation_services.experiment_move(
        actor=None, experiment=experiment, to_stage="design", expected_version=experiment.version
    )


def approved(assessment, author, officer, answers=()):
    """Fill in, submit and sign off."""
    if answers:
        services.assessment_answers_save(actor=author, assessment=assessment, answers=list(answers))
    services.assessment_submit(actor=author, assessment=assessment)
    return services.assessment_approve(actor=officer, assessment=assessment, note="Akkoord")


PRESCAN_DPIA = [
    {"item": "1.1", "value": "yes"},
    {"item": "2.1", "value": ["special", "large_scale"]},
]
PRESCAN_NO_DPIA = [{"item": "1.1", "value": "no"}]
