"""The web pages of the large-ICT-projects capability, through the Django test client: what a
viewer sees, what an editor changes, what is refused, and how many queries the list costs."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from omslag.organisations.models import Role
from omslag.projects import selectors as queries
from omslag.projects import services
from omslag.projects.models import Milestone, Project, ProjectReport, ReferenceClass

from ..chart_images import chart_svgs, chart_urls
from ..factories import member

D = dt.date
PUBLISHED = ProjectReport.Status.PUBLISHED


def client_for(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # texts are asserted in English
    client.force_login(person)
    return client


def text(response) -> str:
    """The page without tags and with single spaces, for asserting sentences."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def project_with(organisation, name, reports=(), status=PUBLISHED, **fields) -> Project:
    """A project with ``reports`` [(peildatum, estimate, end date)], published unless told."""
    project = services.project_create(actor=None, organisation=organisation, name=name, **fields)
    for day, estimate, end in reports:
        services.report_create(
            actor=None,
            project=project,
            status=status,
            peildatum=day,
            total_cost_estimate=Decimal(estimate),
            estimated_end_date=end,
        )
    project.refresh_from_db()
    return project


@pytest.fixture
def orgs(tree):
    return tree  # ministry > agency, and an unrelated municipality


@pytest.fixture
def red_project(orgs):
    """+40% cost and 15 months late against the original: red."""
    return project_with(
        orgs[1],
        "Basisregistratie vernieuwen",
        [
            (D(2022, 6, 30), 10_000_000, D(2024, 12, 31)),
            (D(2024, 6, 30), 14_000_000, D(2026, 3, 31)),
        ],
        number="AG-1",
    )


@pytest.fixture
def green_project(orgs):
    return project_with(
        orgs[0],
        "Portaal",
        [(D(2023, 6, 30), 2_000_000, D(2025, 6, 30)), (D(2024, 6, 30), 2_100_000, D(2025, 6, 30))],
    )


@pytest.fixture
def viewer(orgs):
    return client_for(member(Role.VIEWER, orgs[0]))


@pytest.fixture
def editor(orgs):
    return client_for(member(Role.EDITOR, orgs[0]))


def form_version(response) -> int:
    return int(re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1))


# --- the list -------------------------------------------------------------------------------


def test_list_shows_the_projects_below_with_colour_as_text_and_counts_per_facet(
    orgs, red_project, green_project, viewer
):
    foreign = project_with(orgs[2], "Elders", [(D(2024, 1, 1), 1_000_000, None)])
    response = viewer.get(f"/organisations/{orgs[0].slug}/projects")
    assert response.status_code == 200
    page = text(response)
    assert "2 projects" in page
    assert red_project.name in page and green_project.name in page
    assert foreign.name not in page
    # The colour is a word with a shape next to it, never colour alone.
    assert re.search(
        r'rag--red"><span class="rag__shape" aria-hidden="true">■</span>red',
        str(response.content.decode()),
    )
    assert "Red (1)" in page and "Green (1)" in page and "Amber (0)" in page
    # The thresholds are stated on the page.
    assert "red from a cost increase of 25% or an end date more than 12 months later" in page
    assert f"/organisations/{orgs[0].slug}/export?kind=projects&amp;format=csv" in (
        response.content.decode()
    )


def test_list_filters_by_colour_size_band_organisation_and_search(
    orgs, red_project, green_project, viewer
):
    url = f"/organisations/{orgs[0].slug}/projects"
    assert "1 project " in text(viewer.get(url, {"colour": "red"}))
    page = text(viewer.get(url, {"colour": "red"}))
    assert red_project.name in page and green_project.name not in page
    # Facet counts follow the other filters, not their own.
    assert "Green (1)" in page
    page = text(viewer.get(url, {"cost_bucket": "10-20"}))
    assert red_project.name in page and green_project.name not in page
    page = text(viewer.get(url, {"organisation": orgs[1].slug}))
    assert red_project.name in page and green_project.name not in page
    page = text(viewer.get(url, {"q": "AG-1"}))
    assert red_project.name in page and green_project.name not in page
    page = text(viewer.get(url, {"colour": "none"}))
    assert "No project matches these filters." in page
    # A filter that is not understood is ignored and said so.
    page = text(viewer.get(url, {"colour": "purple"}))
    assert "Some filters were not understood" in page and "2 projects" in page


