"""Browser tests: the demo served by `csperf demo`, driven by Playwright through Debian's chromium.

Never downloads a browser: the tests use /usr/bin/chromium (`apt-get install -y chromium`; .ci/run
installs it) and are skipped, with the reason, only when it is absent. Any JavaScript error or
console error on any page fails the test. Screenshots of each main page go to
tests/browser/screenshots/ (gitignored) to be looked at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path(__file__).parent / "screenshots"

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"{CHROMIUM} is absent (install it with `apt-get install -y chromium`)",
        allow_module_level=True,
    )
playwright_sync = pytest.importorskip("playwright.sync_api", reason="pip install playwright")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Package scope: Playwright's sync API keeps an event loop in this thread while it runs, and
# Django refuses database work under a running loop; the tests after this folder need it gone.
@pytest.fixture(scope="package")
def server(tmp_path_factory):
    """`csperf demo` on a free port with its own data directory (SQLite, embedded job worker)."""
    data = tmp_path_factory.mktemp("demo")
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "CSPERF_JOBS_EMBEDDED", "DATABASE_URL")
    }
    env["DJANGO_SETTINGS_MODULE"] = "csperf.web.settings"
    env["SECRET_KEY"] = "csperf-browser-tests"
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "csperf.cli.main",
            "demo",
            "--data",
            str(data),
            "--agents",
            "12",
            "--months",
            "2",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # the demo builds a year of records first
    while True:
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=2)
            break
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError((data / "server.log").read_text()[-3000:]) from None
            time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="package")
def browser():
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Session:
    """One login in its own browser context; collects JavaScript errors of every page."""

    def __init__(self, browser, url: str, locale: str, viewport: dict) -> None:
        self.url = url
        self.locale = locale
        self.errors: list[str] = []
        self.context = browser.new_context(locale=locale, viewport=viewport, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"console {m.type}: {m.text} ({self.page.url})")
                if m.type == "error"
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e} ({self.page.url})"))
        self.page.set_default_timeout(15000)

    def go(self, path: str):
        resp = self.page.goto(self.url + path)
        return resp

    def login(self, username: str, password: str = "demo") -> None:
        self.go("/login/")
        self.page.get_by_label("Username").or_(self.page.get_by_label("用户名")).fill(username)
        self.page.get_by_label("Password").or_(self.page.get_by_label("密码")).fill(password)
        self.page.get_by_role("button", name="Log in").or_(
            self.page.get_by_role("button", name="登录")
        ).click()
        self.page.wait_for_load_state()
        # Switch the language the way a person does: the header's language menu.
        lang = "en" if self.locale.startswith("en") else "zh-hans"
        menu = self.page.locator("select[name='language']")
        if menu.input_value() != lang:
            with self.page.expect_navigation():
                menu.select_option(lang)

    def shot(self, name: str) -> None:
        SHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        assert not self.errors, "JavaScript errors:\n" + "\n".join(self.errors)


@pytest.fixture
def session(browser, server):
    opened: list[Session] = []

    def open_(locale: str = "en-US", viewport: dict | None = None) -> Session:
        s = Session(browser, server, locale, viewport or {"width": 1280, "height": 860})
        opened.append(s)
        return s

    yield open_
    for s in opened:
        s.close()
