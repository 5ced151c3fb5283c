"""Data made once per module (tests/conftest.py's module_transaction) is there for every test
of the module, and what a test changes in it is undone before the next test."""

import pytest
from django.contrib.auth import get_user_model

from omslag.organisations.models import Organisation
from tests.conftest import module_settings
from tests.factories import organisation


@pytest.fixture(scope="module")
def made_once(module_transaction, django_db_blocker):
    with django_db_blocker.unblock(), module_settings():
        person = get_user_model().objects.create_user(
            "eenmaal@omslag.example", "wachtwoord-1", full_name="Eenmaal"
        )
        return organisation("eenmaal-gemaakt").pk, person.password


def test_a_test_may_change_the_data(made_once, db):
    pk, _password = made_once
    Organisation.objects.filter(pk=pk).update(name="Veranderd")
    organisation("erbij-gekomen")
    assert Organisation.objects.filter(slug__in=["eenmaal-gemaakt", "erbij-gekomen"]).count() == 2


def test_the_next_test_sees_the_data_as_made(made_once, db):
    pk, password = made_once
    assert Organisation.objects.get(pk=pk).name == "Eenmaal Gemaakt"
    assert not Organisation.objects.filter(slug="erbij-gekomen").exists()
    # Made with the tests' fast hasher, as the function-scoped settings give each test.
    assert password.startswith("md5$")
