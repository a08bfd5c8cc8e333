"""`csperf demo`, `csperf serve` and `csperf manage`: the web application from the command line."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from csperf.cli.common import CliError

SETTINGS = "csperf.web.settings"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="set up a demo centre (records, organisation, templates, logins, last month's cycle) and serve it",
        description="Create or reuse a demo in the data directory and serve it at http://HOST:PORT. "
        "Logins: hr, auditor, manager1, supervisor1, inspector1, agent1, agent2 (password: demo).",
    )
    p.add_argument(
        "--data", default=None, help="data directory (default: $CSPERF_DATA or ./csperf-data)"
    )
    p.add_argument(
        "--agents", type=int, default=40, help="size of the demo centre on first run (default 40)"
    )
    p.add_argument(
        "--months", type=int, default=3, help="months of demo records on first run (default 3)"
    )
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="set everything up, then stop")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser(
        "serve",
        help="run the web application with gunicorn, configured from environment variables",
        description="Settings come from the environment: SECRET_KEY (required), DATABASE_URL, ALLOWED_HOSTS, "
        "CSRF_TRUSTED_ORIGINS, CSPERF_DATA … (docs/web.md). Migrations are applied first.",
    )
    p.add_argument("--bind", default=os.environ.get("CSPERF_BIND", "127.0.0.1:8000"))
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2") or 2))
    p.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("WEB_THREADS", "1") or 1),
        help="threads per worker (default 1: one request at a time per worker process)",
    )
    p.add_argument("--no-migrate", action="store_true", help="do not apply migrations on start")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser(
        "worker",
        help="run background jobs (imports, cycle computes) beside the web server",
        description="Runs the queued jobs of the database named by the environment (as `csperf "
        "serve`; without SECRET_KEY and DATABASE_URL the embedded SQLite database of the data "
        "directory, as `csperf demo`). Each job runs in a child process limited to "
        "CSPERF_JOB_MAX_MB of memory and CSPERF_JOB_MAX_SECONDS (docs/web.md, Background jobs).",
    )
    p.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds between looks at an empty queue (default 1)",
    )
    p.add_argument("--batch", action="store_true", help="run the queued jobs, then stop")
    p.add_argument(
        "--max-tasks", type=int, default=None, help="stop after this many jobs (default: never)"
    )
    p.set_defaults(handler=cmd_worker)

    p = sub.add_parser(
        "manage",
        help="run a Django management command (migrate, createsuperuser, run_jobs --once, …)",
        add_help=False,
        prefix_chars="\0",
    )
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(handler=cmd_manage)


def _data_dir(raw: str | None) -> Path:
    path = Path(raw or os.environ.get("CSPERF_DATA") or "csperf-data").expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"{path}: cannot create the data directory: {exc.strerror}") from None
    return path


def _local_secret(data_dir: Path) -> str:
    """A secret key kept in the data directory, for the embedded (single machine) setup."""
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        raise CliError(f"configuration: {exc}") from None


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def cmd_demo(args: argparse.Namespace) -> int:
    data_dir = _data_dir(args.data)
    os.environ["CSPERF_DATA"] = str(data_dir)
    os.environ["DATABASE_URL"] = ""  # the demo always uses the SQLite file in the data directory
    os.environ.setdefault("SECRET_KEY", _local_secret(data_dir))
    os.environ.setdefault("ALLOWED_HOSTS", f"{args.host},127.0.0.1,localhost")
    _setup_django()
    from csperf.web.demo import LOGINS, setup_demo

    print(f"csperf demo: data in {data_dir}")
    _migrate()
    try:
        setup_demo(
            data_dir,
            agents=args.agents,
            months=args.months,
            seed=args.seed,
            say=lambda m: print(f"  {m}", flush=True),
        )
    except Exception as exc:
        from csperf.core.errors import ActionError

        if isinstance(exc, (RuntimeError, ActionError)):
            raise CliError(f"demo: {exc}") from None
        raise
    url = f"http://{args.host}:{args.port}/"
    print("\nLogins (password: demo):")
    for name, role in LOGINS:
        print(f"  {name:<12} {role}")
    print("  sup-<team code> (sup-t01 …) every team's supervisor; mgr-<department code> its")
    print(
        "  manager; qc-<department code> its QC inspector; <employee code> (e0042 …) everyone else"
    )
    print(f"\nOpen {url}  (API docs: {url}api/docs)  — Ctrl+C stops.\n", flush=True)
    if args.no_serve:
        return 0
    from django.conf import settings
    from django.core.management import call_command

    # The demo serves static files from the apps (finders); WhiteNoise still wants its root.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    worker = _start_worker_process()
    # SIGTERM (a service manager, a test) ends the server through the `finally` below as Ctrl+C
    # does, so the worker stops with it.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        call_command(
            "runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True
        )
    finally:
        _stop_process(worker)
    return 0


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def _start_worker_process() -> subprocess.Popen:
    """`csperf worker` as a child of this process, with the same environment (database, data
    directory, secret); it dies with this process (Linux) and is stopped when it stops."""

    def die_with_parent() -> None:  # runs in the child before exec
        try:
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    return subprocess.Popen(
        [sys.executable, "-m", "csperf.cli.main", "worker"],
        env=dict(os.environ),
        preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
    )


def _stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cmd_serve(args: argparse.Namespace) -> int:
    if sys.platform == "win32":  # pragma: no cover
        raise CliError(
            "csperf serve uses gunicorn, which does not run on Windows; use WSL or a container"
        )
    _setup_django()
    if not args.no_migrate:
        _migrate(verbosity=1)
    from django.db import connections

    # The workers are forked from this process: none may inherit its database connection.
    connections.close_all()
    from gunicorn.app.base import BaseApplication

    from csperf.web.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", args.bind)
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("accesslog", "-")

        def load(self) -> Any:
            return application

    print(
        f"csperf serve: {args.bind} ({args.workers} workers); jobs run in `csperf worker`,"
        " started beside this server with the same environment"
    )
    Server().run()
    return 0


def _use_embedded_defaults() -> None:
    if not os.environ.get("SECRET_KEY") and not os.environ.get("DATABASE_URL"):
        # The embedded setup (as made by `csperf demo`): reuse its data directory and key.
        os.environ["SECRET_KEY"] = _local_secret(_data_dir(None))


def cmd_worker(args: argparse.Namespace) -> int:
    if args.interval < 0:
        raise CliError("--interval: must be zero or more seconds")
    if args.max_tasks is not None and args.max_tasks < 1:
        raise CliError("--max-tasks: must be 1 or more")
    _use_embedded_defaults()
    _setup_django()
    from django.core.management import call_command

    options: dict[str, Any] = {"interval": args.interval, "batch": args.batch}
    if args.max_tasks is not None:
        options["max_tasks"] = args.max_tasks
    print("csperf worker: running jobs; Ctrl+C stops after the running job", flush=True)
    call_command("run_jobs", **options)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _use_embedded_defaults()
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["csperf manage", *args.args])
    return 0
