"""Several application servers on one PostgreSQL database (issue 13 item 7, the web part):
two real `omslag serve` processes on two ports. A session made on one works on the other, and
an edit conflict between them (the same record saved from both with the same version) is a
409: problem+json through the API, the conflict page through the web. The job part (one queue,
two workers) is in tests/jobs/.

The servers share the test database, so the data are made with `transactional_db` (committed,
visible to the servers) and the servers are started once for the module.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from omslag.accounts.services import api_token_issue
from omslag.organisations.models import Role
from tests.conftest import skip_unless
from tests.factories import PASSWORD, member, organisation
from tests.portfolio.factories import application as make_application

OMSLAG = str(Path(sys.executable).with_name("omslag"))
STARTUP_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    skip_unless(connection.vendor == "postgresql", "two servers need one PostgreSQL database")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "OMSLAG_SECRET_KEY": "two-servers-one-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "OMSLAG_DATA_DIR": str(tmp_path_factory.mktemp("servers")),
        "OMSLAG_ALLOWED_HOSTS": "127.0.0.1",
        "OMSLAG_SECURE_COOKIES": "false",
        "OMSLAG_DB_CONN_MAX_AGE": "0",
        "OMSLAG_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "omslag.settings",
    }
    env.pop("OMSLAG_DEMO", None)
    started = []
    for _ in range(2):
        port = _free_port()
        process = subprocess.Popen(  # noqa: S603 (our own command)
            [OMSLAG, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append((f"http://127.0.0.1:{port}", process))
    try:
        for base, process in started:
            _wait_until_up(base, process)
        yield [base for base, _process in started]
    finally:
        for _base, process in started:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for _base, process in started:
            process.wait(timeout=30)


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if requests.get(f"{base}/login", timeout=20).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still starting
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"`omslag serve` at {base} did not start")
        time.sleep(0.3)


class FormReader(HTMLParser):
    """The fields of each form that posts (name → value), as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.fields: dict[str, str] | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.fields = {}
            self.forms.append(self.fields)
        if self.fields is None:
            return
        if tag == "input" and a.get("name") and a.get("type") not in {"submit", "button"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.select = a.get("name")
            self.fields.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value") or ""
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea and self.fields is not None:
                # A browser drops the newline that follows <textarea>.
                self.fields[self.textarea] = self.fields[self.textarea].removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.fields = None

    def handle_data(self, data):
        if self.textarea and self.fields is not None:
            self.fields[self.textarea] += data


def form_fields(html: str) -> dict[str, str]:
    """The fields of the page's largest posting form (not the sign-out button's)."""
    reader = FormReader()
    reader.feed(html)
    return max(reader.forms, key=len, default={})


def sign_in(session: requests.Session, base: str, email: str) -> None:
    page = session.get(f"{base}/login", timeout=30)
    fields = form_fields(page.text)
    fields.update(username=email, password=PASSWORD)
    answer = session.post(
        f"{base}/login",
        data=fields,
        headers={"Referer": f"{base}/login"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]


@pytest.fixture
def editor_with_application(transactional_db):
    org = organisation("gemeente-tweeserver", kind="municipality")
    person = member(Role.EDITOR, org)
    # The tests hash with MD5 (fast), which the servers' settings do not accept; give the
    # person a hash they do (few PBKDF2 rounds: the servers re-hash it on sign-in).
    person.password = PBKDF2PasswordHasher().encode(PASSWORD, "twoservers", iterations=1000)
    person.save(update_fields=["password"])
    application = make_application(org, name="Zaaksysteem")
    return person, application


def test_a_session_made_on_one_server_works_on_the_other(servers, editor_with_application):
    first, second = servers
    person, application = editor_with_application
    browser = requests.Session()
    sign_in(browser, first, person.email)

    # The session cookie from the first server, sent to the second: signed in there too.
    page = browser.get(f"{second}/applications/{application.pk}", timeout=30)
    assert page.status_code == 200
    assert page.url == f"{second}/applications/{application.pk}"  # no detour to /login
    assert "Zaaksysteem" in page.text
    # Signed out on the second, the first no longer knows the session either.
    fields = form_fields(browser.get(f"{second}/account", timeout=30).text)
    logout = browser.post(
        f"{second}/logout",
        data={"csrfmiddlewaretoken": fields.get("csrfmiddlewaretoken", "")},
        headers={"Referer": f"{second}/account"},
        allow_redirects=False,
        timeout=30,
    )
    assert logout.status_code == 302
    again = browser.get(f"{first}/applications/{application.pk}", allow_redirects=False)
    assert again.status_code == 302 and "/login" in again.headers["Location"]


def test_an_edit_conflict_between_the_servers_is_409_in_the_api(servers, editor_with_application):
    first, second = servers
    person, application = editor_with_application
    token = api_token_issue(person=person, name="two servers")[1]
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/applications/{application.pk}"
    read = requests.get(first + url, headers=headers, timeout=30).json()
    version = read["version"]

    saved = requests.patch(
        first + url, json={"version": version, "purpose": "Zaken"}, headers=headers, timeout=30
    )
    stale = requests.patch(
        second + url, json={"version": version, "purpose": "Andere"}, headers=headers, timeout=30
    )

    assert saved.status_code == 200, saved.text
    assert stale.status_code == 409, stale.text
    assert stale.headers["Content-Type"].startswith("application/problem+json")
    assert stale.json()["status"] == 409
    now = requests.get(second + url, headers=headers, timeout=30).json()
    assert (now["purpose"], now["version"]) == ("Zaken", version + 1)


def test_an_edit_conflict_between_the_servers_shows_the_conflict_page(
    servers, editor_with_application
):
    first, second = servers
    person, application = editor_with_application
    one, other = requests.Session(), requests.Session()
    sign_in(one, first, person.email)
    sign_in(other, second, person.email)
    edit = f"/applications/{application.pk}/edit"
    # Both open the form (the same version), then both save.
    form_one = form_fields(one.get(first + edit, timeout=30).text)
    form_other = form_fields(other.get(second + edit, timeout=30).text)
    assert form_one["version"] == form_other["version"]
    form_one["purpose"] = "Eerste"
    form_other["purpose"] = "Tweede"

    saved = one.post(
        first + edit,
        data=form_one,
        headers={"Referer": first + edit},
        allow_redirects=False,
        timeout=30,
    )
    conflict = other.post(second + edit, data=form_other, headers={"Referer": second + edit})

    assert saved.status_code == 302, saved.text[:2000]
    assert conflict.status_code == 409
    # The conflict page: the message, and the form again with the values saved by the other.
    assert re.search(r"(?i)iemand anders|somebody else", conflict.text)
    assert form_fields(conflict.text)["purpose"] == "Eerste"
    assert int(form_fields(conflict.text)["version"]) == int(form_one["version"]) + 1
