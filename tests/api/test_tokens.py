"""API tokens end with the password, with the login, on request of their holder, and by HR."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import override_settings

from csperf.api.models import ApiToken
from csperf.core.models import AuditEvent

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD = "s3cure-Passw0rd"


class RetiredHasher(MD5PasswordHasher):
    """A hasher the site used before: passwords hashed with it are re-hashed at login."""

    algorithm = "retired"


def _token(client, username="agent", password="pw"):
    r = client.post(
        "/api/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    return r.json()["token"]


def _me(client, token):
    return client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_a_password_change_ends_the_tokens(world, client):
    token = _token(client)
    assert _me(client, token) == 200
    client.force_login(world.users["agent"])
    r = client.post(
        "/password/", {"old_password": "pw", "new_password1": GOOD, "new_password2": GOOD}
    )
    assert r.status_code == 302
    assert _me(client, token) == 401
    assert not ApiToken.objects.filter(user=world.users["agent"]).exists()


def test_a_reset_by_hr_ends_the_tokens(world, client):
    token = _token(client)
    other = _token(client, "colleague")
    client.force_login(world.users["hr"])
    agent = world.users["agent"]
    r = client.post(
        f"/org/access/logins/{agent.pk}/password/", {"password": GOOD, "reason": "忘记密码"}
    )
    assert r.status_code == 302
    assert _me(client, token) == 401 and _me(client, other) == 200


def test_disabling_a_login_ends_its_tokens_for_good(world, client):
    token = _token(client)
    agent = world.users["agent"]
    client.force_login(world.users["hr"])
    client.post(f"/org/access/logins/{agent.pk}/active/", {"active": "0", "reason": "离职"})
    assert _me(client, token) == 401
    client.post(f"/org/access/logins/{agent.pk}/active/", {"active": "1", "reason": "返聘"})
    assert User.objects.get(pk=agent.pk).is_active
    assert _me(client, token) == 401  # enabling again does not bring the old token back


def test_a_rehash_at_login_is_not_a_password_change(world, client):
    agent = world.users["agent"]
    token = _token(client)
    hashers = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "tests.api.test_tokens.RetiredHasher",
    ]
    with override_settings(PASSWORD_HASHERS=hashers[::-1]):
        agent.set_password("pw")
        agent.save()  # a genuine set: the token above ends
    assert _me(client, token) == 401
    assert User.objects.get(pk=agent.pk).password.startswith("retired$")
    with override_settings(PASSWORD_HASHERS=hashers):
        token = _token(client)  # Django re-hashes the retired hash with the MD5 default
    assert User.objects.get(pk=agent.pk).password.startswith("md5$")
    assert _me(client, token) == 200
    second = _token(client)
    assert _me(client, token) == 200 and _me(client, second) == 200


def test_the_holder_revokes_the_token_presented(world, client):
    token = _token(client)
    other = _token(client)
    r = client.post("/api/auth/revoke", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 204
    assert _me(client, token) == 401 and _me(client, other) == 200
    assert client.post("/api/auth/revoke", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert AuditEvent.objects.filter(action="revoke_token").count() == 1


def test_the_auditor_may_revoke_their_own_token(world, client):
    token = _token(client, "auditor")
    assert client.post("/api/auth/revoke", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 204
    assert _me(client, token) == 401


def test_hr_sees_and_revokes_a_persons_tokens(world, client):
    agent = world.users["agent"]
    first, second, third = (_token(client) for _ in range(3))
    keep = _token(client, "colleague")
    ids = sorted(ApiToken.objects.filter(user=agent).values_list("pk", flat=True))
    client.force_login(world.users["hr"])
    page = client.get("/org/access/").content.decode()
    row = page[page.index('id="login-agent"') :].split("</tr>")[0]
    assert all(f"#{i}" in row for i in ids) and "3" in row
    url = f"/org/access/logins/{agent.pk}/tokens/"
    r = client.post(url, {"token": str(ids[0]), "reason": ""}, follow=True)
    assert "原因" in r.content.decode() or "reason" in r.content.decode().lower()
    assert _me(client, first) == 200
    client.post(url, {"token": str(ids[0]), "reason": "笔记本丢失"})
    assert _me(client, first) == 401 and _me(client, second) == 200
    r = client.post(url, {"token": "99999999999999999999", "reason": "x"}, follow=True)
    assert r.status_code == 200 and _me(client, second) == 200
    client.post(url, {"token": "", "reason": "离职"})
    assert _me(client, second) == 401 and _me(client, third) == 401 and _me(client, keep) == 200
    event = AuditEvent.objects.filter(action="revoke_token").order_by("pk").last()
    assert event.reason == "离职" and event.actor == world.users["hr"]


def test_only_hr_revokes_tokens_and_the_auditor_only_reads(world, client):
    agent = world.users["agent"]
    token = _token(client)
    url = f"/org/access/logins/{agent.pk}/tokens/"
    client.force_login(world.users["auditor"])
    page = client.get("/org/access/").content.decode()
    assert f"#{ApiToken.objects.get(user=agent).pk}" in page and url not in page
    assert client.post(url, {"reason": "x"}).status_code in (403, 404)
    client.force_login(world.users["supervisor"])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert _me(client, token) == 200
