"""Dutch by default, English on request; every interface text has a Dutch translation."""

import shutil
import subprocess
from pathlib import Path

from django.test import Client

from tests.conftest import skip_unless

from .factories import PersonFactory

LOCALE = Path(__file__).resolve().parents[1] / "src" / "omslag" / "locale" / "nl" / "LC_MESSAGES"


def test_interface_is_dutch_by_default(db):
    page = Client().get("/login").content.decode()
    assert '<html lang="nl">' in page
    assert "Inloggen bij omslag" in page and "Direct naar de inhoud" in page


def test_browser_asking_for_english_gets_english(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/login").content.decode()
    assert '<html lang="en">' in page and "Sign in to omslag" in page


def test_language_switch_form_changes_the_language(db):
    client = Client()
    client.force_login(PersonFactory())
    response = client.post("/language", {"language": "en", "next": "/organisations"})
    assert response.status_code == 302 and response["Location"] == "/organisations"
    assert "The organisations you may see" in client.get("/organisations").content.decode()
    client.post("/language", {"language": "nl", "next": "/organisations"})
    assert "De organisaties die u mag zien" in client.get("/organisations").content.decode()


def test_api_errors_follow_the_language(db):
    assert Client(HTTP_ACCEPT_LANGUAGE="nl").get("/api/v1/nergens").json()["detail"] == (
        "Hier is niets; controleer het adres."
    )


def _translations(po_text: str):
    """(msgid, [msgstr, ...], flags) per entry; continuation lines are joined."""
    for block in po_text.split("\n\n")[1:]:  # the first block is the header
        if block.startswith("#~"):
            continue
        fields: dict[str, str] = {}
        key = None
        flags = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith("msg"):
                key, _space, value = line.partition(" ")
                fields[key] = value.strip('"')
            elif line.startswith('"') and key:
                fields[key] += line.strip('"')
        strings = [v for k, v in fields.items() if k.startswith("msgstr")]
        yield fields.get("msgid", ""), strings, flags


def test_every_message_has_a_dutch_translation():
    untranslated = [
        msgid
        for msgid, strings, flags in _translations((LOCALE / "django.po").read_text())
        if "fuzzy" in flags or not strings or not all(strings)
    ]
    assert not untranslated, "translate these in django.po (make messages): " + repr(untranslated)


def test_compiled_catalogue_is_up_to_date(tmp_path):
    skip_unless(shutil.which("msgfmt") is not None, "GNU gettext (msgfmt) is not installed")
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(LOCALE / "django.po")], check=True
    )
    assert compiled.read_bytes() == (LOCALE / "django.mo").read_bytes(), "run make messages"
