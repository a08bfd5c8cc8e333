"""The printed card in the reader's language (issue 16): the xlsx card from the CLI and the web,
and the PDF card, read in English in an English UI and exactly as before in zh-Hans."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.utils import translation

from csperf.cli.main import main
from csperf.exports.scorecard_xlsx import PRINTED_WORDS, card_columns
from csperf.reviews.print_labels import card_words
from tests.exports.test_printed_card import card_xlsx  # noqa: F401  (a fixture)

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
EN_SIGNATURES = [
    "Assessed employee (signature):",
    "Assessor (signature):",
    "Reviewer (signature):",
    "Date:",
]
ZH_SIGNATURES = ["被考核人(签字):", "考核人(签字):", "复核人(签字):", "日期:"]


def _texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def _row(ws, first: str, col: int = 0) -> list:
    return [c.value for c in next(r for r in ws.iter_rows() if r[col].value == first)]


def test_the_chinese_words_are_the_workbooks_own_and_english_has_no_chinese():
    with translation.override("zh-hans"):
        zh = card_words()
    assert set(zh) == set(PRINTED_WORDS)
    assert {k: v for k, v in zh.items() if k != v} == {}  # a Chinese print is as it was
    with translation.override("en"):
        en = card_words()
    assert set(en) == set(PRINTED_WORDS)
    assert {k: v for k, v in en.items() if CJK.search(v)} == {}
    for zh_word, en_word in en.items():  # the same fields to fill in
        assert re.findall(r"{\w+}", zh_word) == re.findall(r"{\w+}", en_word), zh_word


def _cli_card(tmp_path, *lang: str):
    """The CLI's workbook of tests.exports.test_printed_card's template, in ``lang``."""
    from tests.exports.test_printed_card import TEMPLATE

    t = tmp_path / "t.yaml"
    t.write_text(TEMPLATE, encoding="utf-8")
    i = tmp_path / "i.json"
    i.write_text(
        '{"period": "2026-03", "employees": [{"id": "E1", "name": "张三", '
        '"values": {"keep": 0.835, "late": {"late": 2}}, '
        '"ratings": {"attitude": {"self": 2, "supervisor": 1}}}]}',
        encoding="utf-8",
    )
    out = tmp_path / "card.xlsx"
    argv = ["score", str(t), "--input", str(i), "--format", "xlsx", "-o", str(out), *lang]
    assert main(argv) == 0
    return openpyxl.load_workbook(out)


def test_the_cli_prints_an_english_card(tmp_path):
    wb = _cli_card(tmp_path, "--lang", "en")
    assert wb.sheetnames == ["Summary", "E1 张三"]
    summary = wb["Summary"]
    assert summary["A1"].value == "打印测试表 — 2026-03 summary"
    assert _row(summary, "Employee ID")[:5] == [
        "Employee ID",
        "Name",
        "Team",
        "Department",
        "Total",
    ]
    ws = wb["E1 张三"]
    assert _row(ws, "Section") == [
        "Section",
        "Item",
        "Weight / points",
        "Target",
        "Scoring rule",
        "Actual",
        "Self-rating",
        "Supervisor",
        "Score",
        "Explanation",
    ]
    assert _row(ws, "Period")[:6] == ["Period", "2026-03", "Name", "张三", "Position", None]
    texts = _texts(ws)
    for label in (*EN_SIGNATURES, "Total", "Grade", "Rank", "Performance pay", "业绩 subtotal"):
        assert label in texts, label
    # 说明 follows the language too (csperf.scoring.explain)
    keep = _row(ws, "保有率", 1)
    assert keep[-1] == (
        "保有率 83.5%, target 86.5%, 3% below target, minus 2 points per 1%, 14 points."
    )
    assert not [t for t in texts if t in ZH_SIGNATURES or t in ("总分", "汇总", "考核维度")]


def test_the_cli_translates_without_django_settings(tmp_path):
    """A plain `csperf score` process: Django is set up for its translations only, even where
    DJANGO_SETTINGS_MODULE names settings that need a secret key and a database."""
    import os
    import subprocess
    import sys

    _cli_card(tmp_path)  # writes the template and inputs
    out = tmp_path / "en.xlsx"
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "csperf.web.settings"  # a deployment's, without its secrets
    argv = ["score", str(tmp_path / "t.yaml"), "--input", str(tmp_path / "i.json")]
    argv += ["--format", "xlsx", "-o", str(out), "--lang", "en"]
    done = subprocess.run(
        [sys.executable, "-m", "csperf.cli.main", *argv], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(out).worksheets[1]
    assert _row(ws, "Section")[:2] == ["Section", "Item"]
    assert "Assessor (signature):" in _texts(ws)


def test_the_cli_card_stays_chinese_by_default(tmp_path, card_xlsx):  # noqa: F811
    wb = _cli_card(tmp_path)
    assert wb.sheetnames[0] == "汇总"
    texts = _texts(wb.worksheets[1])
    assert all(label in texts for label in ZH_SIGNATURES)
    assert _row(wb.worksheets[1], "考核维度") == _row(card_xlsx, "考核维度")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_web_workbook_is_in_the_readers_language(world, client, rate_through, lang):
    from django.conf import settings

    card = rate_through("agent")
    client.force_login(world.users["hr"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    r = client.get(f"/cards/{card.pk}/export.xlsx")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    with translation.override(lang):
        words = card_words()
    head = card_columns(["self", "supervisor", "reviewer"], lang, words)
    assert _row(ws, head[0]) == head
    texts = _texts(ws)
    signatures = EN_SIGNATURES if lang == "en" else ZH_SIGNATURES
    assert all(label in texts for label in signatures), texts
    if lang == "en":
        assert head[:2] == ["Section", "Item"] and head[6:9] == [
            "Self-rating",
            "Supervisor",
            "Reviewer",
        ]
        assert not [t for t in texts if t in ZH_SIGNATURES or t in ("总分", "考核维度")]
        explained = [row[-1] for row in ws.iter_rows(values_only=True) if row[-1]]
        assert any(t.endswith(" points.") for t in explained if isinstance(t, str)), explained
    else:
        assert head == card_columns(["self", "supervisor", "reviewer"])  # as it always was


def _pdf_words(view) -> list[str]:
    """Every text the PDF card draws (its story's paragraphs, tables included)."""
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Table

    from csperf.reports import pdf

    words: list[str] = []
    build = SimpleDocTemplate.build

    def keep(doc, flowables, *args, **kwargs):
        # the words before the build, which wraps, splits and consumes the flowables
        words.extend(t for f in flowables for t in walk(f))
        return build(doc, flowables, *args, **kwargs)

    def walk(f) -> list[str]:
        if isinstance(f, Paragraph):
            return [f.text]
        if isinstance(f, Table):
            return [t for row in f._cellvalues for cell in row for t in walk(cell)]
        if isinstance(f, KeepTogether):
            return [t for x in f._content for t in walk(x)]
        return []

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(SimpleDocTemplate, "build", keep)
        data = pdf.card_pdf(view)
    assert data.startswith(b"%PDF")
    return words


@pytest.mark.django_db
def test_the_pdf_card_is_in_the_readers_language(world, rate_through):
    from csperf.reviews import actions
    from csperf.reviews.presenters import card_detail

    card = rate_through("agent")
    actions.publish(world.users["hr"], card)
    with translation.override("en"):
        en = _pdf_words(card_detail(world.users["hr"], card))
    with translation.override("zh-hans"):
        zh = _pdf_words(card_detail(world.users["hr"], card))
    sign = [t for t in en if t.endswith(": ________________")]
    assert sign == [f"{w}: ________________" for w in ("Assessor", "Assessed employee", "Reviewer")]
    assert en.count("Date: ________ / ____ / ____") == 3
    assert "Self-rating" in en and "Supervisor" in en and "Explanation" in en
    assert any(t.startswith("Total: ") for t in en) and not [t for t in en if "：" in t]
    assert any("张三 (E001)" in t for t in en)
    sign = [t for t in zh if t.endswith("：________________")]
    assert sign == [f"{w}：________________" for w in ("考核人", "被考核人", "复核人")]
    assert zh.count("日期：______年____月____日") == 3
    assert "自评" in zh and any(t.startswith("总分：") for t in zh)
    assert any("张三（E001）" in t for t in zh)
