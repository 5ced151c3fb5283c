"""The funnel API answers from the stored funnel figures in the same ``figures`` shape as the
portfolio forecast (``asOf``, ``pending``, ``stored``): its as-of time moves forward once the
refresh after a change has run, the figures then equal the funnel counted in the test from
the experiments, and another organisation's funnel is not found."""

from collections import Counter
from decimal import Decimal

from omslag.innovation import services
from omslag.innovation.models import Experiment
from omslag.organisations.models import Role
from tests.api.calls import call, ok, problem
from tests.conftest import api_client_for

from ..factories import organisation
from .factories import DESIGN

URL = "/organisations/{slug}/funnel"


def experiment(owner, title, budget):
    return services.experiment_create(
        actor=None, organisation=owner, title=title, budget=Decimal(budget), **DESIGN
    )


def test_the_funnel_follows_a_change_with_a_later_as_of_time(
    make_member, django_capture_on_commit_callbacks
):
    ministry = organisation("ff-ministerie", kind="ministry")
    agency = organisation("ff-dienst", parent=ministry)
    experiment(ministry, "Eerste", 1000)
    client = api_client_for(make_member(Role.VIEWER, ministry))

    first = ok(call(client, "get", URL, slug=ministry.slug))
    assert set(first["figures"]) == {"asOf", "pending", "stored"}
    assert first["figures"]["stored"] is True and first["figures"]["pending"] is False
    assert first["total"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        experiment(agency, "Tweede", 2500)  # below the ministry: in its funnel
    after = ok(call(client, "get", URL, slug=ministry.slug))
    assert after["figures"]["pending"] is False
    assert after["figures"]["asOf"] > first["figures"]["asOf"]
    # Counted here from the experiments of the ministry and the agency.
    live = Experiment.objects.filter(organisation__in=[ministry, agency])
    now = Counter(e.stage for e in live)
    assert after["total"] == len(live) == 2
    assert after["totalBudget"] == f"{sum(e.budget for e in live):.2f}" == "3500.00"
    stages = {row["stage"]: row["now"] for row in after["stages"]}
    assert stages == {str(stage): now.get(stage, 0) for stage in stages}
    assert sum(stages.values()) == 2


def test_another_organisations_funnel_is_not_found(make_member):
    ministry = organisation("ff-ministerie", kind="ministry")
    municipality = organisation("ff-gemeente", kind="municipality")
    experiment(ministry, "Eerste", 1000)
    client = api_client_for(make_member(Role.ADMIN, municipality))
    problem(call(client, "get", URL, slug=ministry.slug), 404)
    assert ok(call(client, "get", URL, slug=municipality.slug))["total"] == 0
