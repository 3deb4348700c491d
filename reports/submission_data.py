"""Storage → :class:`~reports.submission_pdf.SubmissionDoc`: what a submission's PDF prints.

:func:`reports.submission_snapshot.load_submission_docs` reads, in a handful of bulk
queries whatever the number of units (so that ``tidtam export --pdf`` of a 2,000-unit
round stays quick):

* the round and its pinned form;
* the units (for each unit its agency, the ancestor just under the root, and the
  province, the root);
* the submissions asked for: given units, or every submitted or certified one;
* their answers (with who answered and when), attachments (size, SHA-256) and the
  audit events of their state changes (who submitted, certified or returned, when);
* the display names of the members who did those things.

:func:`build_doc` (pure) turns one submission's data into words: only questions
the unit is asked (its kind, ``when`` given its answers: :func:`flows.relevance.applicable`),
each with its item number and its answer as given: numbers with thousands
separators, dates in the Buddhist era (``15 มีนาคม 2567``), "ไม่มี", a skipped
optional question, files by name with size and SHA-256.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any, Final

from flows.answers import AnswerValue, FileRef, Items
from flows.form import Form, Question, QuestionPlace, QuestionType
from flows.relevance import applicable, reading_order
from reports.labels import NONE_TH, STATE_TH
from reports.submission_doc import FileEntry, Heading, ItemEntry, Signed, SubmissionDoc
from tidtam.core.periods import PeriodError, parse_period
from tidtam.core.thai import format_date_th_long

__all__ = [
    "DOCUMENT_STATES",
    "SubmissionFacts",
    "answer_text",
    "build_doc",
    "unit_facts",
]

DOCUMENT_STATES: Final = ("submitted", "certified")
"""The states whose reports are printed for a whole round (``export --pdf``)."""

SKIPPED_TH: Final = "ข้ามคำถามนี้ (ไม่บังคับตอบ)"
UNANSWERED_TH: Final = "ยังไม่ได้ตอบ"


@dataclass(frozen=True, slots=True)
class UnitFacts:
    id: int
    code: str
    name: str
    kind: str
    agency: str
    province: str


@dataclass(frozen=True, slots=True)
class SubmissionFacts:
    """One submission's data, read from storage (moments in UTC)."""

    unit: UnitFacts
    state: str
    answers: Mapping[str, AnswerValue]
    files: Mapping[int, tuple[int, str]]  # attachment id -> (size, sha256)
    last_answer: tuple[str, datetime] | None
    events: Mapping[str, tuple[str, datetime, str | None]]  # state -> (who, when, reason)


def _label(question: Question, choice_id: str) -> str:
    try:
        return question.choice(choice_id).label
    except KeyError:
        return choice_id


def answer_text(question: Question, answer: AnswerValue | None) -> str:
    """An answer as printed: ``1,250``, ``1,500.50``, ``15 มีนาคม 2567``, ``ไม่มี``..."""
    if answer is None:
        return UNANSWERED_TH
    if answer.none:
        return NONE_TH
    if answer.skipped:
        return SKIPPED_TH
    value = answer.value
    match question.type:
        case QuestionType.CHOICE if isinstance(value, str):
            return _label(question, value)
        case QuestionType.MULTI if isinstance(value, tuple):
            return ", ".join(_label(question, str(v)) for v in value)
        case QuestionType.INTEGER | QuestionType.DECIMAL if isinstance(value, int | Decimal):
            return f"{value:,}"
        case QuestionType.DATE if isinstance(value, dt.date):
            return format_date_th_long(value)
        case QuestionType.FILE if isinstance(value, tuple):
            return ", ".join(f.name for f in value if isinstance(f, FileRef))
        case QuestionType.REPEAT if isinstance(value, Items):
            return f"{len(value.ids):,} รายการ" if value.ids else "ไม่มีรายการ"
    return str(value)


