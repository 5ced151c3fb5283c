"""Locust load test of omslag: people of every role sign in and browse the pages they use most,
API clients read with a bearer token, editors export a register and import it back (upload and
check).

Started by ``benchmarks/bench_load.py``, which writes the accounts file and reads the results;
on its own::

    OMSLAG_LOAD_ACCOUNTS=accounts.json OMSLAG_LOAD_THINK=5-15 \\
        locust -f benchmarks/load/locustfile.py --headless -u 200 -r 20 -t 2m \\
        --host http://127.0.0.1:8000 --csv var/load/think

``OMSLAG_LOAD_ACCOUNTS`` is a JSON list of ``{"email", "password", "role", "organisation"}``
(organisation: the slug of the organisation the person has the role in). Every simulated
person takes the next account of the list, so a list with one account per role gives every
role in turn. ``OMSLAG_LOAD_THINK`` is the think time in seconds between two clicks, ``LOW-HIGH``
(uniform) or ``0`` for the peak throughput without think time. Requests are named after the
page (``applications``, ``api projects``), not the address, so the statistics are per page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
from pathlib import Path

from locust import FastHttpUser, between, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mix import API_CALLS, EXPORT, PAGES, PERSON_WEIGHTS  # noqa: E402  (the folder of this file, as Locust loads it)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _accounts() -> list[dict]:
    path = os.environ.get("OMSLAG_LOAD_ACCOUNTS")
    if not path:
        raise RuntimeError("set OMSLAG_LOAD_ACCOUNTS to a JSON file of sign-in accounts")
    accounts = json.loads(Path(path).read_text())
    if not accounts:
        raise RuntimeError(f"{path} holds no accounts")
    return accounts


def _wait_time():
    think = os.environ.get("OMSLAG_LOAD_THINK", "5-15")
    if think in {"", "0"}:
        return constant(0)
    low, _dash, high = think.partition("-")
    return between(float(low), float(high or low))


ACCOUNTS = _accounts()
_next_person = itertools.cycle([a for a in ACCOUNTS if a.get("role") != "api"] or ACCOUNTS)
_next_api = itertools.cycle(ACCOUNTS)


def _pick(pages):
    return random.choices(pages, weights=[weight for _n, _a, weight in pages])[0]


def _sign_in(client, account) -> None:
    page = client.get("/login", name="sign-in page")
    match = CSRF_INPUT.search(page.text)
    with client.post(
        "/login",
        data={
            "username": account["email"],
            "password": account["password"],
            "csrfmiddlewaretoken": match.group(1) if match else "",
        },
        headers={"Referer": client.base_url + "/login"},
        name="sign in",
        allow_redirects=False,
        catch_response=True,
    ) as response:
        if response.status_code != 302:
            response.failure(f"sign-in of {account['email']} answered {response.status_code}")


def _cookie(client, name: str) -> str:
    return next((c.value for c in client.cookiejar if c.name == name), "")


def _multipart(fields: dict[str, str], name: str, filename: str, content: bytes):
    """A multipart/form-data body (Locust's fast client sends bytes, not files)."""
    boundary = f"omslag-load-{random.getrandbits(64):016x}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Person(FastHttpUser):
    """Someone of one role who signs in and clicks through the pages of that role."""

    weight = PERSON_WEIGHTS["person"]
    wait_time = _wait_time()

    def on_start(self) -> None:
        self.account = next(_next_person)
        self.pages = PAGES.get(self.account["role"], PAGES["viewer"])
        _sign_in(self.client, self.account)

    @task(PERSON_WEIGHTS["browse"])
    def browse(self) -> None:
        name, address, _weight = _pick(self.pages)
        self.client.get(address.format(org=self.account["organisation"]), name=name)

    @task(PERSON_WEIGHTS["export"])
    def export_and_import(self) -> None:
        """An editor's round trip: export the applications as CSV, upload that file as an
        import (checked, not confirmed, so the data stay the same run after run)."""
        if self.account["role"] not in EXPORT["roles"]:
            return
        org = self.account["organisation"]
        (export_name, export_address), (import_name, import_address) = EXPORT["pages"]
        exported = self.client.get(export_address.format(org=org), name=export_name)
        if exported.status_code != 200:
            return
        form = self.client.get(import_address.format(org=org), name=import_name)
        match = CSRF_INPUT.search(form.text or "")
        body, content_type = _multipart(
            {"kind": "applications", "csrfmiddlewaretoken": match.group(1) if match else ""},
            "file",
            "applications.csv",
            exported.content,
        )
        self.client.post(
            f"/organisations/{org}/import",
            data=body,
            headers={
                "Content-Type": content_type,
                "Referer": f"{self.client.base_url}/organisations/{org}/import",
            },
            name="import upload and check",
        )


class ApiClient(FastHttpUser):
    """A program reading the API with a bearer token (made through the API after signing in)."""

    weight = PERSON_WEIGHTS["api"]
    wait_time = _wait_time()

    def on_start(self) -> None:
        self.account = next(_next_api)
        _sign_in(self.client, self.account)
        created = self.client.post(
            "/api/v1/tokens",
            json={"name": "load test"},
            headers={
                "X-CSRFToken": _cookie(self.client, "csrftoken"),
                "Referer": self.client.base_url + "/",
            },
            name="api token create",
        )
        self.client.cookiejar.clear()  # from here on only the token signs the requests
        token = created.json().get("token", "") if created.status_code == 201 else ""
        self.authorization = {"Authorization": f"Bearer {token}"}

    @task
    def read(self) -> None:
        name, address, _weight = _pick(API_CALLS)
        self.client.get(
            address.format(org=self.account["organisation"]),
            name=name,
            headers=self.authorization,
        )
