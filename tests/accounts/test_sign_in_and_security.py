"""Signing in, lock-out, password hashing, tokens, CSRF and security headers."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from omslag.accounts.models import ApiToken
from omslag.accounts.services import api_token_issue, api_token_revoke

from ..factories import PASSWORD, PersonFactory


def login(client, email, password):
    return client.post("/login", {"username": email, "password": password})


def test_sign_in_and_out(db):
    person = PersonFactory()
    client = Client()
    response = login(client, person.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_email_is_case_insensitive(db):
    person = PersonFactory(email="mixed@omslag.test")
    assert login(Client(), "MIXED@omslag.test", PASSWORD).status_code == 302
    assert person.pk


def test_wrong_password_shows_the_form_again(db):
    person = PersonFactory()
    response = login(Client(HTTP_ACCEPT_LANGUAGE="en"), person.email, "wrong")
    assert response.status_code == 200
    assert "correct" in response.content.decode()  # Django's "Please enter a correct ..." text


def test_lock_out_after_repeated_failures(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    person = PersonFactory()
    client = Client()
    for _ in range(3):
        login(client, person.email, "wrong")
    response = login(client, person.email, PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    assert "blocked" in response.content.decode() or "geblokkeerd" in response.content.decode()


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    person = get_user_model().objects.create_user(
        "argon@omslag.test", "a long passphrase", full_name="A"
    )
    assert person.password.startswith("argon2$argon2id$")


def test_token_is_shown_once_and_stored_hashed(db):
    person = PersonFactory()
    token, secret = api_token_issue(person=person, name="export")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("oms_") and len(secret) > 40
    assert secret not in (stored.secret_hash, stored.lookup)
    assert stored.matches(secret) and not stored.matches(secret + "x")


def test_token_authenticates_until_revoked(db):
    person = PersonFactory()
    token, secret = api_token_issue(person=person, name="export")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/me").json()["email"] == person.email
    api_token_revoke(token=token)
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"


def test_account_page_shows_a_new_token_once(db):
    person = PersonFactory()
    client = Client()
    client.force_login(person)
    page = client.post("/account", {"name": "nachtelijke export"}).content.decode()
    token = ApiToken.objects.get(person=person)
    assert f"oms_{token.lookup}" in page
    assert f"oms_{token.lookup}" not in client.get("/account").content.decode()
    client.post(f"/account/tokens/{token.pk}/revoke")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_nobody_revokes_another_persons_token(db):
    owner, other = PersonFactory(), PersonFactory()
    token, _secret = api_token_issue(person=owner, name="x")
    client = Client()
    client.force_login(other)
    assert client.post(f"/account/tokens/{token.pk}/revoke").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_forms_need_a_csrf_token(db):
    person = PersonFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    assert client.post("/account", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_security_headers(db):
    response = Client().get("/login")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response  # only over HTTPS


def test_hsts_over_https(db):
    response = Client().get("/login", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_is_http_only(db, settings):
    person = PersonFactory()
    response = login(Client(), person.email, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_pages_contain_no_inline_script_or_style(db):
    person = PersonFactory()
    client = Client()
    client.force_login(person)
    for url in ("/login", "/", "/organisations", "/account"):
        html = client.get(url).content.decode()
        assert "<script" not in html and "style=" not in html, url


@pytest.mark.parametrize("url", ["/", "/organisations", "/account"])
def test_pages_need_sign_in(db, url):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login")
