"""The safeguard gates of an experiment, walked in Chromium with JavaScript switched off.

An editor of the demo municipality creates an experiment that processes personal data and
completes its design through the pages. The move to running is refused until a privacy
pre-scan is approved; the pre-scan is filled so that its outcome makes a DPIA required, and
after a safeguard officer approves it the move is refused again, now for the DPIA. The author
may not sign off the DPIA herself (403); once the officer approves it, the experiment runs.

Every page on the way passes axe-core's WCAG 2.1 A and AA rules with zero violations: the
forms, every questionnaire step with its progress, the review page and the refusal pages.
axe-core cannot run in a page without JavaScript (its run never settles), so each page is
checked as a snapshot: the HTML the script-free browser holds, served at the same address to
a second page with JavaScript on, its stylesheets from the live server. omslag's pages carry
no scripts of their own, so the snapshot is the page the visitor without JavaScript sees.
"""

import re

import pytest
from django.utils import translation

from omslag.innovation.models import Experiment
from omslag.safeguards import services as safeguard_services
from omslag.safeguards.gates import requirement_problems
from omslag.safeguards.models import Assessment, AssessmentTemplate, TemplateKind
from tests.conftest import SHARED_DATA, skip_unless

from .support import E2E, SnapshotTour, Tour, sign_in

pytestmark = E2E

MUNICIPALITY = "gemeente-wadderveen"
EDITOR = "redacteur@omslag.example"
OFFICER = "privacy@omslag.example"
# The government's model DPIA, next to the repository (as tests/safeguards/conftest.py has it).
DPIA_FILE = SHARED_DATA / "safeguards" / "par-dpia-form" / "dpia.yaml"
# Three high-risk criteria of omslag's own pre-scan (one point each): two or more make a DPIA
# required (src/omslag/safeguards/content/privacy-prescan.yaml).
PRESCAN_CRITERIA = ("profiling", "new_technology", "combining")
TITLE = "Wachtrijvoorspelling balie burgerzaken"


@pytest.fixture
def safeguards_site(demo):
    """The demo, with omslag's own templates and the government's model DPIA loaded."""
    safeguard_services.own_templates_load()
    if DPIA_FILE.exists():
        with DPIA_FILE.open("rb") as stream:
            safeguard_services.template_import_file(actor=None, stream=stream, fmt="dpia-form-v2")
    dpia = AssessmentTemplate.objects.filter(kind=TemplateKind.DPIA).order_by("-pk").first()
    skip_unless(dpia is not None, f"no DPIA template: the model DPIA {DPIA_FILE} is missing")
    prescan = AssessmentTemplate.objects.get(source="own", key="privacy-prescan")
    return demo, prescan, dpia


def _assert_accessible(*tours: Tour) -> None:
    """Every page of every tour without violations."""
    reports = [report for tour in tours for report in tour.failures]
    checked = sum(len(tour.checked) for tour in tours)
    assert checked >= 25, f"only {checked} pages were checked"
    assert not reports, (
        f"{len(reports)} of {checked} pages fail WCAG 2.1 A/AA checks:\n"
        + "\n".join(line for report in reports for line in report.lines())
    )


def _submit(tour: Tour, button, label: str, *, status: int = 200):
    return tour.submit(button, label, status=status)


def _page_problems(page) -> list[str]:
    return [text.strip() for text in page.locator("main #refused li").all_inner_texts()]


def _expected_problems(page, experiment_pk: int) -> list[str]:
    """What the gate says, in the page's language."""
    experiment = Experiment.objects.get(pk=experiment_pk)
    with translation.override(page.get_attribute("html", "lang") or "nl"):
        return [str(p) for p in requirement_problems(experiment, "running", "experiment")]


def _kind_label(page, kind) -> str:
    with translation.override(page.get_attribute("html", "lang") or "nl"):
        return str(TemplateKind(kind).label)


def _move(tour: Tour, to_stage: str, label: str, *, status: int):
    button = tour.page.locator(
        f"main form.move:has(input[name=to_stage][value={to_stage}]) button[type=submit]"
    )
    assert button.count() == 1, f"{tour.who}: no button to move to {to_stage} on {tour.page.url}"
    return _submit(tour, button, label, status=status)


def _start_assessment(tour: Tour, experiment_pk: int, template, label: str) -> int:
    page = tour.page
    tour.visit(
        f"/organisations/{MUNICIPALITY}/assessments/new?subject=experiment:{experiment_pk}",
        f"start {label}",
    )
    assert page.locator("#id_subject").input_value() == f"experiment:{experiment_pk}"
    page.select_option("#id_template", str(template.pk))
    _submit(tour, page.locator("main form button[type=submit]"), f"{label}, step 1")
    found = re.search(r"/assessments/(\d+)/steps/1$", page.url)
    assert found, f"starting the {label} ended at {page.url}"
    return int(found.group(1))


