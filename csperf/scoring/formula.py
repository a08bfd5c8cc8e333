"""The ``formula`` rule's expression language: a whitelist over Python's ``ast``.

Expressions are parsed once when the template loads; anything outside the whitelist is rejected
there with its column. Evaluation walks the checked tree with Decimal arithmetic; nothing is
ever passed to ``eval``/``exec``, so no Python object beyond numbers is reachable.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, DivisionByZero, DivisionUndefined, InvalidOperation, Overflow
from typing import NoReturn

from csperf.scoring import numbers as N

MAX_LENGTH = 2000
MAX_DEPTH = 40  # nesting of operators/calls; deeper expressions are rejected
MAX_EXPONENT = 1000  # |b| in a ** b; huge powers would tie up the engine
MAX_MAGNITUDE = Decimal("1e100")  # results beyond this are a run-time error, not a slow computation
NAMES = frozenset({"value", "target", "full", "points", "peer_mean"})


class FormulaSyntaxError(ValueError):
    """An expression outside the language; ``column`` is 1-based."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.column = column
        super().__init__(f"{message} (column {column})" if column else message)


class FormulaRuntimeError(ArithmeticError):
    """Raised while evaluating: division by zero, overflow, a bad argument."""


class MissingName(LookupError):
    """A ``v.<name>`` (or ``value``/``target``/``peer_mean``) with no data."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _clamp(x: Decimal, low: Decimal, high: Decimal) -> Decimal:
    if low > high:
        raise FormulaRuntimeError("clamp: low is greater than high")
    return N.clamp(x, low, high)


def _round(x: Decimal, places: Decimal = N.ZERO) -> Decimal:
    if places != places.to_integral_value() or not 0 <= places <= 20:
        raise FormulaRuntimeError("round: places must be a whole number from 0 to 20")
    return N.round_to(x, int(places))


FUNCTIONS: dict[str, tuple[Callable[..., Decimal], int, int]] = {
    # name: (implementation, minimum arguments, maximum arguments)
    "min": (lambda *a: min(a), 1, 64),
    "max": (lambda *a: max(a), 1, 64),
    "abs": (lambda x: abs(x), 1, 1),
    "round": (_round, 1, 2),
    "floor": (N.floor, 1, 1),
    "ceil": (N.ceil, 1, 1),
    "clamp": (_clamp, 3, 3),
}

# Special forms, checked and evaluated apart from FUNCTIONS because they see missing values:
# get(x, default) is x, or default when x has no data (G7); prev(v.name) is the input's value
# in the previous period of the employee's history (G10).
SPECIAL = ("get", "prev")

_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_CMPOPS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)


@dataclass(frozen=True)
class Formula:
    """A checked expression: its text, its tree and the names it reads."""

    text: str
    tree: ast.expr
    names: frozenset[str]
    values: frozenset[str] = field(default_factory=frozenset)  # the v.<name> it reads
    uses_prev: bool = False  # reads the previous period's values: prev(v.<name>)

    def evaluate(
        self,
        env: Mapping[str, Decimal | None],
        v: Mapping[str, object],
        prev: Mapping[str, object] | None = None,
    ) -> Decimal:
        """Evaluate with ``env`` (value, target, full, …), the employee's values ``v`` and the
        previous period's values ``prev`` (for ``prev(v.<name>)``)."""
        try:
            with N.engine_context():
                result = _Eval(env, v, prev or {}).visit(self.tree)
        except (DivisionByZero, DivisionUndefined, ZeroDivisionError):
            raise FormulaRuntimeError("division by zero") from None
        except (InvalidOperation, Overflow) as exc:
            if exc.args and isinstance(exc.args[0], list) and DivisionUndefined in exc.args[0]:
                raise FormulaRuntimeError("division by zero") from None  # 0 / 0
            raise FormulaRuntimeError(f"invalid operation ({type(exc).__name__})") from None
        if isinstance(result, bool):
            return Decimal(int(result))
        if not result.is_finite() or abs(result) > MAX_MAGNITUDE:
            raise FormulaRuntimeError("result out of range")
        return result


