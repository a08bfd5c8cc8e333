"""Every persona's main pages on a 390 px phone and a 1440 px laptop (issue 16, items 5, 6 and 8).

Each page fails the test on horizontal overflow of the page (the document wider than the window),
on a console or JavaScript error (the session fixture), and, in Chinese, on English words outside
an allow-list of codes, units and names. At 1440 px the header stays on one line, without
overlapping items, in Chinese and in English; at 390 px it folds behind the 菜单 toggle, whose menu
opens and reaches every menu entry. Screenshots go to tests/browser/screenshots/ (gitignored).
"""

from __future__ import annotations

import itertools
import re

import pytest

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}

# The main pages of each demo persona; "card" is the first card linked from the home page.
PAGES = {
    "agent1": ["/", "card", "/qc/", "/cards/appeals/"],
    "supervisor1": ["/", "/board/", "/qc/", "/surveys/"],
    "inspector1": ["/", "/qc/", "/qc/plans/"],
    "manager1": ["/", "/surveys/", "/cards/appeals/"],
    "hr": ["/", "/cycles/", "/library/", "/qc/", "/org/", "/records/"],
    "auditor": ["/", "/reports/audit/"],
}


def _words(text: str) -> set[str]:
    return set(text.split())


# English words a Chinese page may show: product and unit names, abbreviations the centre uses
# (OB 外呼, GS and PBC in the demo's desk and template names).
ALLOWED = _words(
    """csperf qc kpi kpis aht fcr csat nps sla ivr cs hr id pdf xlsx xls csv yaml json api url ok
    vs min max avg pm am mb kb demo english excel wps ob gs pbc v"""
)
# English still shown by pages whose words other parts of issue 16 (item 2: every message through
# gettext) are translating: page -> the words allowed there until then. Remove entries as they go.
PENDING = {
    # the import page: each feed's "one row is" in English and its required column names
    "/records/": _words(
        """about against an attempt calendar call centre complaint customer date day department
        employee error event figure for inbound inspected interaction key kind name national ods
        of offered one or org other outbound outcome period person planned position praise
        recorded request rests sales score service status subject survey target team test the to
        type unit value violation work workday works"""
    ),
    # the audit log: raw action names and values
    "/reports/audit/": {"card", "created", "list", "removed"},
    # the survey list: the survey kind code
    "/surveys/": {"dealer"},
}
# Words with a digit, an underscore, a dot, a hyphen, @ or / are codes, logins, file names or addresses.
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.@/\-]*")
CODE = re.compile(r"[0-9_.@/-]")

TEXT_JS = """() => {
  const skip = new Set(["SCRIPT", "STYLE", "SELECT", "OPTION", "CODE", "PRE", "KBD", "SAMP",
                        "TEXTAREA", "NOSCRIPT"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    let el = n.parentElement, ok = true;
    for (; el; el = el.parentElement) {
      if (skip.has(el.tagName) || el.getAttribute("translate") === "no") { ok = false; break; }
    }
    if (ok && n.textContent.trim()) out.push(n.textContent.trim());
  }
  for (const el of document.querySelectorAll("[title],[placeholder],[aria-label]")) {
    for (const a of ["title", "placeholder", "aria-label"]) {
      if (el.getAttribute(a)) out.push(el.getAttribute(a));
    }
  }
  return out;
}"""

# The header's items, left to right: each one's box (the phone toggle and hidden items aside).
HEADER_JS = """() => {
  const header = document.querySelector("header.top");
  const items = [...header.querySelectorAll(
    ".brand, .nav-panel nav > a, .nav-panel nav > details > summary, .who > summary, form.lang select"
  )].filter(e => e.getClientRects().length);
  return {
    height: header.getBoundingClientRect().height,
    items: items.map(e => {
      const r = e.getBoundingClientRect();
      return {text: e.textContent.trim().slice(0, 30), left: r.left, right: r.right, top: r.top,
              bottom: r.bottom};
    }),
  };
}"""


def _english_words(texts: list[str], names: set[str], pending: set[str]) -> set[str]:
    found = set()
    for text in texts:
        for word in WORD.findall(text):
            if CODE.search(word) or len(word) < 2:
                continue
            if word.lower() in ALLOWED or word in names or word in pending:
                continue
            found.add(word)
    return found