def _item_heading(
    form: Form, place: QuestionPlace, answers: Mapping[str, AnswerValue]
) -> Heading | None:
    """ "โครงการที่ 2: ห้องเรียนคุณภาพ" above the first question of an item."""
    if not place.within or not place.question.id.endswith("/" + _first_id(form, place)):
        return None
    group_key, item_id = place.within[-1]
    group = form.question(group_key)
    listed = answers.get(group_key)
    ids = listed.value.ids if listed is not None and isinstance(listed.value, Items) else ()
    position = ids.index(item_id) + 1 if item_id in ids else 0
    name = next(
        (
            a.value
            for q in group.questions
            if q.type is QuestionType.TEXT
            and (a := answers.get(f"{group_key}/{item_id}/{q.id}")) is not None
            and isinstance(a.value, str)
        ),
        "",
    )
    title = f"{group.item}ที่ {position}" + (f": {name}" if name else "")
    return Heading("", title, 3)


def _first_id(form: Form, place: QuestionPlace) -> str:
    """The id of the first question of the item ``place`` is in."""
    group = form.question(place.within[-1][0])
    return group.questions[0].id if group.questions else ""


def _signed(facts: SubmissionFacts, state: str, tz: tzinfo) -> Signed | None:
    event = facts.events.get(state)
    return None if event is None else Signed(event[0], event[1].astimezone(tz))


def _period(text: str) -> str:
    try:
        return parse_period(text).thai()
    except PeriodError:
        return text


def build_doc(
    form: Form, period: str, facts: SubmissionFacts, *, tz: tzinfo, now: datetime
) -> SubmissionDoc:
    """The words of one submission's PDF (pure; see the module docstring)."""
    asked = reading_order(applicable(form, facts.unit.kind, dict(facts.answers)))
    rows: list[Heading | ItemEntry] = []
    section_id = indicator_id = ""
    for place in asked:
        if place.section.id != section_id:
            section_id = place.section.id
            rows.append(Heading(place.section.no, place.section.title, 1))
        if place.indicator.id != indicator_id:
            indicator_id = place.indicator.id
            rows.append(Heading(place.indicator.no, place.indicator.title, 2))
        heading = _item_heading(form, place, facts.answers)
        if heading is not None:
            rows.append(heading)
        question = place.question
        answer = facts.answers.get(question.id)
        if answer is not None and answer.prefilled:  # carried over, not yet confirmed
            answer = None
        files: tuple[FileEntry, ...] = ()
        if question.type is QuestionType.FILE and answer is not None:
            refs = answer.value if isinstance(answer.value, tuple) else ()
            files = tuple(
                FileEntry(ref.name, *facts.files.get(ref.attachment_id, (None, None)))
                for ref in refs
                if isinstance(ref, FileRef)
            )
        rows.append(ItemEntry(question.no, question.text, answer_text(question, answer), files))
    returned = facts.events.get("returned") if facts.state == "returned" else None
    last = facts.last_answer
    return SubmissionDoc(
        province=facts.unit.province,
        form_title=form.title,
        period=_period(period),
        unit_name=facts.unit.name,
        unit_code=facts.unit.code,
        agency_name=facts.unit.agency,
        state=STATE_TH.get(facts.state, facts.state),
        rows=tuple(rows),
        generated_at=now.astimezone(tz),
        last_answer=None if last is None else Signed(last[0], last[1].astimezone(tz)),
        submitted=_signed(facts, "submitted", tz) if facts.state != "returned" else None,
        certified=_signed(facts, "certified", tz) if facts.state == "certified" else None,
        returned=_signed(facts, "returned", tz) if returned is not None else None,
        returned_reason=None if returned is None else (returned[2] or "-"),
    )


def unit_facts(rows: Sequence[Any], wanted: Collection[int] | None = None) -> dict[int, UnitFacts]:
    """Each unit with its agency (ancestor under the root) and province (the root).

    ``rows``: every unit (the tree); ``wanted``: the units whose facts are needed
    (``None``: all of them), so that one unit's document does not walk the province.
    """
    raw = {int(r.id): r for r in rows}
    out: dict[int, UnitFacts] = {}
    for unit_id in raw if wanted is None else (u for u in wanted if u in raw):
        row = raw[unit_id]
        chain = [unit_id]
        seen = {unit_id}
        while (parent := raw[chain[-1]].parent_id) is not None and parent in raw:
            if parent in seen:  # a cycle: stop where it closes
                break
            seen.add(parent)
            chain.append(int(parent))
        root = raw[chain[-1]]
        agency = raw[chain[-2]] if len(chain) >= 2 else root
        out[unit_id] = UnitFacts(unit_id, row.code, row.name, row.kind, agency.name, root.name)
    return out
