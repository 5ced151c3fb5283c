"""Django settings: every value comes from the environment (12-factor), with safe defaults.

The README has a table of every variable read here; a test keeps the two in step.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from omslag.common.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEMO = env_bool("OMSLAG_DEMO")
DEBUG = env_bool("OMSLAG_DEBUG")
DATA_DIR = Path(env("OMSLAG_DATA_DIR", "var")).resolve()


DEMO_PREPARING = DATA_DIR / "demo_preparing"  # holds the pid of `omslag demo` while it loads


def _demo_being_prepared() -> bool:
    """True while a running `omslag demo` is migrating and loading the demo data here (a
    marker left by a demo that died does not count)."""
    try:
        pid = int(DEMO_PREPARING.read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def _secret_key() -> tuple[str, str]:
    """The signing key and where it came from.

    Outside demo mode the key comes from OMSLAG_SECRET_KEY, with one exception: in a folder
    where `omslag demo` (`make run`) prepared the embedded database, commands such as
    `omslag import` use the demo's generated key, so the README's tour works as printed.
    """
    key = env("OMSLAG_SECRET_KEY")
    if key:
        return key, "OMSLAG_SECRET_KEY"
    key_file = DATA_DIR / "secret_key"
    demo_database = DATA_DIR / "omslag.sqlite3"
    if DEMO:
        # Demo mode keeps one generated key so sessions survive a restart.
        if not key_file.exists():
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        return key_file.read_text().strip(), str(key_file)
    if not env("DATABASE_URL") and _demo_being_prepared():
        raise ImproperlyConfigured(
            f"OMSLAG_SECRET_KEY is not set, and the demo in {DATA_DIR} is still being prepared "
            "(`make run` / `omslag demo`); run the command again once it has printed the demo "
            "logins."
        )
    if not env("DATABASE_URL") and key_file.is_file() and demo_database.is_file():
        return key_file.read_text().strip(), str(key_file)
    missing = (
        "DATABASE_URL is set, so the demo's key is not used"
        if env("DATABASE_URL")
        else f"there is no demo prepared in {DATA_DIR} ("
        + " and ".join(
            f"no {path.name}" for path in (key_file, demo_database) if not path.is_file()
        )
        + ")"
    )
    raise ImproperlyConfigured(
        f"OMSLAG_SECRET_KEY is not set, and {missing}. Set it to a long random value "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        "or prepare the demo first with `make run` or `omslag demo --no-serve` and run the "
        "command in the same folder (or with the same OMSLAG_DATA_DIR)."
    )


SECRET_KEY, SECRET_KEY_SOURCE = _secret_key()

ALLOWED_HOSTS = env_list("OMSLAG_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("OMSLAG_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "omslag.common",
    "omslag.accounts",
    "omslag.organisations",
    "omslag.jobs",
    "omslag.exchange",
    "omslag.portfolio",
    "omslag.projects",
    "omslag.innovation",
    "omslag.algorithms",
    "omslag.safeguards",
    "omslag.leadership",
    "omslag.maturity",
    "omslag.publication",
    "omslag.participation",
    "omslag.seed",
    "omslag.demo",
    "omslag.audit",
]

MIDDLEWARE = [
    "omslag.common.requestid.RequestIdMiddleware",
    "omslag.common.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "omslag.accounts.middleware.TwoFactorEnrolmentMiddleware",
    "omslag.common.middleware.QueryStringCheckMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "omslag.common.middleware.ApiVersionMiddleware",
    "omslag.publication.middleware.OpenCorsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees the view's ChartWanted first (process_exception runs bottom-up).
    "omslag.common.middleware.ChartMiddleware",
]

ROOT_URLCONF = "omslag.urls"
# A trailing slash is a different address (404), never a redirect (API design rules).
APPEND_SLASH = False
WSGI_APPLICATION = "omslag.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% tablewrapper %}: every wide table scrolls in a focusable, named region.
            "builtins": ["omslag.common.templatetags.tables"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'omslag.sqlite3'}",
        conn_max_age=env_int("OMSLAG_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default for several people at once (docs/operations.md, "SQLite or
    # PostgreSQL"): write-ahead logging lets pages read while an import writes; a write
    # transaction takes the lock when it begins (IMMEDIATE), so two writers queue on the busy
    # timeout instead of one failing with "database is locked" half-way; NORMAL sync is safe
    # with WAL (a power cut may lose the last commits, never corrupt the file).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command=(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32000"
        ),
    )
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (django-tasks with its database backend): the queue is a table in the same
# database, so `omslag worker` processes on any machine that reaches it take the work; no other
# server to run. `immediate` runs a task at once in the process that queues it (the tests).
TASKS_BACKEND = env("OMSLAG_TASKS_BACKEND", "database")
if TASKS_BACKEND not in ("database", "immediate"):
    raise ImproperlyConfigured("OMSLAG_TASKS_BACKEND is 'database' or 'immediate'.")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND]
    }
}
# A worker writes a heartbeat this often; a worker silent for WORKER_STALE_SECONDS is taken for
# dead, and its running job is queued again (once) or marked failed with the reason. Keep it
# above the longest single transaction of a job on SQLite (one writer at a time).
WORKER_HEARTBEAT_SECONDS = env_float("OMSLAG_WORKER_HEARTBEAT_SECONDS", 5.0)
WORKER_STALE_SECONDS = env_float("OMSLAG_WORKER_STALE_SECONDS", 60.0)
JOB_MAX_ATTEMPTS = env_int("OMSLAG_JOB_MAX_ATTEMPTS", 2)
# A job's file (an export, a board report) is kept this many days after the job finished, then
# removed by `omslag jobs purge` (the operations timer runs it).
JOB_FILE_RETENTION_DAYS = env_int("OMSLAG_JOB_FILE_RETENTION_DAYS", 7)
# An export of more rows than this is prepared by a worker (a job with a download) instead of
# inside the request.
EXPORT_INLINE_ROWS = env_int("OMSLAG_EXPORT_INLINE_ROWS", 5000)
# A form's choice of one of more records than this is typed (name or number), not listed.
CHOICE_LIST_LIMIT = env_int("OMSLAG_CHOICE_LIST_LIMIT", 500)

# A database cache works across processes and machines without another service to run
# (Django's, with one statement per write: omslag.common.cache).
CACHES = {
    "default": {
        "BACKEND": "omslag.common.cache.DatabaseCache",
        "LOCATION": "omslag_cache",
    }
}

AUTH_USER_MODEL = "accounts.Person"
# Sign-in through the organisation's OpenID Connect provider (omslag.accounts.oidc, with
# mozilla-django-oidc): on when a client id is set. Local passwords can then be switched off.
OIDC_RP_CLIENT_ID = env("OMSLAG_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env("OMSLAG_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OMSLAG_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env("OMSLAG_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env("OMSLAG_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env("OMSLAG_OIDC_JWKS_ENDPOINT", "")
OMSLAG_OIDC_END_SESSION_ENDPOINT = env("OMSLAG_OIDC_END_SESSION_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env("OMSLAG_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("OMSLAG_OIDC_SCOPES", "openid email profile")
OIDC_STORE_ID_TOKEN = True  # the hint for ending the provider's session at logout
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
OIDC_OP_LOGOUT_URL_METHOD = "omslag.accounts.oidc.provider_logout_url"
LOGIN_REDIRECT_URL_FAILURE = "/login?provider=failed"
# The button's label on the sign-in page, e.g. "Rijksportaal" or "Keycloak gemeente".
OMSLAG_OIDC_PROVIDER_NAME = env("OMSLAG_OIDC_PROVIDER_NAME", "")
# Optional: the claim with the person's groups, and JSON mapping a group to roles per
# organisation: {"ict-editors": {"organisation": "gemeente-a", "role": "editor"}}.
OMSLAG_OIDC_ROLES_CLAIM = env("OMSLAG_OIDC_ROLES_CLAIM", "")
OMSLAG_OIDC_ROLE_MAP = env("OMSLAG_OIDC_ROLE_MAP", "")
# Off: only the identity provider signs people in (API tokens keep working).
OMSLAG_LOCAL_PASSWORDS = env_bool("OMSLAG_LOCAL_PASSWORDS", default=True)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if OMSLAG_LOCAL_PASSWORDS else []),
    *(["omslag.accounts.oidc.ProviderBackend"] if OIDC_RP_CLIENT_ID else []),
]
PASSWORD_HASHERS = [
    "omslag.accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Weak words shipped in the package, no network call (docs/accounts-and-audit.md).
    {"NAME": "omslag.accounts.passwords.WeakPasswordValidator"},
]
# Password reset by e-mail: how long a link holds, and how many mails an hour per address and
# per network address (beyond that the page answers the same but sends nothing).
PASSWORD_RESET_TIMEOUT = env_int("OMSLAG_PASSWORD_RESET_HOURS", 2) * 3600
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("OMSLAG_PASSWORD_RESET_LIMIT_PER_EMAIL", 3)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("OMSLAG_PASSWORD_RESET_LIMIT_PER_ADDRESS", 10)
# The optional second factor (django-otp): the name authenticator apps show.
OTP_TOTP_ISSUER = "omslag"
# Invitations by e-mail: how many days the link works (once).
INVITATION_DAYS = env_int("OMSLAG_INVITATION_DAYS", 7)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login rate limiting with lock-out (django-axes, kept in the database).
# Proxies in front of omslag that append to X-Forwarded-For (a TLS proxy counts as one). Every
# limit that counts per address reads the address through omslag.common.client.
OMSLAG_PROXY_COUNT = env_int("OMSLAG_PROXY_COUNT", 1 if env_bool("OMSLAG_BEHIND_TLS_PROXY") else 0)
AXES_CLIENT_IP_CALLABLE = "omslag.common.client.client_address"
AXES_FAILURE_LIMIT = env_int("OMSLAG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("OMSLAG_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Every case and spacing of an address shares one counter (see accounts.signin).
AXES_USERNAME_CALLABLE = "omslag.accounts.signin.axes_username"
AXES_VERBOSE = False
# Sign-ins are recorded in omslag's audit log (sign_in, sign_in_failed, locked_out); axes' own
# log of every successful sign-in was a second record of the same, one more INSERT per sign-in.
# Failed attempts and lock-outs are still counted by axes.
AXES_DISABLE_ACCESS_LOG = True

# Security headers and cookies.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("OMSLAG_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("OMSLAG_BEHIND_TLS_PROXY") else None
)
SECURE_COOKIES = env_bool("OMSLAG_SECURE_COOKIES", default=not (DEMO or DEBUG))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("OMSLAG_SESSION_HOURS", 8) * 3600
CSRF_FAILURE_VIEW = "omslag.common.views.csrf_failure"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],  # charts are SVG resources of the site, never data: URIs
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if OIDC_RP_CLIENT_ID:
    # Signing out posts a form whose answer sends the browser on to the provider's logout.
    from urllib.parse import urlsplit as _urlsplit

    _provider = _urlsplit(OMSLAG_OIDC_END_SESSION_ENDPOINT or OIDC_OP_AUTHORIZATION_ENDPOINT)
    if _provider.scheme and _provider.netloc:
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
            f"{_provider.scheme}://{_provider.netloc}"
        )

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The project-wide static files (the house style) live beside the settings, not in an app.
STATICFILES_DIRS = [BASE_DIR / "static"]
# Static files are served from the package by WhiteNoise; set OMSLAG_STATIC_ROOT and run
# `omslag collectstatic` to serve compressed copies from a folder instead.
STATIC_ROOT = env("OMSLAG_STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = STATIC_ROOT is None
WHITENOISE_AUTOREFRESH = DEBUG or DEMO

# Uploads: imports larger than this are refused with a clear message.
# Imports are streamed to disk (TemporaryFileUploadHandler on the import page only) and read
# by a worker, so memory stays bounded whatever the size.
IMPORT_MAX_BYTES = env_int("OMSLAG_IMPORT_MAX_BYTES", 500 * 1024 * 1024)
# An API upload larger than this is checked and imported as a background job (202 Accepted
# with the job as its Location), so a request never waits for a large file.
IMPORT_API_SYNC_MAX_BYTES = env_int("OMSLAG_IMPORT_API_SYNC_MAX_BYTES", 1024 * 1024)
# Per-unit measurement files are larger (a million rows is about 40 MB of CSV) and streamed.
MEASUREMENT_MAX_BYTES = env_int("OMSLAG_MEASUREMENT_MAX_BYTES", 500 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-mail (proposers of public challenges get a confirmation link and every status change).
# The demo writes each message as a file into the data directory instead of sending it.
EMAIL_BACKEND = env(
    "OMSLAG_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env("OMSLAG_EMAIL_FILE_PATH") or str(DATA_DIR / "mail")
EMAIL_HOST = env("OMSLAG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("OMSLAG_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("OMSLAG_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("OMSLAG_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("OMSLAG_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("OMSLAG_EMAIL_FROM", "omslag <noreply@localhost>")
# Links in e-mails sent outside a request (the notify command) start with this address.
SITE_URL = env("OMSLAG_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Proposals to public challenges (participation): abuse limits and how long personal data stays.
PROPOSAL_RETENTION_DAYS = env_int("OMSLAG_PROPOSAL_RETENTION_DAYS", 365)
PROPOSAL_CONFIRM_HOURS = env_int("OMSLAG_PROPOSAL_CONFIRM_HOURS", 48)
PROPOSAL_MIN_SECONDS = env_int("OMSLAG_PROPOSAL_MIN_SECONDS", 5)
PROPOSAL_MAX_CHARS = env_int("OMSLAG_PROPOSAL_MAX_CHARS", 5000)
PROPOSAL_LIMIT_PER_ADDRESS = env_int("OMSLAG_PROPOSAL_LIMIT_PER_ADDRESS", 10)
PROPOSAL_LIMIT_PER_EMAIL = env_int("OMSLAG_PROPOSAL_LIMIT_PER_EMAIL", 3)

API_VERSION = "1.0.0"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "omslag.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only: a form body cannot carry what the documented JSON bodies hold (null, lists,
    # nested objects), so offering it would document requests the API cannot read. The
    # uploads (imports, measurement files) take multipart/form-data through their own views.
    "DEFAULT_PARSER_CLASSES": ["omslag.common.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "omslag.common.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "omslag.common.api.problems.problem_exception_handler",
    "DEFAULT_METADATA_CLASS": "omslag.common.api.metadata.MethodsMetadata",
    # DRF's default (None) takes the whole X-Forwarded-For as the client: a new header, a new
    # throttle counter. The same count of trusted proxies as everywhere else.
    "NUM_PROXIES": OMSLAG_PROXY_COUNT,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("OMSLAG_API_THROTTLE_ANON", "60/minute"),
        "user": env("OMSLAG_API_THROTTLE_USER", "1200/minute"),
        "open": env("OMSLAG_OPEN_API_THROTTLE", "600/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # ?format= is the export endpoint's own parameter (csv, xlsx, ods, json), not DRF's
    # renderer override, which would answer 404 for every format but json.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "omslag API",
    "DESCRIPTION": (
        "Read and change the registers of omslag. Follows the Dutch REST API Design Rules: "
        "camelCase fields, kebab-case paths, no trailing slashes, errors as "
        "application/problem+json, the API-Version header on every response."
    ),
    "VERSION": API_VERSION,
    "CONTACT": {
        "name": "omslag maintainers",
        "email": "maintainers@omslag.invalid",
        "url": "https://omslag.invalid/",
    },
    "LICENSE": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/en/"},
    "SERVERS": [{"url": "/api/v1", "description": "this server"}],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH body is documented as its input serializer says (``version`` is required to
    # change a record), not as a copy with every field optional.
    "COMPONENT_SPLIT_PATCH": False,
    "GET_LIB_DOC_EXCLUDES": "omslag.common.api.schema.doc_excludes",
    "DEFAULT_GENERATOR_CLASS": "omslag.common.api.schema.EnglishSchemaGenerator",
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "omslag.organisations.models.Organisation.Kind",
        "ImportStatusEnum": "omslag.exchange.models.ImportJob.Status",
        "ApplicationStatusEnum": "omslag.portfolio.models.Application.Status",
        "BioLevelEnum": "omslag.portfolio.models.Level",
        "TimePositionEnum": "omslag.portfolio.models.TimePosition",
        "SpendKindEnum": "omslag.portfolio.models.SpendLine.Kind",
        "SpendCategoryEnum": "omslag.portfolio.models.SpendLine.Category",
        "CostTypeEnum": "omslag.portfolio.models.SpendLine.CostType",
        "ScenarioChangeKindEnum": "omslag.portfolio.models.ScenarioChange.Kind",
        "ProjectKindEnum": "omslag.projects.models.Project.Kind",
        "ProjectStatusEnum": "omslag.projects.models.Project.Status",
        "ProjectApproachEnum": "omslag.projects.models.Project.Approach",
        "ProjectColourEnum": "omslag.projects.models.Project.Colour",
        "ReportStatusEnum": "omslag.projects.models.ProjectReport.Status",
        "ReferenceClassKindEnum": "omslag.projects.models.ReferenceClass.Kind",
        "ReferenceClassOriginEnum": "omslag.projects.models.ReferenceClass.Origin",
        "ExperimentStageEnum": "omslag.innovation.models.Stage",
        "EvidenceLevelEnum": "omslag.innovation.models.EVIDENCE_LEVELS",
        "IdeaStatusEnum": "omslag.innovation.models.Idea.Status",
        "IdeaSourceEnum": "omslag.innovation.models.Idea.Source",
        "AlgorithmStatusEnum": "omslag.algorithms.models.AlgorithmRecord.Status",
        "AssessmentStatusEnum": "omslag.safeguards.models.AssessmentStatus",
        "MitigationStatusEnum": "omslag.safeguards.models.Mitigation.Status",
        "AssessmentKindEnum": "omslag.safeguards.models.TemplateKind",
        "TemplateSourceEnum": "omslag.safeguards.models.AssessmentTemplate.Source",
        "GateSubjectEnum": "omslag.safeguards.models.GateRequirement.Subject",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "omslag.common.api.schema.add_design_rule_responses",
    ],
}

# Logs: one JSON object per line (outside demo and debug mode) or text, each line with the
# request id (omslag.common.logs; gunicorn_conf formats the access log the same way).
LOG_FORMAT = env("OMSLAG_LOG_FORMAT", "text" if (DEMO or DEBUG) else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"OMSLAG_LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = logging_config(LOG_FORMAT, env("OMSLAG_LOG_LEVEL", "INFO"))

# Prometheus metrics at /metrics (omslag.common.metrics): off unless one of these is set.
# Allowed from these client addresses or networks (comma-separated, e.g. 127.0.0.1,10.0.0.0/8)
METRICS_ALLOW = env_list("OMSLAG_METRICS_ALLOW")
# ... or from anywhere with "Authorization: Bearer <token>".
METRICS_TOKEN = env("OMSLAG_METRICS_TOKEN")
