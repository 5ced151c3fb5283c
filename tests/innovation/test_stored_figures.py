"""The stored funnel figures: after any sequence of changes to ideas, experiments, their
stages and decisions, they equal a fresh computation, or say they are pending with their
as-of time. Each change's refresh (queued on commit) runs or is left for later, at random."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omslag.common.errors import RuleViolation
from omslag.innovation import selectors, services, tasks
from omslag.innovation.models import Decision, Experiment, Idea, Stage, StageTransition
from omslag.organisations import services as organisation_services
from omslag.organisations.models import Organisation
from omslag.safeguards.coverage_stored import coverage_figures_refresh, coverage_stored
from omslag.safeguards.selectors import coverage_for

from ..factories import organisation
from .factories import DESIGN

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
FORWARD = [Stage.DESIGN, Stage.RUNNING, Stage.EVALUATION, Stage.DECISION]

changes = st.lists(
    st.tuples(
        st.sampled_from(
            ["idea", "experiment", "move", "scale", "stop", "budget", "delete", "reorganise"]
        ),
        st.integers(0, 1),  # the ministry or its agency
        st.integers(0, 20),  # which experiment
    ),
    min_size=1,
    max_size=8,
)


def _apply(change, organisations):
    what, which, pick = change
    if what == "reorganise":
        # The agency leaves the ministry for the top of the tree, or comes back below it.
        agency = Organisation.objects.get(pk=organisations[1].pk)
        organisation_services.organisation_move(
            actor=None,
            organisation=agency,
            parent=None if agency.parent_id else organisations[0],
            expected_version=agency.version,
        )
        return
    owner = Organisation.objects.get(pk=organisations[which].pk)
    experiments = list(Experiment.objects.filter(organisation=owner).order_by("pk"))
    if what == "idea":
        services.idea_submit(actor=None, organisation=owner, title="Idee", description="Beter")
        return
    if what == "experiment" or not experiments:
        services.experiment_create(
            actor=None, organisation=owner, title="Proef", budget=Decimal(1000), **DESIGN
        )
        return
    experiment = experiments[pick % len(experiments)]
    try:
        if what == "move" and experiment.stage in (Stage.IDEA, *FORWARD[:-1]):
            order = [Stage.IDEA, *FORWARD]
            services.experiment_move(
                actor=None,
                experiment=experiment,
                to_stage=order[order.index(experiment.stage) + 1],
                expected_version=experiment.version,
            )
        elif what == "scale":
            services.decision_record(
                actor=None,
                experiment=experiment,
                outcome=Decision.Outcome.SCALE,
                rationale="Werkt",
                evidence_level=3,
            )
        elif what == "stop":
            services.decision_record(
                actor=None,
                experiment=experiment,
                outcome=Decision.Outcome.STOP,
                rationale="Werkt niet",
                evidence_level=2,
            )
        elif what == "budget":
            services.experiment_update(
                actor=None,
                experiment=experiment,
                expected_version=experiment.version,
                budget=Decimal(500 + pick * 100),
            )
        elif what == "delete":
            services.experiment_delete(actor=None, experiment=experiment)
    except RuleViolation:
        pass  # a move or decision the pipeline refuses changes nothing


def _fresh_window(organisations, day):
    """Counted by hand from the records: ideas, experiments started running, experiments
    with a scale decision, in the 365 days up to ``day``."""
    start = day - dt.timedelta(days=365)
    ideas = Idea.objects.filter(organisation__in=organisations).count()
    started = (
        StageTransition.objects.filter(
            experiment__organisation__in=organisations,
            experiment__deleted_at__isnull=True,
            to_stage=Stage.RUNNING,
        )
        .values("experiment_id")
        .distinct()
        .count()
    )
    scaled = (
        Decision.objects.filter(
            experiment__organisation__in=organisations,
            experiment__deleted_at__isnull=True,
            outcome=Decision.Outcome.SCALE,
        )
        .values("experiment_id")
        .distinct()
        .count()
    )
    assert all(start < i.created_at.date() <= day for i in Idea.objects.all())
    return {"ideas": ideas, "experiments": started, "scaled": scaled}


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=changes, run_refresh=st.lists(st.booleans(), min_size=8, max_size=8))
def test_stored_funnel_equals_a_fresh_computation_or_says_it_is_pending(
    steps, run_refresh, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        ministry = organisation("fs-ministerie", kind="ministry")
        agency = organisation("fs-dienst", parent=ministry)
        today = NOW.date()
        # Something stored before the changes.
        selectors.funnel_stored(ministry)
        selectors.funnel_window_stored(ministry, with_children=True, day=today)
        selectors.funnel_window_stored(agency, with_children=False, day=today)
        coverage_stored([ministry.pk, agency.pk], timezone.localdate())
        for step, refresh in zip(steps, run_refresh, strict=False):
            with django_capture_on_commit_callbacks(execute=refresh):
                _apply(step, [ministry, agency])

        def below_ministry():
            # The ministry with the agency when it is (still, or again) below it.
            if Organisation.objects.get(pk=agency.pk).parent_id == ministry.pk:
                return [ministry, agency]
            return [ministry]

        def check(after_refresh):
            whole = selectors.funnel_stored(ministry)
            window = selectors.funnel_window_stored(ministry, with_children=True, day=today)
            own = selectors.funnel_window_stored(agency, with_children=False, day=today)
            for stored, fresh in (
                (whole, selectors.funnel(ministry)),
                (window, _fresh_window(below_ministry(), today)),
                (own, _fresh_window([agency], today)),
            ):
                if stored.pending:
                    assert not after_refresh
                    assert stored.computed_at is not None
                else:
                    assert {k: stored.figures[k] for k in fresh} == fresh
            # The board dashboard's stored safeguard coverage, per organisation and rolled up:
            # experiments are its subjects (stopped ones leave it).
            for ids in ([agency.pk], [ministry.pk, agency.pk]):
                coverage = coverage_stored(ids, timezone.localdate())
                if coverage.pending:
                    assert not after_refresh
                    continue
                experiments = next(
                    s for s in coverage.coverage.subjects if s.subject == "experiment"
                )
                counted = (
                    Experiment.objects.filter(organisation_id__in=ids)
                    .exclude(stage=Stage.STOPPED)
                    .count()
                )
                assert experiments.total == counted
                fresh = coverage_for(ministry, organisation_ids=ids, today=timezone.localdate())
                assert [(s.subject, s.total, s.covered) for s in coverage.coverage.subjects] == [
                    (s.subject, s.total, s.covered) for s in fresh.subjects
                ]

        check(after_refresh=False)
        tasks.funnel_figures_refresh.call([ministry.pk, agency.pk])
        coverage_figures_refresh.call([ministry.pk, agency.pk])
        check(after_refresh=True)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_funnel_page_shows_when_its_figures_were_computed(
    client, make_member, django_capture_on_commit_callbacks
):
    ministry = organisation("fs-ministerie", kind="ministry")
    client.force_login(make_member("viewer", ministry))
    services.idea_submit(actor=None, organisation=ministry, title="Idee", description="Beter")
    url = f"/organisations/{ministry.slug}/funnel"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The figures on this page were computed on" in page
    assert "being updated" not in page
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.idea_submit(actor=None, organisation=ministry, title="Twee", description="Ook")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "They are being updated after a recent change." in page
    queued[0]()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "being updated" not in page


def _experiments(owner, count):
    for number in range(count):
        services.experiment_create(
            actor=None,
            organisation=owner,
            title=f"Proef {number}",
            budget=Decimal(1000),
            **DESIGN,
        )


@pytest.mark.django_db
def test_the_funnel_api_reads_the_stored_figures_with_their_as_of_time(
    make_member, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """The API answers from the stored figures (as the page does), so its work does not grow
    with the experiments, and says as of when and whether a refresh is under way."""
    from tests.api.calls import call, ok
    from tests.conftest import api_client_for

    small = organisation("fs-klein", kind="ministry")
    large = organisation("fs-groot", kind="ministry")
    _experiments(small, 2)
    _experiments(large, 40)
    reader = make_member("viewer", small)
    make_member("viewer", large, reader)
    client = api_client_for(reader)
    for owner, count in ((small, 2), (large, 40)):
        ok(call(client, "get", "/organisations/{slug}/funnel", slug=owner.slug))  # stored now
        with django_assert_max_num_queries(8):
            answer = ok(call(client, "get", "/organisations/{slug}/funnel", slug=owner.slug))
        assert answer["total"] == count
        assert answer["figures"]["pending"] is False
        assert answer["figures"]["asOf"]

    with django_capture_on_commit_callbacks(execute=False) as queued:
        _experiments(small, 1)
    answer = ok(call(client, "get", "/organisations/{slug}/funnel", slug=small.slug))
    assert answer["total"] == 2 and answer["figures"]["pending"] is True
    for refresh in queued:
        refresh()
    answer = ok(call(client, "get", "/organisations/{slug}/funnel", slug=small.slug))
    assert answer["total"] == 3 and answer["figures"]["pending"] is False
    reached = {row["stage"]: row["reached"] for row in answer["stages"]}
    fresh = selectors.funnel(small)
    assert reached == {row["stage"]: row["reached"] for row in fresh["stages"]}
