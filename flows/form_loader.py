"""Load a form from YAML, checking everything and reporting every problem at once.

:func:`load_form` parses the text with ruamel.yaml (which keeps line numbers),
walks it, and either returns a :class:`~flows.form.Form` or raises
:class:`~flows.errors.FormError` listing each :class:`~flows.errors.FormProblem`
in file order, such as::

    form.yaml:14: sections[0].indicators[2].questions[1]: when refers to unknown question "s1i9"

A problem's path is the object at fault; its message starts with the key at
fault. Messages are English: the reader is the admin maintaining the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from os import PathLike
from pathlib import Path
from typing import Any, Final

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

from flows.calc import CalcExpr, CalcSyntaxError, operands, parse_calc
from flows.errors import FormError, FormProblem, WhenSyntaxError
from flows.form import (
    CHOICE_TYPES,
    MAX_GROUP_DEPTH,
    MAX_ITEMS,
    MAX_KEY_LENGTH,
    NUMBER_TYPES,
    PROJECT_STATES,
    Budget,
    Check,
    Choice,
    Form,
    Indicator,
    Question,
    QuestionType,
    Section,
)
from flows.when import (
    KEYWORDS,
    ORDERING_OPS,
    Expr,
    Number,
    Word,
    iter_comparisons,
    literal_date,
    literal_source,
    parse_when,
    references,
)
from flows.when import Literal as WhenLiteral

__all__ = ["KNOWN_EXTENSIONS", "load_form", "load_form_file"]

ID_PATTERN: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
CODE_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
KIND_PATTERN: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

KNOWN_EXTENSIONS: Final = frozenset(
    {
        "pdf", "doc", "docx", "odt", "rtf", "txt",
        "xls", "xlsx", "ods", "csv",
        "ppt", "pptx", "odp",
        "jpg", "jpeg", "png", "gif", "webp", "heic",
        "zip", "mp4",
    }
)  # fmt: skip

#: Deepest nesting of mappings and lists a form may have (a real form needs 7 levels);
#: deeper YAML is refused before it is built, which would otherwise exhaust the stack.
MAX_YAML_DEPTH: Final = 32
#: Longest form code and id: the database columns that store them hold 64 characters.
MAX_CODE_LENGTH: Final = 64
#: Largest version number: the database stores it as a 32-bit integer.
MAX_VERSION: Final = 2**31 - 1
#: Most digits a min or max may have before the decimal point (answers allow 40 digits).
MAX_BOUND_DIGITS: Final = 40
#: Python refuses to read integers longer than this many digits (sys.get_int_max_str_digits).
_LONG_NUMBER: Final = re.compile(r"[0-9_]{4300,}")

_TOP_KEYS: Final = ("form", "version", "title", "title_en", "change_threshold", "sections")
_SECTION_KEYS: Final = ("id", "no", "title", "title_en", "kinds", "indicators")
_INDICATOR_KEYS: Final = ("id", "no", "title", "title_en", "kinds", "questions")
_QUESTION_KEYS: Final = (
    "id", "no", "type", "text", "text_en", "required", "choices", "min", "max", "accept",
    "kinds", "when", "help", "help_en", "check", "calc", "target", "item", "item_en", "questions",
    "cumulative", "budget",
)  # fmt: skip
#: Keys a repeat group takes (its own questions under ``questions``).
_REPEAT_KEYS: Final = frozenset(
    {"id", "no", "type", "text", "text_en", "min", "max", "kinds", "when", "help", "help_en",
     "item", "item_en", "questions"}
)  # fmt: skip
_CHOICE_KEYS: Final = ("id", "label", "label_en", "exclusive")
_CHOICE_REQUIRED: Final = ("id", "label")
_CHECK_KEYS: Final = ("rule", "message")
_TYPE_NAMES: Final = ", ".join(t.value for t in QuestionType)


def _show(value: object) -> str:
    """A value as the admin wrote it, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _line(node: object) -> int | None:
    lc = getattr(node, "lc", None)
    return None if lc is None else int(lc.line) + 1


def _key_line(mapping: object, key: object) -> int | None:
    try:
        return int(mapping.lc.key(key)[0]) + 1  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError, IndexError):
        return _line(mapping)


def _item_line(seq: object, index: int) -> int | None:
    try:
        return int(seq.lc.item(index)[0]) + 1  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError, IndexError):
        return _line(seq)


@dataclass(frozen=True, slots=True)
class _PendingWhen:
    question_id: str
    expr: Expr
    path: str
    line: int | None


@dataclass(frozen=True, slots=True)
class _PendingBudget:
    role: Budget
    path: str
    line: int | None
    groups: tuple[str, ...]  # the repeat groups the question is in, outermost first


@dataclass(frozen=True, slots=True)
class _PendingCalc:
    question_id: str
    operands: frozenset[str]
    path: str
    line: int | None


