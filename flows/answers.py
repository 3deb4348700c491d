"""Answer values: what a unit answered to one question, typed, and its JSON form.

An :class:`AnswerValue` holds ``value`` typed by the question's type:

==========  ================================================================
type        ``value``
==========  ================================================================
choice      ``str``: the choice id
multi       ``tuple[str, ...]``: choice ids, in form order, at least one
text        ``str`` (stripped, non-empty)
integer     ``int``
decimal     ``Decimal`` (finite; kept as typed, ``12.50`` keeps its places)
date        ``datetime.date``
file        ``tuple[FileRef, ...]``: at least one stored attachment
repeat      :class:`Items`: the group's item ids in order, and whether the
            person closed the list ("เสร็จ"); each item's answers are stored
            under their own keys (:mod:`flows.form`)
==========  ================================================================

Two answers carry no value (``value is None``) and still count as answered:

* ``AnswerValue(None, none=True)`` (:data:`NONE`): "ไม่มี" / "-" typed to a text
  question ("none / not relevant" is an answer, docs/design.md §2);
* ``AnswerValue(None, skipped=True)`` (:data:`SKIPPED`): an optional question the
  reporter skipped.

:func:`encode` / :func:`decode` turn an answer into JSON-ready data and back
exactly: ``{"v": ...}``, ``{"v": null, "none": true}`` or
``{"v": null, "skipped": true}``, with ``"prefilled": true`` added to an answer
carried from an earlier round (:func:`is_answered`: not until confirmed); decimals
are strings, dates ISO strings, files lists of ``{"id": attachment_id, "name":
name}``, a group's items ``{"items": ["i1", "i3"], "closed": true}``.

:func:`validate` checks that an answer fits its question (choice ids exist,
bounds hold, skipping only where optional); :func:`when_value` is the value
:func:`flows.when.evaluate` expects; :func:`display` the short text for review.

Errors (a subclass of :class:`flows.errors.FlowsError`)::

    FlowsError
    └── AnswerError        an answer or its stored data does not fit the question
                           (wrong type, malformed JSON data, invalid value);
                           ``str()`` says what is wrong
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from flows.errors import FlowsError
from flows.form import ITEM_ID, Question, QuestionType

__all__ = [
    "NONE",
    "SKIPPED",
    "AnswerError",
    "AnswerValue",
    "DisplayWords",
    "FileRef",
    "Items",
    "Value",
    "decode",
    "display",
    "encode",
    "is_answered",
    "validate",
    "when_value",
]


class AnswerError(FlowsError):
    """An answer (or its stored data) does not fit its question."""


@dataclass(frozen=True, slots=True)
class FileRef:
    """An uploaded file, stored by the adapter as attachment ``attachment_id``."""

    attachment_id: int
    name: str


@dataclass(frozen=True, slots=True)
class Items:
    """A repeat group's answer: its items in order, and whether the list is closed.

    An item is added (open list) before its questions are answered; the group
    counts as answered only once the person closes the list ("เสร็จ")."""

    ids: tuple[str, ...]
    closed: bool = False

    def next_id(self, used: int = 0) -> str:
        """A new item's id: after every id listed and ``used`` (ids of removed items)."""
        highest = max((int(i[1:]) for i in self.ids), default=0)
        return f"i{max(highest, used) + 1}"


Value = str | tuple[str, ...] | int | Decimal | dt.date | tuple[FileRef, ...] | Items
"""The Python types an answer's ``value`` may have (see the module docstring)."""


@dataclass(frozen=True, slots=True)
class AnswerValue:
    """One answer. ``value`` is ``None`` exactly when ``none`` or ``skipped`` is set."""

    value: Value | None
    none: bool = False
    skipped: bool = False
    prefilled: bool = False  # carried from an earlier round; counts once confirmed

    def __post_init__(self) -> None:
        if self.none and self.skipped:
            raise AnswerError("an answer cannot be both none and skipped")
        if (self.value is None) != (self.none or self.skipped):
            raise AnswerError("value must be None exactly when the answer is none or skipped")

    @property
    def empty(self) -> bool:
        """Whether the answer carries no value (none or skipped)."""
        return self.value is None


NONE: Final = AnswerValue(None, none=True)
SKIPPED: Final = AnswerValue(None, skipped=True)


# ------------------------------------------------------------------ validation


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_str_tuple(value: object) -> bool:
    return isinstance(value, tuple) and all(isinstance(v, str) for v in value)


def _is_file_tuple(value: object) -> bool:
    return isinstance(value, tuple) and all(isinstance(v, FileRef) for v in value)


