"""``csperf templates list|show|validate``: the template library."""

from __future__ import annotations

import argparse
import sys

from csperf.cli.common import CliError, read_text
from csperf.scoring import ScoringError, describe_rule, load_template


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("templates", help="list, show and validate scorecard templates")
    tsub = p.add_subparsers(dest="templates_command", metavar="ACTION")
    tsub.required = True
    ls = tsub.add_parser("list", help="the built-in templates")
    ls.set_defaults(handler=list_templates)
    show = tsub.add_parser(
        "show", help="print a template (its YAML, or --rules: each item's rule in words)"
    )
    show.add_argument("template", help="built-in code or file")
    show.add_argument(
        "--rules", action="store_true", help="print the items and their rules in words"
    )
    show.set_defaults(handler=show_template)
    val = tsub.add_parser("validate", help="check template files against the contract")
    val.add_argument("files", nargs="+", metavar="FILE")
    val.set_defaults(handler=validate)


def list_templates(args: argparse.Namespace) -> int:
    from csperf.templates import builtin_paths, load_builtin

    for path in builtin_paths():
        t = load_builtin(path.stem)
        positions = f"  [{', '.join(t.positions)}]" if t.positions else ""
        print(f"{t.code:32} v{t.version}  {t.period:8} {t.name or ''}{positions}")
    return 0


def show_template(args: argparse.Namespace) -> int:
    from csperf.cli.score import resolve_template

    try:
        template, path = resolve_template(args.template)
    except ScoringError as exc:
        raise CliError(exc.render()) from None
    if not args.rules:
        sys.stdout.write(read_text(path))
        return 0
    print(
        f"{template.name or template.code} ({template.code} v{template.version}, {template.period})"
    )
    for section in template.sections:
        weight = f", 权重 {section.weight}" if section.weight is not None else ""
        print(f"\n[{section.label}] {section.kind}{weight}, 满分 {section.full}")
        for item in section.items:
            print(f"  - {item.label} ({item.points}分): {describe_rule(item)}")
    return 0


def validate(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.files:
        try:
            t = load_template(read_text(name), source=name)
        except ScoringError as exc:
            print(exc.render(), file=sys.stderr)
            failed += 1
        except CliError as exc:
            print(f"csperf: {exc}", file=sys.stderr)
            failed += 1
        else:
            print(f"{name}: ok ({t.code} v{t.version}, {len(t.items)} items)")
    return 2 if failed else 0
