import hashlib
import secrets
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .signin import sign_in_name


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A person needs an e-mail address.")
        person = self.model(email=sign_in_name(email), **fields)
        person.set_password(password)
        person.full_clean(exclude=["password"])
        person.save(using=self._db)
        return person

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=sign_in_name(username))


class Person(AbstractBaseUser, PermissionsMixin):
    """Somebody who signs in. Rights come from memberships, never from the person alone,
    except for platform administrators (``is_superuser``)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform administrator"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


TOKEN_PREFIX = "oms_"  # noqa: S105 (a public prefix, not a secret)


def _token_hash(secret: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 is enough; a slow hash buys nothing.
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenManager(models.Manager["ApiToken"]):
    def issue(self, *, person: Any, name: str) -> tuple["ApiToken", str]:
        """Create a token; the returned secret is shown once and never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = self.model(
            person=person,
            name=name,
            lookup=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
            secret_hash=_token_hash(secret),
        )
        token.full_clean()
        token.save()
        return token, secret


class ApiToken(models.Model):
    """A bearer token for a machine client, stored hashed, revocable."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    lookup = models.CharField(max_length=8, db_index=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenManager()

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({TOKEN_PREFIX}{self.lookup}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def matches(self, secret: str) -> bool:
        return secrets.compare_digest(self.secret_hash, _token_hash(secret))
