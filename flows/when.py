"""``when`` expressions: a tiny language over earlier answers, parsed, never ``eval``-ed.

Grammar (keywords are lowercase; whitespace is free)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" expr ")" | comparison
    comparison := QUESTION ("==" | "!=" | "<" | "<=" | ">" | ">=") literal
                | QUESTION ["not"] "in" "[" literal ("," literal)* "]"
    literal    := CHOICE_ID | NUMBER | STRING

``QUESTION`` and ``CHOICE_ID`` are identifiers (``[A-Za-z_][A-Za-z0-9_]*``, not a
keyword), ``NUMBER`` is ``-?digits[.digits]``, ``STRING`` is ``"..."`` or ``'...'``
with ``\\`` escaping the next character. ``and`` binds tighter than ``or``, ``not``
tighter than both: ``not a == x or b == y and c > 3`` means
``(not (a == x)) or ((b == y) and (c > 3))``. An expression may nest ``not`` and
parentheses at most :data:`MAX_NESTING` deep and hold at most :data:`MAX_COMPARISONS`
comparisons, so that nothing here can exhaust the stack.

:func:`evaluate` semantics, by the stored answer of the question on the left:

- missing, unanswered (``None``): every comparison is false, ``!=`` and ``not in``
  included (``not (q == x)`` is therefore true);
- choice (``str``) and text (``str``): ``==``/``!=`` compare with a choice id or a
  string; ordering is false;
- multi (list, tuple or set of ids): ``q == x`` means "x is selected", ``q != x``
  "x is not selected", ``q in [x, y]`` "x or y is selected", ``q not in [x, y]``
  "neither is selected"; ordering is false;
- integer (``int``) and decimal (``Decimal``): compared with number literals;
- date (``datetime.date``): compared with quoted ISO dates, ``q < "2024-03-15"``;
- any other pairing (a number against a choice id, a bool, NaN, an unknown type)
  is incompatible and every comparison is false. :func:`evaluate` never raises.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from flows.errors import WhenSyntaxError

__all__ = [
    "KEYWORDS",
    "And",
    "Compare",
    "CompareOp",
    "Expr",
    "Literal",
    "Member",
    "Not",
    "Number",
    "Or",
    "Text",
    "Word",
    "evaluate",
    "iter_comparisons",
    "literal_date",
    "literal_source",
    "literals_for",
    "parse_when",
    "references",
    "rename",
    "to_source",
]

KEYWORDS: Final = frozenset({"and", "or", "not", "in"})


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True, slots=True)
class Word:
    """A bare identifier on the right: a choice id such as ``yes``."""

    value: str


@dataclass(frozen=True, slots=True)
class Text:
    """A quoted string: a text answer, or an ISO date for date questions."""

    value: str


@dataclass(frozen=True, slots=True)
class Number:
    """A number literal (integers too are kept as :class:`~decimal.Decimal`)."""

    value: Decimal


Literal = Word | Text | Number


class CompareOp(StrEnum):
    """The comparison operators, valued by their source text."""

    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


ORDERING_OPS: Final = frozenset({CompareOp.LT, CompareOp.LE, CompareOp.GT, CompareOp.GE})


@dataclass(frozen=True, slots=True)
class Compare:
    """``question op value``."""

    question: str
    op: CompareOp
    value: Literal


@dataclass(frozen=True, slots=True)
class Member:
    """``question in [values]`` or, negated, ``question not in [values]``."""

    question: str
    values: tuple[Literal, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr


@dataclass(frozen=True, slots=True)
class And:
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Or:
    left: Expr
    right: Expr


Expr = Compare | Member | Not | And | Or


# --------------------------------------------------------------------- tokenizer


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "ident", "number", "string", "op", "punct", "end"
    text: str  # source text (for strings: the decoded value)
    pos: int

    def describe(self) -> str:
        if self.kind == "end":
            return "end of expression"
        if self.kind == "string":
            return f"string {_quote(self.text)}"
        return f'"{self.text}"'


_IDENT_START: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_IDENT_REST: Final = _IDENT_START | frozenset("0123456789")
_DIGITS: Final = frozenset("0123456789")
_PUNCT: Final = frozenset("()[],")
_IDENT_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
        elif ch in _IDENT_START:
            start = i
            while i < n and text[i] in _IDENT_REST:
                i += 1
            tokens.append(_Token("ident", text[start:i], start))
        elif ch in _DIGITS or (ch == "-" and i + 1 < n and text[i + 1] in _DIGITS):
            start = i
            i += 1
            while i < n and text[i] in _DIGITS:
                i += 1
            if i < n and text[i] == ".":
                if i + 1 < n and text[i + 1] in _DIGITS:
                    i += 1
                    while i < n and text[i] in _DIGITS:
                        i += 1
                else:
                    raise WhenSyntaxError(
                        f'expected digits after the decimal point in "{text[start : i + 1]}"',
                        i + 1,
                    )
            tokens.append(_Token("number", text[start:i], start))
        elif ch in "\"'":
            start = i
            i += 1
            chars: list[str] = []
            while True:
                if i >= n:
                    raise WhenSyntaxError("unterminated string: no closing quote", start)
                if text[i] == "\\" and i + 1 < n:
                    chars.append(text[i + 1])
                    i += 2
                elif text[i] == ch:
                    i += 1
                    break
                else:
                    chars.append(text[i])
                    i += 1
            tokens.append(_Token("string", "".join(chars), start))
        elif text.startswith(("==", "!=", "<=", ">="), i):
            tokens.append(_Token("op", text[i : i + 2], i))
            i += 2
        elif ch in "<>":
            tokens.append(_Token("op", ch, i))
            i += 1
        elif ch in _PUNCT:
            tokens.append(_Token("punct", ch, i))
            i += 1
        elif ch == "=":
            raise WhenSyntaxError('unexpected "="; use "==" to compare', i)
        else:
            raise WhenSyntaxError(f"unexpected character {ch!r}", i)
    tokens.append(_Token("end", "", n))
    return tokens


# ------------------------------------------------------------------------ parser


MAX_NESTING: Final = 32
"""Deepest nesting of ``not`` and parentheses a ``when`` may use."""
MAX_COMPARISONS: Final = 64
"""Most comparisons one ``when`` may hold (keeps evaluation recursion shallow)."""


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0
        self.comparisons = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        tok = self.tokens[self.index]
        if tok.kind != "end":
            self.index += 1
        return tok

    def is_word(self, word: str) -> bool:
        return self.tok.kind == "ident" and self.tok.text == word

    def fail(self, expected: str) -> WhenSyntaxError:
        return WhenSyntaxError(f"expected {expected}, found {self.tok.describe()}", self.tok.pos)

    def parse(self) -> Expr:
        if self.tok.kind == "end":
            raise WhenSyntaxError("the expression is empty", 0)
        expr = self.or_expr()
        if self.tok.kind != "end":
            raise self.fail('"and", "or" or the end of the expression')
        return expr

    def or_expr(self) -> Expr:
        expr = self.and_expr()
        while self.is_word("or"):
            self.advance()
            expr = Or(expr, self.and_expr())
        return expr

    def and_expr(self) -> Expr:
        expr = self.not_expr()
        while self.is_word("and"):
            self.advance()
            expr = And(expr, self.not_expr())
        return expr

    def not_expr(self) -> Expr:
        if self.is_word("not") or (self.tok.kind == "punct" and self.tok.text == "("):
            if self.depth >= MAX_NESTING:
                raise WhenSyntaxError(
                    f"the expression is nested too deeply (more than {MAX_NESTING} levels)",
                    self.tok.pos,
                )
            self.depth += 1
            try:
                return self.nested()
            finally:
                self.depth -= 1
        return self.comparison()

    def nested(self) -> Expr:
        if self.advance().text == "not":
            return Not(self.not_expr())
        expr = self.or_expr()
        if not (self.tok.kind == "punct" and self.tok.text == ")"):
            raise self.fail('")"')
        self.advance()
        return expr

    def comparison(self) -> Expr:
        if self.tok.kind != "ident" or self.tok.text in KEYWORDS:
            raise self.fail('a question id, "not" or "("')
        self.comparisons += 1
        if self.comparisons > MAX_COMPARISONS:
            raise WhenSyntaxError(
                f"the expression is too long (more than {MAX_COMPARISONS} comparisons)",
                self.tok.pos,
            )
        question = self.advance().text
        if self.tok.kind == "op":
            op = CompareOp(self.advance().text)
            return Compare(question, op, self.literal(f'after "{op}"'))
        negated = False
        if self.is_word("not"):
            self.advance()
            if not self.is_word("in"):
                raise self.fail(f'"in" after "{question} not"')
            negated = True
        if self.is_word("in"):
            self.advance()
            return Member(question, self.literal_list(), negated)
        raise self.fail(f'a comparison (==, !=, <, <=, >, >=, in, not in) after "{question}"')

    def literal_list(self) -> tuple[Literal, ...]:
        if not (self.tok.kind == "punct" and self.tok.text == "["):
            raise self.fail('"[" to start the list after "in"')
        self.advance()
        values = [self.literal("in the list")]
        while self.tok.kind == "punct" and self.tok.text == ",":
            self.advance()
            values.append(self.literal('after ","'))
        if not (self.tok.kind == "punct" and self.tok.text == "]"):
            raise self.fail('"," or "]"')
        self.advance()
        return tuple(values)

    def literal(self, where: str) -> Literal:
        tok = self.tok
        if tok.kind == "ident" and tok.text not in KEYWORDS:
            self.advance()
            return Word(tok.text)
        if tok.kind == "number":
            self.advance()
            return Number(Decimal(tok.text))
        if tok.kind == "string":
            self.advance()
            return Text(tok.text)
        raise self.fail(f"a value (choice id, number or quoted text) {where}")


def parse_when(text: str) -> Expr:
    """Parse a ``when`` expression; raise :class:`WhenSyntaxError` if it is not valid."""
    return _Parser(text).parse()


# ------------------------------------------------------------------------ source


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def literal_source(lit: Literal) -> str:
    """The canonical text of one literal: ``yes``, ``"text"``, ``-1.5``."""
    match lit:
        case Word(value):
            return value
        case Text(value):
            return _quote(value)
        case Number(value):
            return format(value, "f")


_PRECEDENCE: Final = {Or: 1, And: 2, Not: 3, Compare: 4, Member: 4}


def _source(expr: Expr, min_prec: int) -> str:
    match expr:
        case Or(left, right):
            text = f"{_source(left, 1)} or {_source(right, 2)}"
        case And(left, right):
            text = f"{_source(left, 2)} and {_source(right, 3)}"
        case Not(operand):
            text = f"not {_source(operand, 3)}"
        case Compare(question, op, value):
            text = f"{question} {op.value} {literal_source(value)}"
        case Member(question, values, negated):
            items = ", ".join(literal_source(v) for v in values)
            text = f"{question} {'not in' if negated else 'in'} [{items}]"
    return f"({text})" if _PRECEDENCE[type(expr)] < min_prec else text


def to_source(expr: Expr) -> str:
    """The canonical text of ``expr``: ``parse_when(to_source(e)) == e``."""
    return _source(expr, 0)


# --------------------------------------------------------------------- inspection


def iter_comparisons(expr: Expr) -> Iterator[tuple[str, str, Literal]]:
    """Every ``(question, operator, literal)`` in ``expr``, left to right.

    ``in`` lists give one triple per value, with the operator ``"in"`` or ``"not in"``.
    """
    match expr:
        case Or(left, right) | And(left, right):
            yield from iter_comparisons(left)
            yield from iter_comparisons(right)
        case Not(operand):
            yield from iter_comparisons(operand)
        case Compare(question, op, value):
            yield question, op.value, value
        case Member(question, values, negated):
            for value in values:
                yield question, "not in" if negated else "in", value


def references(expr: Expr) -> set[str]:
    """The ids of the questions ``expr`` reads."""
    return {question for question, _, _ in iter_comparisons(expr)}


def rename(expr: Expr, names: Mapping[str, str]) -> Expr:
    """``expr`` with the question ids in ``names`` renamed, on either side of a comparison.

    A repeat group's item reads its own fields by their short ids (``spent``); the
    walk renames them to the item's answer keys (``projects/i2/spent``)."""
    match expr:
        case Compare(question, op, value):
            if isinstance(value, Word) and value.value in names:
                value = Word(names[value.value])
            return Compare(names.get(question, question), op, value)
        case Member(question, values, negated):
            return Member(names.get(question, question), values, negated)
        case Not(operand):
            return Not(rename(operand, names))
        case And(left, right):
            return And(rename(left, names), rename(right, names))
        case Or(left, right):
            return Or(rename(left, names), rename(right, names))
    return expr  # pragma: no cover - the five shapes above are all there are


