"""The templates page imports a questionnaire file: checked first (nothing saved), then
confirmed; only a platform administrator may do it."""

import re
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from omslag.safeguards.models import AssessmentTemplate
from tests.conftest import skip_unless
from tests.factories import PersonFactory, member, organisation

from .conftest import DPIA_FILE

PRESCAN = Path(__file__).resolve().parents[2] / "src/omslag/safeguards/content/privacy-prescan.yaml"
URL = "/assessment-templates/import"


def own_file(key="proef-sjabloon", version="1.0") -> bytes:
    data = yaml.safe_load(PRESCAN.read_text())
    data.update(key=key, urn=f"urn:omslag:{key}", version=version, name="Proefsjabloon")
    return yaml.safe_dump(data, allow_unicode=True).encode()


def client_for(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


@pytest.fixture
def admin(db):
    return client_for(PersonFactory(is_superuser=True, is_staff=True))


def upload(client, content: bytes, fmt="own", name="sjabloon.yaml"):
    return client.post(
        URL, {"action": "check", "format": fmt, "file": SimpleUploadedFile(name, content)}
    )


def test_the_templates_page_offers_the_import_to_a_platform_administrator(admin, db):
    assert f'href="{URL}"' in admin.get("/assessment-templates").content.decode()
    viewer = client_for(member("viewer", organisation("gemeente", kind="municipality")))
    assert URL not in viewer.get("/assessment-templates").content.decode()
    assert viewer.get(URL).status_code == 403
    assert viewer.post(URL, {"action": "confirm", "sha256": "x"}).status_code == 403


def test_check_saves_nothing_then_confirm_imports_the_checked_file(admin):
    content = own_file()
    checked = upload(admin, content)
    page = checked.content.decode()
    assert checked.status_code == 200
    assert "sjabloon.yaml is ready to import" in page
    items = len(re.findall(r"^\s+- id: ", PRESCAN.read_text(), re.MULTILINE))
    assert re.search(rf"<dt>Items</dt><dd>{items}</dd>", page)
    assert "a new template" in page
    assert not AssessmentTemplate.objects.filter(key="proef-sjabloon").exists()

    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page).group(1)
    done = admin.post(URL, {"action": "confirm", "sha256": sha})
    template = AssessmentTemplate.objects.get(key="proef-sjabloon")
    assert done.status_code == 302 and done["Location"] == f"/assessment-templates/{template.pk}"
    assert (template.urn, template.version, template.items.count()) == (
        "urn:omslag:proef-sjabloon",
        "1.0",
        items,
    )
    # The checked file is gone from the session: confirming twice imports nothing more.
    again = admin.post(URL, {"action": "confirm", "sha256": sha})
    assert again.status_code == 302 and again["Location"] == URL
    assert AssessmentTemplate.objects.filter(key="proef-sjabloon").count() == 1


def test_a_bad_file_lists_its_problems_and_imports_nothing(admin):
    page = upload(admin, b"key: kapot\nitems: 12\n").content.decode()
    assert "problem" in page and "nothing was imported" in page
    assert 'name="sha256"' not in page
    page = upload(admin, b"key: [unclosed\n").content.decode()
    assert "not valid YAML or JSON" in page
    assert not AssessmentTemplate.objects.filter(key="kapot").exists()


def test_the_model_dpia_through_the_page(admin):
    skip_unless(DPIA_FILE.is_file(), f"the model DPIA is not at {DPIA_FILE} (../shared/data)")
    data = yaml.safe_load(DPIA_FILE.read_text())
    page = upload(admin, DPIA_FILE.read_bytes(), fmt="dpia-form-v2", name="dpia.yaml")
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page.content.decode()).group(1)
    admin.post(URL, {"action": "confirm", "sha256": sha})
    template = AssessmentTemplate.objects.get(urn=data["urn"], version=data["version"])
    assert template.kind == "dpia"
