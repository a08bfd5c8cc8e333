"""Settings from environment variables.

Every helper fails loudly (ImproperlyConfigured naming the variable and the bad value) instead of
silently falling back: a typo in a deployment must stop the server, not run it half-configured.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# Stricter than csperf.kernel.words on purpose: a setting accepts only the usual switch words
# (no 是/√/x), and anything else stops the process instead of being guessed.
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_UNSET = object()


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: Any = _UNSET) -> str:
    """A text setting; without a default the variable is required."""
    value = _raw(name)
    if value is None or value == "":
        if default is _UNSET:
            raise ImproperlyConfigured(f"environment variable {name} is required but not set")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    low = value.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"environment variable {name}={value!r}: expected one of 1/0, true/false, yes/no, on/off"
    )


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"environment variable {name}={value!r}: expected an integer"
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"environment variable {name}={number}: must be >= {minimum}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"environment variable {name}={number}: must be <= {maximum}")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Comma-separated values; empty entries are an error (they are always a typo)."""
    value = _raw(name)
    if value is None or value == "":
        return list(default or [])
    parts = [p.strip() for p in value.split(",")]
    if any(not p for p in parts):
        raise ImproperlyConfigured(
            f"environment variable {name}={value!r}: empty entry in the list"
        )
    return parts


def env_choice(name: str, choices: list[str], default: str) -> str:
    value = _raw(name)
    if value is None or value == "":
        return default
    if value not in choices:
        raise ImproperlyConfigured(
            f"environment variable {name}={value!r}: expected one of {', '.join(choices)}"
        )
    return value


def env_path(name: str, default: str | Path) -> Path:
    value = _raw(name)
    return Path(value if value else default).expanduser().resolve()


# SQLite with several writers (web workers, the job worker): a transaction takes the write lock
# when it begins (IMMEDIATE), instead of failing at once with "database is locked" when a reader
# turns writer; a writer waits up to 20 s for the lock; WAL lets readers go on while one writes.
SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}


def env_database(name: str, default_sqlite: Path) -> dict[str, Any]:
    """DATABASE_URL (postgres://… or sqlite:///…) or an SQLite file when unset."""
    value = _raw(name)
    if not value:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite),
            "OPTIONS": dict(SQLITE_OPTIONS),
            # a web worker keeps its connection between requests (as for DATABASE_URL)
            "CONN_MAX_AGE": 60,
        }
    import dj_database_url

    try:
        config = dj_database_url.parse(value, conn_max_age=60)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"environment variable {name}: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(
            f"environment variable {name}: unsupported database {engine or value!r} "
            "(use postgres://user:password@host:port/name or sqlite:///path)"
        )
    if engine == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config