def _check_shape(question: Question, value: object) -> None:
    """Raise :class:`AnswerError` unless ``value`` has the Python type for the question."""
    kind = question.type
    ok = {
        QuestionType.CHOICE: isinstance(value, str),
        QuestionType.TEXT: isinstance(value, str),
        QuestionType.MULTI: _is_str_tuple(value),
        QuestionType.INTEGER: _is_int(value),
        QuestionType.DECIMAL: isinstance(value, Decimal),
        QuestionType.DATE: isinstance(value, dt.date) and not isinstance(value, dt.datetime),
        QuestionType.FILE: _is_file_tuple(value),
        QuestionType.REPEAT: isinstance(value, Items),
    }[kind]
    if not ok:
        raise AnswerError(f"{question.id}: {type(value).__name__} is not a {kind.value} value")


def validate(question: Question, answer: AnswerValue) -> None:
    """Raise :class:`AnswerError` unless ``answer`` is a valid answer to ``question``.

    Valid: a value of the right type that the question accepts (existing choice
    ids, multi ids distinct and in form order, non-empty text, numbers within
    ``min``/``max``, finite decimals, at least one file); ``none`` only for text
    questions; ``skipped`` only where the question is optional.
    """
    if answer.skipped:
        if question.required:
            raise AnswerError(f"{question.id}: a required question cannot be skipped")
        return
    if answer.none:
        if question.type is not QuestionType.TEXT:
            raise AnswerError(f"{question.id}: only text questions take 'none'")
        return
    value = answer.value
    _check_shape(question, value)
    ids = [c.id for c in question.choices]
    match question.type:
        case QuestionType.CHOICE:
            if value not in ids:
                raise AnswerError(f"{question.id}: unknown choice {value!r}")
        case QuestionType.MULTI:
            assert isinstance(value, tuple)
            if not value:
                raise AnswerError(f"{question.id}: no choice selected")
            if list(value) != [i for i in ids if i in value] or len(set(value)) != len(value):
                raise AnswerError(f"{question.id}: choices {value!r} unknown or out of order")
        case QuestionType.TEXT:
            assert isinstance(value, str)
            if not value.strip():
                raise AnswerError(f"{question.id}: empty text")
        case QuestionType.INTEGER | QuestionType.DECIMAL:
            assert isinstance(value, int | Decimal)
            if isinstance(value, Decimal) and not value.is_finite():
                raise AnswerError(f"{question.id}: {value} is not a finite number")
            if question.min is not None and value < question.min:
                raise AnswerError(f"{question.id}: {value} is below {question.min}")
            if question.max is not None and value > question.max:
                raise AnswerError(f"{question.id}: {value} is above {question.max}")
        case QuestionType.FILE:
            if not value:
                raise AnswerError(f"{question.id}: no file")
        case QuestionType.REPEAT:
            assert isinstance(value, Items)
            if len(set(value.ids)) != len(value.ids) or not all(
                ITEM_ID.fullmatch(i) for i in value.ids
            ):
                raise AnswerError(f"{question.id}: item ids {value.ids!r} malformed or repeated")
            count = len(value.ids)
            if value.closed and question.min is not None and count < question.min:
                raise AnswerError(f"{question.id}: {count} items, fewer than {question.min}")
            if question.max is not None and count > question.max:
                raise AnswerError(f"{question.id}: {count} items, more than {question.max}")
        case QuestionType.DATE:  # pragma: no branch - the shape check is enough
            pass


# ------------------------------------------------------------------ JSON form


def encode(question: Question, answer: AnswerValue) -> dict[str, Any]:
    """JSON-ready data for ``answer`` (see the module docstring for the layout).

    Raises :class:`AnswerError` if the value's type does not fit the question.
    """
    data = _encode(question, answer)
    if answer.prefilled:
        data["prefilled"] = True
    return data


def _encode(question: Question, answer: AnswerValue) -> dict[str, Any]:
    if answer.skipped:
        return {"v": None, "skipped": True}
    if answer.none:
        return {"v": None, "none": True}
    value = answer.value
    _check_shape(question, value)
    out: object
    if isinstance(value, Decimal):
        out = str(value)
    elif isinstance(value, dt.date):
        out = value.isoformat()
    elif question.type is QuestionType.MULTI:
        assert isinstance(value, tuple)
        out = list(value)
    elif question.type is QuestionType.FILE:
        assert isinstance(value, tuple)
        out = [{"id": f.attachment_id, "name": f.name} for f in value if isinstance(f, FileRef)]
    elif isinstance(value, Items):
        out = {"items": list(value.ids), "closed": value.closed}
    else:
        out = value
    return {"v": out}


