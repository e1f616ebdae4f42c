"""Django settings. Everything that differs between machines comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from imvo.web.config import env_bool, env_int, env_list, secret_key, url_origin

WEB_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("IMVO_VAR_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = secret_key(VAR_DIR)
DEBUG = env_bool("IMVO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("IMVO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("IMVO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "imvo.web.registry",
    "imvo.web.accounts",
    "imvo.web.work",
    "imvo.web.suppliers",
    "imvo.web.diligence",
    "imvo.web.publication",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "imvo.web.urls"
WSGI_APPLICATION = "imvo.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "imvo.web.registry.context.synthetic_data",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'imvo.sqlite3'}",
        conn_max_age=env_int("IMVO_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The background import writes through its own connection while the web app writes too:
    # wait for the lock rather than fail (SQLite's busy handler tries again and again, for up
    # to 10 s, well within a request's patience; imports write in transactions of well under
    # a second), take it when a transaction starts (no deadlock when a read turns into a
    # write), let readers read during an import (WAL), and sync once per checkpoint rather
    # than once per commit (NORMAL: safe in WAL mode, a commit may only be lost on power loss).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 10,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (imvo.web.accounts): argon2 first; the others only read hashes made before.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "registry:dashboard"
# Failed-login throttling: this many failures per login name and address within the window
# lock that pair out until the oldest counted failure leaves the window.
IMVO_LOGIN_FAILURE_LIMIT = env_int("IMVO_LOGIN_FAILURE_LIMIT", 5)
IMVO_LOGIN_FAILURE_WINDOW_MINUTES = env_int("IMVO_LOGIN_FAILURE_WINDOW_MINUTES", 15)
# ... and this many failures from one address, for any login names, lock the whole address out
# (one password tried against many accounts).
IMVO_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("IMVO_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none, trust nothing)
IMVO_PROXY_HOPS = env_int("IMVO_PROXY_HOPS", 0)
IMVO_INVITATION_DAYS = env_int("IMVO_INVITATION_DAYS", 7)
EMAIL_BACKEND = os.environ.get(
    "IMVO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("IMVO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("IMVO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("IMVO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("IMVO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("IMVO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("IMVO_DEFAULT_FROM_EMAIL", "IMVO Monitor <noreply@localhost>")

# The public maps (imvo.web.publication): a tile URL template ({z}/{x}/{y}) and its
# attribution; empty: markers on a plain background, so the maps work offline.
IMVO_MAP_TILES = os.environ.get("IMVO_MAP_TILES", "")
IMVO_MAP_ATTRIBUTION = os.environ.get("IMVO_MAP_ATTRIBUTION", "")

# Supplier-list uploads (imvo.web.suppliers): how large a file may be; the memory limit of the
# background worker (`imvo worker`) and of the process that previews an upload, since a hostile
# workbook can make the spreadsheet reader abort its whole process.
IMVO_UPLOAD_MAX_MB = env_int("IMVO_UPLOAD_MAX_MB", 20)
# 8 GB of address space: DuckDB's matching of a 20,000-row list reserves more than 4 GB at its
# peak (while its resident memory stays under 400 MB).
IMVO_IMPORT_MEMORY_MB = env_int("IMVO_IMPORT_MEMORY_MB", 8192)

# Background work (imvo.web.work): "database" queues it in the database for `imvo worker`
# (django-tasks-db); "immediate" runs it within the request (tests, one-off scripts). A running
# piece whose heartbeat is older than IMVO_WORK_STALE_SECONDS is taken for dead and tried
# again, up to IMVO_WORK_ATTEMPTS attempts in all.
IMVO_TASKS = os.environ.get("IMVO_TASKS", "") or "database"
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if IMVO_TASKS not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"IMVO_TASKS must be database or immediate, not {IMVO_TASKS!r}")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[IMVO_TASKS]}}
IMVO_WORK_STALE_SECONDS = env_int("IMVO_WORK_STALE_SECONDS", 30)
IMVO_WORK_ATTEMPTS = env_int("IMVO_WORK_ATTEMPTS", 3)
if IMVO_WORK_STALE_SECONDS < 1 or IMVO_WORK_ATTEMPTS < 1:
    raise ImproperlyConfigured("IMVO_WORK_STALE_SECONDS and IMVO_WORK_ATTEMPTS must be 1 or more")
# Small form fields only in memory; an uploaded file beyond this goes to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [WEB_DIR / "static"]  # the site's CSS and vendored htmx (not in an app)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are served by the application itself from the package, never from a CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Served over HTTPS (IMVO_HTTPS, directly or behind a proxy that terminates TLS): plain HTTP is
# redirected, browsers are told to come back over HTTPS only for a year, subdomains included
# (HSTS; preloading is a promise hard to take back, so only on request), cookies travel over
# HTTPS only. Behind a proxy (IMVO_PROXY_HOPS) its X-Forwarded-Proto tells the scheme; the
# proxy must set that header itself, never pass on a client's.
IMVO_HTTPS = env_bool("IMVO_HTTPS", default=False)
IMVO_HSTS_PRELOAD = env_bool("IMVO_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = IMVO_HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if IMVO_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = IMVO_HTTPS
SECURE_HSTS_PRELOAD = IMVO_HTTPS and IMVO_HSTS_PRELOAD
if IMVO_HTTPS and IMVO_PROXY_HOPS > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Preloading is left off by choice, so the deploy check's reminder of it is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
# IMVO_SECURE_COOKIES: secure cookies alone, for a proxy set-up that redirects by itself.
SESSION_COOKIE_SECURE = IMVO_HTTPS or env_bool("IMVO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Content Security Policy (django-csp): the pages load scripts, styles, images and data from
# the site itself only; no inline script or style (htmx's indicator styles are off, see
# base.html). The map's tile server, where one is set, may serve images. The API docs
# (Swagger UI) relax the styles and images on their own route (api_urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", *filter(None, [url_origin(IMVO_MAP_TILES)])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    # `Authorization: Bearer <token>` (or `Token <token>`) first, so a request without
    # credentials gets 401 with a WWW-Authenticate header rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "imvo.web.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "imvo.web.api_errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IMVO Monitor API",
    "DESCRIPTION": "Read-only data on the Dutch IMVO covenants: covenants, risk sectors, "
    "coverage, targets and themes. Every figure carries its source.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc come from the drf-spectacular-sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No schema validation badge: it would send the schema to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One name per choice set, where the same set appears under several field names.
    "ENUM_NAME_OVERRIDES": {
        "CovenantStatusEnum": "imvo.web.registry.api.COVENANT_STATES",
        "SectorStatusEnum": "imvo.web.registry.api.SECTOR_STATES",
        "TargetStatusEnum": "imvo.web.registry.api.TARGET_STATES",
        "CoverageBasisEnum": "imvo.web.registry.api.COVERAGE_BASES",
        "SectorCoverageBasisEnum": "imvo.web.registry.api.SECTOR_COVERAGE_BASES",
        "CoverageLevelEnum": "imvo.web.registry.api.COVERAGE_LEVELS",
        "MarketMeasureEnum": "imvo.web.registry.api.MARKET_MEASURES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("IMVO_LOG_LEVEL", "WARNING")},
}
