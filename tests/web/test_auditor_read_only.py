"""The auditor reads only: every write of the pages and of the API answers 403, before any view
runs; the pages show them no action buttons. Logging out, changing one's password, switching
language and revoking one's own API token stay open."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from csperf.api.api import api
from csperf.api.models import ApiToken
from csperf.org.models import Employee, Membership, Role

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete")
# Posts a read-only login keeps (its own session, password, language) — by URL name.
ALLOWED_NAMES = {"login", "logout", "password-change", "set_language"}


def _walk(patterns, prefix: str = "", namespaces: tuple[str, ...] = ()):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = (*namespaces, p.namespace) if p.namespace else namespaces
            yield from _walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            yield route, namespaces, p.name


def _ids(world) -> dict[str, int]:
    card = world.card()
    return {
        "card_id": card.pk,
        "cycle_id": world.cycle.pk,
        "template_id": world.template.pk,
        "employee_id": world.employees["agent"].pk,
        "login_id": world.users["agent"].pk,
        "membership_id": Membership.objects.get(user=world.users["supervisor"]).pk,
    }


def _fill(route: str, ids: dict[str, int]) -> str:
    def one(m: re.Match) -> str:
        conv, name = m.group(1) or "str", m.group(2)
        if conv == "int":
            return str(ids.get(name, 1))
        return "x"

    path = re.sub(r"<(?:(\w+):)?(\w+)>", one, route)
    path = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
    return "/" + path.lstrip("^").rstrip("$")


def web_routes(world) -> list[tuple[str, str]]:
    ids = _ids(world)
    out = []
    for route, namespaces, name in _walk(get_resolver().url_patterns):
        if "api" in namespaces or name in ALLOWED_NAMES:
            continue
        out.append((_fill(route, ids), f"{':'.join(namespaces)}:{name}"))
    return out


def api_operations(world) -> list[tuple[str, str]]:
    ids = _ids(world)
    schema = api.get_openapi_schema(path_prefix="/api")
    out = []
    for path, ops in schema["paths"].items():
        for method in ops:
            if method in UNSAFE and path != "/api/auth/token":
                out.append((method, _fill(path.lstrip("/"), ids)))
    return out


def test_every_page_write_answers_403_to_the_auditor(world, client):
    routes = web_routes(world)
    assert len(routes) > 60  # the whole site, not a handful
    assert any(name == "board:bulk" for _, name in routes)
    client.force_login(world.users["auditor"])
    wrong = []
    for path, name in routes:
        for method in UNSAFE:
            r = getattr(client, method)(path, {"reason": "x", "action": "approve"})
            if r.status_code != 403:
                wrong.append((method, path, name, r.status_code))
    assert not wrong, wrong
    r = client.post(f"/cards/{world.card().pk}/step/", {"action": "publish"})
    assert "审计员只读" in r.content.decode()  # a page in words, not a bare 403


def test_every_api_write_answers_403_to_the_auditor(world, api_client):
    ops = api_operations(world)
    assert ("post", "/api/board/bulk") in ops and len(ops) > 20
    api_client.login("auditor")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_client.token}"}
    from django.test import Client

    client = Client()
    wrong = []
    for method, path in ops:
        if (method, path) == ("post", "/api/auth/revoke"):
            continue  # revoking one's own token (below)
        r = getattr(client, method)(path, {}, content_type="application/json", **headers)
        if r.status_code != 403:
            wrong.append((method, path, r.status_code))
    assert not wrong, wrong
    r = api_client.post(
        "/api/board/bulk",
        {"cycle": world.cycle.pk, "action": "approve", "cards": [world.card().pk], "reason": "x"},
    )
    assert r.status_code == 403 and "done" not in r.json()


def test_other_roles_still_write(world, client, api_client):
    """The guard is for read-only logins only: HR, supervisors and an auditor who is also an
    employee keep their steps."""
    client.force_login(world.users["hr"])
    r = client.post(f"/cycles/{world.cycle.pk}/compute/")
    assert r.status_code == 302
    api_client.login("hr")
    r = api_client.post("/api/cycles", {"period": "2026-09"})
    assert r.status_code == 201, r.content
    # An auditor who works here too (holds an employee record) acts on their own card.
    Membership.objects.create(user=world.users["agent"], role=Role.AUDITOR)
    api_client.login("agent")
    r = api_client.put(
        f"/api/cards/{world.card().pk}/ratings",
        {"ratings": [{"item": "attitude", "value": 3}]},
    )
    assert r.status_code == 200, r.content


def test_the_auditor_logs_out_changes_password_switches_language(world, client):
    auditor = world.users["auditor"]
    client.force_login(auditor)
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    r = client.post(
        "/password/",
        {
            "old_password": "pw",
            "new_password1": "N3w-secret-pass",
            "new_password2": "N3w-secret-pass",
        },
    )
    assert r.status_code == 302
    auditor.refresh_from_db()
    assert auditor.check_password("N3w-secret-pass")
    r = client.post("/logout/")
    assert r.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_auditor_revokes_their_own_token(world, api_client, client):
    api_client.login("auditor")
    assert api_client.get("/api/me").status_code == 200
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_client.token}"}
    r = client.post("/api/auth/revoke", **headers)
    assert r.status_code == 204
    assert not ApiToken.objects.filter(user=world.users["auditor"]).exists()
    assert api_client.get("/api/me").status_code == 401


def _post_forms(html: str) -> list[str]:
    return re.findall(r"<form\b[^>]*method=[\"']post[\"'][^>]*>", html, flags=re.I)


def _allowed_form(tag: str) -> bool:
    return any(a in tag for a in ('action="/logout/"', 'action="/i18n/setlang/"'))


def main_pages(world) -> list[str]:
    card = world.card()
    cyc = world.cycle.pk
    return [
        "/",
        "/cycles/",
        f"/cycles/{cyc}/",
        f"/cards/{card.pk}/",
        "/cards/appeals/",
        "/board/",
        f"/board/?cycle={cyc}",
        "/board/plans/",
        "/qc/",
        "/qc/plans/",
        "/surveys/",
        "/surveys/followups/",
        "/events/",
        "/library/",
        f"/library/{world.template.pk}/",
        "/cycles/templates/",
        "/org/",
        f"/org/employees/{world.employees['agent'].pk}/",
        "/org/access/",
        "/reports/",
    ]


def test_the_auditor_sees_no_action_buttons(world, rate_through, client):
    rate_through()  # a card waiting for HR: the page offers HR its steps
    client.force_login(world.users["auditor"])
    shown = {}
    for path in main_pages(world):
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code)
        forms = [f for f in _post_forms(r.content.decode()) if not _allowed_form(f)]
        if forms:
            shown[path] = forms
    assert not shown, shown
    # The same pages show HR its buttons (the check above can fail).
    client.force_login(world.users["hr"])
    html = client.get(f"/cycles/{world.cycle.pk}/").content.decode()
    assert [f for f in _post_forms(html) if not _allowed_form(f)]


def test_an_auditor_who_is_an_employee_is_not_read_only(world):
    from csperf.org.readonly import is_read_only

    auditor = world.users["auditor"]
    assert is_read_only(auditor)
    Employee.objects.create(code="E900", name="审计兼员工", user=auditor)
    auditor = type(auditor).objects.get(pk=auditor.pk)  # the scope is cached per user object
    assert not is_read_only(auditor)
    assert not is_read_only(world.users["hr"])