class _Loader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[FormProblem] = []
        self.ids: dict[str, tuple[str, str, int | None]] = {}  # id -> (what, path, line)
        self.question_order: list[str] = []  # question ids, also of broken questions
        self.built: dict[str, Question] = {}
        self.whens: list[_PendingWhen] = []
        self.rules: list[_PendingWhen] = []  # check rules, checked once all ids are known
        self.calcs: list[_PendingCalc] = []  # calc operands, checked once all ids are known
        self.no_places: dict[str, tuple[str, int | None]] = {}  # id -> (path, line) of "no"
        self.scope: dict[str, tuple[str, ...]] = {}  # question id -> enclosing repeat groups
        self.groups: tuple[str, ...] = ()  # the repeat groups being read, outermost first
        self.budgets: list[_PendingBudget] = []  # budget questions, checked together at the end
        self.budget_unknown = False  # a budget: value that names no role was found

    # ------------------------------------------------------------- helpers

    def problem(self, path: str, line: int | None, message: str) -> None:
        self.problems.append(FormProblem(path, line, message, self.source))

    def mapping(
        self,
        node: object,
        path: str,
        line: int | None,
        keys: Sequence[str],
        required: Sequence[str],
    ) -> dict[Any, Any] | None:
        """Check that ``node`` is a mapping with known keys and the required ones."""
        if not isinstance(node, dict):
            expected = ", ".join(keys)
            self.problem(path, line, f"must be a mapping with keys {expected}, got {_show(node)}")
            return None
        for key in node:
            if key not in keys:
                self.problem(
                    path,
                    _key_line(node, key),
                    f'unknown key "{key}" (expected one of: {", ".join(keys)})',
                )
        for key in required:
            if key not in node:
                self.problem(path, line, f'missing required key "{key}"')
        return node

    def text(self, node: dict[Any, Any], key: str, path: str) -> str | None:
        if key not in node:
            return None
        value = node[key]
        if not isinstance(value, str):
            self.problem(path, _key_line(node, key), f"{key} must be text, got {_show(value)}")
            return None
        if not value.strip():
            self.problem(path, _key_line(node, key), f"{key} must not be empty")
            return None
        return str(value)

    def english(self, node: dict[Any, Any], key: str, path: str) -> tuple[bool, str | None]:
        """``(ok, text)`` of an optional English key (``text_en``, ``title_en`` ...)."""
        if key not in node:
            return True, None
        value = self.text(node, key, path)
        return value is not None, value

    def ident(self, node: dict[Any, Any], path: str, what: str) -> str | None:
        """Check an id and register it as used by ``what`` at ``path``."""
        if "id" not in node:
            return None
        value, line = node["id"], _key_line(node, "id")
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            self.problem(
                path,
                line,
                f'id {_show(value)} is not valid: use a letter, then letters, digits or "_"',
            )
            return None
        if len(value) > MAX_CODE_LENGTH:
            self.problem(
                path, line, f"id must be at most {MAX_CODE_LENGTH} characters, got {len(value)}"
            )
            return None
        if value in KEYWORDS:
            self.problem(path, line, f'id "{value}" is a reserved word of when expressions')
            return None
        if value in self.ids:
            _, first_path, first_line = self.ids[value]
            where = first_path if first_line is None else f"{first_path}, line {first_line}"
            self.problem(path, line, f'duplicate id "{value}" (already used by {where})')
            return None
        self.ids[value] = (what, path, line)
        return str(value)

    def number(self, node: dict[Any, Any], path: str) -> tuple[bool, str]:
        """``(ok, no)``: the item number given by ``no:`` ("" when absent)."""
        if "no" not in node:
            return True, ""
        value, line = node["no"], _key_line(node, "no")
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return True, str(value)
        if isinstance(value, str) and value.strip() and value == value.strip():
            return True, str(value)
        self.problem(
            path,
            line,
            f'no must be an item number such as 2 or "2.1" (in quotes when it has a dot), '
            f"got {_show(value)}",
        )
        return False, ""

    def place_number(self, ident: str | None, path: str, node: dict[Any, Any]) -> None:
        """Remember where the item's number is (given or derived), for duplicates."""
        if ident is not None:
            self.no_places[ident] = (path, _key_line(node, "no") if "no" in node else _line(node))

    def check_numbers(self, form: Form) -> None:
        """Report item numbers used twice (given ones may clash with each other or derived)."""
        seen: dict[str, str] = {}
        items: list[tuple[str, str]] = []
        for s in form.sections:
            items.append((s.id, s.no))
            for i in s.indicators:
                items.append((i.id, i.no))
                items.extend((q.id, q.no) for q in _every_question(i.questions))
        for ident, no in items:
            path, line = self.no_places.get(ident, ("", None))
            if no in seen:
                self.problem(
                    path, line, f'duplicate item number "{no}" (already used by {seen[no]})'
                )
            else:
                seen[no] = path

    def kinds(
        self, node: dict[Any, Any], path: str, enclosing: frozenset[str] | None
    ) -> tuple[bool, frozenset[str] | None]:
        """``(ok, kinds)``; ``kinds`` is None when the key is absent."""
        if "kinds" not in node:
            return True, None
        value, line = node["kinds"], _key_line(node, "kinds")
        if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
            self.problem(
                path,
                line,
                f"kinds must be a list of unit kinds such as [esa, school], got {_show(value)}",
            )
            return False, None
        if not value:
            self.problem(path, line, "kinds must not be empty (leave it out to ask every kind)")
            return False, None
        bad = [k for k in value if not KIND_PATTERN.fullmatch(k)]
        for kind in bad:
            self.problem(
                path,
                line,
                f'kinds: "{kind}" is not a unit kind (a letter, then letters, digits, "_" or "-")',
            )
        kinds = frozenset(str(k) for k in value)
        if not bad and enclosing is not None and not kinds & enclosing:
            self.problem(
                path,
                line,
                f"kinds [{', '.join(sorted(kinds))}] has no kind in common with the enclosing "
                f"kinds [{', '.join(sorted(enclosing))}]; it would never be asked",
            )
            return False, None
        return not bad, kinds

    def items(self, node: dict[Any, Any], key: str, path: str) -> list[Any] | None:
        """The list under ``key``: present, a list, not empty."""
        if key not in node:
            return None
        value = node[key]
        if not isinstance(value, list):
            self.problem(path, _key_line(node, key), f"{key} must be a list, got {_show(value)}")
            return None
        if not value:
            self.problem(path, _key_line(node, key), f"{key} must not be empty")
            return None
        return value

    # --------------------------------------------------------------- levels

    def form(self, data: object) -> Form | None:
        if data is None:
            self.problem("", None, "the form is empty")
            return None
        if not isinstance(data, dict):
            self.problem(
                "",
                1,
                f"the form must be a mapping with keys {', '.join(_TOP_KEYS)}, got {_show(data)}",
            )
            return None
        top = self.mapping(data, "", _line(data) or 1, _TOP_KEYS, ("form", "title", "sections"))
        if top is None:  # pragma: no cover - checked above
            return None
        code: str | None = None
        if "form" in top:
            value = top["form"]
            if isinstance(value, str) and len(value) > MAX_CODE_LENGTH:
                self.problem(
                    "",
                    _key_line(top, "form"),
                    f"form must be at most {MAX_CODE_LENGTH} characters, got {len(value)}",
                )
            elif isinstance(value, str) and CODE_PATTERN.fullmatch(value):
                code = value
            else:
                self.problem(
                    "",
                    _key_line(top, "form"),
                    f'form must be a code of letters, digits, "-", "_" or "." '
                    f"such as pb-plan-2567, got {_show(value)}",
                )
        version: int | None = None
        version_ok = True
        if "version" in top:
            value = top["version"]
            whole = isinstance(value, int) and not isinstance(value, bool) and value >= 1
            if whole and value <= MAX_VERSION:
                version = int(value)
            else:
                version_ok = False
                self.problem(
                    "",
                    _key_line(top, "version"),
                    f"version must be at most {MAX_VERSION}, got {value}"
                    if whole
                    else f"version must be a whole number of 1 or more, got {_show(value)}",
                )
        title = self.text(top, "title", "")
        title_en_ok, title_en = self.english(top, "title_en", "")
        threshold: Decimal | None = None
        if "change_threshold" in top:
            value = top["change_threshold"]
            number = (
                None
                if isinstance(value, bool) or not isinstance(value, int | float)
                else _bound(value)
            )
            if number is None or not number.is_finite() or not 0 < number <= 1000:
                version_ok = False
                self.problem(
                    "",
                    _key_line(top, "change_threshold"),
                    "change_threshold must be a percentage above 0 and at most 1000, "
                    f"got {_show(value)}",
                )
            else:
                threshold = number
        sections: list[Section | None] = []
        for index, node in enumerate(self.items(top, "sections", "") or ()):
            line = _item_line(top["sections"], index)
            sections.append(self.section(node, f"sections[{index}]", line))
        if code is None or title is None or not version_ok or not sections or not title_en_ok:
            return None
        if any(s is None for s in sections):
            return None
        return Form(
            code,
            version,
            title,
            tuple(s for s in sections if s is not None),
            title_en=title_en,
            change_threshold=threshold,
        )

    def section(self, data: object, path: str, line: int | None) -> Section | None:
        node = self.mapping(data, path, line, _SECTION_KEYS, ("id", "title", "indicators"))
        if node is None:
            return None
        sid = self.ident(node, path, "section")
        no_ok, no = self.number(node, path)
        self.place_number(sid, path, node)
        title = self.text(node, "title", path)
        title_en_ok, title_en = self.english(node, "title_en", path)
        kinds_ok, kinds = self.kinds(node, path, None)
        indicators = [
            self.indicator(
                item, f"{path}.indicators[{i}]", _item_line(node["indicators"], i), kinds
            )
            for i, item in enumerate(self.items(node, "indicators", path) or ())
        ]
        if sid is None or title is None or not kinds_ok or not indicators or None in indicators:
            return None
        if not no_ok or not title_en_ok:
            return None
        found = tuple(i for i in indicators if i is not None)
        return Section(sid, title, kinds, found, no, title_en)

    def indicator(
        self, data: object, path: str, line: int | None, enclosing: frozenset[str] | None
    ) -> Indicator | None:
        node = self.mapping(data, path, line, _INDICATOR_KEYS, ("id", "title", "questions"))
        if node is None:
            return None
        iid = self.ident(node, path, "indicator")
        no_ok, no = self.number(node, path)
        self.place_number(iid, path, node)
        title = self.text(node, "title", path)
        title_en_ok, title_en = self.english(node, "title_en", path)
        kinds_ok, kinds = self.kinds(node, path, enclosing)
        inner = _narrow(enclosing, kinds)
        questions = [
            self.question(item, f"{path}.questions[{i}]", _item_line(node["questions"], i), inner)
            for i, item in enumerate(self.items(node, "questions", path) or ())
        ]
        if iid is None or title is None or not kinds_ok or not questions or None in questions:
            return None
        if not no_ok or not title_en_ok:
            return None
        found = tuple(q for q in questions if q is not None)
        return Indicator(iid, title, kinds, found, no, title_en)

    def question(
        self, data: object, path: str, line: int | None, enclosing: frozenset[str] | None
    ) -> Question | None:
        node = self.mapping(data, path, line, _QUESTION_KEYS, ("id", "type", "text"))
        if node is None:
            return None
        ok = True
        qid = self.ident(node, path, "question")
        if qid is not None:
            self.question_order.append(qid)
            self.scope[qid] = self.groups
            longest = sum(len(g) for g in self.groups) + 9 * len(self.groups) + len(qid)
            if self.groups and longest > MAX_KEY_LENGTH:
                self.problem(
                    path,
                    _key_line(node, "id"),
                    f"ids too long inside repeat groups: the answer key may reach {longest} "
                    f"characters, at most {MAX_KEY_LENGTH}; use shorter ids",
                )
        no_ok, no = self.number(node, path)
        self.place_number(qid, path, node)
        qtype = self.question_type(node, path)
        if qtype is QuestionType.REPEAT:
            return self.repeat(node, path, qid, no_ok, no, enclosing)
        for key in ("item", "item_en", "questions"):
            if key in node:
                self.problem(path, _key_line(node, key), f"{key} is only allowed on repeat groups")
                ok = False
        text = self.text(node, "text", path)
        text_en_ok, text_en = self.english(node, "text_en", path)
        help_en_ok, help_en = self.english(node, "help_en", path)
        required = True
        if "required" in node:
            if isinstance(node["required"], bool):
                required = node["required"]
            else:
                ok = False
                self.problem(
                    path,
                    _key_line(node, "required"),
                    f"required must be true or false, got {_show(node['required'])}",
                )
        choices = self.choices(node, path, qtype)
        bounds = self.bounds(node, path, qtype)
        accept = self.accept(node, path, qtype)
        kinds_ok, kinds = self.kinds(node, path, enclosing)
        help_text = self.text(node, "help", path) if "help" in node else None
        when, when_text, when_ok = self.when(node, path, qid)
        checks = self.checks(node, path, qid)
        calc, calc_text, calc_ok = self.calc(node, path, qid, qtype)
        target, target_ok = self.target(node, path, qtype)
        cumulative = node.get("cumulative", False)
        if "cumulative" in node and (
            not isinstance(cumulative, bool)
            or (qtype is not None and qtype not in NUMBER_TYPES)
            or "calc" in node
        ):
            target_ok = False
            self.problem(
                path,
                _key_line(node, "cumulative"),
                "cumulative must be true or false, on an integer or decimal question "
                f"that is asked (not a calc), got {_show(cumulative)}",
            )
        budget, budget_ok = self.budget(node, path, qtype, choices, cumulative is True)
        calc_ok = calc_ok and target_ok and budget_ok
        if calc is not None:
            required = False  # never asked: "no value" is not a missing answer
        ok = ok and calc_ok and no_ok and kinds_ok and when_ok
        ok = ok and ("help" not in node or help_text is not None)
        ok = ok and checks is not None and text_en_ok and help_en_ok
        if qid is None or qtype is None or text is None or choices is None or bounds is None:
            return None
        if accept is None or not ok:
            return None
        question = Question(
            id=qid,
            type=qtype,
            text=text,
            required=required,
            choices=choices,
            min=bounds[0],
            max=bounds[1],
            accept=accept,
            kinds=kinds,
            when=when,
            help=help_text,
            when_text=when_text,
            no=no,
            checks=checks or (),
            calc=calc,
            calc_text=calc_text,
            target=target,
            text_en=text_en,
            help_en=help_en,
            cumulative=cumulative is True,
            budget=budget,
        )
        self.built[qid] = question
        return question

    def repeat(
        self,
        node: dict[Any, Any],
        path: str,
        qid: str | None,
        no_ok: bool,
        no: str,
        enclosing: frozenset[str] | None,
    ) -> Question | None:
        """A repeat group: its word for an item, its count bounds, its own questions."""
        ok = no_ok
        for key in node:
            if key in _QUESTION_KEYS and key not in _REPEAT_KEYS:
                self.problem(
                    path,
                    _key_line(node, key),
                    f"{key} is not allowed on a repeat group (put it on one of its questions)",
                )
                ok = False
        text = self.text(node, "text", path)
        item = self.text(node, "item", path)
        english = [self.english(node, key, path) for key in ("text_en", "help_en", "item_en")]
        ok = ok and all(good for good, _ in english)
        if "item" not in node:
            self.problem(path, _line(node), 'a repeat group needs "item": the word for one item')
        count: dict[str, int | None] = {"min": None, "max": None}
        for key in ("min", "max"):
            if key not in node:
                continue
            value = node[key]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ITEMS:
                self.problem(
                    path,
                    _key_line(node, key),
                    f"{key} must be a whole number of items from 0 to {MAX_ITEMS}, "
                    f"got {_show(value)}",
                )
                ok = False
            else:
                count[key] = int(value)
        low, high = count["min"], count["max"]
        if low is not None and high is not None and low > high:
            self.problem(
                path, _key_line(node, "min"), f"min ({low}) must not be greater than max ({high})"
            )
            ok = False
        if high == 0:
            self.problem(path, _key_line(node, "max"), "max must be 1 or more")
            ok = False
        kinds_ok, kinds = self.kinds(node, path, enclosing)
        help_text = self.text(node, "help", path) if "help" in node else None
        when, when_text, when_ok = self.when(node, path, qid)
        outer = self.groups
        if len(outer) >= MAX_GROUP_DEPTH:
            self.problem(
                path,
                _key_line(node, "type"),
                f"repeat groups nest at most {MAX_GROUP_DEPTH} deep (a list of items whose "
                "items hold one more list)",
            )
            ok = False
        self.groups = (*outer, qid or "?")
        inner = _narrow(enclosing, kinds)
        questions = [
            self.question(
                item_node, f"{path}.questions[{i}]", _item_line(node["questions"], i), inner
            )
            for i, item_node in enumerate(self.items(node, "questions", path) or ())
        ]
        self.groups = outer
        if "questions" not in node:
            self.problem(path, _line(node), 'a repeat group needs "questions": what each item asks')
        ok = ok and kinds_ok and when_ok and ("help" not in node or help_text is not None)
        if qid is None or text is None or item is None or not questions or None in questions:
            return None
        if not ok:
            return None
        question = Question(
            id=qid,
            type=QuestionType.REPEAT,
            text=text,
            min=low,
            max=high,
            kinds=kinds,
            when=when,
            help=help_text,
            when_text=when_text,
            no=no,
            questions=tuple(q for q in questions if q is not None),
            item=item,
            text_en=english[0][1],
            help_en=english[1][1],
            item_en=english[2][1],
        )
        self.built[qid] = question
        return question

    def out_of_scope(self, qid: str, ref: str, what: str) -> str | None:
        """Why ``qid`` may not read ``ref`` across repeat groups, if it may not.

        A question reads questions outside any group and its own groups' fields; a
        group's fields are a list seen from outside it, and a group is counted only
        once its items are done."""
        own, theirs = self.scope.get(qid, ()), self.scope.get(ref, ())
        if ref in own:
            return f'{what} refers to the repeat group "{ref}" it is inside'
        if own[: len(theirs)] != theirs:
            return (
                f'{what} refers to "{ref}", a question of the repeat group "{theirs[-1]}": '
                "outside an item its answers are a list; read the group itself (its number "
                "of items) instead"
            )
        return None

    # -------------------------------------------------------- question parts

    def question_type(self, node: dict[Any, Any], path: str) -> QuestionType | None:
        if "type" not in node:
            return None
        value = node["type"]
        try:
            return QuestionType(value)
        except ValueError:
            self.problem(
                path,
                _key_line(node, "type"),
                f"unknown type {_show(value)} (valid types: {_TYPE_NAMES})",
            )
            return None

    def choices(
        self, node: dict[Any, Any], path: str, qtype: QuestionType | None
    ) -> tuple[Choice, ...] | None:
        """The choices, ``()`` where there are none, ``None`` if broken."""
        line = _key_line(node, "choices")
        if "choices" not in node:
            if qtype in CHOICE_TYPES:
                self.problem(path, _line(node), f'a {qtype} question needs "choices" (2 or more)')
                return None
            return ()
        if qtype is not None and qtype not in CHOICE_TYPES:
            self.problem(path, line, "choices are only allowed on choice and multi questions")
            return None
        items = node["choices"]
        if not isinstance(items, list):
            self.problem(path, line, f"choices must be a list of {{id, label}}, got {_show(items)}")
            return None
        ok = True
        choices: list[Choice] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            item_path = f"{path}.choices[{index}]"
            item_line = _item_line(items, index)
            mapping = self.mapping(item, item_path, item_line, _CHOICE_KEYS, _CHOICE_REQUIRED)
            if mapping is None:
                ok = False
                continue
            cid = mapping.get("id")
            label = self.text(mapping, "label", item_path)
            label_en_ok, label_en = self.english(mapping, "label_en", item_path)
            ok = ok and label_en_ok
            if "id" in mapping and (not isinstance(cid, str) or not ID_PATTERN.fullmatch(cid)):
                self.problem(
                    item_path,
                    _key_line(mapping, "id"),
                    f'id {_show(cid)} is not valid: use a letter, then letters, digits or "_"',
                )
                cid = None
            elif isinstance(cid, str) and cid in KEYWORDS:
                self.problem(
                    item_path,
                    _key_line(mapping, "id"),
                    f'id "{cid}" is a reserved word of when expressions',
                )
                cid = None
            elif isinstance(cid, str) and cid in seen:
                self.problem(item_path, _key_line(mapping, "id"), f'duplicate choice id "{cid}"')
                cid = None
            exclusive = mapping.get("exclusive", False)
            if not isinstance(exclusive, bool):
                self.problem(
                    item_path,
                    _key_line(mapping, "exclusive"),
                    f"exclusive must be true or false, got {_show(exclusive)}",
                )
                ok = False
            elif exclusive and qtype is not QuestionType.MULTI:
                self.problem(
                    item_path,
                    _key_line(mapping, "exclusive"),
                    "exclusive is only allowed on the choices of a multi question",
                )
                ok = False
            if not isinstance(cid, str) or label is None:
                ok = False
                continue
            seen.add(cid)
            choices.append(Choice(str(cid), label, exclusive is True, label_en))
        if len(items) < 2:
            self.problem(
                path,
                line,
                f"a {qtype or 'choice'} question needs at least 2 choices, got {len(items)}",
            )
            return None
        return tuple(choices) if ok else None

    def bounds(
        self, node: dict[Any, Any], path: str, qtype: QuestionType | None
    ) -> tuple[int | Decimal | None, int | Decimal | None] | None:
        values: dict[str, int | Decimal | None] = {"min": None, "max": None}
        ok = True
        for key in ("min", "max"):
            if key not in node:
                continue
            value, line = node[key], _key_line(node, key)
            if qtype is not None and qtype not in NUMBER_TYPES:
                self.problem(path, line, f"{key} is only allowed on integer and decimal questions")
                ok = False
            elif isinstance(value, bool) or not isinstance(value, int | float):
                what = "a whole number" if qtype is QuestionType.INTEGER else "a number"
                self.problem(path, line, f"{key} must be {what}, got {_show(value)}")
                ok = False
            elif qtype is QuestionType.INTEGER and not isinstance(value, int):
                self.problem(path, line, f"{key} must be a whole number, got {_show(value)}")
                ok = False
            else:
                number = _bound(value)
                if not number.is_finite():
                    self.problem(path, line, f"{key} must be a finite number, got {_show(value)}")
                    ok = False
                elif abs(number) >= 10**MAX_BOUND_DIGITS:
                    self.problem(
                        path,
                        line,
                        f"{key} must have at most {MAX_BOUND_DIGITS} digits before the "
                        "decimal point",
                    )
                    ok = False
                else:
                    values[key] = int(value) if isinstance(value, int) else number
        low, high = values["min"], values["max"]
        if ok and low is not None and high is not None and low > high:
            self.problem(
                path, _key_line(node, "min"), f"min ({low}) must not be greater than max ({high})"
            )
            ok = False
        return (low, high) if ok else None

    def accept(
        self, node: dict[Any, Any], path: str, qtype: QuestionType | None
    ) -> tuple[str, ...] | None:
        if "accept" not in node:
            return ()
        value, line = node["accept"], _key_line(node, "accept")
        if qtype is not None and qtype is not QuestionType.FILE:
            self.problem(path, line, "accept is only allowed on file questions")
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(
                path,
                line,
                f"accept must be a list of file extensions such as [pdf, jpg], got {_show(value)}",
            )
            return None
        if not value:
            self.problem(path, line, "accept must not be empty (leave it out to accept any file)")
            return None
        ok = True
        result: list[str] = []
        for raw in value:
            ext = raw.strip().lower().removeprefix(".")
            if ext not in KNOWN_EXTENSIONS:
                known = ", ".join(sorted(KNOWN_EXTENSIONS))
                self.problem(
                    path, line, f'unknown file extension "{raw}" in accept (known: {known})'
                )
                ok = False
            elif ext in result:
                self.problem(path, line, f'file extension "{ext}" appears twice in accept')
                ok = False
            else:
                result.append(ext)
        return tuple(result) if ok else None

    def when(
        self, node: dict[Any, Any], path: str, qid: str | None
    ) -> tuple[Expr | None, str | None, bool]:
        if "when" not in node:
            return None, None, True
        value, line = node["when"], _key_line(node, "when")
        if not isinstance(value, str):
            self.problem(path, line, f"when must be an expression in text, got {_show(value)}")
            return None, None, False
        try:
            expr = parse_when(value)
        except WhenSyntaxError as error:
            self.problem(
                path, line, f"when has a syntax error at column {error.column}: {error.message}"
            )
            return None, None, False
        if qid is not None:
            self.whens.append(_PendingWhen(qid, expr, path, line))
        return expr, str(value), True

    def calc(
        self, node: dict[Any, Any], path: str, qid: str | None, qtype: QuestionType | None
    ) -> tuple[CalcExpr | None, str | None, bool]:
        """The ``calc:`` expression of an integer or decimal question, if any."""
        if "calc" not in node:
            return None, None, True
        value, line = node["calc"], _key_line(node, "calc")
        if qtype is not None and qtype not in NUMBER_TYPES:
            self.problem(
                path, line, f"calc is only allowed on integer and decimal questions, not {qtype}"
            )
            return None, None, False
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # a constant, as YAML reads it
        if not isinstance(value, str):
            self.problem(path, line, f"calc must be an expression in text, got {_show(value)}")
            return None, None, False
        try:
            expr = parse_calc(value)
        except CalcSyntaxError as error:
            self.problem(
                path, line, f"calc has a syntax error at column {error.column}: {error.message}"
            )
            return None, None, False
        if qid is not None:
            self.calcs.append(_PendingCalc(qid, frozenset(operands(expr)), path, line))
        return expr, str(value), True

    def target(
        self, node: dict[Any, Any], path: str, qtype: QuestionType | None
    ) -> tuple[Decimal | None, bool]:
        """The province's target (ค่าเป้าหมาย) of an integer or decimal question, if any."""
        if "target" not in node:
            return None, True
        value, line = node["target"], _key_line(node, "target")
        if qtype is not None and qtype not in NUMBER_TYPES:
            self.problem(path, line, "target is only allowed on integer and decimal questions")
            return None, False
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(path, line, f"target must be a number, got {_show(value)}")
            return None, False
        number = _bound(value)
        if not number.is_finite() or number < 0 or abs(number) >= 10**MAX_BOUND_DIGITS:
            self.problem(
                path,
                line,
                f"target must be a number from 0 with at most {MAX_BOUND_DIGITS} digits "
                f"before the decimal point, got {_show(value)}",
            )
            return None, False
        return number, True

    def budget(
        self,
        node: dict[Any, Any],
        path: str,
        qtype: QuestionType | None,
        choices: tuple[Choice, ...] | None,
        cumulative: bool,
    ) -> tuple[Budget | None, bool]:
        """What the question is in the budget report (``budget:``), if anything."""
        if "budget" not in node:
            return None, True
        value, line = node["budget"], _key_line(node, "budget")
        try:
            role = Budget(value) if isinstance(value, str) else None
        except ValueError:
            role = None
        if role is None:
            self.budget_unknown = True  # it may have meant the role found missing: say it once
            self.problem(
                path,
                line,
                f"budget must be one of {', '.join(b.value for b in Budget)}, got {_show(value)}",
            )
            return None, False
        self.budgets.append(_PendingBudget(role, path, line, self.groups))
        wanted = _BUDGET_TYPES[role]
        if qtype is not None and qtype not in wanted:
            names = " or ".join(sorted(t.value for t in wanted))
            self.problem(
                path, line, f"budget: {role} is for {_article(names)} question, not {qtype}"
            )
            return None, False
        if role is Budget.STATUS and choices:
            strange = [c.id for c in choices if c.id not in PROJECT_STATES]
            if strange:
                self.problem(
                    path,
                    line,
                    f"budget: status needs choice ids among {', '.join(PROJECT_STATES)} (a "
                    f"project's states); {', '.join(repr(c) for c in strange)} "
                    f"{'is' if len(strange) == 1 else 'are'} not",
                )
                return None, False
        if cumulative and role in (Budget.ALLOCATED, Budget.SPENT):
            self.problem(
                path,
                line,
                f"budget: {role} is read as it stands at the end of the period; a cumulative "
                "number (the period alone) cannot be one",
            )
            return None, False
        return role, True

    def check_budget(self) -> None:
        """Budget questions: each role once, all in one place, allocated and spent both."""
        if not self.budgets:
            return
        first: dict[Budget, _PendingBudget] = {}
        for pending in self.budgets:
            if pending.role in first:
                other = first[pending.role]
                where = other.path if other.line is None else f"{other.path}, line {other.line}"
                self.problem(
                    pending.path,
                    pending.line,
                    f"budget: {pending.role} is given twice (already on {where})",
                )
                continue
            first[pending.role] = pending
        home = self.budgets[0]
        for pending in self.budgets[1:]:
            if pending.groups != home.groups:
                self.problem(
                    pending.path,
                    pending.line,
                    f"budget questions must sit together: this one is {_where(pending.groups)}, "
                    f"budget: {home.role} is {_where(home.groups)}",
                )
        for role in (Budget.ALLOCATED, Budget.SPENT):
            if role not in first and not self.budget_unknown:
                self.problem(
                    home.path,
                    home.line,
                    f"budget: {role} is missing: a form with budget questions needs both "
                    "allocated and spent",
                )

    def check_calcs(self) -> None:
        """A calc reads earlier integer, decimal or calc questions, never itself."""
        position = {qid: index for index, qid in enumerate(self.question_order)}
        for pending in self.calcs:
            own = position[pending.question_id]
            for ref in sorted(pending.operands, key=lambda r: (position.get(r, -1), r)):
                if ref == pending.question_id:
                    message = "calc refers to the question itself"
                elif ref not in position:
                    message = f'calc refers to unknown question "{ref}"'
                elif position[ref] > own:
                    message = (
                        f'calc refers to question "{ref}", which comes later; '
                        "calc must point backwards"
                    )
                elif (scoped := self.out_of_scope(pending.question_id, ref, "calc")) is not None:
                    message = scoped
                elif ref in self.built and self.built[ref].type not in _COUNTABLE:
                    message = (
                        f'calc refers to question "{ref}", a {self.built[ref].type} question; '
                        "calc computes with integer and decimal questions (and counts of items)"
                    )
                else:
                    continue
                self.problem(pending.path, pending.line, message)

    def checks(self, node: dict[Any, Any], path: str, qid: str | None) -> tuple[Check, ...] | None:
        """The ``check:`` rules, ``()`` where there are none, ``None`` if broken."""
        if "check" not in node:
            return ()
        items, line = node["check"], _key_line(node, "check")
        if not isinstance(items, list) or not items:
            self.problem(
                path, line, f"check must be a list of {{rule, message}}, got {_show(items)}"
            )
            return None
        checks: list[Check] = []
        ok = True
        for index, item in enumerate(items):
            item_path = f"{path}.check[{index}]"
            item_line = _item_line(items, index)
            mapping = self.mapping(item, item_path, item_line, _CHECK_KEYS, _CHECK_KEYS)
            if mapping is None:
                ok = False
                continue
            message = self.text(mapping, "message", item_path)
            rule = mapping.get("rule")
            rule_line = _key_line(mapping, "rule")
            if not isinstance(rule, str):
                self.problem(
                    item_path, rule_line, f"rule must be an expression in text, got {_show(rule)}"
                )
                ok = False
                continue
            try:
                expr = parse_when(rule)
            except WhenSyntaxError as error:
                self.problem(
                    item_path,
                    rule_line,
                    f"rule has a syntax error at column {error.column}: {error.message}",
                )
                ok = False
                continue
            if qid is not None:
                self.rules.append(_PendingWhen(qid, expr, item_path, rule_line))
            if message is None:
                ok = False
                continue
            checks.append(Check(expr, rule, message))
        return tuple(checks) if ok else None

    def check_rules(self) -> None:
        """A check's rule reads the question itself and earlier ones (also on the right)."""
        position = {qid: index for index, qid in enumerate(self.question_order)}
        for pending in self.rules:
            said: set[str] = set()
            own = position[pending.question_id]
            refs = set(references(pending.expr))
            refs |= {
                lit.value
                for _, _, lit in iter_comparisons(pending.expr)
                if isinstance(lit, Word) and lit.value in position
            }
            for ref in sorted(refs, key=lambda r: position.get(r, -1)):
                message = None
                if ref not in position:
                    message = f'rule refers to unknown question "{ref}"'
                elif position[ref] > own:
                    message = (
                        f'rule refers to question "{ref}", which comes later; '
                        "a check reads the question itself and earlier ones"
                    )
                else:
                    message = self.out_of_scope(pending.question_id, ref, "rule")
                if message is not None and message not in said:
                    said.add(message)
                    self.problem(pending.path, pending.line, message)

    # ------------------------------------------------------ when references

    def check_whens(self) -> None:
        position = {qid: index for index, qid in enumerate(self.question_order)}
        for pending in self.whens:
            said: set[str] = set()

            def say(message: str, pending: _PendingWhen = pending, said: set[str] = said) -> None:
                if message not in said:
                    said.add(message)
                    self.problem(pending.path, pending.line, message)

            own = position[pending.question_id]
            for ref, op, literal in iter_comparisons(pending.expr):
                if ref == pending.question_id:
                    say("when refers to the question itself")
                elif ref not in position:
                    other = self.ids.get(ref)
                    if other is not None:
                        what = _article(other[0])
                        say(f'when refers to "{ref}", which is {what}, not a question')
                    else:
                        say(f'when refers to unknown question "{ref}"')
                elif position[ref] > own:
                    say(
                        f'when refers to question "{ref}", which comes later; '
                        "when must point backwards"
                    )
                elif (scoped := self.out_of_scope(pending.question_id, ref, "when")) is not None:
                    say(scoped)
                elif ref in self.built:
                    message = _type_problem(self.built[ref], op, literal)
                    if message is not None:
                        say(message)


