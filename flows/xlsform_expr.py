"""XLSForm expressions (the XPath of ``relevant``, ``constraint``, ``calculation``)
translated to tidtam's own ``when``/``check`` and ``calc`` languages, and back.

Nothing here is ever evaluated: the text is tokenized and parsed by the small
recursive-descent parser below, the tree is translated into the trees of
:mod:`flows.when` and :mod:`flows.calc`, and their canonical text
(:func:`flows.when.to_source`, :func:`flows.calc.to_source`) is what the YAML form
receives. So every translation parses with tidtam's own parsers by construction.

The subset read (anything else is refused with :class:`XlsExprError`, which says
what to write instead)::

    or_expr  := and_expr ("or" and_expr)*
    and_expr := cmp ("and" cmp)*
    cmp      := sum [("=" | "!=" | "<" | "<=" | ">" | ">=") sum]
    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "div") unary)*
    unary    := "-" unary | primary
    primary  := NUMBER | STRING | "${" NAME "}" | "." | "(" or_expr ")"
              | "not(" or_expr ")" | "selected(" REF "," value ")"
              | "count-selected(" REF ")" | "date(" STRING ")"

What the pieces become in ``relevant`` (tidtam's ``when``) and ``constraint``
(tidtam's ``check`` rule, where ``.`` is the question itself):

===========================================  ======================================
XLSForm                                      tidtam
===========================================  ======================================
``${q} = 'yes'``, ``${q} != 'x'``            ``q == yes``, ``q != x``
``${n} >= 3``, ``${d} < date('2024-03-15')`` ``n >= 3``, ``d < "2024-03-15"``
``selected(${q}, 'gov')``                    ``q in [gov]``
``selected(${q}, 'a') or selected(${q}, 'b')``  ``q in [a, b]`` (the whole chain)
``${q} != 'a' and ${q} != 'b'`` (2 or more)  ``q not in [a, b]`` (the whole chain)
``not(...)``, ``and``, ``or``, ``( )``       ``not (...)``, ``and``, ``or``, ``( )``
``count-selected(${q}) > 0`` (also ``>= 1``, ``!= 0``)  ``q in [every choice]``
``count-selected(${q}) = 0`` (also ``< 1``, ``<= 0``)   ``not q in [every choice]``
``. <= ${allocated}`` (constraint)           ``spent <= allocated``
===========================================  ======================================

``calculation`` (tidtam's ``calc``): numbers, ``${q}``, ``+ - * div``, a leading
``-`` and parentheses.

Meanings are tidtam's (``docs/forms.md``): a comparison with an unanswered question is
false, ``!=`` included, where ODK would compare with the empty text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from flows import calc as calc_lang
from flows.calc import Binary, CalcExpr, Negate, Operand
from flows.form import QuestionType
from flows.when import (
    KEYWORDS,
    And,
    Compare,
    CompareOp,
    Expr,
    Literal,
    Member,
    Not,
    Number,
    Or,
    Text,
    Word,
    to_source,
)

__all__ = [
    "MAX_NESTING",
    "QuestionInfo",
    "XlsExprError",
    "calc_to_xpath",
    "calculation_to_calc",
    "constraint_to_rule",
    "relevant_to_when",
    "when_to_xpath",
]

#: Deepest nesting of parentheses, ``not`` and ``-`` read (nothing can exhaust the stack).
MAX_NESTING: Final = 32
#: Longest expression read, in characters.
MAX_LENGTH: Final = 2000

_ID: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class XlsExprError(Exception):
    """An expression outside the subset: ``message`` says what, and what to write instead;
    ``position`` is the 0-based offset in the expression (``column`` 1-based)."""

    def __init__(self, message: str, position: int = 0) -> None:
        self.message = message
        self.position = position
        super().__init__(f"column {position + 1}: {message}")

    @property
    def column(self) -> int:
        return self.position + 1


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What the translator needs to know of a question: its type and its choice ids."""

    type: QuestionType | None
    choices: tuple[str, ...] = ()


# ----------------------------------------------------------------- XPath tree


@dataclass(frozen=True, slots=True)
class _Num:
    value: Decimal
    pos: int


