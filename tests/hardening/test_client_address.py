"""Every limit that counts per address (the public API's throttle, the sign-in lock-out, the
proposal form) reads one client address: the connection's own unless proxies are configured,
then the address the outermost trusted proxy saw. A made-up X-Forwarded-For never buys a fresh
counter."""

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from omslag.common.client import client_address
from omslag.publication.api import OpenThrottle

from ..factories import PASSWORD, PersonFactory

URL = "/api/v1/open/organisations"


def _behind_proxies(settings, count: int) -> None:
    settings.OMSLAG_PROXY_COUNT = count
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy configured: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own entry is ignored
        (2, "198.51.100.1, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (3, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the leftmost
        (1, " , ", "10.0.0.1"),
    ],
)
def test_the_address_is_the_one_the_outermost_trusted_proxy_saw(
    settings, count, forwarded, expected
):
    settings.OMSLAG_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_new_forwarded_header_does_not_reset_the_api_throttle(db, monkeypatch):
    monkeypatch.setattr(OpenThrottle, "THROTTLE_RATES", {"open": "3/minute"})
    client = Client()
    answers = [
        client.get(URL, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(4)
    ]
    assert answers == [200, 200, 200, 429]


def test_behind_a_proxy_each_client_has_its_own_counter(db, settings, monkeypatch):
    _behind_proxies(settings, 1)
    monkeypatch.setattr(OpenThrottle, "THROTTLE_RATES", {"open": "2/minute"})
    client = Client()

    def ask(seen_by_proxy: str, made_up: str = "") -> int:
        header = f"{made_up}, {seen_by_proxy}" if made_up else seen_by_proxy
        return client.get(URL, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=header).status_code

    # The client's own made-up entries to the left change nothing.
    assert [ask("203.0.113.7", made_up=f"192.0.2.{n}") for n in range(3)] == [200, 200, 429]
    assert ask("203.0.113.8") == 200  # another client behind the same proxy


def test_the_lock_out_ignores_a_made_up_forwarded_header(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    PersonFactory(email="lock@omslag.test")
    client = Client()
    for n in range(3):
        client.post(
            "/login",
            {"username": "lock@omslag.test", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    answer = client.post(
        "/login",
        {"username": "lock@omslag.test", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert answer.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}
