"""Django settings for csperf, read from environment variables (see docs/web.md).

SQLite in the data directory is the embedded default; DATABASE_URL selects PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from csperf.web.env import env_bool, env_database, env_int, env_list, env_path, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("CSPERF_DATA", "csperf-data")

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("CSPERF_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# -- security and deployment (docs/web.md, "Security and deployment") -------------------------
# CSPERF_HTTPS=1: the site is served over HTTPS only (redirect, HSTS, secure cookies).
CSPERF_HTTPS = env_bool("CSPERF_HTTPS", False)
SECURE_SSL_REDIRECT = CSPERF_HTTPS
SECURE_HSTS_SECONDS = env_int(
    "CSPERF_HSTS_SECONDS", 31_536_000 if CSPERF_HTTPS else 0, minimum=0, maximum=63_072_000
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CSPERF_HSTS_INCLUDE_SUBDOMAINS", CSPERF_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("CSPERF_HSTS_PRELOAD", CSPERF_HTTPS)
SESSION_COOKIE_SECURE = CSPERF_HTTPS or env_bool("CSPERF_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto / X-Forwarded-For
# (CSPERF_BEHIND_HTTPS_PROXY is the older name of the same switch).
CSPERF_BEHIND_PROXY = env_bool("CSPERF_BEHIND_PROXY", env_bool("CSPERF_BEHIND_HTTPS_PROXY", False))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if CSPERF_BEHIND_PROXY else None
# Idle timeout: a session ends this long after its last request (each request renews it).
SESSION_COOKIE_AGE = (
    env_int("CSPERF_SESSION_IDLE_MINUTES", 120, minimum=1, maximum=7 * 24 * 60) * 60
)
SESSION_SAVE_EVERY_REQUEST = True
# ... but an unchanged session is written at most once a minute (csperf/web/sessions.py)
SESSION_ENGINE = "csperf.web.sessions"
# Content-Security-Policy (django-csp): scripts and styles from this site only, no inline scripts
# (behaviour lives in static files: csperf/web/static/csperf/app.js); inline style attributes are
# allowed (progress bars, ECharts), nothing else is.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Login throttling (django-axes): after CSPERF_LOGIN_FAILURES failed logins for one username, or
# from one address, further tries answer 429 with Retry-After for CSPERF_LOGIN_LOCK_MINUTES.
AUTHENTICATION_BACKENDS = [
    "csperf.web.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("CSPERF_LOGIN_FAILURES", 5, minimum=1, maximum=1000)
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int("CSPERF_LOGIN_LOCK_MINUTES", 15, minimum=1, maximum=7 * 24 * 60)
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "csperf.web.security.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a login of one's own must not wipe the failures against others
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# The client address: REMOTE_ADDR, or the proxy's X-Forwarded-For (last hop) behind a proxy;
# never a header a client could set directly.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if CSPERF_BEHIND_PROXY else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_ORDER = "right-most"

INSTALLED_APPS = [
    "csperf.web.accounts",  # before django.contrib.auth: its createsuperuser checks passwords
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",  # the Django 6 tasks API (backport) and its database backend: jobs
    "django_tasks_db",
    "axes",
    "csp",
    "csperf.web",
    "csperf.core",
    "csperf.org",
    "csperf.cycles",
    "csperf.reviews",
    "csperf.api",
    "csperf.qc",
    "csperf.surveys",
    "csperf.reports",
    "csperf.library",
    "csperf.records_ui",
    "csperf.board",
    "csperf.events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "csperf.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "csperf.web.middleware.ReadOnlyAuditorMiddleware",
    # a page given a query parameter it cannot use answers 400 naming it (csperf/core/params.py)
    "csperf.core.params.BadQueryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # a write that finds the database locked answers 409 "try again" (csperf/core/busy.py)
    "csperf.core.busy.DatabaseBusyMiddleware",
    "csp.middleware.CSPMiddleware",
    "csperf.web.security.NoStoreMiddleware",
    # last, as django-axes requires: turns a locked-out login into the 429 answer
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csperf.web.urls"
WSGI_APPLICATION = "csperf.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csperf.web.context.navigation",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", DATA_DIR / "csperf.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's standard validators; they run wherever a person sets a password (the password page,
# HR's logins page, `csperf manage createsuperuser` / `changepassword`).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("CSPERF_PASSWORD_MIN_LENGTH", 10, minimum=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first; English one click away (the language switcher posts to set_language).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Static files are served by WhiteNoise straight from the packages (no collectstatic step).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = env_path("CSPERF_MEDIA_DIR", DATA_DIR / "media")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
CSPERF_EVIDENCE_MAX_BYTES = (
    env_int("CSPERF_EVIDENCE_MAX_MB", 10, minimum=1, maximum=500) * 1024 * 1024
)
# Record imports: what one file may hold (docs/records.md, "Limits"; the command line reads the
# same variables with the same defaults, csperf/ingest/limits.py).
CSPERF_IMPORT_MAX_UPLOAD_MB = env_int("CSPERF_IMPORT_MAX_UPLOAD_MB", 200, minimum=1)
CSPERF_IMPORT_MAX_UNZIPPED_MB = env_int("CSPERF_IMPORT_MAX_UNZIPPED_MB", 2048, minimum=1)
CSPERF_IMPORT_MAX_ROWS = env_int("CSPERF_IMPORT_MAX_ROWS", 5_000_000, minimum=1)
CSPERF_IMPORT_MAX_COLUMNS = env_int("CSPERF_IMPORT_MAX_COLUMNS", 200, minimum=1)
CSPERF_IMPORT_MAX_FIELD_KB = env_int("CSPERF_IMPORT_MAX_FIELD_KB", 1024, minimum=1)
CSPERF_IMPORT_MAX_SHEET_CELLS = env_int("CSPERF_IMPORT_MAX_SHEET_CELLS", 20_000_000, minimum=1)
CSPERF_IMPORT_FUTURE_DAYS = env_int("CSPERF_IMPORT_FUTURE_DAYS", 366, minimum=0)
# An uploaded file larger than CSPERF_IMPORT_MAX_UPLOAD_MB is not kept beyond that size.
FILE_UPLOAD_HANDLERS = [
    "csperf.records_ui.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Background jobs (imports, cycle computes) go through django-tasks' database backend and run in
# `csperf worker`, never in the web process (docs/web.md, "Background jobs"). Each job runs in a child
# process of the worker with a memory limit (address space it may add, MB) and a time limit.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
CSPERF_JOB_MAX_MB = env_int("CSPERF_JOB_MAX_MB", 4096, minimum=64)
CSPERF_JOB_MAX_SECONDS = env_int("CSPERF_JOB_MAX_SECONDS", 3600, minimum=1)
# Where per-employee indicator values come from (dotted path of a function, see cycles.inputs).
CSPERF_INPUT_PROVIDER = env_str("CSPERF_INPUT_PROVIDER", "csperf.cycles.inputs.metrics_provider")
# API tokens live this many days.
# Days per appeal stage: the deciding rater answers, the employee escalates after a rejection, HR
# decides (docs/web.md).
CSPERF_APPEAL_STAGE_DAYS = {
    "rater": env_int("CSPERF_APPEAL_RATER_DAYS", 5, minimum=1, maximum=90),
    "escalate": env_int("CSPERF_APPEAL_ESCALATE_DAYS", 5, minimum=1, maximum=90),
    "hr": env_int("CSPERF_APPEAL_HR_DAYS", 7, minimum=1, maximum=90),
}
CSPERF_TOKEN_DAYS = env_int("CSPERF_TOKEN_DAYS", 30, minimum=1, maximum=3650)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "csperf.web.logs.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CSPERF_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # a 403/400 is logged as one line; only server errors carry a traceback
        "django.request": {"filters": ["refusals"]},
        "axes": {"level": "WARNING"},  # failures and lockouts, not every successful login
    },
}