def compile_formula(text: str, *, allow_target: bool = True) -> Formula:
    """Check ``text`` against the language and return a :class:`Formula`."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaSyntaxError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise FormulaSyntaxError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaSyntaxError(f"syntax error: {exc.msg}", exc.offset) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaSyntaxError("the expression cannot be parsed") from None
    checker = _Checker(allow_target)
    checker.check(tree.body, 0)
    return Formula(
        text, tree.body, frozenset(checker.names), frozenset(checker.values), checker.prev
    )


class _Checker:
    def __init__(self, allow_target: bool) -> None:
        self.allow_target = allow_target
        self.names: set[str] = set()
        self.values: set[str] = set()
        self.prev = False

    def fail(self, node: ast.AST, message: str) -> NoReturn:
        raise FormulaSyntaxError(message, getattr(node, "col_offset", -1) + 1)

    def check(self, node: ast.AST, depth: int) -> None:
        if depth > MAX_DEPTH:
            self.fail(node, f"the expression is nested more than {MAX_DEPTH} levels deep")
        d = depth + 1
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                self.fail(node, f"only number literals are allowed, not {node.value!r}")
            if isinstance(node.value, float) and node.value != node.value:  # pragma: no cover
                self.fail(node, "not a number")
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS or node.id in SPECIAL:
                self.fail(node, f"{node.id} is a function: call it as {node.id}(…)")
            if node.id not in NAMES:
                allowed = ", ".join(sorted(NAMES | {"v.<name>"}))
                self.fail(node, f"unknown name {node.id!r} (allowed: {allowed})")
            if node.id == "target" and not self.allow_target:
                self.fail(node, "this rule has no target")
            self.names.add(node.id)
        elif isinstance(node, ast.Attribute):
            if not (isinstance(node.value, ast.Name) and node.value.id == "v"):
                self.fail(node, "attribute access is allowed only as v.<name>")
            if node.attr.startswith("_"):
                self.fail(node, f"invalid value name {node.attr!r}")
            self.values.add(node.attr)
        elif isinstance(node, ast.BinOp):
            if not isinstance(node.op, _BINOPS):
                self.fail(node, f"operator {type(node.op).__name__} is not allowed")
            if isinstance(node.op, ast.Pow):
                exp = _literal(node.right)
                if exp is not None and abs(exp) > MAX_EXPONENT:
                    self.fail(node, f"the exponent of ** must be within ±{MAX_EXPONENT}")
                if isinstance(node.right, ast.BinOp) and isinstance(node.right.op, ast.Pow):
                    self.fail(node, "a power of a power (a ** b ** c) is not allowed")
            self.check(node.left, d)
            self.check(node.right, d)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
                self.fail(node, f"operator {type(node.op).__name__} is not allowed")
            self.check(node.operand, d)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.check(value, d)
        elif isinstance(node, ast.Compare):
            for op in node.ops:
                if not isinstance(op, _CMPOPS):
                    self.fail(node, f"comparison {type(op).__name__} is not allowed")
            self.check(node.left, d)
            for comparator in node.comparators:
                self.check(comparator, d)
        elif isinstance(node, ast.IfExp):
            self.check(node.test, d)
            self.check(node.body, d)
            self.check(node.orelse, d)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and (node.func.id in SPECIAL)
        ):
            self.check_special(node, d)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                allowed = ", ".join([*FUNCTIONS, *SPECIAL])
                self.fail(node, f"only these functions may be called: {allowed}")
            if node.keywords:
                self.fail(node, "keyword arguments are not allowed")
            _, low, high = FUNCTIONS[node.func.id]
            if not low <= len(node.args) <= high:
                self.fail(node, f"{node.func.id}() takes {low}–{high} arguments")
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    self.fail(arg, "*arguments are not allowed")
                self.check(arg, d)
        else:
            self.fail(node, f"{type(node).__name__} is not allowed in a formula")

    def check_special(self, node: ast.Call, depth: int) -> None:
        name = _called(node)
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self.fail(node, f"{name}() takes plain arguments")
        if name == "prev":
            arg = node.args[0] if len(node.args) == 1 else None
            if not (
                isinstance(arg, ast.Attribute)
                and isinstance(arg.value, ast.Name)
                and arg.value.id == "v"
            ):
                self.fail(node, "prev() takes one input value: prev(v.<name>)")
            self.check(arg, depth)
            self.prev = True
            return
        if len(node.args) != 2:
            self.fail(node, "get() takes 2 arguments: get(v.<name>, default)")
        for arg in node.args:
            self.check(arg, depth)


def _literal(node: ast.AST) -> Decimal | None:
    """The value of a (possibly signed) number literal, else None."""
    sign = 1
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        if isinstance(node.value, bool):
            return None
        return sign * Decimal(repr(node.value))
    return None


class _Eval:
    def __init__(
        self,
        env: Mapping[str, Decimal | None],
        v: Mapping[str, object],
        prev: Mapping[str, object],
    ) -> None:
        self.env = env
        self.v = v
        self.prev = prev

    def input(self, values: Mapping[str, object], name: str, shown: str) -> Decimal:
        value = values.get(name)
        if value is None:
            raise MissingName(shown)
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise FormulaRuntimeError(f"{shown} is not a number")
        # a float from a Python caller is read as the decimal text it prints as
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)

    def special(self, node: ast.Call) -> Decimal | bool:
        arg = node.args[0]
        if _called(node) == "prev" and isinstance(arg, ast.Attribute):  # checked: prev(v.<name>)
            name = arg.attr
            return self.input(self.prev, name, f"prev(v.{name})")
        try:
            return self.visit(node.args[0])
        except MissingName:
            return self.visit(node.args[1])

    def num(self, node: ast.AST) -> Decimal:
        result = self.visit(node)
        return Decimal(int(result)) if isinstance(result, bool) else result

    def visit(self, node: ast.AST) -> Decimal | bool:
        if isinstance(node, ast.Constant):
            return _constant(node.value)
        if isinstance(node, ast.Name):
            value = self.env.get(node.id)
            if value is None:
                raise MissingName(node.id)
            return value
        if isinstance(node, ast.Attribute):
            return self.input(self.v, node.attr, f"v.{node.attr}")
        if isinstance(node, ast.BinOp):
            a, b = self.num(node.left), self.num(node.right)
            op = node.op
            if isinstance(op, ast.Add):
                return a + b
            if isinstance(op, ast.Sub):
                return a - b
            if isinstance(op, ast.Mult):
                return a * b
            if isinstance(op, ast.Div):
                return a / b
            if isinstance(op, ast.FloorDiv):
                return N.floor(a / b)
            if isinstance(op, ast.Mod):
                return a - b * N.floor(a / b)  # Python's sign convention
            if abs(a) > MAX_MAGNITUDE or abs(b) > MAX_EXPONENT:
                raise FormulaRuntimeError("power out of range")
            return a**b
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return not self.visit(node.operand)
            x = self.num(node.operand)
            return -x if isinstance(node.op, ast.USub) else +x
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And):
                result: Decimal | bool = True
                for operand in node.values:
                    result = self.visit(operand)
                    if not result:
                        return result
                return result
            result = False
            for operand in node.values:
                result = self.visit(operand)
                if result:
                    return result
            return result
        if isinstance(node, ast.Compare):
            left = self.num(node.left)
            for cmp, comp in zip(node.ops, node.comparators, strict=True):
                right = self.num(comp)
                if not _compare(cmp, left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.IfExp):
            return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)
        if isinstance(node, ast.Call):
            if _called(node) in SPECIAL:
                return self.special(node)
            fn = FUNCTIONS[_called(node)][0]
            return fn(*(self.num(arg) for arg in node.args))
        raise FormulaRuntimeError(f"{type(node).__name__} cannot be evaluated")  # pragma: no cover


def _called(node: ast.Call) -> str:
    """The name a checked call calls (the checker allows only plain names)."""
    return node.func.id if isinstance(node.func, ast.Name) else ""


def _constant(value: object) -> Decimal:
    # a float literal is read as the decimal text it is written as
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    raise FormulaRuntimeError(f"{value!r} is not a number")


def _compare(op: ast.cmpop, a: Decimal, b: Decimal) -> bool:
    if isinstance(op, ast.Eq):
        return a == b
    if isinstance(op, ast.NotEq):
        return a != b
    if isinstance(op, ast.Lt):
        return a < b
    if isinstance(op, ast.LtE):
        return a <= b
    if isinstance(op, ast.Gt):
        return a > b
    return a >= b
