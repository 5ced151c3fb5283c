"""The demo tells the board's story: the ministry (with its agencies) and the municipality
each have spend, applications, projects, experiments and assessments, and the balance moves
from year to year."""

from omslag.demo.loading import demo_load
from omslag.innovation.models import Experiment
from omslag.leadership.selectors import dashboard_for
from omslag.organisations.models import Organisation
from omslag.portfolio.models import Application, SpendLine
from omslag.projects.models import Project
from omslag.safeguards.models import Assessment


def counts():
    return [
        model.all_objects.count()
        for model in (SpendLine, Application, Project, Experiment, Assessment)
    ]


def test_both_demo_organisations_have_a_full_picture_that_varies_by_year(db):
    demo_load(password="demo-password-for-tests")
    before = counts()
    for slug, with_children in [
        ("ministerie-van-digitale-zaken", True),
        ("ministerie-van-digitale-zaken", False),
        ("gemeente-wadderveen", False),
    ]:
        organisation = Organisation.objects.get(slug=slug)
        board = dashboard_for(
            person=None, organisation=organisation, with_children=with_children, as_of=None
        )
        figures = {tile.key: tile.data.figures for tile in board.tiles}
        assert figures["balance"]["total"] > 0, slug
        assert len(figures["balance"]["trend"]) == 5
        change_shares = {point["changeShare"] for point in figures["balance"]["trend"]}
        assert len(change_shares) >= 4, change_shares  # no longer 23.0% every year
        assert figures["legacy"]["applications"] > 0, slug
        assert figures["projects"]["count"] > 0, slug
        assert Experiment.objects.filter(organisation_id__in=board.organisation_ids).exists()
        assert Assessment.objects.filter(organisation_id__in=board.organisation_ids).exists()
    demo_load(password="demo-password-for-tests")
    assert counts() == before  # loading twice changes nothing
