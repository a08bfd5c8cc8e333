"""Template library: rules in words, precise upload errors, the what-if (nothing stored)."""

from __future__ import annotations

from decimal import Decimal


def test_detail_shows_the_card_with_rules_in_words(client, world, settings):
    client.force_login(world.users["agent"])
    r = client.get(f"/library/{world.template.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "分段线性" in html and "测试考核表" in html and "code: test-card" in html
    assert "/what-if/" not in html  # HR only
    assert client.get(f"/library/{world.template.pk}/what-if/").status_code == 404
    assert client.get("/library/upload/").status_code == 404
    assert "test-card" in client.get("/library/").content.decode()
    # who rates an item, by the roles' names as the page's own "Raters" names them, not by code
    assert "<td>自评 → 主管 → 复核人</td>" in html and "self → supervisor" not in html
    assert '<span class="muted small" translate="no">attitude</span>' in html  # a code
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/library/{world.template.pk}/").content.decode()
    assert "<td>Self → Supervisor → Reviewer</td>" in html


def test_upload_names_file_line_and_path_and_stores_nothing(client, world):
    from csperf.cycles.models import ScorecardTemplate

    client.force_login(world.users["hr"])
    before = ScorecardTemplate.objects.count()
    bad = "code: x\nversion: 1\nname: 坏表\nperiod: month\nsections:\n  - code: a\n    name: A\n    items:\n      - {code: b, name: B, points: abc, rule: {type: manual}}\n"
    r = client.post("/library/upload/", {"source": bad})
    problems = r.context["problems"]
    assert problems and problems[0]["line"] == "9"
    assert problems[0]["path"] == "sections[0].items[0].points"
    assert ScorecardTemplate.objects.count() == before
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post("/library/upload/", {"file": SimpleUploadedFile("mine.yaml", bad.encode())})
    assert r.context["problems"][0]["file"] == "mine.yaml"
    good = world.template.source.replace("version: 1", "version: 2")
    r = client.post("/library/upload/", {"source": good})
    assert r.status_code == 302
    assert ScorecardTemplate.objects.filter(code="test-card", version=2).exists()
    r = client.post("/library/upload/", {"source": good})  # the same version again
    assert "test-card" in r.context["problems"][0]["text"]


def test_what_if_shows_who_would_change_and_writes_nothing(client, world, rate_through):
    from csperf.cycles.models import ScorecardTemplate
    from csperf.reviews.models import Card

    rate_through("agent")
    rate_through("colleague")
    before = {c.pk: (c.total, c.grade, c.pay) for c in Card.objects.filter(cycle=world.cycle)}
    client.force_login(world.users["hr"])
    r = client.get(f"/library/{world.template.pk}/what-if/")
    assert world.cycle in r.context["cycles"]
    # Unchanged template: nobody changes.
    r = client.post(f"/library/{world.template.pk}/what-if/", {"cycle": world.cycle.pk})
    assert r.context["outcome"].changed == []
    # Pass mark 60 -> 99: everyone who passed now fails; a pay base change moves pay.
    edited = world.template.source.replace("{gte: 60, grade: 合格}", "{gte: 99, grade: 合格}")
    edited = edited.replace("base: 1000", "base: 1200")
    r = client.post(
        f"/library/{world.template.pk}/what-if/", {"cycle": world.cycle.pk, "source": edited}
    )
    out = r.context["outcome"]
    passed = [c for c in Card.objects.filter(cycle=world.cycle) if c.grade == "合格"]
    assert out.grade_changes == len(passed) > 0
    assert all(row.new_grade == "不合格" for row in out.rows if row.old_grade == "合格")
    row = next(x for x in out.rows if x.card.employee.code == "E001")
    assert row.pay_delta == (row.old_pay * Decimal("0.2")).quantize(Decimal("0.01"))
    assert "不合格" in r.content.decode()
    # Nothing was stored.
    after = {c.pk: (c.total, c.grade, c.pay) for c in Card.objects.filter(cycle=world.cycle)}
    assert after == before
    assert ScorecardTemplate.objects.filter(code="test-card").count() == 1
    # A broken edit gets the template's errors, not a crash.
    r = client.post(
        f"/library/{world.template.pk}/what-if/",
        {"cycle": world.cycle.pk, "source": edited.replace("points: 60", "points: x")},
    )
    assert r.context["problems"] and r.context["outcome"] is None