_COUNTABLE: Final = NUMBER_TYPES | {QuestionType.REPEAT}
_BUDGET_TYPES: Final = {
    Budget.ALLOCATED: NUMBER_TYPES,
    Budget.SPENT: NUMBER_TYPES,
    Budget.STATUS: frozenset({QuestionType.CHOICE}),
    Budget.PROJECT: frozenset({QuestionType.TEXT}),
}


def _where(groups: tuple[str, ...]) -> str:
    return f'in the repeat group "{groups[-1]}"' if groups else "outside repeat groups"


def _every_question(questions: Sequence[Question]) -> list[Question]:
    """The questions with each repeat group's own after it, in file order."""
    found: list[Question] = []
    for q in questions:
        found.append(q)
        found.extend(_every_question(q.questions))
    return found


def _bound(value: int | float) -> Decimal:
    """A min or max as a Decimal (a float by its shortest repr, as the admin wrote it)."""
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(repr(float(value)))
    except InvalidOperation:  # pragma: no cover - repr of a float always parses
        return Decimal("NaN")


def _article(what: str) -> str:
    return f"an {what}" if what[0] in "aeiou" else f"a {what}"


def _narrow(outer: frozenset[str] | None, inner: frozenset[str] | None) -> frozenset[str] | None:
    if outer is None:
        return inner
    return outer if inner is None else outer & inner