def test_list_sorts_by_column_with_aria_sort_and_pages_by_fifty(orgs, viewer):
    for index in range(51):
        project_with(orgs[0], f"Project {index:02d}", [(D(2024, 1, 1), 1_000_000 + index, None)])
    url = f"/organisations/{orgs[0].slug}/projects"
    first = viewer.get(url, {"sort": "-estimate"})
    html = first.content.decode()
    assert 'aria-sort="descending"' in html
    names = re.findall(r'<th scope="row"><a href="/projects/\d+">([^<]+)</a>', html)
    assert len(names) == 50 and names[0] == "Project 50" and names[1] == "Project 49"
    assert "Page 1 of 2" in text(first)
    second = viewer.get(url, {"sort": "-estimate", "page": 2})
    names = re.findall(
        r'<th scope="row"><a href="/projects/\d+">([^<]+)</a>', second.content.decode()
    )
    assert names == ["Project 00"]
    ascending = viewer.get(url, {"sort": "name"}).content.decode()
    assert re.search(
        r'<th scope="col" aria-sort="ascending">\s*<a class="sort-link" href="\?sort=-name',
        ascending,
    )


def test_list_query_count_does_not_grow_with_the_number_of_projects(
    orgs, viewer, django_assert_max_num_queries
):
    url = f"/organisations/{orgs[0].slug}/projects"

    def add(count, start):
        for index in range(start, start + count):
            project_with(
                orgs[index % 2],
                f"P{index}",
                [(D(2023, 1, 1), 1_000_000, D(2025, 1, 1)), (D(2024, 1, 1), 1_500_000, None)],
            )

    add(3, 0)
    viewer.get(url)  # the session and the shipped data warm up
    with django_assert_max_num_queries(12):
        assert viewer.get(url, {"colour": "red", "sort": "-cost-change"}).status_code == 200
    add(60, 3)
    with django_assert_max_num_queries(12):
        response = viewer.get(url, {"colour": "red", "sort": "-cost-change"})
    assert "63 projects" in text(response)


