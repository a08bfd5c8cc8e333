"""Issue 16 item 4: the missing-data report grouped by feed, then team, each feed linking to the
page that fixes it (csperf.cycles.missing, cycles/_missing.html on the cycle page)."""

from __future__ import annotations

import re

import pytest

from tests.cycles.centre import centre_fixture  # noqa: F401  (the centre fixture)

pytestmark = pytest.mark.django_db


def test_groups_by_feed_then_team_with_counts(centre):
    from csperf.cycles import missing
    from csperf.reviews.models import Card

    groups = missing.by_feed(centre.cycle.pk, Card.objects.filter(cycle=centre.cycle))
    labels = [g.label for g in groups]
    # 李四 has 2 of 10 indicators: each of the 8 others is a feed that left him short
    assert "记录: fcr" in labels and "记录: answer_rate" not in labels
    fcr = next(g for g in groups if g.label == "记录: fcr")
    assert fcr.count == 1 and fcr.input_list == ["fcr"]
    [team] = fcr.team_lines
    assert team.name == "客服一部 / 一组" and team.count == 1
    assert team.people[0]["card"].employee.name == "李四"
    assert all(g.fix_url for g in groups)


def test_the_link_imports_the_record_type_the_indicator_reads(centre):
    from csperf.cycles.missing import fix_for

    url, words = fix_for("answer_rate", "cm-card", centre.cycle.pk)
    assert url == "/records/?kind=calls" and "话务记录" in words
    url, _words = fix_for("some_monthly_value", "cm-card", centre.cycle.pk)
    assert url == "/records/?kind=values"


def test_the_cycle_page_shows_the_report_with_links_and_the_import_page_preselects(centre, client):
    client.force_login(centre.users["hr"])
    html = client.get(f"/cycles/{centre.cycle.pk}/").content.decode()
    block = html[html.index('id="missing-by-feed"') :]
    assert block.count('<details class="missing-feed"') >= 8
    assert "记录: fcr" in block and "李四" in block and "客服一部 / 一组" in block
    hrefs = re.findall(r'href="(/records/\?kind=[a-z_]+)"', block)
    assert hrefs, "each feed links to the import that fixes it"
    page = client.get(hrefs[0].replace("&amp;", "&")).content.decode()
    kind = hrefs[0].split("=")[1]
    assert f'value="{kind}" title="{kind}" selected' in page


def test_a_supervisor_sees_the_report_without_import_links(centre, client):
    client.force_login(centre.users["supervisor"])
    html = client.get(f"/cycles/{centre.cycle.pk}/").content.decode()
    block = html[html.index('id="missing-by-feed"') :]
    assert "李四" in block and "记录: fcr" in block
    assert "/records/?kind=" not in block  # importing is HR's