def _literal_text(literal: WhenLiteral) -> str:
    return f'"{literal.value}"' if isinstance(literal, Word) else literal_source(literal)


def _type_problem(question: Question, op: str, literal: WhenLiteral) -> str | None:
    """What is wrong with comparing ``question`` by ``op`` with ``literal``, if anything."""
    qtype, ref = question.type, question.id
    if qtype is QuestionType.FILE:
        return f'when cannot use file question "{ref}"'
    if op in ORDERING_OPS and qtype not in _COUNTABLE and qtype is not QuestionType.DATE:
        return (
            f'when uses "{op}" on {qtype} question "{ref}"; '
            f"ordering needs an integer, decimal or date question"
        )
    if qtype in CHOICE_TYPES:
        ids = [c.id for c in question.choices]
        if isinstance(literal, Number) or literal.value not in ids:
            return (
                f'when compares {qtype} question "{ref}" with {_literal_text(literal)}, '
                f"which is not one of its choices ({', '.join(ids)})"
            )
        return None
    if qtype is QuestionType.TEXT:
        if isinstance(literal, Number):
            shown = _literal_text(literal)
            return f'when compares text question "{ref}" with {shown}; use quoted text'
        return None
    if qtype in _COUNTABLE:
        if not isinstance(literal, Number):
            shown = _literal_text(literal)
            return f'when compares {qtype} question "{ref}" with {shown}; expected a number'
        return None
    if literal_date(literal) is None:  # date
        return (
            f'when compares date question "{ref}" with {_literal_text(literal)}; '
            f'expected a date in quotes such as "2024-03-15"'
        )
    return None