def _assert_step(page, step: int, total: int) -> None:
    progress = page.locator("main progress")
    assert progress.get_attribute("value") == str(step)
    assert progress.get_attribute("max") == str(total)
    assert page.locator("main .toc a[aria-current=step]").count() == 1


def _send_for_review(tour: Tour, assessment_pk: int, label: str) -> None:
    tour.visit(f"/assessments/{assessment_pk}", label)
    _submit(
        tour,
        tour.page.locator("main form[action$='/submit'] button[type=submit]"),
        f"{label}, sent for review",
    )
    assert tour.page.locator(".message--success").count() == 1, tour.page.inner_text("main")
    assert Assessment.objects.get(pk=assessment_pk).status == "in_review"


def _approve(officer: Tour, assessment_pk: int, label: str, note: str) -> None:
    page = officer.page
    officer.visit(f"/assessments/{assessment_pk}", f"{label}, seen by the officer")
    link = page.locator(f"main a[href='/assessments/{assessment_pk}/review']")
    assert link.count() == 1, "the officer is not offered the review"
    with page.expect_navigation():
        link.click()
    officer.check(f"{label}, review page")
    page.fill("#id_note", note)
    _submit(
        officer,
        page.locator("main button[name=decision][value=approve]"),
        f"{label}, approved",
    )
    assert page.url.endswith(f"/assessments/{assessment_pk}"), page.url
    assessment = Assessment.objects.get(pk=assessment_pk)
    assert assessment.status == "approved" and assessment.reviewed_by.email == OFFICER


