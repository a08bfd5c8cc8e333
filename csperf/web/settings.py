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

# Background jobs: a worker thread inside the web process polls the job table
# (no extra server). Set CSPERF_JOBS_EMBEDDED=0 when running `csperf manage run_jobs` separately.
CSPERF_JOBS_EMBEDDED = env_bool("CSPERF_JOBS_EMBEDDED", True)
# Where per-employee indicator values come from (dotted path of a function, see cycles.inputs).
CSPERF_INPUT_PROVIDER = env_str("CSPERF_INPUT_PROVIDER", "csperf.cycles.inputs.metrics_provider")
# API tokens live this many days.
CSPERF_TOKEN_DAYS = env_int("CSPERF_TOKEN_DAYS", 30, minimum=1, maximum=3650)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CSPERF_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
