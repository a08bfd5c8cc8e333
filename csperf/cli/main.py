"""Entry point of the `csperf` command: one sub-command module per area.

Each module exposes ``register(subparsers)``; its handlers return an exit code.
Errors meant for the user are :class:`CliError` (or the engine's own errors) and are
printed as one line, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from csperf import __version__
from csperf.cli.common import CliError

# records: import / indicators / demo-data;  web: demo / serve / manage
OPTIONAL_COMMAND_MODULES = ("records", "web")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csperf",
        description="csperf — 客服绩效考核系统 (customer-service staff evaluation)",
    )
    parser.add_argument("--version", action="version", version=f"csperf {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    from csperf.cli import score, templates

    score.register(sub)
    templates.register(sub)
    # Areas built on other parts of the product register themselves the same way.
    import importlib

    for name in OPTIONAL_COMMAND_MODULES:
        try:
            module = importlib.import_module(f"csperf.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"csperf.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
