"""The job pages in Chromium, checked by axe-core (WCAG 2.1 A and AA): a running job (its bar
follows the job through the JSON status with JavaScript, and by refreshing itself without),
a failed check with its problems, the list of my jobs, the import page while its check
waits for a worker, and a finished export with its download (with and without JavaScript)."""

import json

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from omslag.exchange import exports
from omslag.exchange import services as exchange
from omslag.jobs.models import Job
from omslag.organisations.models import Organisation

from .support import E2E, assert_accessible, sign_in

pytestmark = E2E

MINISTRY = "ministerie-van-digitale-zaken"
ADMIN = "beheerder@omslag.example"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _upload(admin, ministry, name, content):
    with translation.override("nl"):
        return exchange.import_upload(
            actor=admin,
            organisation=ministry,
            kind="spend",
            upload=SimpleUploadedFile(name, content),
        )


def test_job_pages_are_accessible_and_follow_the_job(demo, new_page):
    ministry = Organisation.objects.get(slug=MINISTRY)
    admin = get_user_model().objects.get(email=ADMIN)
    bad = [{"year": 2024, "amount": 1, "kind": "actual", "category": "x" * 300_000}]
    bad += [{"year": 2024, "amount": 1, "kind": "actual", "category": "ruimteschip"}] * 150
    failed = _upload(admin, ministry, "fout.json", json.dumps(bad).encode()).job
    assert failed.status == Job.Status.FAILED and failed.problems_total == 151
    with override_settings(TASKS=DATABASE_BACKEND):
        waiting = _upload(
            admin, ministry, "goed.csv", b"year,amount,kind,category\n2024,5,actual,run\n"
        )
        running = waiting.job
    Job.objects.filter(pk=running.pk).update(status=Job.Status.RUNNING, done=10, total=40)

    page = new_page()
    sign_in(page, demo.url, ADMIN)
    page.goto(f"{demo.url}/jobs/{failed.pk}")
    assert "151 problemen" in page.inner_text("main")
    assert page.locator("main table tbody tr").count() == 100
    assert_accessible(page, "failed job with problems")
    page.goto(f"{demo.url}/jobs")
    assert page.locator(f"main a[href='/jobs/{failed.pk}']").count() == 1
    assert_accessible(page, "my jobs")
    page.goto(f"{demo.url}/imports/{waiting.pk}")
    assert page.locator("main progress").count() == 1
    assert_accessible(page, "import page while its check runs")

    page.goto(f"{demo.url}/jobs/{running.pk}")
    assert page.locator("main progress").get_attribute("value") == "10"
    assert_accessible(page, "running job")
    # With JavaScript the bar moves without a reload, and the page reloads once it is done.
    Job.objects.filter(pk=running.pk).update(done=30)
    # In per cent: what a job counts (bytes of a file checked, rows written) is its own.
    page.wait_for_selector("main [role=status]:has-text('75% gedaan')")
    assert page.locator("main progress").get_attribute("value") == "30"
    Job.objects.filter(pk=running.pk).update(status=Job.Status.DONE, done=40)
    page.wait_for_selector("main form[action$='/cancel']", state="detached")
    assert_accessible(page, "finished job")

    # Without JavaScript the page refreshes itself while the job runs.
    Job.objects.filter(pk=running.pk).update(status=Job.Status.RUNNING, done=5)
    plain = new_page(java_script_enabled=False)
    sign_in(plain, demo.url, ADMIN)
    plain.goto(f"{demo.url}/jobs/{running.pk}")
    assert plain.locator("main progress").get_attribute("value") == "5"
    Job.objects.filter(pk=running.pk).update(done=25)
    plain.wait_for_selector("main progress[value='25']", timeout=10_000)
    # The refresh can be turned off (WCAG 2.2.1). (axe needs JavaScript: the same page was
    # checked above with it.)
    plain.locator("main a[href='?refresh=off']").click()
    plain.wait_for_url("**/jobs/*?refresh=off")
    assert plain.locator("meta[http-equiv=refresh]").count() == 0
    assert "ververst zich niet meer" in plain.inner_text("main")

    # A large export, finished: its page offers the file; the export page's form posts.
    export = exports.export_start(person=admin, organisation=ministry, kind="spend", fmt="xlsx")
    export.refresh_from_db()
    assert export.status == Job.Status.DONE and export.file
    page.goto(f"{demo.url}/jobs/{export.pk}")
    link = page.locator(f"main a[href='/jobs/{export.pk}/download']")
    assert link.count() == 1 and ".xlsx downloaden" in link.inner_text()
    assert page.locator("main progress").count() == 1
    assert_accessible(page, "finished export with its download")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith(f"spend-{MINISTRY}-")
    page.goto(f"{demo.url}/organisations/{MINISTRY}/export")
    assert page.locator("main form[method=post] button[type=submit]").count() == 1
    assert_accessible(page, "export page")
    plain.goto(f"{demo.url}/jobs/{export.pk}")
    assert plain.locator(f"main a[href='/jobs/{export.pk}/download']").count() == 1
    assert plain.locator("meta[http-equiv=refresh]").count() == 0
