"""``csperf score``: score a template for employees, from an input file or imported records."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from csperf.cli.common import CliError, read_text, write_output
from csperf.kernel.decimals import dumps
from csperf.scoring import (
    ScoreRun,
    ScoringError,
    Template,
    load_input,
    load_template,
    score,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="score a template (考核表) for employees",
        description="Score TEMPLATE (a file, or the code of a built-in template) for the employees "
        "of --input, or for the employees of the imported records with --period.",
    )
    p.add_argument(
        "template", metavar="TEMPLATE", help="template file (YAML/JSON) or built-in code"
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--input", metavar="INPUT.json", help="per-employee inputs (contract format)")
    src.add_argument(
        "--period", metavar="P", help="score from imported records for period P (2026-03)"
    )
    p.add_argument("--data", metavar="DIR", help="records data directory (with --period)")
    p.add_argument(
        "--employees", metavar="IDS", help="comma-separated employee ids (with --period)"
    )
    p.add_argument(
        "--keep-going",
        action="store_true",
        help="score everyone whose inputs are right; list the others' input errors on their "
        "results (exit code 1) instead of failing the whole run",
    )
    p.add_argument("--format", choices=("json", "table", "xlsx"), default="json")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    p.add_argument(
        "--lang",
        choices=("zh-hans", "en"),
        default="zh-hans",
        help="language of the xlsx card's headings, labels and explanations (default zh-hans)",
    )
    p.set_defaults(handler=run)


def resolve_template(ref: str) -> tuple[Template, str]:
    """A template from a path, or from the built-in library by code."""
    path = Path(ref)
    if path.is_file() or path.suffix.lower() in (".yaml", ".yml", ".json") or "/" in ref:
        text = read_text(path)
        return load_template(text, source=str(path)), str(path)
    from csperf.templates import builtin_codes, builtin_path, load_builtin

    try:
        return load_builtin(ref), str(builtin_path(ref))
    except KeyError:
        known = ", ".join(builtin_codes())
        raise CliError(
            f"{ref}: no such file, and no built-in template of that code (built-in: {known})"
        ) from None


def _inputs_from_records(template: Template, args: argparse.Namespace) -> dict:
    from csperf.metrics.scorecard import build_score_input

    employees = (
        [e.strip() for e in args.employees.split(",") if e.strip()] if args.employees else None
    )
    try:
        return build_score_input(
            template,
            args.period,
            positions=None if employees else (template.positions or None),
            employees=employees,
            data_dir=args.data,
        )
    except (ValueError, LookupError) as exc:
        raise CliError(str(exc)) from None


def _say_missing(doc: dict) -> None:
    """One line per input some people lack, with the feed that did not deliver it."""
    lacking: dict[tuple[str, str], list[str]] = {}
    for emp in doc["employees"]:
        for name, feed in (emp.get("missing") or {}).items():
            lacking.setdefault((name, feed), []).append(str(emp["id"]))
    for (name, feed), ids in sorted(lacking.items()):
        shown = ", ".join(ids[:5]) + (f" … ({len(ids)} in all)" if len(ids) > 5 else "")
        print(f"csperf: 缺少数据 {name} ← {feed}: {shown}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    try:
        template, tsource = resolve_template(args.template)
        if args.input:
            data = load_input(read_text(args.input), source=args.input)
            result = score(
                template,
                data,
                source=args.input,
                template_source=tsource,
                strict=not args.keep_going,
            )
        else:
            data_obj = _inputs_from_records(template, args)
            if not data_obj.get("employees"):
                raise CliError(
                    f"no employees to score for {args.period} (check --employees or the roster's positions)"
                )
            _say_missing(data_obj)
            result = score(
                template,
                data_obj,
                source=f"records {args.period}",
                template_source=tsource,
                strict=not args.keep_going,
            )
    except ScoringError as exc:
        raise CliError(exc.render()) from None
    emit(result, args.format, args.output, args.lang)
    held = [r for r in result.results if r.errors]
    for r in held:
        for error in r.errors:
            print(f"csperf: {error}", file=sys.stderr)
    return 1 if held else 0


def card_words(lang: str) -> dict[str, str] | None:
    """The printed card's words in ``lang`` (csperf.reviews.print_labels, Django's gettext);
    None for Chinese, the workbook's own words, so that a Chinese card needs no Django."""
    if lang.startswith("zh"):
        return None
    import django
    from django.conf import settings
    from django.utils import translation

    if not settings.configured:
        # Translations only (whatever DJANGO_SETTINGS_MODULE says: no secret key, database or
        # app is needed): the catalogue the printed words live in.
        locale = Path(__file__).resolve().parent.parent / "web" / "locale"
        settings.configure(USE_I18N=True, LANGUAGE_CODE="zh-hans", LOCALE_PATHS=[locale])
    django.setup()
    from csperf.reviews.print_labels import card_words as words_in

    with translation.override(lang):
        return words_in()


def emit(result: ScoreRun, fmt: str, output: str | None, lang: str = "zh-hans") -> None:
    if fmt == "json":
        # Decimals go out as exact JSON numbers: totals carry their 2 decimals (92.20), values
        # are written as they came in (0.70).
        text = dumps(result.to_dict(), indent=2)
        write_output(text + "\n", output)
    elif fmt == "table":
        from csperf.cli.render import render_table

        write_output(render_table(result, color=output is None and sys.stdout.isatty()), output)
    else:
        from csperf.exports.scorecard_xlsx import scorecard_workbook

        if output is None:
            output = f"{result.template.code}-{result.period.label}.xlsx"
            print(f"csperf: wrote {output}", file=sys.stderr)
        write_output(scorecard_workbook(result, lang, card_words(lang)), output)
