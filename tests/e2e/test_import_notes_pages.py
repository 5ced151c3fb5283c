"""The pages of item 3 of issue 11 in Chromium, checked by axe-core (WCAG 2.1 A and AA): the
import preview listing rows skipped or partly used, and the project portfolio saying how many
projects their register no longer reports, with the switch to include them. Built from rows of
the Canadian register files (../shared/data/canada, or where OMSLAG_SHARED_DATA says)."""

import csv
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from omslag.exchange import services as exchange
from omslag.organisations.models import Organisation
from tests.conftest import SHARED_DATA, skip_unless

from .support import E2E, assert_accessible, sign_in

pytestmark = E2E

DATA = SHARED_DATA / "canada"
MINISTRY = "ministerie-van-digitale-zaken"
ADMIN = "beheerder@omslag.example"


def _rows(name):
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return {row["uniqueId"]: row for row in csv.DictReader(handle)}


def _file(rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_import_notes_and_the_no_longer_reported_switch_are_accessible(demo, new_page):
    skip_unless(DATA.is_dir(), f"the shared Canadian data is not at {DATA}")
    ministry = Organisation.objects.get(slug=MINISTRY)
    admin = get_user_model().objects.get(email=ADMIN)
    first, second = _rows("gc-it-projects-2016.csv"), _rows("gc-it-projects-2019.csv")
    gone = [uid for uid in first if uid not in second and first[uid]["totalBudget"]][:3]
    kept = next(uid for uid in first if uid in second and first[uid]["totalBudget"])
    for rows in ([first[uid] for uid in [*gone, kept]], [second[kept]]):
        report = exchange.import_file(
            actor=None,
            organisation=ministry,
            kind="projects",
            fmt="canada-snapshot",
            stream=io.BytesIO(_file(rows)),
            filename="snapshot.csv",
        )
        assert report.ok
    with translation.override("nl"):  # as the upload page does for a Dutch visitor
        job = exchange.import_job_check(
            actor=admin,
            organisation=ministry,
            kind="projects",
            upload=SimpleUploadedFile("deel.csv", _file([first["inac-irems"]])),
            fmt="canada-snapshot",
        )
    page = new_page()
    sign_in(page, demo.url, ADMIN)

    page.goto(f"{demo.url}/imports/{job.pk}")
    notes = page.locator("main table", has=page.locator("caption", has_text="Overgeslagen"))
    assert notes.count() == 1 and "geen totaalbudget" in notes.inner_text()
    assert_accessible(page, "import preview with notes")

    page.goto(f"{demo.url}/organisations/{MINISTRY}/project-portfolio")
    assert "3 lopende projecten blijven buiten deze prognose" in page.inner_text("main")
    assert_accessible(page, "portfolio, no longer reported left out")
    page.check("#include-no-longer-reported")
    with page.expect_navigation():
        page.locator("main form:has(#include-no-longer-reported) button[type=submit]").click()
    assert "De prognose telt 3 projecten mee" in page.inner_text("main")
    assert_accessible(page, "portfolio, no longer reported included")