def test_the_list_reads_its_subtree_once(orgs, viewer):
    """The facet counts and the rows share one read of the subtree's organisations (each read
    is a query per page view; the page made two)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project_with(orgs[1], "P1", [(D(2023, 1, 1), 1_000_000, D(2025, 1, 1))])
    url = f"/organisations/{orgs[0].slug}/projects"
    viewer.get(url)  # the session and the shipped data warm up
    with CaptureQueriesContext(connection) as queries:
        assert viewer.get(url, {"colour": "red", "sort": "-cost-change"}).status_code == 200
    subtree = re.compile(
        r'"organisations_organisation"\."slug" AS "slug" FROM "organisations_organisation"'
    )
    assert len([q for q in queries.captured_queries if subtree.search(q["sql"])]) == 1


def test_empty_list_says_so_and_offers_to_add_to_editors(orgs, viewer, editor):
    url = f"/organisations/{orgs[0].slug}/projects"
    assert "No projects have been recorded yet." in text(viewer.get(url))
    assert "Add a project" not in text(viewer.get(url))
    assert "Add a project" in text(editor.get(url))


def test_organisation_page_links_to_the_projects(orgs, viewer):
    html = viewer.get(f"/organisations/{orgs[0].slug}").content.decode()
    assert f'href="/organisations/{orgs[0].slug}/projects"' in html


# --- access ---------------------------------------------------------------------------------


def test_viewer_reads_every_page_but_every_write_is_refused(orgs, red_project, viewer):
    report = red_project.reports.first()
    milestone = services.part_create(
        actor=None, model=Milestone, project=red_project, name="Go-live"
    )
    slug = orgs[0].slug
    for url in (
        f"/organisations/{slug}/projects",
        f"/projects/{red_project.pk}",
        f"/reports/{report.pk}",
        f"/organisations/{slug}/project-portfolio",
        f"/organisations/{slug}/reference-classes",
    ):
        assert viewer.get(url).status_code == 200, url
    for url in (
        f"/organisations/{slug}/projects/new",
        f"/projects/{red_project.pk}/edit",
        f"/projects/{red_project.pk}/delete",
        f"/projects/{red_project.pk}/reports/new",
        f"/reports/{report.pk}/edit",
        f"/reports/{report.pk}/delete",
        f"/projects/{red_project.pk}/milestone/new",
        f"/project-parts/milestone/{milestone.pk}/edit",
        f"/project-parts/milestone/{milestone.pk}/delete",
    ):
        assert viewer.get(url).status_code == 403, url
        assert viewer.post(url, {"version": 1, "name": "x"}).status_code == 403, url
    for url in (f"/reports/{report.pk}/advance", f"/reports/{report.pk}/correct"):
        assert viewer.post(url, {"version": report.version}).status_code == 403, url
    response = viewer.post(
        f"/organisations/{slug}/reference-classes", {"action": "build", "build-name": "Eigen"}
    )
    assert response.status_code == 403
    assert Project.objects.get(pk=red_project.pk).version == red_project.version
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_another_organisation_does_not_find_the_projects(orgs, red_project):
    outsider = client_for(member(Role.ADMIN, orgs[2]))
    report = red_project.reports.first()
    for url in (
        f"/organisations/{orgs[0].slug}/projects",
        f"/organisations/{orgs[0].slug}/project-portfolio",
        f"/organisations/{orgs[0].slug}/reference-classes",
        f"/projects/{red_project.pk}",
        f"/projects/{red_project.pk}/edit",
        f"/reports/{report.pk}",
        f"/reports/{report.pk}/edit",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/reports/{report.pk}/correct").status_code == 404


# --- projects -------------------------------------------------------------------------------


def test_editor_adds_edits_and_deletes_a_project(orgs, editor):
    slug = orgs[1].slug
    response = editor.post(
        f"/organisations/{slug}/projects/new",
        {
            "number": "AG-7",
            "name": "Zaaksysteem",
            "goal": "",
            "kind": "ict_project",
            "status": "not_started",
            "approach": "agile",
            "start_date": "2025-01-01",
            "external_id": "",
            "currency": "eur",
        },
    )
    project = Project.objects.get(name="Zaaksysteem")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}"
    assert project.organisation == orgs[1] and project.currency == "EUR"
    edit = editor.get(f"/projects/{project.pk}/edit")
    data = {
        "version": form_version(edit),
        "number": "AG-7",
        "name": "Zaaksysteem 2.0",
        "goal": "Beter",
        "kind": "ict_project",
        "status": "in_progress",
        "approach": "agile",
        "start_date": "2025-01-01",
        "external_id": "",
        "currency": "EUR",
    }
    assert editor.post(f"/projects/{project.pk}/edit", data).status_code == 302
    project.refresh_from_db()
    assert project.name == "Zaaksysteem 2.0" and project.status == "in_progress"
    delete = editor.get(f"/projects/{project.pk}/delete")
    response = editor.post(f"/projects/{project.pk}/delete", {"version": form_version(delete)})
    assert response.status_code == 302 and response["Location"] == f"/organisations/{slug}/projects"
    assert not Project.objects.filter(pk=project.pk).exists()


def test_second_editor_with_a_stale_version_gets_409_with_the_current_values(
    orgs, red_project, editor
):
    stale = form_version(editor.get(f"/projects/{red_project.pk}/edit"))
    services.project_update(
        actor=None, project=red_project, expected_version=stale, name="Renamed meanwhile"
    )
    response = editor.post(
        f"/projects/{red_project.pk}/edit",
        {
            "version": stale,
            "name": "My name",
            "kind": "ict_project",
            "status": "in_progress",
            "approach": "unknown",
            "currency": "EUR",
        },
    )
    assert response.status_code == 409
    page = text(response)
    assert "Somebody else saved this record" in page
    assert 'value="Renamed meanwhile"' in response.content.decode()
    assert form_version(response) == stale + 1
    assert Project.objects.get(pk=red_project.pk).name == "Renamed meanwhile"


def test_project_page_shows_figures_against_both_baselines_charts_and_history(
    orgs, red_project, viewer
):
    services.report_create(
        actor=None,
        project=red_project,
        status=PUBLISHED,
        peildatum=D(2025, 6, 30),
        total_cost_estimate=Decimal(15_400_000),
        estimated_end_date=D(2026, 6, 30),
        is_rebaseline=True,
        rebaseline_reason="Scope grew",
    )
    response = viewer.get(f"/projects/{red_project.pk}")
    page = text(response)
    assert "Against the original baseline (30 June 2022)" in page
    assert "+€ 5,400,000 (+54.0%)" in page  # 15.4 million against 10
    assert "Against the last re-baseline (30 June 2025)" in page
    assert "Cost change € 0 (0.0%)" in page
    assert "+18 months (more than a year later)" in page
    assert "ICT component €5 million or more yes" in page
    assert len(chart_svgs(viewer, response)) == 2
    assert "The cost estimate went from € 10,000,000 at the original baseline" in page
    assert "3 reports, oldest first" in page


def test_project_forecast_box_with_a_reference_class(orgs, red_project, viewer):
    shipped = services.reference_class_shipped()
    page = text(viewer.get(f"/projects/{red_project.pk}"))
    assert "Choose a reference class to see the forecast." in page
    page = text(viewer.get(f"/projects/{red_project.pk}", {"reference-class": shipped.pk}))
    assert "P50" in page and "P80" in page and "P90" in page
    assert "Chance of an overrun of 50% or more: 40%" in page  # 40 of the 99 shipped pairs
    # A class the organisation may not use is not offered and not used.
    other = services.reference_class_save(
        actor=None,
        organisation=orgs[2],
        name="Gemeentelijk",
        pairs=[(1.0, 1.0 + i / 10, None, "") for i in range(10)],
        origin=ReferenceClass.Origin.FILE,
    )
    page = text(viewer.get(f"/projects/{red_project.pk}", {"reference-class": other.pk}))
    assert "Gemeentelijk" not in page and "Choose a reference class" in page


# --- reports --------------------------------------------------------------------------------


def report_data(**changes):
    data = {
        "peildatum": "2025-06-30",
        "total_cost_estimate": "1000000",
        "internal_staff": "",
        "external_staff": "",
        "outsourced": "",
        "hardware": "",
        "software": "",
        "other_costs": "",
        "ict_component_cost": "",
        "cumulative_actual_cost": "",
        "estimated_end_date": "2027-01-31",
        "rebaseline_reason": "",
        "notes": "",
    }
    data.update(changes)
    return data


def test_report_form_shows_validation_errors_on_the_fields(orgs, editor):
    project = project_with(orgs[0], "Leeg")
    url = f"/projects/{project.pk}/reports/new"
    response = editor.post(url, report_data(internal_staff="600000", external_staff="300000"))
    assert response.status_code == 200
    page = text(response)
    assert "The breakdown adds up to 900,000.00, not to the total of 1,000,000.00." in page
    assert 'id="id_total_cost_estimate_error"' in response.content.decode()
    page = text(editor.post(url, report_data(is_rebaseline="on")))
    assert "Give the reason for the re-baseline." in page
    page = text(editor.post(url, report_data(total_cost_estimate="-5")))
    assert "greater than or equal to 0" in page
    assert not ProjectReport.objects.filter(project=project).exists()


def test_report_workflow_concept_checked_published_then_refused_then_corrected(orgs, editor):
    project = project_with(orgs[0], "Werkstroom")
    response = editor.post(
        f"/projects/{project.pk}/reports/new",
        report_data(internal_staff="400000", external_staff="600000"),
    )
    report = ProjectReport.objects.get(project=project)
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}"
    assert report.status == "concept"
    page = text(editor.get(f"/reports/{report.pk}"))
    assert "Mark as checked" in page and "Edit" in page

    editor.post(f"/reports/{report.pk}/advance", {"version": report.version})
    report.refresh_from_db()
    assert report.status == "checked"
    # A stale button does nothing and says why.
    response = editor.post(f"/reports/{report.pk}/advance", {"version": report.version - 1})
    assert "Somebody else saved this record" in text(editor.get(response["Location"]))
    response = editor.post(f"/reports/{report.pk}/advance", {"version": report.version})
    report.refresh_from_db()
    assert report.status == "published"
    page = text(editor.get(response["Location"]))
    assert "The report was published." in page
    assert "Make a correction" in page and "Mark as checked" not in page
    assert (
        f'href="/reports/{report.pk}/edit"'
        not in editor.get(f"/reports/{report.pk}").content.decode()
    )

    # A published report never changes: the edit form is refused with a message.
    response = editor.post(
        f"/reports/{report.pk}/edit",
        {**report_data(total_cost_estimate="2000000"), "version": report.version},
    )
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}"
    assert "This report is published and never changes." in text(editor.get(response["Location"]))
    report.refresh_from_db()
    assert report.total_cost_estimate == Decimal(1_000_000)

    response = editor.post(f"/reports/{report.pk}/correct")
    correction = ProjectReport.objects.get(corrects=report)
    assert response["Location"] == f"/reports/{correction.pk}/edit"
    assert correction.status == "concept" and correction.internal_staff == Decimal(400_000)
    form = editor.get(response["Location"])
    assert "This report corrects the published report of 30 June 2025." in text(form)
    editor.post(
        f"/reports/{correction.pk}/edit",
        {
            **report_data(total_cost_estimate="1100000", internal_staff="500000"),
            "external_staff": "600000",
            "version": form_version(form),
        },
    )
    correction.refresh_from_db()
    for _step in range(2):
        editor.post(f"/reports/{correction.pk}/advance", {"version": correction.version})
        correction.refresh_from_db()
    assert correction.status == "published"
    page = text(editor.get(f"/projects/{project.pk}"))
    assert "corrected by a report in status published" in page
    project.refresh_from_db()
    assert project.current_estimate == Decimal(1_100_000)


def test_report_edit_conflict_gives_409_and_delete_removes_a_concept(orgs, editor):
    project = project_with(orgs[0], "Conflict")
    report = services.report_create(
        actor=None, project=project, peildatum=D(2025, 1, 1), total_cost_estimate=Decimal(5)
    )
    stale = form_version(editor.get(f"/reports/{report.pk}/edit"))
    services.report_update(
        actor=None, report=report, expected_version=stale, total_cost_estimate=Decimal(7)
    )
    response = editor.post(f"/reports/{report.pk}/edit", {**report_data(), "version": stale})
    assert response.status_code == 409
    assert (
        'value="7.00"' in response.content.decode() or 'value="7,00"' in response.content.decode()
    )
    response = editor.post(f"/reports/{report.pk}/delete", {"version": stale + 1})
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}"
    assert not ProjectReport.objects.filter(pk=report.pk).exists()


# --- parts ----------------------------------------------------------------------------------


def test_editor_adds_edits_and_deletes_a_milestone(orgs, red_project, editor):
    url = f"/projects/{red_project.pk}/milestone/new"
    response = editor.post(url, {"milestone-name": "", "milestone-planned_date": "2026-01-01"})
    assert response.status_code == 200 and "This field is required." in text(response)
    response = editor.post(
        url, {"milestone-name": "Go-live", "milestone-planned_date": "2026-01-01"}
    )
    assert response["Location"] == f"/projects/{red_project.pk}#milestone"
    milestone = Milestone.objects.get(project=red_project)
    assert "Go-live" in text(editor.get(f"/projects/{red_project.pk}"))
    edit_url = f"/project-parts/milestone/{milestone.pk}/edit"
    response = editor.post(
        edit_url,
        {
            "milestone-version": milestone.version,
            "milestone-name": "Go-live",
            "milestone-planned_date": "2026-01-01",
            "milestone-realised_date": "2026-02-01",
        },
    )
    milestone.refresh_from_db()
    assert milestone.realised_date == D(2026, 2, 1)
    response = editor.post(edit_url, {"milestone-version": 1, "milestone-name": "Stale"})
    assert response.status_code == 409
    response = editor.post(
        f"/project-parts/milestone/{milestone.pk}/delete", {"version": milestone.version}
    )
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    assert editor.get(f"/projects/{red_project.pk}/nonsense/new").status_code == 404


# --- portfolio --------------------------------------------------------------------------------


def test_portfolio_page_shows_scatter_and_a_stable_forecast(
    orgs, red_project, green_project, viewer
):
    url = f"/organisations/{orgs[0].slug}/project-portfolio"
    first = viewer.get(url)
    page = text(first)
    assert "Of 2 projects: 1 red, 0 amber and 1 green." in page
    assert "The chart shows 2 projects." in page
    assert "P50" in page and "Running projects with an estimate 2" in page
    images = chart_svgs(viewer, first)
    assert len(images) == 2
    # a fixed seed and fixed SVG ids: the same addresses (tags) and bytes every time
    again = viewer.get(url)
    assert chart_urls(again.content.decode()) == chart_urls(first.content.decode())
    assert chart_svgs(viewer, again) == images


def test_a_portfolio_charts_request_stops_before_what_its_chart_does_not_need(
    orgs, red_project, green_project, viewer
):
    """A chart's address runs the page's view up to that chart: the scatter's request reads
    neither the forecast nor the colour counts, the fan's not the colour counts; each answers
    the chart the page links."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/organisations/{orgs[0].slug}/project-portfolio"
    page = viewer.get(url)
    addresses = {
        re.search(r"chart=(\w+)", a).group(1): a for a in chart_urls(page.content.decode())
    }
    assert set(addresses) == {"scatter", "fan"}
    colours = re.compile(r'SELECT "projects_project"\."colour" AS "colour", COUNT\(')
    forecast = re.compile(r'FROM "projects_portfolioforecaststored"')
    read = {}
    for name, address in addresses.items():
        with CaptureQueriesContext(connection) as queries_made:
            answer = viewer.get(address)
        assert answer.status_code == 200
        assert answer["Content-Type"].startswith("image/svg+xml")
        read[name] = [q["sql"] for q in queries_made.captured_queries]
    assert not [q for q in read["scatter"] if colours.search(q) or forecast.search(q)]
    assert not [q for q in read["fan"] if colours.search(q)]
    assert [q for q in read["fan"] if forecast.search(q)]  # the check sees such a read


