"""Coverage over several organisations (the board dashboard of a ministry with its agencies):
each subject is measured against the rules of its own organisation, not the top one's."""

import pytest

from omslag.organisations.models import Organisation, Role
from omslag.projects import services as project_services
from omslag.safeguards import services
from omslag.safeguards.selectors import coverage_for
from tests.factories import member, organisation

pytestmark = pytest.mark.django_db


def _projects(org, count):
    for number in range(count):
        project_services.project_create(actor=None, organisation=org, name=f"{org.slug} {number}")


def test_each_organisation_counts_under_its_own_rules():
    ministry = organisation("ministerie", kind=Organisation.Kind.MINISTRY)
    agency = organisation("dienst", parent=ministry)
    other = organisation("uitvoerder", parent=ministry)
    # The agency's own rules ask nothing of projects; the ministry and the other agency keep
    # the defaults, which ask every project for an approved security assessment.
    services.gate_requirements_save(
        actor=member(Role.ADMIN, agency),
        organisation=agency,
        rules=[
            {
                "subject": "experiment",
                "stage": "running",
                "need": "assessment",
                "template_kind": "workers",
                "when": "always",
            }
        ],
    )
    _projects(ministry, 2)
    _projects(agency, 3)
    _projects(other, 1)
    scope = [ministry.pk, agency.pk, other.pk]
    rolled_up = coverage_for(ministry, organisation_ids=scope)
    projects = next(s for s in rolled_up.subjects if s.subject == "project")
    # Counted by hand: 6 projects; the agency's 3 need nothing (covered), the other 3 lack
    # their security assessment.
    assert (projects.total, projects.covered) == (6, 3)
    alone = next(s for s in coverage_for(agency).subjects if s.subject == "project")
    assert (alone.total, alone.covered) == (3, 3)
    top = next(s for s in coverage_for(ministry).subjects if s.subject == "project")
    assert (top.total, top.covered) == (2, 0)
