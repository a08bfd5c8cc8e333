"""`csperf demo` gives every team's supervisor a login (sup-<team code>), every department's
manager one (mgr-<department code>) and every other person one: access can be tried team by team,
and no stage of any chain lacks a rater, so the demo's cycles open through the gates."""

from __future__ import annotations


def test_every_team_and_department_has_its_login(demo):
    from django.contrib.auth import get_user_model

    from csperf.cycles.models import Cycle
    from csperf.org.models import Department, Employee, Membership, Role, Team
    from csperf.reviews.models import CardStatus

    users = {u.username: u for u in get_user_model().objects.all()}
    for team in Team.objects.all():
        user = users[f"sup-{team.code.lower()}"]
        assert Membership.objects.filter(user=user, role=Role.SUPERVISOR, team=team).exists()
    for dept in Department.objects.all():
        user = users[f"mgr-{dept.code.lower()}"]
        assert Membership.objects.filter(user=user, role=Role.MANAGER, department=dept).exists()
    assert not Employee.objects.filter(user__isnull=True).exists()
    cycle = demo["cycle"]
    assert cycle.status == Cycle.Status.OPEN
    assert not cycle.cards.filter(status=CardStatus.DRAFT).exists()

    # a team's login sees its own team's cards (and its own card)
    from csperf.reviews.access import cards_for_user

    card = demo["cycle"].cards.select_related("team").order_by("team__code").first()
    user = get_user_model().objects.get(username=f"sup-{card.team.code.lower()}")
    own = set(cards_for_user(user).filter(employee__user=user).values_list("pk", flat=True))
    teams = set(cards_for_user(user).exclude(pk__in=own).values_list("team_id", flat=True))
    assert teams == {card.team_id}
    assert user.is_active and user.check_password("demo")