def test_portfolio_scatter_is_capped_and_says_so(
    orgs, red_project, green_project, viewer, monkeypatch
):
    monkeypatch.setattr(queries, "SCATTER_LIMIT", 1)
    page = text(viewer.get(f"/organisations/{orgs[0].slug}/project-portfolio"))
    assert "show the 1 projects with the largest current estimates, of the 2 with a change" in page
    assert "The chart shows 1 project." in page


def test_the_portfolio_scatter_reads_the_projects_values_largest_estimate_first(
    orgs, red_project, green_project, viewer
):
    """The scatter holds plain values (no model instances) equal to the projects' stored
    figures, the largest current estimate first; the page's queries do not grow with the
    projects it shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scatter = queries.portfolio_scatter(orgs[0])
    red_project.refresh_from_db()
    green_project.refresh_from_db()
    assert [p.pk for p in scatter.projects] == [red_project.pk, green_project.pk]
    for shown, project in zip(scatter.projects, (red_project, green_project), strict=True):
        assert (
            shown.name,
            shown.organisation.name,
            shown.colour,
            shown.currency,
            shown.current_estimate,
            shown.cost_change_pct,
            shown.end_date_shift_months,
        ) == (
            project.name,
            project.organisation.name,
            project.colour,
            project.currency,
            project.current_estimate,
            project.cost_change_pct,
            project.end_date_shift_months,
        )
    assert scatter.projects[0].cost_change_pct == pytest.approx(40.0)
    url = f"/organisations/{orgs[0].slug}/project-portfolio"
    viewer.get(url)
    with CaptureQueriesContext(connection) as two:
        viewer.get(url)
    for number in range(5):
        project_with(
            orgs[1],
            f"Project {number}",
            [
                (D(2023, 6, 30), 1_000_000, D(2025, 6, 30)),
                (D(2024, 6, 30), 1_500_000, D(2026, 6, 30)),
            ],
        )
    viewer.get(url)
    with CaptureQueriesContext(connection) as seven:
        page = text(viewer.get(url))
    assert "The chart shows 7 projects." in page
    assert len(seven.captured_queries) == len(two.captured_queries)


def test_portfolio_without_projects_says_so(orgs, viewer):
    page = text(viewer.get(f"/organisations/{orgs[0].slug}/project-portfolio"))
    assert "No projects have been recorded yet." in page
    assert "No running project has a cost estimate yet" in page


# --- reference classes ------------------------------------------------------------------------


def test_reference_classes_list_and_page_of_the_shipped_class(orgs, viewer):
    page = text(viewer.get(f"/organisations/{orgs[0].slug}/reference-classes"))
    shipped = ReferenceClass.objects.get(organisation=None)
    assert shipped.name in page and "shipped with omslag" in page and " 99 " in page
    response = viewer.get(f"/reference-classes/{shipped.pk}", {"organisation": orgs[0].slug})
    page = text(response)
    assert "P10" in page and "P90" in page
    assert "Share with a ratio of 1.5 or more 40%" in page
    assert len(chart_svgs(viewer, response)) == 1
    assert "Build a class" not in page


def test_building_from_too_few_own_projects_is_refused_with_a_message(orgs, red_project, editor):
    response = editor.post(
        f"/organisations/{orgs[0].slug}/reference-classes",
        {"action": "build", "build-name": "Eigen projecten"},
    )
    assert response.status_code == 422
    assert "Too little to forecast: 1 pairs, at least 10 needed." in text(response)
    assert not ReferenceClass.objects.filter(name="Eigen projecten").exists()


def test_uploading_a_class_from_a_csv_file(orgs, editor, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/organisations/{orgs[0].slug}/reference-classes"
    rows = "\n".join(f"{100 + i},{100 + 3 * i},,p{i}" for i in range(12))
    upload = SimpleUploadedFile("klasse.csv", f"earlier,later,size,label\n{rows}\n".encode())
    response = editor.post(
        url,
        {
            "action": "upload",
            "upload-name": "Gemeenten",
            "upload-kind": "cost",
            "upload-file": upload,
        },
    )
    created = ReferenceClass.objects.get(name="Gemeenten", organisation=orgs[0])
    assert response.status_code == 302
    assert response["Location"] == f"/reference-classes/{created.pk}?organisation={orgs[0].slug}"
    assert created.pairs.count() == 12 and created.origin == "file"
    bad = SimpleUploadedFile("bad.csv", b"earlier,later\n1,2\nabc,3\n")
    response = editor.post(
        url, {"action": "upload", "upload-name": "Fout", "upload-kind": "cost", "upload-file": bad}
    )
    assert "Row 3: earlier, later and size must be numbers." in text(response)
    few = SimpleUploadedFile("few.csv", b"earlier,later\n1,2\n2,3\n")
    response = editor.post(
        url,
        {"action": "upload", "upload-name": "Weinig", "upload-kind": "cost", "upload-file": few},
    )
    assert "Too little to forecast: 2 pairs, at least 10 needed." in text(response)


def test_project_page_without_reports_and_with_only_a_concept(orgs, viewer):
    project = project_with(orgs[0], "Nieuw")
    page = text(viewer.get(f"/projects/{project.pk}"))
    assert "No reports yet, so there are no figures." in page
    services.report_create(
        actor=None, project=project, peildatum=D(2025, 1, 1), total_cost_estimate=Decimal(9)
    )
    page = text(viewer.get(f"/projects/{project.pk}"))
    assert "Provisional: no report of this project is published yet" in page
    assert "The charts appear from the second report on." in page