@dataclass(frozen=True, slots=True)
class _Str:
    value: str
    pos: int


@dataclass(frozen=True, slots=True)
class _Ref:
    name: str  # "." for the current question
    pos: int


@dataclass(frozen=True, slots=True)
class _Call:
    name: str
    args: tuple[_X, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class _Bin:
    op: str  # or and = != < <= > >= + - * div
    left: _X
    right: _X
    pos: int


@dataclass(frozen=True, slots=True)
class _Neg:
    operand: _X
    pos: int


@dataclass(frozen=True, slots=True)
class _Paren:
    inner: _X
    pos: int


_X = _Num | _Str | _Ref | _Call | _Bin | _Neg | _Paren

_FUNCTIONS: Final = frozenset({"not", "selected", "count-selected", "date"})
_COMPARISONS: Final = ("=", "!=", "<=", ">=", "<", ">")
_HINTS: Final = {
    "if": "tidtam has no if(): split the question, or use relevant to ask it only when needed",
    "today": "tidtam has no today(): compare with a fixed date such as date('2024-03-15')",
    "now": "tidtam has no now(): compare with a fixed date such as date('2024-03-15')",
    "string-length": "tidtam cannot measure text: write ${q} != '' for 'answered'",
    "regex": "tidtam has no regex(): choose a question type (integer, decimal, date) instead",
    "round": "tidtam rounds calculated values to 2 decimal places itself: leave round() out",
    "sum": "sum() reads repeat groups, which are not supported yet: add the questions with +",
    "coalesce": "tidtam's calc already gives no value when an operand has none",
    "true": "leave the column empty instead",
    "false": "leave the question out, or give it a relevant that can hold",
    "mod": "tidtam's calc has + - * div only",
}


def _hint(name: str) -> str:
    return _HINTS.get(name, "use ${q}, numbers, quoted text, =, !=, <, <=, >, >=, and, or, not()")


class _Parser:
    def __init__(self, text: str) -> None:
        if len(text) > MAX_LENGTH:
            raise XlsExprError(f"the expression is longer than {MAX_LENGTH} characters", 0)
        self.text = text
        self.pos = 0
        self.depth = 0

    # tokens ------------------------------------------------------------
    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def peek(self, word: str) -> bool:
        """Whether ``word`` comes next (a name must not run on into more name)."""
        self.skip()
        if not self.text.startswith(word, self.pos):
            return False
        if word[-1].isalpha():
            end = self.pos + len(word)
            return end >= len(self.text) or not (
                self.text[end].isalnum() or self.text[end] in "_-:."
            )
        return True

    def expect(self, word: str) -> None:
        if not self.peek(word):
            raise XlsExprError(f'expected "{word}", found {self.found()}', self.pos)
        self.pos += len(word)

    def found(self) -> str:
        self.skip()
        if self.pos >= len(self.text):
            return "the end of the expression"
        return f'"{self.text[self.pos : self.pos + 12]}"'

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise XlsExprError(f"the expression nests more than {MAX_NESTING} levels", self.pos)

    # grammar -----------------------------------------------------------
    def parse(self) -> _X:
        self.skip()
        if self.pos >= len(self.text):
            raise XlsExprError("the expression is empty", 0)
        tree = self.or_expr()
        self.skip()
        if self.pos < len(self.text):
            raise XlsExprError(
                f"expected and, or or the end of the expression, found {self.found()}", self.pos
            )
        return tree

    def or_expr(self) -> _X:
        left = self.and_expr()
        while self.peek("or"):
            pos = self.pos
            self.pos += 2
            left = _Bin("or", left, self.and_expr(), pos)
        return left

    def and_expr(self) -> _X:
        left = self.cmp()
        while self.peek("and"):
            pos = self.pos
            self.pos += 3
            left = _Bin("and", left, self.cmp(), pos)
        return left

    def cmp(self) -> _X:
        left = self.sum()
        self.skip()
        for op in _COMPARISONS:
            if self.text.startswith(op, self.pos):
                pos = self.pos
                self.pos += len(op)
                right = self.sum()
                self.skip()
                if any(self.text.startswith(o, self.pos) for o in _COMPARISONS):
                    raise XlsExprError("two comparisons in a row: join them with and", self.pos)
                return _Bin(op, left, right, pos)
        return left

    def sum(self) -> _X:
        left = self.product()
        while True:
            self.skip()
            if self.pos < len(self.text) and self.text[self.pos] in "+-":
                op, pos = self.text[self.pos], self.pos
                self.pos += 1
                left = _Bin(op, left, self.product(), pos)
            else:
                return left

    def product(self) -> _X:
        left = self.unary()
        while True:
            self.skip()
            if self.pos < len(self.text) and self.text[self.pos] == "*":
                pos = self.pos
                self.pos += 1
                left = _Bin("*", left, self.unary(), pos)
            elif self.peek("div"):
                pos = self.pos
                self.pos += 3
                left = _Bin("div", left, self.unary(), pos)
            elif self.peek("mod"):
                raise XlsExprError(f"mod is not supported: {_hint('mod')}", self.pos)
            else:
                return left

    def unary(self) -> _X:
        self.skip()
        if self.pos < len(self.text) and self.text[self.pos] == "-":
            pos = self.pos
            self.pos += 1
            self.nest()
            operand = self.unary()
            self.depth -= 1
            return _Neg(operand, pos)
        return self.primary()

    def primary(self) -> _X:
        self.skip()
        text, pos = self.text, self.pos
        if pos >= len(text):
            raise XlsExprError("the expression ends too soon: a value is missing", pos)
        ch = text[pos]
        if text.startswith("${", pos):
            end = text.find("}", pos)
            if end < 0:
                raise XlsExprError('"${" without its closing "}"', pos)
            self.pos = end + 1
            return _Ref(text[pos + 2 : end].strip(), pos)
        number = re.compile(r"\d+(\.\d+)?|\.\d+").match(text, pos)
        if number:
            self.pos = number.end()
            return _Num(Decimal(number.group()), pos)
        if ch == ".":
            if text.startswith("..", pos):
                raise XlsExprError(
                    '".." (the parent) is not supported: name the question as ${q}', pos
                )
            self.pos += 1
            return _Ref(".", pos)
        if ch in "'\"":
            end = text.find(ch, pos + 1)
            if end < 0:
                raise XlsExprError("text without its closing quote", pos)
            self.pos = end + 1
            return _Str(text[pos + 1 : end], pos)
        if ch == "(":
            self.pos += 1
            self.nest()
            inner = self.or_expr()
            self.depth -= 1
            self.expect(")")
            return _Paren(inner, pos)
        name = re.compile(r"[A-Za-z_][A-Za-z0-9_:.-]*").match(text, pos)
        if name:
            word = name.group()
            after = name.end()
            while after < len(text) and text[after] in " \t":
                after += 1
            if after < len(text) and text[after] == "(":
                if word not in _FUNCTIONS:
                    raise XlsExprError(f"{word}() is not supported: {_hint(word)}", pos)
                self.pos = after + 1
                self.nest()
                args: list[_X] = []
                self.skip()
                if not self.text.startswith(")", self.pos):
                    args.append(self.or_expr())
                    while self.peek(","):
                        self.pos += 1
                        args.append(self.or_expr())
                self.depth -= 1
                self.expect(")")
                return _Call(word, tuple(args), pos)
            raise XlsExprError(
                f'"{word}" is not supported: name a question as ${{{word}}}, '
                f"quote text as '{word}'",
                pos,
            )
        if ch == "/":
            raise XlsExprError("paths such as /data/q are not supported: write ${q}", pos)
        raise XlsExprError(f"unexpected character {ch!r}", pos)


def _parse(text: str) -> _X:
    return _Parser(text).parse()


# ------------------------------------------------------------ XPath -> tidtam


def _unparen(node: _X) -> _X:
    while isinstance(node, _Paren):
        node = node.inner
    return node


def _chain(node: _X, op: str) -> list[_X]:
    """The operands of a left-leaning chain of ``op`` (parentheses end the chain)."""
    items: list[_X] = []
    while isinstance(node, _Bin) and node.op == op:
        items.append(node.right)
        node = node.left
    items.append(node)
    return items[::-1]


class _When:
    """Translate a boolean XPath tree to a ``when`` tree."""

    def __init__(self, questions: Mapping[str, QuestionInfo], own: str | None) -> None:
        self.questions = questions
        self.own = own  # the question itself ("."), in a constraint only

    def ref(self, node: _X, what: str) -> str:
        node = _unparen(node)
        if not isinstance(node, _Ref):
            raise XlsExprError(f"{what} must be a question such as ${{q}}", _pos(node))
        if node.name == ".":
            if self.own is None:
                raise XlsExprError(
                    '"." (this question) is only for constraint: name the question as ${q}',
                    node.pos,
                )
            return self.own
        if not _ID.fullmatch(node.name):
            raise XlsExprError(
                f"${{{node.name}}} is not a tidtam question name: use a letter, then "
                'letters, digits or "_"',
                node.pos,
            )
        return node.name

    def literal(self, question: str, node: _X) -> Literal:
        node = _unparen(node)
        info = self.questions.get(question)
        qtype = None if info is None else info.type
        if isinstance(node, _Num):
            return Number(node.value)
        if isinstance(node, _Neg) and isinstance(_unparen(node.operand), _Num):
            inner = _unparen(node.operand)
            assert isinstance(inner, _Num)
            return Number(-inner.value)
        if isinstance(node, _Call) and node.name == "date":
            if len(node.args) != 1 or not isinstance(_unparen(node.args[0]), _Str):
                raise XlsExprError("date() takes one quoted date: date('2024-03-15')", node.pos)
            arg = _unparen(node.args[0])
            assert isinstance(arg, _Str)
            return Text(arg.value)
        if isinstance(node, _Str):
            wordlike = _ID.fullmatch(node.value) is not None and node.value not in KEYWORDS
            if qtype in (QuestionType.TEXT, QuestionType.DATE) or not wordlike:
                return Text(node.value)
            return Word(node.value)
        if isinstance(node, _Ref) and self.own is not None:
            return Word(self.ref(node, "the right side"))
        raise XlsExprError(
            "compare with a value: 'text', a number or date('2024-03-15')"
            + ("" if self.own is None else ", or in a constraint a question ${q}"),
            _pos(node),
        )

    def expr(self, node: _X) -> Expr:
        if isinstance(node, _Paren):
            return self.expr(node.inner)
        if isinstance(node, _Bin) and node.op == "or":
            items = _chain(node, "or")
            member = self.selected_chain(items)
            if member is not None:
                return member
            result = self.expr(items[0])
            for item in items[1:]:
                result = Or(result, self.expr(item))
            return result
        if isinstance(node, _Bin) and node.op == "and":
            items = _chain(node, "and")
            member = self.not_equal_chain(items)
            if member is not None:
                return member
            result = self.expr(items[0])
            for item in items[1:]:
                result = And(result, self.expr(item))
            return result
        if isinstance(node, _Call) and node.name == "not":
            if len(node.args) != 1:
                raise XlsExprError("not() takes one expression", node.pos)
            return Not(self.expr(node.args[0]))
        if isinstance(node, _Call) and node.name == "selected":
            question, value = self.selected(node)
            return Member(question, (value,))
        if isinstance(node, _Bin) and node.op in _COMPARISONS:
            return self.comparison(node)
        raise XlsExprError(
            "expected a comparison such as ${q} = 'yes', selected(${q}, 'x') or not(...)",
            _pos(node),
        )

    def selected(self, node: _Call) -> tuple[str, Literal]:
        if len(node.args) != 2:
            raise XlsExprError(
                "selected() takes a question and a choice: selected(${q}, 'x')", node.pos
            )
        question = self.ref(node.args[0], "the first argument of selected()")
        return question, self.literal(question, node.args[1])

    def selected_chain(self, items: list[_X]) -> Expr | None:
        """``selected(${q}, 'a') or selected(${q}, 'b')``, the whole chain: ``q in [a, b]``."""
        calls = [_unparen(i) for i in items]
        if not all(isinstance(c, _Call) and c.name == "selected" for c in calls):
            return None
        pairs = [self.selected(c) for c in calls if isinstance(c, _Call)]
        if len({q for q, _ in pairs}) != 1:
            return None
        return Member(pairs[0][0], tuple(v for _, v in pairs))

    def not_equal_chain(self, items: list[_X]) -> Expr | None:
        """``${q} != 'a' and ${q} != 'b'``, the whole chain: ``q not in [a, b]``."""
        nodes = [_unparen(i) for i in items]
        if not all(isinstance(n, _Bin) and n.op == "!=" for n in nodes):
            return None
        compares = [self.expr(n) for n in nodes]
        names = {c.question for c in compares if isinstance(c, Compare)}
        if len(names) != 1 or not all(isinstance(c, Compare) for c in compares):
            return None
        values = tuple(c.value for c in compares if isinstance(c, Compare))
        return Member(names.pop(), values, negated=True)

    def comparison(self, node: _Bin) -> Expr:
        left, right = _unparen(node.left), _unparen(node.right)
        op = "==" if node.op == "=" else node.op
        if isinstance(left, _Call) and left.name == "count-selected":
            return self.count(left, op, right)
        if not isinstance(left, _Ref):
            if isinstance(right, _Ref):
                raise XlsExprError(
                    "write the question first: ${q} > 3 rather than 3 < ${q}", node.pos
                )
            raise XlsExprError(
                "the left side must be a question such as ${q} (arithmetic is only for "
                "calculation)",
                _pos(left),
            )
        question = self.ref(left, "the left side")
        return Compare(question, CompareOp(op), self.literal(question, right))

    def count(self, call: _Call, op: str, right: _X) -> Expr:
        if len(call.args) != 1:
            raise XlsExprError("count-selected() takes one question", call.pos)
        question = self.ref(call.args[0], "the argument of count-selected()")
        info = self.questions.get(question)
        if info is None or info.type is not QuestionType.MULTI or not info.choices:
            raise XlsExprError(
                f'count-selected() needs a select_multiple question; "{question}" is not one',
                call.pos,
            )
        right = _unparen(right)
        value = right.value if isinstance(right, _Num) else None
        some: set[tuple[str, Decimal | None]] = {(">", Decimal(0)), (">=", Decimal(1))}
        some.add(("!=", Decimal(0)))
        none: set[tuple[str, Decimal | None]] = {("==", Decimal(0)), ("<", Decimal(1))}
        none.add(("<=", Decimal(0)))
        member = Member(question, tuple(Word(c) for c in info.choices))
        if (op, value) in some:
            return member
        if (op, value) in none:
            return Not(member)
        raise XlsExprError(
            "tidtam can only tell whether anything is selected: write count-selected(${q}) > 0 "
            "or count-selected(${q}) = 0",
            call.pos,
        )


def _pos(node: _X) -> int:
    return node.pos


def relevant_to_when(text: str, questions: Mapping[str, QuestionInfo]) -> str:
    """A ``relevant`` expression as ``when`` text; :class:`XlsExprError` if outside the subset."""
    return to_source(_When(questions, None).expr(_parse(text)))


def constraint_to_rule(text: str, own: str, questions: Mapping[str, QuestionInfo]) -> str:
    """A ``constraint`` of question ``own`` (``.`` is its answer) as a ``check`` rule."""
    return to_source(_When(questions, own).expr(_parse(text)))


def _calc(node: _X) -> CalcExpr:
    if isinstance(node, _Paren):
        return _calc(node.inner)
    if isinstance(node, _Num):
        return Operand(value=node.value)
    if isinstance(node, _Ref):
        if node.name == "." or not _ID.fullmatch(node.name):
            raise XlsExprError("name the questions to compute with as ${q}", node.pos)
        return Operand(question=node.name)
    if isinstance(node, _Neg):
        return Negate(_calc(node.operand))
    if isinstance(node, _Bin) and node.op in ("+", "-", "*", "div"):
        op = "/" if node.op == "div" else node.op
        return Binary(op, _calc(node.left), _calc(node.right))
    if isinstance(node, _Str):
        raise XlsExprError("calculation computes numbers: text is not allowed", node.pos)
    if isinstance(node, _Call):
        raise XlsExprError(f"{node.name}() is not supported in a calculation", node.pos)
    raise XlsExprError("calculation has numbers, ${q}, + - * div and parentheses only", _pos(node))


def calculation_to_calc(text: str) -> str:
    """A ``calculation`` as ``calc`` text; :class:`XlsExprError` if outside the subset."""
    tree = _parse(text)
    top = _unparen(tree)
    if isinstance(top, _Bin) and top.op in (*_COMPARISONS, "and", "or"):
        raise XlsExprError(
            "calculation computes a number: comparisons, and, or are not allowed", top.pos
        )
    return calc_lang.to_source(_calc(tree))


# ------------------------------------------------------------ tidtam -> XPath


def _xpath_text(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise XlsExprError(f"the text {value!r} holds both kinds of quote, which XLSForm cannot write")


class _XPath:
    def __init__(self, questions: Mapping[str, QuestionInfo], own: str | None) -> None:
        self.questions = questions
        self.own = own

    def name(self, question: str) -> str:
        return "." if question == self.own else f"${{{question}}}"

    def literal(self, question: str, lit: Literal) -> str:
        info = self.questions.get(question)
        if isinstance(lit, Number):
            return format(lit.value, "f")
        if isinstance(lit, Word):
            is_choice = info is not None and lit.value in info.choices
            if self.own is not None and not is_choice and lit.value in self.questions:
                return self.name(lit.value)
            return _xpath_text(lit.value)
        if info is not None and info.type is QuestionType.DATE:
            return f"date({_xpath_text(lit.value)})"
        return _xpath_text(lit.value)

    def source(self, expr: Expr, outer: int) -> str:
        # precedence: or 1, and 2, the rest 3 (comparisons and function calls)
        match expr:
            case Or(left, right):
                text, level = f"{self.source(left, 1)} or {self.source(right, 2)}", 1
            case And(left, right):
                text, level = f"{self.source(left, 2)} and {self.source(right, 3)}", 2
            case Not(operand):
                text, level = f"not({self.source(operand, 0)})", 3
            case Compare(question, op, value):
                xop = "=" if op is CompareOp.EQ else op.value
                text = f"{self.name(question)} {xop} {self.literal(question, value)}"
                level = 3
            case Member(question, values, negated) if negated:
                parts = [f"{self.name(question)} != {self.literal(question, v)}" for v in values]
                text, level = " and ".join(parts), (2 if len(parts) > 1 else 3)
            case Member(question, values, _):
                parts = [
                    f"selected({self.name(question)}, {self.literal(question, v)})" for v in values
                ]
                text, level = " or ".join(parts), (1 if len(parts) > 1 else 3)
        # a chain that the reader would merge with its neighbours is bracketed too
        if level < outer or (isinstance(expr, Member) and len(expr.values) > 1 and outer > 0):
            return f"({text})"
        return text


def when_to_xpath(expr: Expr, questions: Mapping[str, QuestionInfo], own: str | None = None) -> str:
    """A ``when`` (or, with ``own``, a ``check`` rule of ``own``) as XLSForm text.

    Reading it back with :func:`relevant_to_when` / :func:`constraint_to_rule` gives an
    expression of the same meaning (``q not in [x]`` comes back as ``q != x``).
    """
    return _XPath(questions, own).source(expr, 0)


def calc_to_xpath(expr: CalcExpr) -> str:
    """A ``calc`` as an XLSForm ``calculation`` (``/`` is ``div``); reads back the same."""
    return _calc_source(expr, 0, right=False)


_CALC_LEVEL: Final = {"+": 1, "-": 1, "*": 2, "/": 2}


def _calc_source(expr: CalcExpr, outer: int, *, right: bool) -> str:
    match expr:
        case Operand(value=value, question=question):
            return f"${{{question}}}" if question is not None else format(value, "f")
        case Negate(operand):
            return f"-{_calc_source(operand, 3, right=False)}"
        case Binary(op, left, rhs):
            level = _CALC_LEVEL[op]
            xop = "div" if op == "/" else op
            text = (
                f"{_calc_source(left, level, right=False)} {xop} "
                f"{_calc_source(rhs, level, right=True)}"
            )
            if level < outer or (right and level == outer):
                return f"({text})"
            return text
    raise AssertionError(expr)  # pragma: no cover
