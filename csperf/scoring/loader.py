"""Read template and input documents (YAML 1.2 core schema or JSON) into plain Python.

Numbers become exact ``Decimal`` (integers stay ``int``), duplicate keys are errors, and every
node's line is remembered so that errors can point at it. Text in, data out: no file access.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from csperf.kernel.problems import Problem
from csperf.scoring.errors import join_path

TAG = "tag:yaml.org,2002:"
MAX_DEPTH = 100  # documents are shallow; a deeper one is a mistake or an attack


class LoadError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class Document:
    """Parsed data plus a map from element paths to their line numbers."""

    def __init__(self, data: Any, lines: dict[str, int] | None = None) -> None:
        self.data = data
        self.lines = lines or {}

    def line_of(self, path: str) -> int | None:
        """The line of ``path`` or of its nearest ancestor that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""


def parse_document(text: str, fmt: str | None = None) -> Document:
    """Parse ``text`` as JSON (when ``fmt == "json"`` or it looks like JSON) or YAML."""
    if fmt is None:
        fmt = "json" if text.lstrip().startswith(("{", "[")) else "yaml"
    if fmt == "json":
        return _parse_json(text)
    return _parse_yaml(text)


# -- JSON -------------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _parse_json(text: str) -> Document:
    try:
        data = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=lambda c: (_ for _ in ()).throw(ValueError(f"{c} is not a number")),
            object_pairs_hook=_no_duplicates,
        )
    except json.JSONDecodeError as exc:
        raise LoadError(
            Problem("", f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno)
        ) from None
    except (ValueError, RecursionError) as exc:
        raise LoadError(Problem("", f"invalid JSON: {exc}")) from None
    return Document(data)


# -- YAML -------------------------------------------------------------------------------------


def _parse_yaml(text: str) -> Document:
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise LoadError(Problem("", f"invalid YAML: {exc.problem or exc.context}", line)) from None
    except YAMLError as exc:
        raise LoadError(Problem("", f"invalid YAML: {exc}")) from None
    except RecursionError:
        raise LoadError(Problem("", "invalid YAML: nested too deeply")) from None
    if node is None:
        return Document(None)
    lines: dict[str, int] = {}
    data = _convert(node, "", lines, 0)
    return Document(data, lines)


def _convert(node: Node, path: str, lines: dict[str, int], depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise LoadError(Problem(path, "nested too deeply", node.start_mark.line + 1))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == TAG + "merge":
                raise LoadError(
                    Problem(path, "merge keys (<<) are not supported", key_node.start_mark.line + 1)
                )
            key = _convert(key_node, path, {}, depth + 1)
            if isinstance(key, (dict, list)):
                raise LoadError(
                    Problem(path, "a key must be plain text", key_node.start_mark.line + 1)
                )
            if isinstance(key, Decimal):
                key = str(key_node.value)
            if key in out:
                raise LoadError(
                    Problem(
                        join_path(path, str(key)), "duplicate key", key_node.start_mark.line + 1
                    )
                )
            child = join_path(path, str(key))
            lines.setdefault(child, key_node.start_mark.line + 1)
            out[key] = _convert(value_node, child, lines, depth + 1)
        return out
    if isinstance(node, SequenceNode):
        return [
            _convert(child, join_path(path, i), lines, depth + 1)
            for i, child in enumerate(node.value)
        ]
    assert isinstance(node, ScalarNode)
    return _scalar(node, path)


def _scalar(node: ScalarNode, path: str) -> Any:
    tag, text = node.tag, node.value
    if tag == TAG + "null":
        return None
    if tag == TAG + "bool":
        return text.lower() == "true"
    if tag == TAG + "int":
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits.lower().startswith("0x"):
            return sign * int(digits[2:], 16)
        if digits.lower().startswith("0o"):
            return sign * int(digits[2:], 8)
        return sign * int(digits)
    if tag == TAG + "float":
        lowered = text.lower().lstrip("+")
        if lowered in (".inf", "-.inf", ".nan"):
            raise LoadError(
                Problem(path, f"{text} is not a usable number", node.start_mark.line + 1)
            )
        try:
            return Decimal(text)
        except InvalidOperation:
            raise LoadError(
                Problem(path, f"invalid number {text!r}", node.start_mark.line + 1)
            ) from None
    # Strings, and anything else (timestamps) kept as the text that was written.
    return text