def literals_for(expr: Expr) -> dict[str, set[str]]:
    """For each question, the choice ids and strings it is compared with."""
    found: dict[str, set[str]] = {}
    for question, _, value in iter_comparisons(expr):
        if isinstance(value, Word | Text):
            found.setdefault(question, set()).add(value.value)
    return found


_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


def literal_date(lit: Literal) -> dt.date | None:
    """The date a quoted ``"YYYY-MM-DD"`` literal stands for, else ``None``."""
    if isinstance(lit, Text) and _ISO_DATE.fullmatch(lit.value):
        try:
            return dt.date.fromisoformat(lit.value)
        except ValueError:
            return None
    return None


# --------------------------------------------------------------------- evaluation

_Ordered = Decimal | dt.date | str


def _operands(answer: object, lit: Literal) -> tuple[_Ordered, _Ordered] | None:
    """The answer and the literal as two comparable values, or ``None`` if incompatible."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, str):
        if isinstance(lit, Word | Text):
            return answer, lit.value
        return None
    if isinstance(answer, int | Decimal | float):
        if not isinstance(lit, Number):
            return None
        number = answer if isinstance(answer, Decimal) else Decimal(str(answer))
        if not (number.is_finite() and lit.value.is_finite()):
            return None
        return number, lit.value
    if isinstance(answer, dt.date):
        day = answer.date() if isinstance(answer, dt.datetime) else answer
        other = literal_date(lit)
        return None if other is None else (day, other)
    return None


def _compare(answer: object, op: CompareOp, lit: Literal) -> bool:
    if answer is None:
        return False
    if isinstance(answer, list | tuple | set | frozenset):
        if op in ORDERING_OPS or not isinstance(lit, Word | Text):
            return False
        selected = any(isinstance(item, str) and item == lit.value for item in answer)
        return selected if op is CompareOp.EQ else not selected
    pair = _operands(answer, lit)
    if pair is None:
        return False
    left, right = pair
    if op is CompareOp.EQ:
        return left == right
    if op is CompareOp.NE:
        return left != right
    # two branches so that the type checker sees each pair of one type
    if isinstance(left, Decimal) and isinstance(right, Decimal):  # noqa: SIM114
        sign = (left > right) - (left < right)
    elif isinstance(left, dt.date) and isinstance(right, dt.date):
        sign = (left > right) - (left < right)
    else:
        return False  # no ordering on text
    return {
        CompareOp.LT: sign < 0,
        CompareOp.LE: sign <= 0,
        CompareOp.GT: sign > 0,
        CompareOp.GE: sign >= 0,
    }[op]


def evaluate(expr: Expr, answers: Mapping[str, object]) -> bool:
    """Whether ``expr`` holds for ``answers`` (question id -> stored value).

    See the module docstring for the semantics; this never raises.
    """
    match expr:
        case Or(left, right):
            return evaluate(left, answers) or evaluate(right, answers)
        case And(left, right):
            return evaluate(left, answers) and evaluate(right, answers)
        case Not(operand):
            return not evaluate(operand, answers)
        case Compare(question, op, value):
            return _compare(answers.get(question), op, value)
        case Member(question, values, negated):
            answer = answers.get(question)
            if negated:
                return bool(values) and all(_compare(answer, CompareOp.NE, v) for v in values)
            return any(_compare(answer, CompareOp.EQ, v) for v in values)
    return False  # pragma: no cover - unreachable for well-typed input
