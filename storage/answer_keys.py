"""SQL for "the answers to these questions", wherever they stand in repeat groups.

An answer's key is its question's id at the top level, or a path through the items
of repeat groups (``projects/i2/activities/i1/act_people``: :mod:`flows.form`). To
select every answer to a question of a group in SQL, the item ids in between are
matched by ``LIKE``: ``projects/%/activities/%/act_people``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy import ColumnElement, or_

from flows.form import Form, Question
from storage.models import Answer

__all__ = ["keys_of", "question_chains"]


def question_chains(form: Form, wanted: Callable[[Question], bool]) -> Iterator[tuple[str, ...]]:
    """The questions ``wanted`` picks, each as the chain of its groups' ids and its own."""

    def walk(questions: tuple[Question, ...], chain: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        for q in questions:
            if wanted(q):
                yield (*chain, q.id)
            if q.repeat:
                yield from walk(q.questions, (*chain, q.id))

    for place in form.questions():
        yield from walk((place.question,), ())


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def keys_of(form: Form, wanted: Callable[[Question], bool]) -> ColumnElement[bool] | None:
    """A condition on :attr:`Answer.question_id` true for the answers to the questions
    ``wanted`` picks, in any item (None: it picks none)."""
    tests: list[ColumnElement[bool]] = []
    for chain in question_chains(form, wanted):
        if len(chain) == 1:
            tests.append(Answer.question_id == chain[0])
        else:  # group/<item>/.../question: any item id in between
            pattern = "/%/".join(_like(part) for part in chain)
            tests.append(Answer.question_id.like(pattern, escape="\\"))
    return or_(*tests) if tests else None
