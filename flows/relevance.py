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

The walk's engine (:mod:`flows.walk`) also uses the private helpers
``_applicable``, ``_possible_count`` and ``_place_in``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flows.answers import AnswerValue, when_value
from flows.form import Form, QuestionPlace
from flows.problems import NotApplicable, UnknownQuestion
from flows.when import And, Compare, Expr, Member, Not, Or, evaluate, references

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
    "relevant_answers",
]

Answers = Mapping[str, AnswerValue]


def _applicable(form: Form, kind: str, answers: Answers) -> list[QuestionPlace]:
    result: list[QuestionPlace] = []
    seen: dict[str, object] = {}
    for where in form.questions_for(kind):
        question = where.question
        if question.when is not None and not evaluate(question.when, seen):
            continue
        result.append(where)
        answer = answers.get(question.id)
        if answer is not None:
            seen[question.id] = when_value(answer)
    return result


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


def first_unanswered(form: Form, kind: str, answers: Answers) -> QuestionPlace | None:
    """The first applicable question without an answer (skipped counts as answered)."""
    return next((p for p in _applicable(form, kind, answers) if p.question.id not in answers), None)


def missing_required(form: Form, kind: str, answers: Answers) -> list[QuestionPlace]:
    """The required applicable questions without an answer; optional ones are never missing."""
    return [
        p
        for p in _applicable(form, kind, answers)
        if p.question.required and p.question.id not in answers
    ]


@dataclass(frozen=True, slots=True)
class Progress:
    """``answered`` of ``total`` applicable questions; required ones missing, by section id
    (sections with nothing missing are left out)."""

    answered: int
    total: int
    missing_by_section: dict[str, int]


def progress(form: Form, kind: str, answers: Answers) -> Progress:
    """How far the unit is: answered / total applicable, missing required by section."""
    places = _applicable(form, kind, answers)
    missing: dict[str, int] = {}
    for p in places:
        if p.question.required and p.question.id not in answers:
            missing[p.section.id] = missing.get(p.section.id, 0) + 1
    answered = sum(1 for p in places if p.question.id in answers)
    return Progress(answered, len(places), missing)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a question is, for "ยุทธศาสตร์ 2 · ข้อ 5/23".

    ``section_number`` is the section's 1-based position in the form (the
    strategy's number in the plan); ``number`` the question's 1-based position
    among the applicable questions. ``total`` is the number of questions that
    are applicable or may still become so (their ``when`` depends on questions
    not answered yet): it only shrinks as answers rule questions out, and equals
    the applicable count once everything is answered. (:class:`Progress` counts
    the applicable questions only.)
    """

    section_number: int
    section_title: str
    number: int
    total: int


def _kleene(expr: Expr, seen: Mapping[str, object], unknown: set[str]) -> bool | None:
    """``evaluate`` in three-valued logic: ``None`` when unknown answers decide."""
    match expr:
        case Compare(question=question) | Member(question=question):
            return None if question in unknown else evaluate(expr, seen)
        case Not(operand):
            inner = _kleene(operand, seen, unknown)
            return None if inner is None else not inner
        case And(left, right):
            both = (_kleene(left, seen, unknown), _kleene(right, seen, unknown))
            return False if False in both else None if None in both else True
        case Or(left, right):
            both = (_kleene(left, seen, unknown), _kleene(right, seen, unknown))
            return True if True in both else None if None in both else False
    return None  # pragma: no cover - unreachable for well-typed input


def _possible_count(form: Form, kind: str, answers: Answers) -> int:
    """How many questions are applicable or may become so as the rest is answered."""
    count = 0
    seen: dict[str, object] = {}
    unknown: set[str] = set()
    for where in form.questions_for(kind):
        question = where.question
        verdict = True if question.when is None else _kleene(question.when, seen, unknown)
        if verdict is False:
            continue
        count += 1
        answer = answers.get(question.id)
        if verdict is None or answer is None:
            unknown.add(question.id)
        else:
            seen[question.id] = when_value(answer)
    return count


def _place_in(form: Form, places: list[QuestionPlace], question_id: str, total: int) -> Place:
    if question_id not in form:
        raise UnknownQuestion(question_id)
    for number, where in enumerate(places, start=1):
        if where.question.id == question_id:
            section_number = next(
                i for i, s in enumerate(form.sections, start=1) if s.id == where.section.id
            )
            return Place(section_number, where.section.title, number, max(total, len(places)))
    raise NotApplicable(question_id)


def place(form: Form, kind: str, answers: Answers, question_id: str) -> Place:
    """The place of an applicable question; :class:`UnknownQuestion` or :class:`NotApplicable`."""
    places = _applicable(form, kind, answers)
    return _place_in(form, places, question_id, _possible_count(form, kind, answers))


def dependents(form: Form, question_id: str) -> frozenset[str]:
    """The questions whose ``when`` reads ``question_id``, directly or through another."""
    found = {question_id}
    for where in form.questions():
        when = where.question.when
        if when is not None and references(when) & found:
            found.add(where.question.id)
    found.discard(question_id)
    return frozenset(found)
