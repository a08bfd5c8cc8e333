"""File fields in the page's language (issue 16): the browser's own button says "Choose File"
in the browser's language whatever the page's, so each file field is a button of ours
(web/_file_input.html) that reads 选择文件 / "Choose file" and shows the chosen file's name, over
a visually hidden input that keeps the keyboard focus and submits the file without a script.
Screenshots at 390 and 1440 px go to tests/browser/screenshots/file-*.png."""

from __future__ import annotations

import pytest

from tests.browser.test_phone_and_desktop import LAPTOP, PHONE, _check_page

PAGES = ("/library/upload/", "/records/")
WORDS = {"zh-CN": ("选择文件", "未选择文件"), "en-US": ("Choose file", "No file chosen")}
# An unknown rule type: the upload page sends it back with the problem, saving nothing.
BROKEN = "code: broken-upload\nversion: 1\nname: broken\nperiod: month\nsections: nope\n"


def _check_field(s, path: str, viewport: dict, upload) -> list[str]:
    button, none = WORDS[s.locale]
    resp = s.go(path)
    assert resp is not None and resp.status == 200, f"{path}: {resp and resp.status}"
    pick = s.page.locator("main .file-pick").first
    label = pick.locator("label.file-pick-button")
    chosen = pick.locator(".file-pick-name")
    field = pick.locator("input[type=file]")
    assert label.inner_text().strip() == button, path
    assert chosen.inner_text().strip() == none, path
    box = field.bounding_box()
    assert box and box["width"] <= 1 and box["height"] <= 1, f"{path}: the native field shows"
    # Assistive technology names the field by its labels, the button's among them.
    names = field.evaluate("i => [...i.labels].map(l => l.textContent.trim())")
    assert button in names, names
    b = label.bounding_box()
    assert b and b["x"] >= 0 and b["x"] + b["width"] <= viewport["width"], f"{path}: {b}"
    # The keyboard reaches the field, and the button shows where the focus is.
    field.focus()
    s.page.keyboard.press("Shift+Tab")
    s.page.keyboard.press("Tab")
    assert field.evaluate("i => document.activeElement === i"), path
    outline = label.evaluate("l => getComputedStyle(l).outlineStyle")
    assert outline == "solid", f"{path}: no focus ring on the button ({outline})"
    with s.page.expect_file_chooser() as chooser:
        label.click()
    chooser.value.set_files(str(upload))
    assert chosen.inner_text().strip() == upload.name
    shot = f"file-{path.strip('/').replace('/', '-')}-{s.locale}-{viewport['width']}"
    return _check_page(s, shot, viewport["width"], {upload.name})


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_file_field_reads_in_the_pages_language(session, locale, tmp_path):
    upload = tmp_path / "monthly-card.yaml"
    upload.write_text(BROKEN, encoding="utf-8")
    problems: list[str] = []
    for viewport in (PHONE, LAPTOP):
        s = session(locale, viewport)
        s.login("hr")
        for path in PAGES:
            problems += _check_field(s, path, viewport, upload)
    assert not problems, "\n".join(problems)


def test_the_file_goes_with_the_form_without_a_script(browser, server, tmp_path):
    upload = tmp_path / "monthly-card.yaml"
    upload.write_text(BROKEN, encoding="utf-8")
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{server}/login/")
        page.get_by_label("Username").or_(page.get_by_label("用户名")).fill("hr")
        page.get_by_label("Password").or_(page.get_by_label("密码")).fill("demo")
        page.locator("main form button[type=submit], main form button").first.click()
        page.wait_for_load_state()
        page.goto(f"{server}/library/upload/")
        page.locator("#template-file").set_input_files(str(upload))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        # The server read the file: its text comes back in the editor, with the problem.
        assert page.locator("textarea[name=source]").input_value() == BROKEN
        assert "monthly-card.yaml" in page.locator("main").inner_text()
    finally:
        context.close()
