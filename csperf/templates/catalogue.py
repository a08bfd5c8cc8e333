"""Where each built-in template comes from: its source quotes and our choices, in words.

Every item of a built-in template carries ``x-source`` (``{file, quote}``, or a list of them) and/or
``x-choice`` (why a value is ours, not the source's); so do grades, pay, alerts and vetoes where it
matters. :func:`catalogue_markdown` lists them per scheme for ``docs/scorecards.md`` §21 (a test
keeps the two identical): ``python -m csperf.templates.catalogue``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from csperf.scoring.loader import parse_document
from csperf.templates import builtin_codes, builtin_path, load_builtin


@dataclass(frozen=True)
class Quote:
    file: str
    quote: str


@dataclass
class Provenance:
    """The sources and choices found at one place of a template (``sections[0].items[2]``)."""

    path: str
    label: str
    sources: list[Quote] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)


def _as_list(raw: Any) -> list[Any]:
    return raw if isinstance(raw, list) else [raw]


def provenance(code: str) -> list[Provenance]:
    """Every place of the built-in template ``code`` that cites a source or names a choice."""
    data = parse_document(builtin_path(code).read_text(encoding="utf-8")).data
    found: list[Provenance] = []
    _walk(data, "", "模板", found)
    return found


def _walk(node: Any, path: str, label: str, found: list[Provenance]) -> None:
    if isinstance(node, dict):
        here = Provenance(path or "template", label)
        for raw in _as_list(node.get("x-source") or []):
            if isinstance(raw, dict):
                here.sources.append(Quote(str(raw.get("file", "")), str(raw.get("quote", ""))))
        for raw in _as_list(node.get("x-choice") or []):
            here.choices.append(str(raw))
        if here.sources or here.choices:
            found.append(here)
        for key, value in node.items():
            if str(key).startswith("x-"):
                continue
            child = f"{path}.{key}" if path else str(key)
            _walk(value, child, _label(value, key, label), found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk(value, f"{path}[{i}]", _label(value, None, label), found)


_KEY_LABELS = {
    "total": "总分",
    "grades": "等级",
    "ranking": "排名",
    "pay": "绩效工资",
    "alerts": "预警",
    "veto": "一票否决",
    "components": "工资组成",
}


def _label(node: Any, key: Any, parent: str) -> str:
    if isinstance(node, dict):
        for k in ("name", "message", "reason", "grade"):
            if isinstance(node.get(k), str):
                return node[k]
    if key == "rule":
        return f"{parent}·评分规则"
    if key is not None and str(key) in _KEY_LABELS:
        return _KEY_LABELS[str(key)]
    return parent


def source_files(code: str) -> list[str]:
    """The source documents a built-in template cites, in order of first citation."""
    files: list[str] = []
    for p in provenance(code):
        for q in p.sources:
            if q.file and q.file not in files:
                files.append(q.file)
    return files


def catalogue_markdown() -> str:
    """§21 of docs/scorecards.md: every built-in scheme, its source and its choices."""
    out: list[str] = []
    for code in builtin_codes():
        t = load_builtin(code)
        files = ", ".join(f"`{f}`" for f in source_files(code)) or "—"
        out.append(f"### {t.name} `{code}`")
        out.append("")
        period = {"month": "月度", "quarter": "季度", "half": "半年", "year": "年度"}[t.period]
        if t.period_start_day != 1:
            period += f"(每月 {t.period_start_day} 日起)"
        out.append(
            f"v{t.version} · {period} · 岗位：{'、'.join(t.positions) or '—'} · 出处：{files}"
        )
        out.append("")
        choices = [(p.label, c) for p in provenance(code) for c in p.choices]
        if choices:
            out.append("我们的取舍：")
            out.append("")
            for label, text in choices:
                out.append(f"- {label}：{' '.join(text.split())}")
        else:
            out.append("全部取自原文，没有我们的取舍。")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    print(catalogue_markdown(), end="")
