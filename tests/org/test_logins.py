"""Logins and roles: HR creates logins, grants and removes roles, resets passwords; the auditor
reads; nobody else sees the page. Every change is on the audit trail."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from csperf.core.errors import InvalidInput, NotAllowed
from csperf.core.models import AuditEvent
from csperf.org import actions
from csperf.org.access import scope_for
from csperf.org.models import Membership, Role
from csperf.reviews.access import cards_for_user

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD = "s3cure-Passw0rd"


def _fresh(user):
    return User.objects.get(pk=user.pk)  # drops the cached scope


def test_a_login_for_an_employee_sees_only_their_own_cards(world):
    hr = world.users["hr"]
    emp = world.employees["other_dept"]  # on the roster, no login yet
    login = actions.create_login(hr, username="zhaoliu", password=GOOD, employee=emp)
    emp.refresh_from_db()
    assert emp.user == login and login.first_name == "赵六"
    assert login.check_password(GOOD)
    assert set(cards_for_user(login).values_list("employee__code", flat=True)) == {"E004"}
    event = AuditEvent.objects.get(action="create_login")
    assert (event.actor, event.new, event.object_type) == (hr, "zhaoliu", "employee")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": ""}, "username"),
        ({"username": "bad name!"}, "username"),
        ({"username": "AGENT"}, "username"),  # taken, case-insensitively
        ({"password": "short"}, "password"),
        ({"employee": "agent"}, "employee"),  # already has a login
    ],
)
def test_bad_logins_are_refused_with_the_field_and_nothing_is_stored(world, kwargs, field):
    args = {"username": "newbie", "password": GOOD, "employee": None}
    args.update(kwargs)
    if args["employee"]:
        args["employee"] = world.employees[args["employee"]]
    before = User.objects.count()
    with pytest.raises(InvalidInput) as exc:
        actions.create_login(world.users["hr"], **args)
    assert exc.value.field == field
    assert User.objects.count() == before


def test_only_hr_changes_logins_and_roles(world):
    for who in ("agent", "supervisor", "reviewer", "auditor", "outsider"):
        actor = world.users[who]
        with pytest.raises(NotAllowed):
            actions.create_login(actor, username="x1", password=GOOD)
        with pytest.raises(NotAllowed):
            actions.grant_role(actor, world.users["outsider"], Role.AUDITOR)
        with pytest.raises(NotAllowed):
            actions.reset_password(actor, world.users["agent"], password=GOOD)
        with pytest.raises(NotAllowed):
            actions.revoke_role(actor, Membership.objects.first(), reason="x")


def test_revoking_a_role_narrows_the_scope_and_is_recorded(world):
    hr = world.users["hr"]
    sup = world.users["supervisor"]
    m = Membership.objects.get(user=sup, role=Role.SUPERVISOR)
    with pytest.raises(InvalidInput) as exc:
        actions.revoke_role(hr, m, reason=" ")
    assert exc.value.field == "reason"
    assert cards_for_user(_fresh(sup)).exists()
    actions.revoke_role(hr, m, reason="调离组长岗位")
    assert not cards_for_user(_fresh(sup)).exists()
    event = AuditEvent.objects.get(action="revoke_role")
    assert event.reason == "调离组长岗位" and "sup" in event.old


def test_the_last_hr_admin_cannot_be_removed(world):
    hr = world.users["hr"]
    own = Membership.objects.get(user=hr, role=Role.HR)
    with pytest.raises(InvalidInput):
        actions.revoke_role(hr, own, reason="离职")
    second = actions.grant_role(hr, world.users["outsider"], Role.HR)
    actions.revoke_role(hr, own, reason="离职")
    assert not Membership.objects.filter(pk=own.pk).exists()
    assert Membership.objects.filter(pk=second.pk).exists()


def test_a_disabled_login_has_no_scope_and_cannot_disable_yourself(world):
    hr = world.users["hr"]
    agent = world.users["agent"]
    with pytest.raises(InvalidInput):
        actions.set_login_active(hr, hr, active=False, reason="x")
    actions.set_login_active(hr, agent, active=False, reason="离职")
    assert not cards_for_user(_fresh(agent)).exists()
    assert scope_for(_fresh(agent)).employee_id is None
    actions.set_login_active(hr, agent, active=True, reason="返岗")
    assert cards_for_user(_fresh(agent)).exists()
    assert [e.new for e in AuditEvent.objects.filter(action="set_login_active").order_by("id")] == [
        False,
        True,
    ]


def test_password_reset_keeps_the_value_out_of_the_audit_trail(world):
    hr = world.users["hr"]
    agent = world.users["agent"]
    with pytest.raises(InvalidInput) as exc:
        actions.reset_password(hr, agent, password="agent")
    assert exc.value.field == "password"
    actions.reset_password(hr, agent, password=GOOD, reason="忘记密码")
    assert _fresh(agent).check_password(GOOD)
    event = AuditEvent.objects.get(action="reset_password")
    assert GOOD not in f"{event.old}{event.new}{event.reason}"


# -- pages -------------------------------------------------------------------------------------


def test_the_page_is_for_hr_and_the_auditor(world, client):
    for who, status in [("hr", 200), ("auditor", 200), ("supervisor", 404), ("agent", 404)]:
        client.force_login(world.users[who])
        r = client.get("/org/access/")
        assert r.status_code == status, who
        if status == 200:
            text = r.content.decode()
            assert 'id="login-supervisor"' in text
            # Only HR gets the forms.
            assert ("/org/access/logins/" in text) == (who == "hr")


def test_hr_walks_a_new_supervisor_in_through_the_page(world, client):
    client.force_login(world.users["hr"])
    r = client.post(
        "/org/access/logins/", {"username": "lead2", "password": GOOD, "full_name": "孙组长"}
    )
    assert r.status_code == 302
    lead = User.objects.get(username="lead2")
    # A supervisor without a team is refused with the reason on the page.
    r = client.post(
        "/org/access/roles/",
        {"username": "lead2", "role": "supervisor"},
        follow=True,
        HTTP_REFERER="/org/access/",
    )
    assert "主管角色需要指定班组。" in r.content.decode()
    assert not Membership.objects.filter(user=lead).exists()
    client.post(
        "/org/access/roles/",
        {"username": "lead2", "role": "supervisor", "team": world.teams["T2"].pk},
    )
    assert scope_for(_fresh(lead)).supervised_team_ids == {world.teams["T2"].pk}
    # The other roles' users cannot post to it.
    client.force_login(world.users["auditor"])
    r = client.post(
        "/org/access/logins/",
        {"username": "x9", "password": GOOD},
        follow=True,
        HTTP_REFERER="/org/access/",
    )
    assert not User.objects.filter(username="x9").exists()
    m = Membership.objects.get(user=lead)
    client.force_login(world.users["supervisor"])
    assert client.post(f"/org/access/roles/{m.pk}/revoke/", {"reason": "x"}).status_code == 404
    assert Membership.objects.filter(pk=m.pk).exists()


def test_everyone_changes_their_own_password(world, client):
    agent = world.users["agent"]
    client.force_login(agent)
    r = client.post(
        "/password/",
        {"old_password": "wrong", "new_password1": GOOD, "new_password2": GOOD},
    )
    assert r.status_code == 200 and not _fresh(agent).check_password(GOOD)
    r = client.post(
        "/password/", {"old_password": "pw", "new_password1": GOOD, "new_password2": GOOD}
    )
    assert r.status_code == 302
    assert _fresh(agent).check_password(GOOD)
    assert AuditEvent.objects.filter(action="change_password", actor=agent).exists()
