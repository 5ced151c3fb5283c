"""Who may do what with an assessment: one matrix of role × action, through access.py."""

import pytest

from omslag.organisations.models import Role
from omslag.safeguards import access, services
from tests.factories import PersonFactory, member, organisation

from .conftest import new_experiment

ACTIONS = ("read", "edit", "review", "risks", "gates")
EXPECTED = {
    # role: read, edit (a draft), review (not the author), manage risks, change gate rules
    Role.VIEWER: (True, False, False, False, False),
    Role.EDITOR: (True, True, False, True, False),
    Role.ADMIN: (True, True, False, True, True),
    Role.BOARD: (True, False, False, False, False),
    Role.AUDITOR: (True, False, False, False, False),
    Role.SAFEGUARD_OFFICER: (True, False, True, True, False),
    "outsider": (False, False, False, False, False),
    "officer of a parent": (True, False, True, True, False),
}


def allowed(person, assessment) -> tuple[bool, ...]:
    org = assessment.organisation
    return (
        access.assessments_can_read(person, org),
        access.assessment_can_edit(person, assessment),
        access.assessment_can_review(person, assessment),
        access.assessment_can_manage_risks(person, assessment),
        access.gate_requirements_can_change(person, org),
    )


@pytest.mark.parametrize("role", list(EXPECTED), ids=str)
def test_role_matrix(role, templates, db):
    parent = organisation("provincie", kind="province")
    org = organisation("gemeente", kind="municipality", parent=parent)
    author = member(Role.EDITOR, org)
    assessment = services.assessment_create(
        actor=author, template=templates["privacy-prescan"], subject=new_experiment(org)
    )
    if role == "outsider":
        person = member(Role.ADMIN, organisation("elders", kind="municipality"))
    elif role == "officer of a parent":
        person = member(Role.SAFEGUARD_OFFICER, parent)
    else:
        person = member(role, org)
    assert dict(zip(ACTIONS, allowed(person, assessment), strict=True)) == dict(
        zip(ACTIONS, EXPECTED[role], strict=True)
    )


def test_the_author_never_reviews_even_as_safeguard_officer(templates, db):
    org = organisation("gemeente", kind="municipality")
    author = member(Role.EDITOR, org)
    member(Role.SAFEGUARD_OFFICER, org, person=author)
    assessment = services.assessment_create(
        actor=author, template=templates["privacy-prescan"], subject=new_experiment(org)
    )
    assert not access.assessment_can_review(author, assessment)
    assert not access.assessment_can_review(PersonFactory(), assessment)
