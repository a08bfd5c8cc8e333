"""The header menu (issue 16 item 5): QC and surveys for the roles that use them, one template
entry, the phone toggle; stage names the same as the workflow's rater labels everywhere."""

from __future__ import annotations

import re

import pytest
from django.utils import translation


def _header(client, user) -> str:
    client.force_login(user)
    page = client.get("/").content.decode()
    return page.split('<header class="top">', 1)[1].split("</header>", 1)[0]


def _hrefs(header: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', header)


@pytest.mark.django_db
def test_each_role_sees_qc_and_surveys_as_its_access_allows(world, client):
    u = world.users
    for who, qc_label, surveys in (
        ("hr", "质检", True),
        ("auditor", "质检", True),
        ("supervisor", "质检", True),
        ("reviewer", "质检", True),  # a department manager
        ("inspector", "质检", False),
        ("agent", "我的质检结果", False),
    ):
        header = _header(client, u[who])
        assert f'<a href="/qc/">{qc_label}</a>' in header, who
        assert ('<a href="/surveys/">回访/满意度</a>' in header) is surveys, who
    assert "/qc/" not in _hrefs(_header(client, u["outsider"]))


@pytest.mark.django_db
def test_one_template_entry_and_the_pages_link_each_other(world, client):
    header = _header(client, world.users["hr"])
    hrefs = _hrefs(header)
    assert hrefs.count("/library/") == 1 and "/cycles/templates/" not in hrefs
    assert "考核表模板" in header and "模板库" not in header
    library = client.get("/library/").content.decode()
    assert 'href="/cycles/templates/"' in library and "全部模板的所有版本" in library
    versions = client.get("/cycles/templates/").content.decode()
    assert 'href="/library/"' in versions
    # raters and period in words, as the workflow names them (not self → supervisor → reviewer)
    for page in (library, versions):
        assert "自评 → 主管 → 复核人" in page and "月度" in page
        assert "self → supervisor" not in page


@pytest.mark.django_db
def test_the_header_folds_behind_a_menu_toggle_without_inline_script(world, client):
    header = _header(client, world.users["agent"])
    assert '<input type="checkbox" id="nav-toggle" class="nav-toggle">' in header
    assert '<label for="nav-toggle" class="nav-toggle-label">' in header and "菜单" in header
    assert "<script" not in header and "onclick" not in header and "onchange" not in header


def test_stage_names_use_the_workflow_rater_labels():
    from csperf.reviews.models import CardStatus
    from csperf.reviews.workflow import ROLE_LABELS, ROLE_STAGE

    with translation.override("zh-hans"):
        for role in ("self", "supervisor", "reviewer", "property_manager"):
            stage = CardStatus(ROLE_STAGE[role]).label
            assert str(ROLE_LABELS[role]) in str(stage), (role, str(stage))
        assert str(CardStatus.REVIEWER_REVIEW.label) == "复核人复评"
