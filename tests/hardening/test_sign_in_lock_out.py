"""The lock-out counts every spelling of an address as one sign-in name."""

from axes.models import AccessAttempt
from django.test import Client

from ..factories import PASSWORD, PersonFactory


def login(client, email, password):
    return client.post("/login", {"username": email, "password": password})


VARIANTS = ["lock@omslag.test", "LOCK@omslag.test", " Lock@Omslag.Test ", "lOcK@OMSLAG.TEST"]


def test_case_variants_share_one_counter(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    PersonFactory(email="lock@omslag.test")
    client = Client()
    for variant in VARIANTS[1:]:  # three failures, each spelled differently
        login(client, variant, "wrong")
    for variant in VARIANTS:  # the right password is refused in every spelling
        assert login(client, variant, PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().username == "lock@omslag.test"


def test_a_successful_variant_does_not_clear_a_lock(db, settings):
    settings.AXES_FAILURE_LIMIT = 2
    PersonFactory(email="lock@omslag.test")
    client = Client()
    for _ in range(2):
        login(client, "LOCK@omslag.test", "wrong")
    assert login(client, "Lock@omslag.test", PASSWORD).status_code == 429
    assert login(client, "lock@omslag.test", PASSWORD).status_code == 429
    assert AccessAttempt.objects.get(username="lock@omslag.test").failures_since_start >= 2


def test_any_spelling_signs_in_before_the_limit(db):
    PersonFactory(email="lock@omslag.test")
    response = login(Client(), "  LOCK@Omslag.test ", PASSWORD)
    assert response.status_code == 302