def _decode_value(question: Question, raw: object) -> Value:
    match question.type:
        case QuestionType.CHOICE | QuestionType.TEXT if isinstance(raw, str):
            return raw
        case QuestionType.MULTI if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
            return tuple(raw)
        case QuestionType.INTEGER if _is_int(raw):
            assert isinstance(raw, int)
            return raw
        case QuestionType.DECIMAL if isinstance(raw, str):
            try:
                return Decimal(raw)
            except InvalidOperation:
                pass
        case QuestionType.DATE if isinstance(raw, str):
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                pass
        case QuestionType.FILE if isinstance(raw, list):
            files = []
            for item in raw:
                if not isinstance(item, Mapping):
                    break
                ident, name = item.get("id"), item.get("name")
                if not _is_int(ident) or not isinstance(name, str):
                    break
                assert isinstance(ident, int)
                files.append(FileRef(ident, name))
            else:
                return tuple(files)
        case QuestionType.REPEAT if isinstance(raw, Mapping):
            ids, closed = raw.get("items"), raw.get("closed", False)
            if (
                isinstance(ids, list)
                and all(isinstance(i, str) and ITEM_ID.fullmatch(i) for i in ids)
                and isinstance(closed, bool)
            ):
                return Items(tuple(ids), closed)
    raise AnswerError(f"{question.id}: stored value {raw!r} is not a {question.type.value} value")


def decode(question: Question, data: Mapping[str, Any]) -> AnswerValue:
    """The inverse of :func:`encode`: ``decode(q, encode(q, a)) == a``.

    Raises :class:`AnswerError` for data :func:`encode` cannot have produced.
    """
    if not isinstance(data, Mapping) or "v" not in data:
        raise AnswerError(f"{question.id}: stored answer {data!r} has no 'v'")
    none, skipped = data.get("none", False), data.get("skipped", False)
    prefilled = data.get("prefilled", False) is True
    if none is True or skipped is True:
        if data["v"] is not None or (none is True and skipped is True):
            raise AnswerError(f"{question.id}: malformed stored answer {data!r}")
        return AnswerValue(None, none=none is True, skipped=skipped is True, prefilled=prefilled)
    return AnswerValue(_decode_value(question, data["v"]), prefilled=prefilled)


def when_value(answer: AnswerValue | None) -> object:
    """The value :func:`flows.when.evaluate` expects: ``None`` for none or skipped,
    a group's number of items."""
    if answer is not None and isinstance(answer.value, Items):
        return len(answer.value.ids)
    return None if answer is None else answer.value


def is_answered(answer: AnswerValue | None) -> bool:
    """Whether a stored answer counts as answered: not one carried from an earlier round
    and not yet confirmed, and a group's list only once closed."""
    if answer is None or answer.prefilled:
        return False
    return not isinstance(answer.value, Items) or answer.value.closed


# ------------------------------------------------------------------ display


@dataclass(frozen=True, slots=True)
class DisplayWords:
    """The words :func:`display` needs, in the reader's language, given by the edge.

    The engine holds no wording: the bot takes these from its message catalogues,
    documents from theirs. ``files_one`` / ``files_many`` are ``str.format``
    templates with ``{count}`` and ``{names}``; ``date`` writes a date.
    """

    none: str
    skipped: str
    unanswered: str
    files_one: str
    files_many: str
    date: Callable[[dt.date], str]
    items: str = "{count}"  # a group's answer: "{count} รายการ"


DISPLAY_TEXT_LIMIT: Final = 120
"""Longer text answers are cut to this many characters (with "…") by :func:`display`."""


def _label(question: Question, choice_id: str) -> str:
    try:
        return question.choice(choice_id).label
    except KeyError:
        return choice_id


def _files(files: tuple[FileRef, ...], words: DisplayWords) -> str:
    template = words.files_one if len(files) == 1 else words.files_many
    return template.format(count=len(files), names=", ".join(f.name for f in files))


def display(question: Question, answer: AnswerValue | None, words: DisplayWords) -> str:
    """Short human text for ``answer`` (``None``: not answered) with the edge's ``words``.

    Choices show their labels, numbers their thousands separators (``1,250``), dates
    ``words.date``, files their count and names, long text is cut.
    """
    if answer is None:
        return words.unanswered
    if answer.skipped:
        return words.skipped
    if answer.none:
        return words.none
    value = answer.value
    if question.type is QuestionType.CHOICE and isinstance(value, str):
        return _label(question, value)
    if question.type is QuestionType.MULTI and _is_str_tuple(value):
        assert isinstance(value, tuple)
        return ", ".join(_label(question, str(v)) for v in value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return f"{value:,}"
    if isinstance(value, dt.date):
        return words.date(value)
    if isinstance(value, Items):
        return words.items.format(count=len(value.ids))
    if _is_file_tuple(value) and isinstance(value, tuple) and value:
        return _files(tuple(f for f in value if isinstance(f, FileRef)), words)
    text = " ".join(str(value).split())
    if len(text) > DISPLAY_TEXT_LIMIT:
        return text[: DISPLAY_TEXT_LIMIT - 1] + "…"
    return text