def test_an_experiment_waits_at_the_gate_for_its_prescan_and_dpia(safeguards_site, new_page):
    site, prescan_template, dpia_template = safeguards_site
    checker = new_page()  # JavaScript on: only for axe-core, never for the walk itself
    editor = SnapshotTour(new_page(java_script_enabled=False), site.url, "editor", checker=checker)
    officer = SnapshotTour(
        new_page(java_script_enabled=False), site.url, "safeguard officer", checker=checker
    )
    sign_in(editor.page, site.url, EDITOR)
    sign_in(officer.page, site.url, OFFICER)
    page = editor.page

    # 1. The experiment, through the pages: create it, complete the design, move to design.
    editor.visit(f"/organisations/{MUNICIPALITY}/experiments/new", "new experiment")
    page.fill("#id_title", TITLE)
    page.fill("#id_owner_team", "Team Dienstverlening")
    page.fill("#id_hypothesis", "Met een voorspelde wachttijd komen inwoners op rustige uren.")
    page.fill("#id_intervention", "De website toont de verwachte wachttijd per uur.")
    _submit(editor, page.locator("main form.stacked button[type=submit]"), "experiment created")
    if "/experiments/new" in page.url:  # similar records were shown first
        page.check("#id_create_anyway")
        _submit(editor, page.locator("main form.stacked button[type=submit]"), "created anyway")
    found = re.search(r"/experiments/(\d+)$", page.url)
    assert found, f"creating the experiment ended at {page.url}"
    experiment_pk = int(found.group(1))

    editor.visit(f"/experiments/{experiment_pk}/design", "design form")
    page.select_option("#id_design_type", "ab")
    page.fill("#id_control_label", "zonder wachttijd")
    page.fill("#id_treatment_label", "met wachttijd")
    page.fill("#id_primary_metric", "wachttijd aan de balie")
    page.select_option("#id_metric_type", "mean")
    page.fill("#id_metric_unit", "minuten")
    page.select_option("#id_direction", "decrease")
    page.fill("#id_baseline_value", "18")
    page.fill("#id_minimum_detectable_effect", "3")
    page.fill("#id_standard_deviation", "10")
    page.fill("#id_sample_size_per_group", "200")
    page.fill("#id_planned_start", "2026-09-01")
    page.fill("#id_planned_end", "2026-12-31")
    page.check("#id_processes_personal_data")
    assert not page.is_checked("#id_public_facing")
    _submit(editor, page.locator("main form button[type=submit]:not([name])"), "design saved")
    experiment = Experiment.objects.get(pk=experiment_pk)
    assert experiment.processes_personal_data and experiment.sample_size_per_group == 200

    _move(editor, "design", "experiment moved to design", status=200)
    assert Experiment.objects.get(pk=experiment_pk).stage == "design"

    # 2. Running is refused: the approved pre-scan is missing (and nothing else).
    _move(editor, "running", "move to running refused: pre-scan", status=422)
    problems = _page_problems(page)
    assert problems == _expected_problems(page, experiment_pk), problems
    assert len(problems) == 1 and _kind_label(page, "privacy_prescan") in problems[0], problems
    assert Experiment.objects.get(pk=experiment_pk).stage == "design"

    # 3. The pre-scan, step by step, with answers that make a DPIA required.
    prescan_pk = _start_assessment(editor, experiment_pk, prescan_template, "pre-scan")
    _assert_step(page, 1, 3)
    page.check("input[name='a-1.1'][value=yes]")
    _submit(editor, page.locator("main button[name=go][value=save]"), "pre-scan step 1 saved")
    # 1.2 depends on 1.1 and appears after saving.
    page.fill("textarea[name='a-1.2']", "Afspraakgegevens en bezoektijden van inwoners.")
    _submit(editor, page.locator("main button[name=go][value=next]"), "pre-scan step 2")
    _assert_step(page, 2, 3)
    for criterion in PRESCAN_CRITERIA:
        page.check(f"input[name='a-2.1'][value={criterion}]")
    page.fill("textarea[name='a-2.2']", "Een model voorspelt drukte uit gekoppelde bestanden.")
    _submit(editor, page.locator("main button[name=go][value=next]"), "pre-scan step 3")
    _assert_step(page, 3, 3)
    page.fill("input[name='a-3.1']", "Pim Privacy")
    page.fill("input[name='a-3.2']", "2026-08-15")
    _submit(editor, page.locator("main button[name=go][value=finish]"), "pre-scan finished")
    assert page.url.endswith(f"/assessments/{prescan_pk}"), page.url
    prescan = Assessment.objects.get(pk=prescan_pk)
    assert (prescan.score, prescan.outcome) == (len(PRESCAN_CRITERIA), "dpia_required")
    _send_for_review(editor, prescan_pk, "pre-scan")

    # 4. The safeguard officer (not the author) approves it.
    _approve(officer, prescan_pk, "pre-scan", "Drie criteria: een DPIA is verplicht.")

    # 5. Running is refused again, now for the DPIA.
    editor.visit(f"/experiments/{experiment_pk}", "experiment page")
    _move(editor, "running", "move to running refused: DPIA", status=422)
    problems = _page_problems(page)
    assert problems == _expected_problems(page, experiment_pk), problems
    assert len(problems) == 1 and _kind_label(page, "dpia") in problems[0], problems

    # 6. The DPIA: the first steps filled (the model has no required questions), sent.
    dpia_pk = _start_assessment(editor, experiment_pk, dpia_template, "DPIA")
    total = dpia_template.items.filter(parent__isnull=True).count()
    _assert_step(page, 1, total)
    page.fill("textarea[name='a-0']", "DPIA voor de proef met de voorspelde wachttijd.")
    _submit(editor, page.locator("main button[name=go][value=next]"), "DPIA step 2")
    _assert_step(page, 2, total)
    page.fill("textarea[name='a-1.1']", "De website toont per uur de verwachte wachttijd.")
    _submit(editor, page.locator("main button[name=go][value=save]"), "DPIA step 2 saved")
    assert page.locator(".message--success").count() == 1
    _send_for_review(editor, dpia_pk, "DPIA")

    # 7. The author may not sign it off: no review link, and the review page refuses (403).
    assert page.locator(f"main a[href='/assessments/{dpia_pk}/review']").count() == 0
    editor.visit(f"/assessments/{dpia_pk}/review", "DPIA review refused to the author", status=403)
    assert Assessment.objects.get(pk=dpia_pk).status == "in_review"

    # 8. The officer approves it, and the experiment runs.
    _approve(officer, dpia_pk, "DPIA", "Maatregelen voldoende; de proef mag starten.")
    editor.visit(f"/experiments/{experiment_pk}", "experiment page, assessments approved")
    _move(editor, "running", "experiment moved to running", status=200)
    assert page.url.endswith(f"/experiments/{experiment_pk}#stage"), page.url
    assert page.locator(".message--success").count() == 1
    assert page.locator("main #refused").count() == 0

    # The end state in the database.
    assert Experiment.objects.get(pk=experiment_pk).stage == "running"
    statuses = dict(
        Assessment.objects.filter(experiment_id=experiment_pk).values_list("kind", "status")
    )
    assert statuses == {"privacy_prescan": "approved", "dpia": "approved"}, statuses
    assert Assessment.objects.get(pk=prescan_pk).outcome == "dpia_required"

    _assert_accessible(editor, officer)
