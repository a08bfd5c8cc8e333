"""Settings helpers fail loudly, naming the variable and the bad value."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from csperf.web import env


def test_required_and_defaults(monkeypatch):
    monkeypatch.delenv("CSPERF_X", raising=False)
    with pytest.raises(ImproperlyConfigured, match="CSPERF_X is required"):
        env.env_str("CSPERF_X")
    assert env.env_str("CSPERF_X", "d") == "d"
    assert env.env_bool("CSPERF_X", True) is True
    assert env.env_int("CSPERF_X", 3) == 3
    assert env.env_list("CSPERF_X", ["a"]) == ["a"]


@pytest.mark.parametrize(
    ("func", "value", "message"),
    [
        (lambda: env.env_bool("CSPERF_X"), "maybe", "CSPERF_X='maybe': expected one of"),
        (lambda: env.env_int("CSPERF_X", 1), "ten", "CSPERF_X='ten': expected an integer"),
        (lambda: env.env_int("CSPERF_X", 1, minimum=1), "0", "CSPERF_X=0: must be >= 1"),
        (lambda: env.env_list("CSPERF_X"), "a,,b", "empty entry"),
        (lambda: env.env_choice("CSPERF_X", ["a", "b"], "a"), "c", "expected one of a, b"),
        (lambda: env.env_database("CSPERF_X", None), "mysql://u@h/db", "unsupported database"),
    ],
)
def test_bad_values_are_errors(monkeypatch, func, value, message):
    monkeypatch.setenv("CSPERF_X", value)
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        func()


def test_good_values(monkeypatch, tmp_path):
    monkeypatch.setenv("CSPERF_X", " Yes ")
    assert env.env_bool("CSPERF_X") is True
    monkeypatch.setenv("CSPERF_X", "a.example, b.example")
    assert env.env_list("CSPERF_X") == ["a.example", "b.example"]
    monkeypatch.setenv("CSPERF_X", "postgres://u:p@db:5433/csperf")
    cfg = env.env_database("CSPERF_X", tmp_path / "x.sqlite3")
    assert (
        cfg["ENGINE"] == "django.db.backends.postgresql"
        and cfg["PORT"] == 5433
        and cfg["NAME"] == "csperf"
    )
    monkeypatch.delenv("CSPERF_X")
    cfg = env.env_database("CSPERF_X", tmp_path / "x.sqlite3")
    assert cfg["ENGINE"] == "django.db.backends.sqlite3" and cfg["NAME"].endswith("x.sqlite3")
