"""Issue 17 item 4: no module of csperf/ over 800 lines, no function over 100 lines.

Migrations are generated and left out. A failure names every module and function over its limit
(path, line of the ``def`` and length), so a split can start from the message.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "csperf"
MODULE_LINES = 800
FUNCTION_LINES = 100


def _modules(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "migrations" not in p.relative_to(root).parts)


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def long_modules(root: Path) -> list[str]:
    """``path: N lines`` for each module over MODULE_LINES."""
    out = []
    for path in _modules(root):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MODULE_LINES:
            out.append(f"{path.relative_to(root.parent)}: {lines} lines")
    return out


def long_functions(root: Path) -> list[str]:
    """``path:line name: N lines`` for each function (methods and nested ones too) over
    FUNCTION_LINES, counted from its ``def`` to its last line."""
    out = []
    for path in _modules(root):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for fn in _functions(tree):
            length = (fn.end_lineno or fn.lineno) - fn.lineno + 1
            if length > FUNCTION_LINES:
                out.append(f"{path.relative_to(root.parent)}:{fn.lineno} {fn.name}: {length} lines")
    return out


def test_no_module_is_over_800_lines():
    too_long = long_modules(PACKAGE)
    assert not too_long, f"modules over {MODULE_LINES} lines:\n" + "\n".join(too_long)


def test_no_function_is_over_100_lines():
    too_long = long_functions(PACKAGE)
    assert not too_long, f"functions over {FUNCTION_LINES} lines:\n" + "\n".join(too_long)


def _body(n: int, indent: str = "    ") -> str:
    return "".join(f"{indent}x{i} = {i}\n" for i in range(n))


def test_the_guard_names_what_is_too_long_and_skips_migrations(tmp_path):
    """The check itself can fail: a long method, a long module; a long migration is allowed."""
    pkg = tmp_path / "pkg"
    (pkg / "migrations").mkdir(parents=True)
    (pkg / "ok.py").write_text("def short():\n" + _body(99), encoding="utf-8")
    (pkg / "cls.py").write_text(
        "class C:\n    def long(self):\n" + _body(100, " " * 8), encoding="utf-8"
    )
    (pkg / "big.py").write_text("x = 1\n" * 801, encoding="utf-8")
    (pkg / "migrations" / "0001_initial.py").write_text(
        "def forwards():\n" + _body(900), encoding="utf-8"
    )
    assert long_functions(pkg) == ["pkg/cls.py:2 long: 101 lines"]
    assert long_modules(pkg) == ["pkg/big.py: 801 lines"]
