"""Survey pages: upload a file, see the figures, work and close a follow-up."""

from __future__ import annotations

import pytest

from csperf.surveys.models import FollowUp, Response
from tests.surveys.conftest import write_csv
from tests.surveys.test_import import HEADER, ROWS

pytestmark = pytest.mark.django_db


def test_upload_figures_and_followup(sv, client, tmp_path):
    s = sv.surveys["dealer-sales"]
    client.force_login(sv.users["reviewer"])
    assert client.get("/surveys/").status_code == 200
    path = write_csv(tmp_path / "sales.csv", HEADER, ROWS)
    with path.open("rb") as f:
        r = client.post(f"/surveys/{s.pk}/import/", {"file": f})
    assert r.status_code == 302 and Response.objects.count() == 8
    page = client.get(f"/surveys/{s.pk}/?grain=quarter").content.decode()
    assert "76.56" in page  # S01's Q1 CS
    bad = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        [["Z", "x", "完成", "", "E001", "很好", "很好", "很好", "很好"]],
    )
    with bad.open("rb") as f:
        page = client.post(f"/surveys/{s.pk}/import/", {"file": f}, follow=True).content.decode()
    assert "bad.csv:2:回访时间" in page
    client.force_login(sv.users["supervisor"])
    f = FollowUp.objects.get(response__response_id="E")
    assert client.get("/surveys/followups/").status_code == 200
    r = client.post(
        f"/surveys/followups/{f.pk}/step/",
        {"step": "close", "outcome": "resolved", "notes": "已上门致歉"},
    )
    f.refresh_from_db()
    assert f.status == "closed"
    client.force_login(sv.users["other_team_agent"])
    assert client.get(f"/surveys/followups/{f.pk}/").status_code == 404
    client.force_login(sv.users["agent"])
    page = client.get(f"/surveys/{s.pk}/").content.decode()
    assert "E001" in page and "E002" not in page


@pytest.mark.parametrize(
    ("language", "expected", "unexpected"),
    [
        (
            "zh-hans",
            ["没有列写明回访针对的人员（坐席工号, 销售顾问）", "'x' 不是日期时间"],
            ["no column"],
        ),
        ("en", ["no column names who the survey is about (坐席工号, 销售顾问)"], ["没有列写明"]),
    ],
)
def test_upload_problems_in_the_readers_language(
    sv, client, settings, tmp_path, language, expected, unexpected
):
    """A survey upload's problems, the header's and a row's, read in the reader's language."""
    s = sv.surveys["dealer-sales"]
    client.force_login(sv.users["reviewer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    no_people = write_csv(tmp_path / "cols.csv", ["回访编号", "回访时间", "回访状态", "q1"], [])
    bad_time = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        [["Z", "x", "完成", "", "E001", "很好", "很好", "很好", "很好"]],
    )
    pages = []
    for path in (no_people, bad_time):
        with path.open("rb") as f:
            r = client.post(f"/surveys/{s.pk}/import/", {"file": f}, follow=True)
        pages.append(r.content.decode())
    page = "\n".join(pages).replace("&#x27;", "'")
    assert [e for e in expected if e not in page] == []
    assert [u for u in unexpected if u in page] == []


def test_survey_page_names_roles_not_codes(sv, client, tmp_path):
    """A role by the column that names its people (销售顾问), in the questions, the figures and
    the responses' credits; its code (sales) nowhere a reader reads."""
    s = sv.surveys["dealer-sales"]
    client.force_login(sv.users["reviewer"])
    path = write_csv(tmp_path / "sales.csv", HEADER, ROWS)
    with path.open("rb") as f:
        client.post(f"/surveys/{s.pk}/import/", {"file": f})
    page = client.get(f"/surveys/{s.pk}/").content.decode()
    # the question's code is the file's column: a code, not a word to translate
    assert '<td translate="no">q1</td><td>销售顾问接待是否热情专业</td><td>销售顾问</td>' in page
    assert '<td>销售顾问</td><td class="num">' in page  # a row of figures
    assert "(销售顾问 " in page  # a response's credit
    assert "<td>sales</td>" not in page and "(sales" not in page


def test_an_unreadable_survey_file_is_refused_in_the_readers_language(sv, client, tmp_path):
    """The reader's refusal (csperf.ingest, a msgid and params) in Chinese on the survey page."""
    s = sv.surveys["dealer-sales"]
    client.force_login(sv.users["reviewer"])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a zip's first bytes, then nothing
    with broken.open("rb") as f:
        page = client.post(f"/surveys/{s.pk}/import/", {"file": f}, follow=True).content.decode()
    assert "broken.xlsx: 不是 .xlsx 工作簿（文件不是 zip 压缩包，可能已损坏）" in page
    assert "not a .xlsx workbook" not in page


def test_a_survey_file_without_rows_says_so_in_chinese(sv, client, tmp_path):
    s = sv.surveys["dealer-sales"]
    client.force_login(sv.users["reviewer"])
    empty = write_csv(tmp_path / "empty.csv", HEADER, [])
    with empty.open("rb") as f:
        page = client.post(f"/surveys/{s.pk}/import/", {"file": f}, follow=True).content.decode()
    assert "empty.csv: 文件中没有数据行" in page and "has no rows" not in page
