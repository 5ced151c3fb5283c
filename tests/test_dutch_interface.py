"""No English in the Dutch interface: the demo's pages, read in Dutch, show Dutch words for
roles, groups and chart summaries (the kinds of English that slipped through before)."""

import html
import re

import pytest
from django.test import Client

from omslag.demo.loading import demo_load
from tests.conftest import module_settings

PASSWORD = "dutch-interface-test-password"
MUNICIPALITY = "gemeente-wadderveen"

# English that appeared in the Dutch pages, as code values or untranslated text.
ENGLISH = [
    (re.compile(r"\(\d+ of \d+\)"), "'(9 of 10)' on a chart"),
    (re.compile(r"\b(Control|Treatment)\b"), "an English group name"),
    (re.compile(r"\b(admin|viewer|editor|board|safeguard_officer)\b"), "a role code"),
    (re.compile(r"\d\.\d%"), "a decimal point in a Dutch percentage"),
]


def visible_text(response) -> str:
    body = response.content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    # alt texts and summaries of charts count as text; code and URLs do not
    main = re.sub(r"<(script|style|code)\b.*?</\1>", " ", main, flags=re.DOTALL)
    alts = " ".join(re.findall(r'alt="([^"]*)"', main))
    return html.unescape(re.sub(r"<[^>]+>", " ", main) + " " + alts)


def dutch_client(email: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(get_user_model().objects.get(email=email))
    return client


@pytest.fixture(scope="module")
def demo_once(module_transaction, django_db_blocker):
    # Loaded once: the tests only read it.
    with django_db_blocker.unblock(), module_settings():
        demo_load(password=PASSWORD)


@pytest.fixture
def demo(demo_once, db):
    pass


def pages_of_the_municipality():
    from omslag.innovation.models import Experiment

    evaluated = (
        Experiment.objects.filter(organisation__slug=MUNICIPALITY, evaluations__isnull=False)
        .order_by("pk")
        .first()
    )
    assert evaluated is not None, "the demo has an evaluated experiment"
    return [
        f"/organisations/{MUNICIPALITY}",
        f"/organisations/{MUNICIPALITY}/people",
        f"/organisations/{MUNICIPALITY}/balance",
        f"/organisations/{MUNICIPALITY}/safeguard-coverage",
        f"/organisations/{MUNICIPALITY}/funnel",
        f"/experiments/{evaluated.pk}",
    ]


def test_the_demo_pages_read_in_dutch_have_no_english_of_these_kinds(demo):
    client = dutch_client("beheerder@omslag.example")
    found = []
    for url in pages_of_the_municipality():
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response)
        for pattern, what in ENGLISH:
            for match in pattern.finditer(text):
                context = text[max(0, match.start() - 40) : match.end() + 40]
                found.append(f"{url}: {what}: …{' '.join(context.split())}…")
    assert not found, "\n".join(found)


def test_roles_and_coverage_in_dutch(demo):
    client = dutch_client("beheerder@omslag.example")
    text = visible_text(client.get(f"/organisations/{MUNICIPALITY}"))
    assert re.search(r"Uw rollen hier\s+beheerder", text), text[:400]
    coverage = visible_text(client.get(f"/organisations/{MUNICIPALITY}/safeguard-coverage"))
    assert re.search(r"\d+(,\d)?% \(\d+ van \d+\)", coverage), coverage
