"""Passwords are hashed with Argon2id at OWASP's parameters; hashes made with Django's
heavier defaults still verify and are replaced on the next sign-in."""

import argon2
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client

from omslag import settings as omslag_settings


def parameters(encoded: str) -> argon2.Parameters:
    return argon2.extract_parameters(encoded.removeprefix("argon2"))


def test_new_passwords_use_argon2id_with_owasps_parameters(db, settings):
    settings.PASSWORD_HASHERS = omslag_settings.PASSWORD_HASHERS
    encoded = make_password("a long passphrase")
    found = parameters(encoded)
    assert encoded.startswith("argon2$argon2id$")
    assert (found.memory_cost, found.time_cost, found.parallelism) == (19456, 2, 1)
    assert check_password("a long passphrase", encoded)
    assert not check_password("a long passphrasf", encoded)


def test_a_hash_with_djangos_defaults_is_replaced_on_sign_in(db, settings):
    settings.PASSWORD_HASHERS = omslag_settings.PASSWORD_HASHERS
    heavy = DjangoArgon2PasswordHasher()
    person = get_user_model().objects.create_user("zwaar@omslag.test", "x", full_name="Z")
    person.password = heavy.encode("a long passphrase", heavy.salt())
    person.save(update_fields=["password"])
    assert parameters(person.password).memory_cost == 102400

    response = Client().post(
        "/login", {"username": "zwaar@omslag.test", "password": "a long passphrase"}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert parameters(person.password).memory_cost == 19456
