"""Playing a reporter of the sample form: which question a bot message asks, and an answer.

The demo's people, the end-to-end tests and the benchmarks all read the questions the
real bot asks and answer them by type; this knowledge of forms and of the bot's wording
belongs here, with the demo, not in the fake Telegram (which speaks only the Bot API).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.i18n import catalog
from flows.form import Form, Question, QuestionType, item_key

__all__ = [
    "CHANGE_ASKED",
    "PLACE",
    "Asked",
    "asked_in",
    "place_of",
    "question_asked",
    "typical_answer",
]

_NUMBER = r"([0-9]+(?:\.[0-9]+)*)"
_ITEMS = r"(?: \(([^()\n]+)\))?"  # an item's question: "1.1.1.1 (โครงการที่ 2 › กิจกรรมที่ 1)"
_GROUPS = 4  # per language: the number, the items, the answered count, the total


def _place_pattern() -> re.Pattern[str]:
    """The place line above every question ("ข้อ 2.1.3 · ตอบแล้ว 12 จาก 30 ข้อที่ต้องตอบ",
    "Item 2.1.3 · 12 of 30 answered"; a repeat group's item question adds where it is:
    "ข้อ 1.1.1.1 (โครงการที่ 2) · ..."), in any catalogue.

    Built from the catalogues' ``report.place`` so that a change of wording follows;
    read a match with :func:`place_of`.
    """
    shapes = []
    for language in ("th", "en"):
        template = re.escape(catalog(language)["report.place"])
        template = template.replace(re.escape("{number}"), _NUMBER + _ITEMS)
        for name in ("answered", "total"):
            template = template.replace(re.escape("{" + name + "}"), r"(\d+)")
        shapes.append(template)
    return re.compile("|".join(f"(?:{shape})" for shape in shapes))


PLACE = _place_pattern()


def _place_groups(text: str) -> tuple[str, str | None, int, int] | None:
    found = PLACE.search(text)
    if found is None:
        return None
    groups = found.groups()
    start = next(i for i in range(0, len(groups), _GROUPS) if groups[i] is not None)
    number, items, answered, total = groups[start : start + _GROUPS]
    return number, items, int(answered), int(total)


def place_of(text: str) -> tuple[str, int, int] | None:
    """The item number, the answered count and the total of the place line in ``text``
    (None: no place)."""
    found = _place_groups(text)
    if found is None:
        return None
    number, _, answered, total = found
    return number, answered, total


@dataclass(frozen=True, slots=True)
class Asked:
    """What a message asks: the question (an item's question by its key, such as
    ``projects/i2/activities/i1/act_name``) and, for a repeat group, how many items
    it lists."""

    key: str
    question: Question
    listed: int = 0


def _templates(form: Form) -> dict[str, tuple[Question, ...]]:
    """Every question of the form as written (a group's own too) by its number: the
    chain of groups it stands in, itself last."""
    found: dict[str, tuple[Question, ...]] = {}

    def add(q: Question, chain: tuple[Question, ...]) -> None:
        found[q.no] = (*chain, q)
        for inner in q.questions:
            add(inner, (*chain, q))

    for where in form.questions():
        add(where.question, ())
    return found


def _positions(items: str) -> list[int]:
    """The item numbers of "โครงการที่ 2 › กิจกรรมที่ 1": [2, 1]."""
    numbers = []
    for part in items.split(" › "):
        digits = re.findall(r"\d+", part)
        if not digits:
            return []
        numbers.append(int(digits[-1]))
    return numbers


def _listed(text: str, shown: str) -> int:
    """How many items a repeat group's message lists ("1. โครงการที่ 1: ..." lines)."""
    lines = text.split("\n")
    at = lines.index(shown) if shown in lines else 0
    count = 0
    for line in lines[at + 1 :]:
        if line.startswith(f"{count + 1}. "):
            count += 1
    return count


def asked_in(form: Form, text: str) -> Asked | None:
    """The question a message asks, top-level or an item's, with its key: the question
    whose number the place line shows and whose text (Thai or English) stands on a
    line of its own; None if the message asks none.

    An item's id is taken from its position (``โครงการที่ 2``: ``i2``), which holds
    while no item has been removed (the demo's people never remove one).
    """
    place = _place_groups(text)
    if place is None:
        return None
    number, items, _, _ = place
    chain = _templates(form).get(number)
    if chain is None:
        return None
    positions = _positions(items) if items else []
    if len(positions) != len(chain) - 1:
        return None
    wrapped = f"\n{text}\n"
    q = chain[-1]
    shown = next(
        (words for words in (q.text, q.text_en) if words and f"\n{words}\n" in wrapped), None
    )
    if shown is None:
        return None
    key = chain[0].id
    for depth, position in enumerate(positions, start=1):
        key = item_key(key, f"i{position}", chain[depth].id)
    question = form.question(key)
    return Asked(key, question, _listed(text, shown) if question.repeat else 0)


def question_asked(form: Form, text: str, *, strict: bool = False) -> Question | None:
    """The question a message asks (an item's question carries its key as id).

    None if the message shows no place; with ``strict``, ``LookupError`` if it shows
    one but no question of ``form``.
    """
    if place_of(text) is None:
        return None
    found = asked_in(form, text)
    if found is None and strict:
        raise LookupError(f"no question of the form in: {text}")
    return None if found is None else found.question


def _change_pattern() -> re.Pattern[str]:
    """The bot's question whether a number that moved far from the last round's is
    right (``problem.changed_much``, ``problem.changed_from_zero``), in any catalogue."""
    shapes = []
    for language in ("th", "en"):
        for key in ("problem.changed_much", "problem.changed_from_zero"):
            template = re.sub(r"<[^>]+>", "", catalog(language)[key])
            shapes.append(re.sub(r"\\\{\w+\\\}", ".+?", re.escape(template)))
    return re.compile("|".join(f"(?:{shape})" for shape in shapes))


CHANGE_ASKED = _change_pattern()


def typical_answer(question: Question) -> str | tuple[str, ...]:
    """Text to type, or buttons to press (by their text), for a question of any type.

    The first choice (so that follow-up questions are asked), Thai digits with a unit
    word, today's date in the Buddhist era (a date far from today is asked to be
    confirmed), HTML-like text; a file question is skipped.
    """
    match question.type:
        case QuestionType.CHOICE:
            return (f"1. {question.choices[0].label}",)
        case QuestionType.MULTI:
            return (f"☐ {question.choices[0].label}", "เสร็จ ✔")
        case QuestionType.TEXT:
            return "โครงการ <ทดสอบ> & กิจกรรม"
        case QuestionType.INTEGER:
            return "๑,๒๕๐ คน"
        case QuestionType.DECIMAL:
            return "12.5"
        case QuestionType.DATE:
            today = dt.date.today()
            return f"{today.day}/{today.month}/{today.year + 543}"
        case QuestionType.FILE:
            return ("ข้าม ▶",)
    raise AssertionError(question.type)
