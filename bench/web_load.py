"""Load test: logged-in people opening pages about once a second, plus API reads with a token.

Each simulated person logs in through the login page (the demo's logins, password ``demo``), then
opens the pages their persona uses (HR, auditor, manager, supervisor, QC inspector, agent) one
after another, starting a request about once a second (when an answer takes longer than a second,
the next request starts right after it). API clients do the same with a bearer token against the
JSON API's read endpoints. At the end the script prints per-page and overall p50/p95/p99, the
status counts and the number of 5xx answers (exit status 1 when there was any 5xx or failure).

HTTP client: requests (one ``requests.Session`` per person, each in its own thread).

Against a running server:

    python bench/web_load.py --url http://127.0.0.1:8000 --users 50 --api-clients 10 --seconds 30

Or let the script start ``csperf serve`` on a demo data directory (made by
``csperf demo --data DIR --no-serve``) and stop it at the end:

    python bench/web_load.py --serve /tmp/csperf-demo --users 50 --seconds 30

The load generator runs on the same machine as the server and shares its cores (docs/performance.md).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

PASSWORD = "demo"
TIMEOUT = 30.0

# Pages by persona; {cycle} is a cycle the person sees, {card} a card they see (their own first).
PAGES = {
    "hr": [
        "/",
        "/cycles/",
        "/cycles/{cycle}/",
        "/reports/",
        "/reports/cycles/{cycle}/",
        "/board/",
        "/records/",
        "/org/",
        "/qc/",
        "/cards/appeals/",
        "/cards/{card}/",
    ],
    "auditor": ["/", "/cycles/", "/cycles/{cycle}/", "/reports/", "/reports/audit/", "/org/"],
    "manager": [
        "/",
        "/cycles/{cycle}/",
        "/board/",
        "/reports/",
        "/reports/cycles/{cycle}/",
        "/cards/{card}/",
        "/qc/",
        "/surveys/",
    ],
    "supervisor": ["/", "/board/", "/cards/{card}/", "/reports/", "/qc/", "/surveys/"],
    "inspector": ["/", "/qc/", "/qc/results/", "/reports/"],
    "agent": ["/", "/cards/{card}/", "/reports/me/", "/qc/"],
}
API_PATHS = ["/api/me", "/api/cycles", "/api/cards?cycle={cycle}", "/api/employees", "/api/cards"]


def persona_of(username: str) -> str:
    for prefix, persona in (
        ("hr", "hr"),
        ("auditor", "auditor"),
        ("manager", "manager"),
        ("mgr-", "manager"),
        ("supervisor", "supervisor"),
        ("sup-", "supervisor"),
        ("inspector", "inspector"),
        ("qc-", "inspector"),
    ):
        if username.startswith(prefix):
            return persona
    return "agent"


def demo_usernames(data_dir: Path | None, count: int) -> list[str]:
    """The named demo logins first, then a mix of supervisors, managers, QC and employees."""
    named = ["hr", "auditor", "manager1", "supervisor1", "inspector1", "agent1", "agent2"]
    if data_dir is None:
        return (named * (count // len(named) + 1))[:count]
    import sqlite3

    with sqlite3.connect(f"file:{data_dir / 'csperf.sqlite3'}?mode=ro", uri=True) as db:
        rest = [
            r[0]
            for r in db.execute("SELECT username FROM auth_user WHERE is_active ORDER BY id")
            if r[0] not in named
        ]
    groups = [[u for u in rest if u.startswith(p)] for p in ("sup-", "mgr-", "qc-")]
    groups.append([u for u in rest if not u.startswith(("sup-", "mgr-", "qc-"))])
    mixed = [u for batch in itertools.zip_longest(*groups) for u in batch if u]
    return (named + mixed)[:count]


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)

    def add(self, label: str, seconds: float, status: int | str) -> None:
        with self.lock:
            self.times[label].append(seconds)
            self.statuses[status] += 1
            if not isinstance(status, int) or status >= 500:
                self.failures[(label, status)] += 1


def page_label(path: str) -> str:
    return re.sub(r"\d+", "<id>", path.split("?")[0]) + ("?…" if "?" in path else "")


class Person:
    def __init__(self, base: str, username: str, results: Results) -> None:
        self.base = base.rstrip("/")
        self.username = username
        self.persona = persona_of(username)
        self.results = results
        self.http = requests.Session()
        self.token = ""
        self.cycle = ""
        self.card = ""

    def login(self) -> None:
        page = self.http.get(f"{self.base}/login/", timeout=TIMEOUT)
        page.raise_for_status()
        csrf = self.http.cookies.get("csrftoken", "")
        answer = self.http.post(
            f"{self.base}/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
            headers={"Referer": f"{self.base}/login/"},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"{self.username}: login answered {answer.status_code}")
        token = self.http.post(
            f"{self.base}/api/auth/token",
            json={"username": self.username, "password": PASSWORD},
            timeout=TIMEOUT,
        )
        token.raise_for_status()
        self.token = token.json()["token"]
        self._discover()

    def _api(self, path: str) -> requests.Response:
        return self.http.get(
            f"{self.base}{path}",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=TIMEOUT,
        )

    def _discover(self) -> None:
        """A cycle and a card this person sees (their own card first), for the page paths."""
        cycles = self._api("/api/cycles").json()
        cards = self._api("/api/cards").json()
        own = [c for c in cards if c["employee_code"] == self.username]
        card = (own or cards or [{}])[0]
        self.card = str(card.get("id", ""))
        self.cycle = str(card.get("cycle_id") or (cycles[0]["id"] if cycles else ""))

    def paths(self, *, api: bool) -> list[str]:
        wanted = API_PATHS if api else PAGES[self.persona]
        return [
            p.format(cycle=self.cycle, card=self.card)
            for p in wanted
            if not ("{cycle}" in p and not self.cycle) and not ("{card}" in p and not self.card)
        ]

    def run(self, *, until: float, api: bool, interval: float) -> None:
        paths = self.paths(api=api)
        headers = {"Authorization": f"Bearer {self.token}"} if api else {}
        i = 0
        next_at = time.monotonic()
        while next_at < until:
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            path = paths[i % len(paths)]
            i += 1
            start = time.monotonic()
            try:
                answer = self.http.get(
                    f"{self.base}{path}", headers=headers, timeout=TIMEOUT, allow_redirects=False
                )
                status: int | str = answer.status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            elapsed = time.monotonic() - start
            self.results.add(("API " if api else "") + page_label(path), elapsed, status)
            next_at = max(next_at + interval, time.monotonic())


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(results: Results, seconds: float) -> dict:
    rows = []
    everything: dict[str, list[float]] = {"pages": [], "api": []}
    for label, values in sorted(results.times.items()):
        everything["api" if label.startswith("API ") else "pages"].extend(values)
        rows.append((label, values))
    print(f"{'page':<34} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    summary = {}
    for label, values in [
        *rows,
        ("ALL pages", everything["pages"]),
        ("ALL api", everything["api"]),
    ]:
        if not values:
            continue
        p50, p95, p99 = (percentile(values, q) * 1000 for q in (50, 95, 99))
        print(
            f"{label:<34} {len(values):>6} {p50:>8.0f} {p95:>8.0f} {p99:>8.0f} "
            f"{max(values) * 1000:>8.0f}"
        )
        summary[label] = {"n": len(values), "p50": p50, "p95": p95, "p99": p99}
    total = sum(len(v) for v in results.times.values())
    server_errors = sum(n for s, n in results.statuses.items() if isinstance(s, int) and s >= 500)
    print(f"\nrequests: {total} in {seconds:.0f} s ({total / seconds:.1f}/s)")
    print(
        "statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(results.statuses.items(), key=str))
    )
    print(f"5xx: {server_errors}")
    for (label, status), n in sorted(results.failures.items(), key=str):
        print(f"  {status} × {n}: {label}")
    summary["statuses"] = {str(s): n for s, n in results.statuses.items()}
    summary["5xx"] = server_errors
    return summary


def start_server(
    data_dir: Path, bind: str, workers: int | None, threads: int | None, log: Path
) -> subprocess.Popen:
    try:  # another server on the port would answer the load instead of the one started here
        requests.get(f"http://{bind}/login/", timeout=2)
    except requests.RequestException:
        pass
    else:
        raise RuntimeError(f"something already answers at {bind}; stop it or choose --bind")
    secret = (data_dir / "secret_key").read_text(encoding="utf-8").strip()
    env = {**os.environ, "CSPERF_DATA": str(data_dir), "SECRET_KEY": secret, "DATABASE_URL": ""}
    command = [sys.executable, "-m", "csperf.cli.main", "serve", "--bind", bind, "--no-migrate"]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:  # the child keeps its own copy of the file
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"csperf serve stopped (log {log}): {tail}")
        try:
            requests.get(f"http://{bind}/login/", timeout=10)
            return server
        except requests.RequestException:  # not listening yet, or still loading
            time.sleep(0.5)
    stop_server(server)
    raise RuntimeError(f"csperf serve did not answer at {bind} within 120 s (log {log})")


def cpu_seconds(root: int) -> float | None:
    """CPU time (user + system) used so far by a process and its children (Linux /proc), or
    None where there is no /proc: the server's cost per request, whatever else the machine runs."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return None
    for pid in entries:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        # after the command: state, ppid, …; utime and stime are fields 14 and 15 of the line
        if int(pid) == root or int(fields[1]) == root:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(40)  # gunicorn lets running requests finish (graceful timeout 30 s)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8000", help="server to load (no --serve)")
    p.add_argument("--serve", type=Path, help="start `csperf serve` on this demo data directory")
    p.add_argument("--bind", default="127.0.0.1:8765", help="where --serve listens")
    p.add_argument("--workers", type=int, help="--workers of the started server (default: its own)")
    p.add_argument("--threads", type=int, help="--threads of the started server (default: its own)")
    p.add_argument("--users", type=int, default=50, help="people opening pages (default 50)")
    p.add_argument("--api-clients", type=int, default=10, help="API readers (default 10)")
    p.add_argument("--seconds", type=float, default=30.0, help="length of the load (default 30)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between one's requests")
    p.add_argument(
        "--server-log",
        type=Path,
        default=Path("bench/out/web_load_server.log"),
        help="--serve's output",
    )
    p.add_argument("--data", type=Path, help="demo data directory to read the logins from")
    p.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    return p.parse_args()