def _sorted(problems: list[FormProblem]) -> list[FormProblem]:
    return sorted(problems, key=lambda p: 0 if p.line is None else p.line)


def _yaml_problem(error: YAMLError, source: str) -> FormProblem:
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else int(mark.line) + 1
        context = error.context
        if context and error.context_mark is not None and error.context_mark is not mark:
            context += f" (line {int(error.context_mark.line) + 1})"
        parts = [part for part in (context, error.problem) if part]
        return FormProblem("", line, "invalid YAML: " + ", ".join(parts), source)
    return FormProblem("", None, f"invalid YAML: {error}", source)


def _check_size(yaml: YAML, text: str, source: str) -> None:
    """Refuse YAML nested deeper than :data:`MAX_YAML_DEPTH` and numbers Python cannot read.

    Both would otherwise fail inside the YAML library with a traceback (the stack
    exhausted; an integer of 4,300 digits or more). Parse events come without
    recursion, so the depth is measured safely, and the walk stops at the first excess.
    """
    long_number = _LONG_NUMBER.search(text)
    if long_number is not None:
        line = text.count("\n", 0, long_number.start()) + 1
        digits = len(long_number[0])
        raise FormError(
            [FormProblem("", line, f"a number of {digits} digits is too long to read", source)]
        )
    depth = 0
    for event in yaml.parse(text):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                mark = event.start_mark
                where = None if mark is None else int(mark.line) + 1
                message = f"the form is nested too deeply (more than {MAX_YAML_DEPTH} levels)"
                raise FormError([FormProblem("", where, message, source)])
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def load_form(text: str, source: str = "<form>") -> Form:
    """Parse and check a YAML form; raise :class:`FormError` with every problem found.

    ``source`` names the file in the problems (``form.yaml:14: ...``).
    """
    yaml = YAML(typ="rt")
    text = text.removeprefix("\ufeff")
    try:
        _check_size(yaml, text, source)
        data = yaml.load(text)
    except YAMLError as error:
        raise FormError([_yaml_problem(error, source)]) from None
    loader = _Loader(source)
    form = loader.form(data)
    loader.check_whens()
    loader.check_rules()
    loader.check_calcs()
    loader.check_budget()
    if form is not None:
        loader.check_numbers(form)
    if loader.problems or form is None:
        if not loader.problems:  # pragma: no cover - every failure records a problem
            loader.problem("", None, "the form is not valid")
        raise FormError(_sorted(loader.problems))
    return form


def load_form_file(path: str | PathLike[str]) -> Form:
    """Load a form file (UTF-8, with or without a BOM); problems name the file."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        message = f"cannot read the file: {error.strerror}"
        raise FormError([FormProblem("", None, message, source)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise FormError(
            [
                FormProblem(
                    "",
                    line,
                    f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset "
                    f"{error.start}); save it as UTF-8",
                    source,
                )
            ]
        ) from None
    return load_form(text, source)