def _check_page(s, label: str, width: int, names: set[str], path: str = "") -> list[str]:
    problems = []
    s.page.wait_for_load_state("load")
    overflow = s.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{label}: the page is {overflow}px wider than the {width}px window")
    if s.locale.startswith("zh"):
        words = _english_words(s.page.evaluate(TEXT_JS), names, PENDING.get(path, set()))
        if words:
            problems.append(f"{label}: English on a Chinese page: {sorted(words)}")
    s.shot(label)
    return problems


def _check_header_one_line(s, label: str) -> list[str]:
    box = s.page.evaluate(HEADER_JS)
    items = sorted(box["items"], key=lambda i: i["left"])
    problems = []
    tops = {round(i["top"] / 8) for i in items}
    if len(tops) > 1 or box["height"] > 56:
        problems.append(f"{label}: the header wraps ({box['height']:.0f}px high): {items}")
    for a, b in itertools.pairwise(items):
        if a["right"] > b["left"] + 1:
            problems.append(f"{label}: {a['text']!r} overlaps {b['text']!r} in the header")
    if items and items[-1]["right"] > LAPTOP["width"]:
        problems.append(f"{label}: the header runs past the window")
    return problems


def _resolve(s, path: str) -> str | None:
    if path != "card":
        return path
    s.go("/")
    link = s.page.locator("main a[href^='/cards/']").filter(has_text=re.compile(r"\S")).first
    href = link.get_attribute("href") if link.count() else None
    return href if href and re.fullmatch(r"/cards/\d+/", href) else None


@pytest.mark.parametrize("persona", list(PAGES))
def test_main_pages_on_a_phone_and_a_laptop(session, persona):
    problems: list[str] = []
    for name, viewport in (("390", PHONE), ("1440", LAPTOP)):
        s = session("zh-CN", viewport)
        s.login(persona)
        # The login's own name (Chinese or a login such as hr) is not English to translate.
        names = set(WORD.findall(s.page.locator(".who > summary").inner_text()))
        paths = [_resolve(s, p) for p in PAGES[persona]]
        assert None not in paths, f"{persona}: no card linked from the home page"
        for path in paths:
            resp = s.go(path)
            assert resp is not None and resp.status == 200, (
                f"{persona} {path}: {resp and resp.status}"
            )
            slug = path.strip("/").replace("/", "-") or "home"
            label = f"{persona}-{name}-{slug}"
            problems += _check_page(s, label, viewport["width"], names, path)
            if name == "1440":
                problems += _check_header_one_line(s, label)
        if name == "390":
            # The header is folded: the menu opens from the toggle and shows every entry.
            s.go("/")
            nav = s.page.locator("header.top nav")
            assert not nav.is_visible(), f"{persona}: the phone header shows the whole menu"
            s.page.locator(".nav-toggle-label").click()
            assert nav.is_visible()
            for group in s.page.locator("header.top nav details.navgroup > summary").all():
                group.click()
            for link in nav.locator("a").all():
                assert link.is_visible(), link.inner_text()
                box = link.bounding_box()
                assert box and box["x"] + box["width"] <= PHONE["width"] + 1, link.inner_text()
            problems += _check_page(s, f"{persona}-390-menu-open", PHONE["width"], names)
        else:
            # The same header in English stays on one line too.
            with s.page.expect_navigation():
                s.page.locator("select[name='language']").select_option("en")
            problems += _check_header_one_line(s, f"{persona}-1440-en")
            s.shot(f"{persona}-1440-en")
    assert not problems, "\n".join(problems)


def test_one_template_menu_and_the_qc_and_survey_entries(session):
    """The menu has one template entry (the library, which links every version), QC for an
    agent (their results) and for staff, surveys for the roles that use them."""
    s = session("zh-CN", LAPTOP)
    s.login("hr")
    nav = s.page.locator("header.top nav")
    hrefs = [a.get_attribute("href") for a in nav.locator("a").all()]
    assert "/library/" in hrefs and "/cycles/templates/" not in hrefs, hrefs
    assert "/qc/" in hrefs and "/surveys/" in hrefs
    s.go("/library/")
    s.page.get_by_role("link", name="全部模板的所有版本").click()
    assert s.page.url.endswith("/cycles/templates/")
    s.page.locator("main").get_by_role("link", name="模板库").click()
    assert s.page.url.endswith("/library/")

    agent = session("zh-CN", LAPTOP)
    agent.login("agent1")
    nav = agent.page.locator("header.top nav")
    assert nav.get_by_role("link", name="我的质检结果").get_attribute("href") == "/qc/"
    assert nav.locator("a[href='/surveys/']").count() == 0