def main() -> int:
    args = parse_args()
    data_dir = args.serve or args.data
    server = (
        start_server(args.serve, args.bind, args.workers, args.threads, args.server_log)
        if args.serve
        else None
    )
    base = f"http://{args.bind}" if server else args.url
    try:
        results = Results()
        names = demo_usernames(data_dir, args.users + args.api_clients)
        people = [Person(base, name, results) for name in names]
        for person in people:  # logins are not timed: they are rare and slow by design (hashing)
            person.login()
        cpu_before = cpu_seconds(server.pid) if server else None
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=p.run,
                kwargs={"until": until, "api": i >= args.users, "interval": args.interval},
            )
            for i, p in enumerate(people)
        ]
        for t in threads:
            time.sleep(args.interval / len(threads))  # spread the starts over one interval
            t.start()
        for t in threads:
            t.join()
        summary = report(results, args.seconds)
        if cpu_before is not None:
            used = cpu_seconds(server.pid) - cpu_before
            count = sum(len(v) for v in results.times.values())
            summary["server_cpu_s"] = used
            summary["server_cpu_ms_per_request"] = 1000 * used / max(count, 1)
            print(
                f"server CPU: {used:.1f} s ({1000 * used / max(count, 1):.1f} ms per request; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
            )
        if args.json:
            args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
        return 1 if summary["5xx"] or any(isinstance(s, str) for s in results.statuses) else 0
    finally:
        if server:
            stop_server(server)


if __name__ == "__main__":
    sys.exit(main())
