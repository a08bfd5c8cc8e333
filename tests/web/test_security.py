"""Logins and deployment: throttled failures, password rules, HTTPS settings, CSP, no-store,
idle sessions (docs/web.md, "Security and deployment")."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

import csperf

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD = "s3cure-Passw0rd"
PACKAGE = Path(csperf.__file__).parent


def _page_login(client, username, password="wrong-password", addr="10.0.0.1", **extra):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=addr, **extra
    )


def _api_login(client, username, password="wrong-password", addr="10.0.0.1"):
    return client.post(
        "/api/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=addr,
    )


# -- throttling -------------------------------------------------------------------------------


def test_six_bad_logins_on_the_page_answer_429_with_retry_after(personas, client):
    codes = [_page_login(client, "agent").status_code for _ in range(6)]
    assert codes[:4] == [200] * 4 and codes[5] == 429, codes
    r = _page_login(client, "agent", password="pw")  # even the right password waits
    assert r.status_code == 429
    assert r["Retry-After"] == str(15 * 60)
    text = r.content.decode()
    assert "登录失败次数过多" in text and "15" in text and "Traceback" not in text
    assert "_auth_user_id" not in client.session


def test_six_bad_token_requests_answer_429_json(personas, client):
    codes = [_api_login(client, "agent").status_code for _ in range(6)]
    assert codes[:4] == [401] * 4 and codes[5] == 429, codes
    r = _api_login(client, "agent", password="pw")
    assert r.status_code == 429 and r["Retry-After"] == "900"
    body = r.json()
    assert body["retry_after"] == 900 and "登录失败次数过多" in body["detail"]


def test_the_page_and_the_api_count_together_and_a_good_login_before_is_fine(personas, client):
    assert _api_login(client, "agent", password="pw").status_code == 200
    for _ in range(3):
        _page_login(client, "agent")
    for _ in range(2):
        _api_login(client, "agent")
    assert _page_login(client, "agent", password="pw").status_code == 429


def test_one_username_is_locked_from_every_address(personas, client):
    for i in range(5):
        _page_login(client, "agent", addr=f"10.0.1.{i}")
    assert _page_login(client, "agent", password="pw", addr="10.9.9.9").status_code == 429
    # another login from a fresh address is not affected
    assert _page_login(client, "colleague", password="pw", addr="10.9.9.8").status_code == 302


def test_one_address_is_locked_for_every_username_and_forwarded_for_is_not_believed(
    personas, client
):
    names = ["agent", "colleague", "supervisor", "reviewer", "inspector"]
    for i, name in enumerate(names):
        _page_login(client, name, addr="10.0.2.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    r = _page_login(
        client, "hr", password="pw", addr="10.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert r.status_code == 429
    assert _page_login(client, "hr", password="pw", addr="10.0.2.2").status_code == 302


def test_lockout_page_is_english_for_english_readers(personas, client):
    client.cookies["django_language"] = "en"
    for _ in range(5):
        r = _page_login(client, "agent")
    assert r.status_code == 429 and "Too many failed logins" in r.content.decode()


# -- passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["password", "12345678", "short-9ch", "1234567890123"])
def test_weak_passwords_are_refused_where_people_set_them(world, client, weak):
    agent = world.users["agent"]
    client.force_login(agent)
    r = client.post(
        "/password/", {"old_password": "pw", "new_password1": weak, "new_password2": weak}
    )
    assert r.status_code == 200 and not User.objects.get(pk=agent.pk).check_password(weak)
    client.force_login(world.users["hr"])
    r = client.post(
        f"/org/access/logins/{agent.pk}/password/", {"password": weak, "reason": "忘记密码"}
    )
    assert not User.objects.get(pk=agent.pk).check_password(weak)
    r = client.post("/org/access/logins/", {"username": "weakling", "password": weak}, follow=True)
    assert not User.objects.filter(username="weakling").exists()
    assert "密码" in r.content.decode()


def test_the_password_page_states_the_rules_and_accepts_a_good_password(world, client):
    agent = world.users["agent"]
    client.force_login(agent)
    assert "10" in client.get("/password/").content.decode()
    r = client.post(
        "/password/", {"old_password": "pw", "new_password1": GOOD, "new_password2": GOOD}
    )
    assert r.status_code == 302 and User.objects.get(pk=agent.pk).check_password(GOOD)


def test_createsuperuser_without_input_checks_the_password(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="password"):
        call_command("createsuperuser", interactive=False, username="root", email="", verbosity=0)
    assert not User.objects.filter(username="root").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD)
    call_command("createsuperuser", interactive=False, username="root", email="", verbosity=0)
    assert User.objects.get(username="root").check_password(GOOD)


# -- deployment settings ----------------------------------------------------------------------

HTTPS_ENV = {
    "SECRET_KEY": "x7Qp2Lr9vT4mWz8Kc3Nf6Hb1Yd5Gs0Aj-Ue2Io7Pq9Rt4Vw6Xy8Zb3Cd5Ef7Gh9Jk",
    "ALLOWED_HOSTS": "perf.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://perf.example.com",
    "CSPERF_HTTPS": "1",
}


def _manage(args, tmp_path, env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
        and not k.startswith("CSPERF_")
    }
    environment.update(env, CSPERF_DATA=str(tmp_path / "data"))
    return subprocess.run(
        [sys.executable, "-m", "csperf.cli.main", "manage", *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_is_clean_with_the_documented_https_settings(tmp_path):
    r = _manage(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, HTTPS_ENV)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout
    # without HTTPS the same check names what is missing
    plain = {k: v for k, v in HTTPS_ENV.items() if k != "CSPERF_HTTPS"}
    r = _manage(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, plain)
    assert r.returncode != 0 and "SECURE_HSTS_SECONDS" in r.stderr + r.stdout


def test_https_settings_come_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_AGE)"
    )
    env = dict(HTTPS_ENV, CSPERF_BEHIND_PROXY="1", CSPERF_SESSION_IDLE_MINUTES="30")
    r = _manage(["shell", "-v", "0", "-c", code], tmp_path, env)
    assert r.stdout.split() == [
        "True",
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "1800",
    ], r.stderr
    r = _manage(["shell", "-v", "0", "-c", code], tmp_path, {"SECRET_KEY": "k"})
    assert r.stdout.split() == ["False", "0", "False", "False", "None", "7200"], r.stderr
    r = _manage(["check"], tmp_path, {"SECRET_KEY": "k", "CSPERF_HSTS_SECONDS": "soon"})
    assert r.returncode != 0 and "CSPERF_HSTS_SECONDS" in r.stderr and "Traceback" not in r.stderr


def test_every_page_has_a_content_security_policy_without_inline_scripts(world, client):
    client.force_login(world.users["hr"])
    for path in ("/", "/login/", "/org/access/", f"/cycles/{world.cycle.pk}/", "/api/docs"):
        r = client.get(path)
        policy = r["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in policy.split("; ") if part.strip()
        )
        assert directives["script-src"] == ["'self'"], (path, policy)
        assert directives["default-src"] == ["'self'"] and directives["object-src"] == ["'none'"]


def test_templates_have_no_inline_scripts_or_event_handlers():
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    found = []
    for path in PACKAGE.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (inline, handler):
            found += [f"{path.relative_to(PACKAGE)}: {m.group(0)}" for m in pattern.finditer(text)]
        if "javascript:" in text:
            found.append(f"{path.relative_to(PACKAGE)}: javascript: URL")
    assert not found, found
    assert (PACKAGE / "web/static/csperf/app.js").exists()


def test_responses_to_a_login_are_never_stored(world, client, api_client):
    client.force_login(world.users["hr"])
    for path in ("/", f"/cards/{world.card().pk}/", f"/cycles/{world.cycle.pk}/"):
        r = client.get(path)
        assert r.status_code == 200 and "no-store" in r["Cache-Control"], path
    api_client.login("hr")
    r = api_client.get(f"/api/cards/{world.card().pk}")
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    r = client.post(
        "/api/auth/token", {"username": "agent", "password": "pw"}, content_type="application/json"
    )
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]


def test_sessions_end_after_the_idle_time_and_each_request_renews_them(world, client, settings):
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(world.users["agent"])
    key = client.session.session_key
    soon = timezone.now() + timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get("/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=119)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    r = client.get("/")
    assert r.status_code == 302 and r.url.startswith("/login/")
