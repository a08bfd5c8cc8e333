"""Django settings for csperf, read from environment variables (see docs/web.md).

SQLite in the data directory is the embedded default; DATABASE_URL selects PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from csperf.web.env import env_bool, env_database, env_int, env_list, env_path, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("CSPERF_DATA", "csperf-data")

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("CSPERF_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SESSION_COOKIE_SECURE = env_bool("CSPERF_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("CSPERF_BEHIND_HTTPS_PROXY", False) else None
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
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

# Background jobs: a worker thread inside the web process polls the job table
# (no extra server). Set CSPERF_JOBS_EMBEDDED=0 when running `csperf manage run_jobs` separately.
CSPERF_JOBS_EMBEDDED = env_bool("CSPERF_JOBS_EMBEDDED", True)
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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CSPERF_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
