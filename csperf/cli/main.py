"""Entry point of the `csperf` command: one sub-command module per area.

Each module exposes ``register(subparsers)``; its handlers return an exit code.
Errors meant for the user are :class:`CliError` (or the engine's own errors) and are
printed as one line, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from csperf import __version__
from csperf.cli.common import CliError

# records: import / demo-data / records;  indicators;  web: demo / serve / worker / manage
OPTIONAL_COMMAND_MODULES = ("records", "indicators", "web")
# Each command's module, so that a run imports only the module of its command: the others pull
# in the scoring engine, Ibis or Django, seconds of start-up a script calling `csperf` pays each
# time. tests/cli/test_lazy_cli.py checks this against what the modules register.
COMMAND_MODULES = {
    "score": "score",
    "templates": "templates",
    "import": "records",
    "indicators": "indicators",
    "demo-data": "records",
    "records": "records",
    "demo": "web",
    "serve": "web",
    "worker": "web",
    "manage": "web",
}


def command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names (its first word: the top level takes no option values)."""
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg if arg in COMMAND_MODULES else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command`` alone (a known one: its module only)."""
    parser = argparse.ArgumentParser(
        prog="csperf",
        description="csperf — 客服绩效考核系统 (customer-service staff evaluation)",
    )
    parser.add_argument("--version", action="version", version=f"csperf {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    names = ("score", "templates", *OPTIONAL_COMMAND_MODULES)
    if command is not None:
        names = (COMMAND_MODULES[command],)
    for name in names:
        _register(sub, name)
    return parser


def _register(sub: argparse._SubParsersAction, name: str) -> None:
    # Areas built on other parts of the product may be absent from an installation.
    try:
        module = importlib.import_module(f"csperf.cli.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"csperf.cli.{name}" or name not in OPTIONAL_COMMAND_MODULES:
            raise
        return
    module.register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(command_of(argv))
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CliError as exc:
        print(f"csperf: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("csperf: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
