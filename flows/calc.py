"""``calc`` expressions: arithmetic over earlier answers, parsed, never ``eval``-ed.

A question with ``calc: allocated - spent`` is not asked: its value follows from
the answers it names (budget left, percent disbursed), is stored with them and
exported like them. Grammar (whitespace is free)::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | "(" sum ")" | NUMBER | QUESTION

``QUESTION`` is an identifier (``[A-Za-z_][A-Za-z0-9_]*``), ``NUMBER`` is
``digits[.digits]``. ``*`` and ``/`` bind tighter than ``+`` and ``-``; operators of
one level group from the left (``a - b - c`` is ``(a - b) - c``). An expression is
at most :data:`MAX_LENGTH` characters, nests at most :data:`MAX_NESTING` deep and
names at most :data:`MAX_OPERANDS` operands, so nothing here can exhaust the stack.

:func:`compute` works in :class:`~decimal.Decimal` and never raises: an operand that
is missing, unanswered, "none", or not a number, and a division by zero, give
``None`` ("no value"), never a crash or a guess. Results are rounded half up to
:data:`PLACES` decimal places.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Final

from flows.errors import CalcSyntaxError

__all__ = [
    "MAX_LENGTH",
    "MAX_NESTING",
    "MAX_OPERANDS",
    "PLACES",
    "Binary",
    "CalcExpr",
    "CalcSyntaxError",
    "Negate",
    "Operand",
    "compute",
    "operands",
    "parse_calc",
    "rename",
    "to_source",
]

MAX_LENGTH: Final = 500
MAX_NESTING: Final = 32
MAX_OPERANDS: Final = 64
PLACES: Final = 2
_QUANTUM: Final = Decimal(1).scaleb(-PLACES)


@dataclass(frozen=True, slots=True)
class Operand:
    """A number (``value``) or a question's answer (``question``)."""

    value: Decimal | None = None
    question: str | None = None


@dataclass(frozen=True, slots=True)
class Negate:
    operand: CalcExpr


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # one of + - * /
    left: CalcExpr
    right: CalcExpr


CalcExpr = Operand | Negate | Binary

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<id>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/()]))"
)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """``(kind, text, position)`` for each token, then ``("end", "", len)``."""
    found: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            start = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise CalcSyntaxError(f"unexpected character {text[start]!r}", start)
        kind = match.lastgroup or "op"
        value = match.group(kind)
        found.append((kind, value, match.start(kind)))
        pos = match.end()
    found.append(("end", "", len(text)))
    return found


def _shown(kind: str, text: str) -> str:
    return "end of expression" if kind == "end" else f'"{text}"'


class _Parser:
    def __init__(self, text: str) -> None:
        if len(text) > MAX_LENGTH:
            too_long = f"the expression is too long (more than {MAX_LENGTH} characters)"
            raise CalcSyntaxError(too_long, 0)
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0
        self.operands = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.at]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> CalcExpr:
        expr = self.sum()
        kind, text, pos = self.peek()
        if kind != "end":
            found = _shown(kind, text)
            raise CalcSyntaxError(f"expected an operator or the end, found {found}", pos)
        return expr

    def sum(self) -> CalcExpr:
        left = self.product()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            left = Binary(op, left, self.product())
        return left

    def product(self) -> CalcExpr:
        left = self.unary()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.take()[1]
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> CalcExpr:
        kind, text, pos = self.take()
        if kind == "op" and text in ("-", "("):
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise CalcSyntaxError(
                    f"the expression is nested too deeply (more than {MAX_NESTING} levels)", pos
                )
            if text == "-":
                inner: CalcExpr = Negate(self.unary())
            else:
                inner = self.sum()
                closing = self.take()
                if closing[:2] != ("op", ")"):
                    raise CalcSyntaxError(
                        f'expected ")", found {_shown(closing[0], closing[1])}', closing[2]
                    )
            self.depth -= 1
            return inner
        if kind in ("num", "id"):
            self.operands += 1
            if self.operands > MAX_OPERANDS:
                raise CalcSyntaxError(
                    f"the expression is too long (more than {MAX_OPERANDS} operands)", pos
                )
            return Operand(value=Decimal(text)) if kind == "num" else Operand(question=text)
        raise CalcSyntaxError(
            f'expected a number, a question id, "-" or "(", found {_shown(kind, text)}', pos
        )


def parse_calc(text: str) -> CalcExpr:
    """Parse a ``calc`` expression; :class:`CalcSyntaxError` if it is not valid."""
    return _Parser(text).parse()


def operands(expr: CalcExpr) -> set[str]:
    """The ids of the questions ``expr`` reads."""
    match expr:
        case Operand(question=question):
            return {question} if question is not None else set()
        case Negate(operand):
            return operands(operand)
        case Binary(_, left, right):
            return operands(left) | operands(right)
    return set()  # pragma: no cover - the three shapes above are all there are


def rename(expr: CalcExpr, names: Mapping[str, str]) -> CalcExpr:
    """``expr`` with the question ids in ``names`` renamed (see :func:`flows.when.rename`)."""
    match expr:
        case Operand(question=question) if question is not None and question in names:
            return Operand(question=names[question])
        case Negate(operand):
            return Negate(rename(operand, names))
        case Binary(op, left, right):
            return Binary(op, rename(left, names), rename(right, names))
    return expr


_PRECEDENCE: Final = {"+": 1, "-": 1, "*": 2, "/": 2}


def to_source(expr: CalcExpr) -> str:
    """The canonical text of ``expr``: ``parse_calc(to_source(e)) == e``."""
    return _source(expr, 0, right=False)


def _source(expr: CalcExpr, outer: int, *, right: bool) -> str:
    match expr:
        case Operand(value=value, question=question):
            return question if question is not None else format(value, "f")
        case Negate(operand):
            return f"-{_source(operand, 3, right=False)}"
        case Binary(op, left, rhs):
            level = _PRECEDENCE[op]
            text = f"{_source(left, level, right=False)} {op} {_source(rhs, level, right=True)}"
            # a right operand of the same level needs brackets: a - (b - c)
            if level < outer or (right and level == outer):
                return f"({text})"
            return text
    raise AssertionError(expr)  # pragma: no cover


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


def _value(expr: CalcExpr, answers: Mapping[str, object]) -> Decimal | None:
    match expr:
        case Operand(value=value, question=question):
            return value if question is None else _number(answers.get(question))
        case Negate(operand):
            inner = _value(operand, answers)
            return None if inner is None else -inner
        case Binary(op, left, right):
            a, b = _value(left, answers), _value(right, answers)
            if a is None or b is None:
                return None
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            return None if b == 0 else a / b
    return None  # pragma: no cover


def compute(expr: CalcExpr, answers: Mapping[str, object]) -> Decimal | None:
    """The value of ``expr`` over ``answers`` (question id -> int or Decimal), or None.

    None when an operand has no number or a divisor is zero. Never raises.
    """
    with localcontext() as context:
        context.prec = 34
        try:
            result = _value(expr, answers)
            if result is None or not result.is_finite():
                return None
            return result.quantize(_QUANTUM, rounding=ROUND_HALF_UP)
        except (InvalidOperation, ArithmeticError):  # e.g. a result beyond the precision
            return None
