"""Which questions a unit is asked, and how far it is.

Pure functions over ``(form, kind, answers)`` where ``answers`` maps question ids
to :class:`~flows.answers.AnswerValue` (every stored answer, relevant or not):

* :func:`applicable`: the questions a unit of ``kind`` is asked, in form order.
  A question is applicable when section, indicator and question all allow the
  kind and its ``when`` holds, evaluated **only** over the answers to earlier
  applicable questions: the old answer of a question that is no longer asked is
  ignored (docs/forms.md, "`when` expressions").
* :func:`relevant_answers`, :func:`first_unanswered`, :func:`missing_required`,
  :func:`progress`, :func:`place`.
* :func:`dependents`: the questions whose ``when`` reads a question, directly or
  through another.

Repeat groups: a group's place comes after the places of its items' questions
(each item in list order, its questions keyed ``group/item/question``), so that
walking forward the person answers an item and is then asked to add another or
close the list. A group counts as answered once its list is closed
(:func:`flows.answers.is_answered`); ``when`` reads a group as its number of items.

The walk's engine (:mod:`flows.walk`) also uses the private helpers
``_applicable`` and ``_place_in``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flows.answers import AnswerValue, Items, is_answered, when_value
from flows.form import Form, QuestionPlace
from flows.problems import NotApplicable, UnknownQuestion
from flows.when import evaluate, references

__all__ = [
    "Answers",
    "Place",
    "Progress",
    "applicable",
    "dependents",
    "first_unanswered",
    "missing_required",
    "place",
    "progress",
    "reading_order",
    "relevant_answers",
]

Answers = Mapping[str, AnswerValue]


def _applicable(form: Form, kind: str, answers: Answers) -> list[QuestionPlace]:
    result: list[QuestionPlace] = []
    seen: dict[str, object] = {}
    for where in form.questions_for(kind):
        _visit(form, kind, where, answers, seen, result)
    return result


def _visit(
    form: Form,
    kind: str,
    where: QuestionPlace,
    answers: Answers,
    seen: dict[str, object],
    result: list[QuestionPlace],
) -> None:
    """Add ``where`` if its ``when`` holds, a group after its items' questions."""
    question = where.question
    if question.when is not None and not evaluate(question.when, seen):
        return
    answer = answers.get(question.id)
    if question.repeat and answer is not None and isinstance(answer.value, Items):
        for item_id in answer.value.ids:
            for inner in form.item_places(where, item_id):
                if inner.question.applies_to(kind):
                    _visit(form, kind, inner, answers, seen, result)
    result.append(where)
    if answer is not None:
        seen[question.id] = when_value(answer)


def applicable(form: Form, kind: str, answers: Answers) -> list[QuestionPlace]:
    """The questions a unit of ``kind`` is asked given ``answers``, in form order."""
    return _applicable(form, kind, answers)


def relevant_answers(form: Form, kind: str, answers: Answers) -> dict[str, AnswerValue]:
    """The answers that count (review, submit, export): those of applicable questions."""
    return {
        p.question.id: answers[p.question.id]
        for p in _applicable(form, kind, answers)
        if p.question.id in answers
    }


def reading_order(places: list[QuestionPlace]) -> list[QuestionPlace]:
    """``places`` as people read them: each group before its items' questions.

    The walk asks a group after its items (to add another or finish); the review
    and documents show the group first, its items under it."""
    ordered = list(places)
    for group in [p for p in places if p.question.repeat]:
        prefix = group.question.id + "/"
        first = next((i for i, p in enumerate(ordered) if p.question.id.startswith(prefix)), None)
        if first is not None:
            ordered.remove(group)
            ordered.insert(first, group)
    return ordered


def _asked(places: list[QuestionPlace]) -> list[QuestionPlace]:
    """The places a person answers: all but the computed (``calc``) questions."""
    return [p for p in places if p.question.calc is None]


def first_unanswered(form: Form, kind: str, answers: Answers) -> QuestionPlace | None:
    """The first applicable question without an answer (skipped counts as answered)."""
    places = _asked(_applicable(form, kind, answers))
    return next((p for p in places if not is_answered(answers.get(p.question.id))), None)


def missing_required(form: Form, kind: str, answers: Answers) -> list[QuestionPlace]:
    """The required applicable questions without an answer; optional ones are never missing."""
    return [
        p
        for p in _asked(_applicable(form, kind, answers))
        if p.question.required and not is_answered(answers.get(p.question.id))
    ]


@dataclass(frozen=True, slots=True)
class Progress:
    """``answered`` of ``total`` applicable questions ("ตอบแล้ว 12 จาก 30 ข้อที่ต้องตอบ");
    required ones missing, by section id (sections with nothing missing are left out).

    The one definition of progress: the place line, the /report intro, the review
    and the reminders all show these figures."""

    answered: int
    total: int
    missing_by_section: dict[str, int]


def progress(form: Form, kind: str, answers: Answers) -> Progress:
    """How far the unit is: answered / total applicable, missing required by section.

    Computed (``calc``) questions are not counted: nobody answers them."""
    places = _asked(_applicable(form, kind, answers))
    missing: dict[str, int] = {}
    for p in places:
        if p.question.required and not is_answered(answers.get(p.question.id)):
            missing[p.section.id] = missing.get(p.section.id, 0) + 1
    answered = sum(1 for p in places if is_answered(answers.get(p.question.id)))
    return Progress(answered, len(places), missing)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a question is, for "ข้อ 2.1.3 · ตอบแล้ว 12 จาก 30 ข้อที่ต้องตอบ".

    ``no`` is the question's item number and ``section_no`` its section's, both
    from the form (:func:`flows.form.number_form`): they never change while a
    person answers. ``answered`` and ``total`` are the figures of
    :func:`progress` (the one definition of how far a unit is), so the place line,
    the /report intro and the review always agree.
    """

    section_no: str
    section_title: str
    no: str
    answered: int
    total: int
    items: tuple[tuple[str, int], ...] = ()  # per enclosing group: its item word, the position


def _place_in(form: Form, places: list[QuestionPlace], question_id: str, answers: Answers) -> Place:
    if question_id not in form:
        raise UnknownQuestion(question_id)
    asked = _asked(places)
    for where in places:
        if where.question.id == question_id:
            answered = sum(1 for p in asked if is_answered(answers.get(p.question.id)))
            return Place(
                where.section.no,
                where.section.title,
                where.question.no,
                answered,
                len(asked),
                _items_of(form, where, answers),
            )
    raise NotApplicable(question_id)


def _items_of(form: Form, where: QuestionPlace, answers: Answers) -> tuple[tuple[str, int], ...]:
    """For each group around an item's question: the group's item word and the position."""
    found: list[tuple[str, int]] = []
    for group_key, item_id in where.within:
        answer = answers.get(group_key)
        ids = answer.value.ids if answer is not None and isinstance(answer.value, Items) else ()
        position = ids.index(item_id) + 1 if item_id in ids else 0
        found.append((form.question(group_key).item, position))
    return tuple(found)


def place(form: Form, kind: str, answers: Answers, question_id: str) -> Place:
    """The place of an applicable question; :class:`UnknownQuestion` or :class:`NotApplicable`."""
    return _place_in(form, _applicable(form, kind, answers), question_id, answers)


def dependents(form: Form, question_id: str) -> frozenset[str]:
    """The questions whose ``when`` reads ``question_id``, directly or through another."""
    found = {question_id}
    for where in form.questions():
        when = where.question.when
        if when is not None and references(when) & found:
            found.add(where.question.id)
    found.discard(question_id)
    return frozenset(found)
