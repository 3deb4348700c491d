"""The walk through a form: the conversation, one pure step at a time.

In the style of RapidPro's goflow, the conversation is one pure step::

    resume(form, kind, answers, state, input) -> (state, events)

The adapter loads the :class:`WalkState` (stored as :meth:`WalkState.to_dict`)
and the answers, calls :func:`resume` with one input, stores every
:class:`~flows.events.Save` it gets (in order), stores the new state and renders
the other events. :func:`resume` never raises for any input in any state.

This module holds :class:`WalkState`, the engine and :func:`resume`, and is the
walk's public face: every name in ``__all__`` can be used as ``walk.X``. The
rest lives in one module per concept:

* :mod:`flows.problems`: the problem codes and the walk's errors (:class:`WalkError`,
  :class:`Rejected`, :class:`UnknownQuestion`, :class:`NotApplicable`).
* :mod:`flows.relevance`: which questions a unit is asked (:func:`applicable`,
  :func:`relevant_answers`, :func:`first_unanswered`, :func:`missing_required`,
  :func:`progress` / :class:`Progress`, :func:`place` / :class:`Place`,
  :func:`dependents`).
* :mod:`flows.typed_text`: :func:`interpret_text` reads what was typed for a
  question (:data:`MAX_TEXT_LENGTH`, the "none" words).
* :mod:`flows.file_check`: :func:`check_file` checks an uploaded file against a
  question.
* :mod:`flows.inputs`: what :func:`resume` takes (:data:`Input`: :class:`Start`,
  :class:`Text`, :class:`Pick`, ...).
* :mod:`flows.events`: what it returns (:data:`Event`: :class:`Save`,
  :class:`Ask`, :class:`Invalid`, :class:`ShowReview`, ...).

Rules of the conversation:

* After a :class:`Save` the next question is computed with the answer applied, so
  a changed answer brings newly relevant questions up. Walking forward, the next
  question is the first unanswered applicable one after the answered question
  (then from the start); when none is left, :class:`AllAnswered` and
  :class:`ShowReview` (mode ``review``). An optional question counts as answered
  once skipped.
* Editing from the review (:class:`Edit`): after the answer, the unanswered
  applicable questions that depend (through ``when``, transitively) on the edited
  one are asked, then the review is shown again.
* An input that names a question (:class:`Pick`, :class:`Toggle`, :class:`Done`,
  :class:`Skip`, :class:`Back`, :class:`Files`) that is not the question being
  asked gets :class:`Stale` and the current view again (the question, the review,
  the submit confirmation, or :class:`Paused`), and changes nothing.
  :class:`Edit` works at any time for an applicable question.
* If the question being asked is no longer applicable (another member changed an
  earlier answer), the walk moves to the first unanswered question and the input,
  meant for the old question, is answered with :class:`Stale`.
* Albums: a :class:`Files` input whose ``album`` equals the state's ``album``
  adds its files to the answer of the question that accepted the album's first
  part, with a :class:`Save` of all the files and no new question.
* Typed text is read by :func:`interpret_text` (see :mod:`flows.typed_text` for
  what ``ไม่มี`` / ``-`` mean to each type of question); what it rejects is
  answered with :class:`Invalid` and the question again.
* Rounds that continue: an answer carried from an earlier round (``prefilled``)
  counts only once confirmed: the question is asked with it, :class:`Keep`
  ("ยังเป็นเหมือนเดิม") confirms it as it is, any other answer replaces it. A number
  that moves from the carried one by more than the form's ``change_threshold``
  percent is asked to be confirmed (``changed_much``, with the earlier value), as
  an unlikely date is: "ใช่", or the same number again, takes it.
* Repeat groups: the group is asked as "add an item or done". :class:`AddItem`
  saves the list with a new item (a new id, never one used before in this
  submission, so that a removed item's old answers never come back) and asks the
  item's questions; after them the group is asked again. :class:`Done` closes the
  list (refused below the group's ``min``; :class:`AddItem` is refused at its
  ``max``). :class:`RemoveItem` (from the review) takes an item out of the list;
  its answers stay stored but no longer count. Editing a group from the review
  asks it again, and the items added then, before the review returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, Literal

from flows.answers import NONE, SKIPPED, AnswerValue, FileRef, Items, is_answered, when_value
from flows.calc import compute
from flows.calc import operands as calc_operands
from flows.checks import broken_check, broken_checks
from flows.events import (
    AllAnswered,
    Ask,
    AskConfirmSubmit,
    Calculated,
    Contradicted,
    Event,
    Invalid,
    Missing,
    Paused,
    ReviewItem,
    ReviewSection,
    Save,
    ShowReview,
    Stale,
    Submitted,
)
from flows.file_check import check_file
from flows.form import ITEM_ID, MAX_ITEMS, Form, Question, QuestionPlace, QuestionType
from flows.inputs import (
    AddItem,
    Back,
    Cancel,
    ConfirmSubmit,
    Done,
    Edit,
    Files,
    Input,
    Keep,
    Pick,
    RemoveItem,
    Review,
    Skip,
    Start,
    Submit,
    Text,
    Toggle,
)
from flows.problems import (
    NotApplicable,
    Rejected,
    UnknownQuestion,
    WalkError,
)
from flows.relevance import (
    Answers,
    Place,
    Progress,
    _applicable,
    _items_of,
    _place_in,
    applicable,
    dependents,
    first_unanswered,
    missing_required,
    place,
    progress,
    reading_order,
    relevant_answers,
)
from flows.typed_text import MAX_TEXT_LENGTH, NeedsConfirmation, interpret_text, is_yes
from flows.when import references

__all__ = [
    "MAX_TEXT_LENGTH",
    "AddItem",
    "AllAnswered",
    "Ask",
    "AskConfirmSubmit",
    "Back",
    "Calculated",
    "Cancel",
    "ConfirmSubmit",
    "Contradicted",
    "Done",
    "Edit",
    "Event",
    "Files",
    "Input",
    "Invalid",
    "Keep",
    "Missing",
    "Mode",
    "NotApplicable",
    "Paused",
    "Pick",
    "Place",
    "Progress",
    "Rejected",
    "RemoveItem",
    "Review",
    "ReviewItem",
    "ReviewSection",
    "Save",
    "ShowReview",
    "Skip",
    "Stale",
    "Start",
    "Submit",
    "Submitted",
    "Text",
    "Toggle",
    "UnknownQuestion",
    "WalkError",
    "WalkState",
    "applicable",
    "check_file",
    "dependents",
    "first_unanswered",
    "interpret_text",
    "missing_required",
    "place",
    "progress",
    "relevant_answers",
    "resume",
]


# ===================================================================== state

Mode = Literal["asking", "review", "confirm_submit", "idle"]
_MODE_NAMES: Final[tuple[Mode, ...]] = ("asking", "review", "confirm_submit", "idle")


@dataclass(frozen=True, slots=True)
class WalkState:
    """Where a unit's conversation is; stored by the adapter as :meth:`to_dict`.

    ``question_id``: the question being asked (mode ``asking``). ``pending``: the
    multi choices toggled but not yet confirmed. ``editing``: the question came
    from the review (``origin`` is the question edited there); after the answer
    the walk returns to the review. ``album`` / ``album_question``: the Telegram
    media group whose first part answered that file question, so that its later
    parts are added to the same answer. ``proposed``: a date (ISO) read for the
    question being asked that waits for the person to confirm it (``ใช่``, or the
    same date typed again).
    """

    mode: Mode = "idle"
    question_id: str | None = None
    pending: tuple[str, ...] = ()
    editing: bool = False
    album: str | None = None
    album_question: str | None = None
    origin: str | None = None
    proposed: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; :meth:`from_dict` reads it back exactly."""
        return {
            "mode": self.mode,
            "question_id": self.question_id,
            "pending": list(self.pending),
            "editing": self.editing,
            "album": self.album,
            "album_question": self.album_question,
            "origin": self.origin,
            "proposed": self.proposed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> WalkState:
        """Read :meth:`to_dict` data; anything missing or malformed falls back to idle."""
        if not isinstance(data, Mapping):
            return cls()
        mode: Mode = next((m for m in _MODE_NAMES if m == data.get("mode")), "idle")

        def opt_str(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        pending = data.get("pending")
        return cls(
            mode=mode,
            question_id=opt_str("question_id"),
            pending=tuple(p for p in pending if isinstance(p, str))
            if isinstance(pending, list | tuple)
            else (),
            editing=data.get("editing") is True,
            album=opt_str("album"),
            album_question=opt_str("album_question"),
            origin=opt_str("origin"),
            proposed=opt_str("proposed"),
        )


Result = tuple[WalkState, list[Event]]

# ====================================================================== walk


class _Walk:
    """One :func:`resume` step over fixed form, kind and answers."""

    def __init__(self, form: Form, kind: str, answers: Answers, today: dt.date | None) -> None:
        self.form = form
        self.kind = kind
        self.answers: dict[str, AnswerValue] = dict(answers)
        self.today = today
        self._places: list[QuestionPlace] | None = None

    # -- queries over the current answers

    @property
    def places(self) -> list[QuestionPlace]:
        if self._places is None:
            self._places = _applicable(self.form, self.kind, self.answers)
        return self._places

    @property
    def asked(self) -> list[QuestionPlace]:
        """The applicable questions a person answers (not the computed ones)."""
        return [p for p in self.places if p.question.calc is None]

    def recompute(self) -> list[Event]:
        """Save and show each applicable ``calc`` value that the answers changed.

        In form order, so that a calc reading an earlier calc sees its new value.
        Operands are the answers of applicable questions only (as for ``when``).
        """
        events: list[Event] = []
        live: set[str] | None = None
        for where in list(self.places):
            question = where.question
            if question.calc is None:
                continue
            if live is None or self._places is None:  # a saved calc may change what is asked
                live = {p.question.id for p in self.places}
            values = {
                qid: when_value(self.answers.get(qid))
                for qid in calc_operands(question.calc)
                if qid in live
            }
            result = compute(question.calc, values)
            answer = NONE if result is None else AnswerValue(_typed(question, result))
            before = self.answers.get(question.id)
            if before == answer:
                continue
            self.set_answer(question.id, answer)
            events.append(Save(question.id, answer))
            if answer != NONE or (before is not None and not before.empty):
                items = _items_of(self.form, where, self.answers)
                events.append(Calculated(question.id, answer, items))
        return events

    def answered(self, question_id: str) -> bool:
        return is_answered(self.answers.get(question_id))

    def is_applicable(self, question_id: str | None) -> bool:
        return question_id is not None and any(p.question.id == question_id for p in self.places)

    def question(self, question_id: str) -> Question:
        return self.form.question(question_id)

    def item_numbers(self, where: QuestionPlace) -> tuple[int, ...]:
        """The position of each item ``where`` is in, outermost first (1-based)."""
        numbers: list[int] = []
        for group_key, item_id in where.within:
            ids = self.items(group_key).ids
            numbers.append(ids.index(item_id) + 1 if item_id in ids else 0)
        return tuple(numbers)

    def items(self, group_key: str) -> Items:
        """A group's list as stored (empty and open if none)."""
        answer = self.answers.get(group_key)
        if answer is not None and isinstance(answer.value, Items):
            return answer.value
        return Items(())

    def set_answer(self, question_id: str, answer: AnswerValue) -> None:
        """Store an answer; which questions are asked changes only if a ``when`` reads
        it or it is a group's list (ids are unique, so a key's last part is its id)."""
        self.answers[question_id] = answer
        if (
            isinstance(answer.value, Items)
            or question_id.rsplit("/", 1)[-1] in self.form.when_reads
        ):
            self._places = None

    def initial_pending(self, question_id: str) -> tuple[str, ...]:
        answer = self.answers.get(question_id)
        if self.question(question_id).type is QuestionType.MULTI and answer is not None:
            value = answer.value
            if isinstance(value, tuple):
                return tuple(v for v in value if isinstance(v, str))
        return ()

    # -- views

    def ask(self, state: WalkState) -> Ask:
        assert state.question_id is not None
        qid = state.question_id
        where = _place_in(self.form, self.places, qid, self.answers)
        listed: tuple[tuple[str, str], ...] = ()
        if self.question(qid).repeat:
            listed = tuple((i, self.item_name(qid, i)) for i in self.items(qid).ids)
        return Ask(qid, where, self.answers.get(qid), state.pending, listed)

    def item_name(self, group_key: str, item_id: str) -> str:
        """An item's first text answer (its name, as a person would call it), else ""."""
        for inner in self.question(group_key).questions:
            if inner.type is QuestionType.TEXT:
                answer = self.answers.get(f"{group_key}/{item_id}/{inner.id}")
                if answer is not None and isinstance(answer.value, str):
                    return answer.value
        return ""

    def review(self) -> ShowReview:
        sections: list[ReviewSection] = []
        for section in self.form.sections:
            items = tuple(
                ReviewItem(
                    p.question.id,
                    p.question.no,
                    self.answers.get(p.question.id),
                    p.question.required,
                    self.item_numbers(p),
                )
                for p in reading_order([p for p in self.places if p.section.id == section.id])
            )
            if items:
                sections.append(ReviewSection(section.id, section.no, section.title, items))
        missing = tuple(
            p.question.id
            for p in self.asked
            if p.question.required and not is_answered(self.answers.get(p.question.id))
        )
        return ShowReview(tuple(sections), missing, progress(self.form, self.kind, self.answers))

    def present(self, state: WalkState) -> list[Event]:
        if state.mode == "asking":
            return [self.ask(state)]
        if state.mode == "review":
            return [self.review()]
        if state.mode == "confirm_submit":
            return [AskConfirmSubmit()]
        return [Paused()]

    # -- moves

    def asking(
        self, question_id: str, *, editing: bool = False, origin: str | None = None
    ) -> Result:
        state = WalkState(
            "asking",
            question_id,
            self.initial_pending(question_id),
            editing,
            origin=origin if editing else None,
        )
        return state, [self.ask(state)]

    def to_review(self) -> Result:
        return WalkState("review"), [self.review()]

    def start(self) -> Result:
        nxt = next((p for p in self.asked if not self.answered(p.question.id)), None)
        if nxt is None:
            return self.to_review()
        return self.asking(nxt.question.id)

    def normalize(self, state: WalkState) -> WalkState:
        """The state itself, or where to go if its question is no longer asked."""
        if state.mode != "asking":
            return state
        if self.is_applicable(state.question_id):
            return state
        new_state, _ = self.start()
        return new_state

    def stale(self, state: WalkState, question_id: str | None) -> Result:
        return state, [Stale(question_id), *self.present(state)]

    def accept(self, state: WalkState, question_id: str, answer: AnswerValue) -> Result:
        """Save ``answer`` and move on, unless it breaks one of the question's rules."""
        trial = {**self.answers, question_id: answer}
        broken = broken_check(self.form, question_id, trial)
        if broken is not None:
            state = replace(state, proposed=None)
            return self.invalid(state, question_id, Rejected("check", message=broken.message))
        self.set_answer(question_id, answer)
        events: list[Event] = [Save(question_id, answer), *self.recompute()]
        return self.move_on(state, question_id, events)

    def move_on(self, state: WalkState, question_id: str, events: list[Event]) -> Result:
        """After ``question_id`` was answered: the next question, or the review."""
        unanswered = [p for p in self.asked if not self.answered(p.question.id)]
        if state.editing:
            wanted = self.dependents(question_id)
            if state.origin is not None and state.origin in self.form:
                wanted |= self.dependents(state.origin)
                if self.form.question(state.origin).repeat:  # and the items added since
                    wanted |= {state.origin} | {
                        p.question.id
                        for p in self.places
                        if p.question.id.startswith(state.origin + "/")
                    }
            nxt = next((p for p in unanswered if p.question.id in wanted), None)
            if nxt is None:
                new_state, shown = self.to_review()
                return new_state, events + shown
            new_state, shown = self.asking(nxt.question.id, editing=True, origin=state.origin)
            return new_state, events + shown
        order = {p.question.id: i for i, p in enumerate(self.places)}
        at = order.get(question_id, -1)
        nxt = next((p for p in unanswered if order[p.question.id] > at), None) or next(
            iter(unanswered), None
        )
        if nxt is None:
            new_state, shown = self.to_review()
            return new_state, [*events, AllAnswered(), *shown]
        new_state, shown = self.asking(nxt.question.id)
        return new_state, events + shown

    def dependents(self, question_id: str) -> set[str]:
        """The applicable questions whose ``when`` reads ``question_id``, or one that does."""
        found = {question_id}
        for where in self.places:
            when = where.question.when
            if when is not None and references(when) & found:
                found.add(where.question.id)
        found.discard(question_id)
        return found

    def add_item(self, state: WalkState, group_key: str) -> Result:
        """A new item in the group's list; its first question is asked next."""
        group = self.question(group_key)
        items = self.items(group_key)
        limit = min(group.max if isinstance(group.max, int) else MAX_ITEMS, MAX_ITEMS)
        if len(items.ids) >= limit:
            return self.invalid(state, group_key, Rejected("items_max", max=limit))
        prefix = group_key + "/"
        used = max(
            (
                int(item[1:])
                for key in self.answers
                if key.startswith(prefix)
                and ITEM_ID.fullmatch(item := key[len(prefix) :].split("/", 1)[0])
            ),
            default=0,
        )
        item_id = items.next_id(used)
        answer = AnswerValue(Items((*items.ids, item_id), closed=False))
        self.set_answer(group_key, answer)
        events: list[Event] = [Save(group_key, answer), *self.recompute()]
        first = next(
            (
                p
                for p in self.asked
                if p.question.id.startswith(f"{prefix}{item_id}/")
                and not self.answered(p.question.id)
            ),
            None,
        )
        target = group_key if first is None else first.question.id
        new_state, shown = self.asking(target, editing=state.editing, origin=state.origin)
        return new_state, events + shown

    def keep(self, state: WalkState, question_id: str) -> Result:
        """Confirm the answer carried from the earlier round, as it is."""
        carried = self.answers.get(question_id)
        if carried is None or not carried.prefilled:
            return self.stale(state, question_id)
        if self.question(question_id).repeat:
            return self.close_group(state, question_id)
        return self.accept(state, question_id, replace(carried, prefilled=False))

    def close_group(self, state: WalkState, group_key: str) -> Result:
        """Close the group's list ("เสร็จ"): at least its ``min`` items."""
        group = self.question(group_key)
        items = self.items(group_key)
        if group.min is not None and len(items.ids) < group.min:
            return self.invalid(state, group_key, Rejected("items_min", min=group.min))
        return self.accept(state, group_key, AnswerValue(Items(items.ids, closed=True)))

    def remove_item(self, state: WalkState, group_key: str, item_id: str) -> Result:
        """Take an item out of the group's list (its answers stay stored, uncounted)."""
        items = self.items(group_key)
        if not self.is_applicable(group_key) or item_id not in items.ids:
            return self.stale(self.normalize(state), group_key)
        group = self.question(group_key)
        ids = tuple(i for i in items.ids if i != item_id)
        closed = items.closed and (group.min is None or len(ids) >= group.min)
        answer = AnswerValue(Items(ids, closed))
        self.set_answer(group_key, answer)
        events: list[Event] = [Save(group_key, answer), *self.recompute()]
        new_state, shown = self.to_review()
        return new_state, events + shown

    def invalid(self, state: WalkState, question_id: str, problem: Rejected) -> Result:
        return state, [Invalid(question_id, problem.code, dict(problem.params)), self.ask(state)]

    # -- the step

    def clean(self, state: WalkState) -> WalkState:
        """Drop pending choices that do not belong to a multi question being asked."""
        if not state.pending:
            return state
        qid = state.question_id
        if state.mode != "asking" or qid is None or qid not in self.form:
            return replace(state, pending=())
        question = self.question(qid)
        keep = (
            tuple(c.id for c in question.choices if c.id in state.pending)
            if question.type is QuestionType.MULTI
            else ()
        )
        return state if keep == state.pending else replace(state, pending=keep)

    def step(self, state: WalkState, event: Input) -> Result:
        state = self.clean(state)
        match event:
            case Start():
                return self.start()
            case Review():
                return self.to_review()
            case Cancel():
                return WalkState("idle"), [Paused()]
            case Submit():
                return self.submit()
            case ConfirmSubmit():
                state = self.normalize(state)
                if state.mode != "confirm_submit":
                    return self.stale(state, None)
                submitted = self.submit()
                if submitted[0].mode == "confirm_submit":
                    return WalkState("idle"), [Submitted()]
                return submitted
            case RemoveItem(question_id, item_id):
                return self.remove_item(state, question_id, item_id)
            case Edit(question_id):
                if self.is_applicable(question_id) and self.form.question(question_id).calc is None:
                    return self.asking(question_id, editing=True, origin=question_id)
                return self.stale(self.normalize(state), question_id)
            case Files() if event.album is not None and event.album == state.album:
                return self.album(state, event)
            case Text(text):
                return self.text(state, text)
        return self.button(state, event)

    def submit(self) -> Result:
        missing = [
            p for p in self.asked if p.question.required and not self.answered(p.question.id)
        ]
        if missing:
            new_state, shown = self.asking(missing[0].question.id)
            return new_state, [Missing(tuple(p.question.id for p in missing)), *shown]
        relevant = {
            p.question.id: self.answers[p.question.id]
            for p in self.places
            if p.question.id in self.answers
        }
        broken = broken_checks(self.form, self.places, relevant)
        if broken:
            new_state, shown = self.asking(broken[0][0])
            items = tuple((qid, check.message) for qid, check in broken)
            return new_state, [Contradicted(items), *shown]
        return WalkState("confirm_submit"), [AskConfirmSubmit()]

    def text(self, state: WalkState, text: str) -> Result:
        normal = self.normalize(state)
        if normal != state:
            return self.stale(normal, state.question_id)
        if state.mode != "asking" or state.question_id is None:
            return state, self.present(state)
        qid = state.question_id
        if self.question(qid).repeat:
            return self.invalid(state, qid, Rejected("use_buttons"))
        question = self.question(qid)
        if state.proposed is not None and is_yes(text):
            proposed = _proposed(question, state.proposed)
            if proposed is not None:
                return self.accept(replace(state, proposed=None), qid, AnswerValue(proposed))
        try:
            answer = interpret_text(question, text, today=self.today)
        except NeedsConfirmation as unsure:
            if state.proposed == unsure.value.isoformat():  # typed the same again: sure
                return self.accept(replace(state, proposed=None), qid, AnswerValue(unsure.value))
            state = replace(state, proposed=unsure.value.isoformat())
            return state, [Invalid(qid, unsure.code, dict(unsure.params))]
        except Rejected as problem:
            return self.invalid(replace(state, proposed=None), qid, problem)
        moved = self.moved_much(qid, answer)
        if moved is not None and state.proposed != str(answer.value):
            state = replace(state, proposed=str(answer.value))
            return state, [Invalid(qid, "changed_much", moved)]
        return self.accept(replace(state, proposed=None), qid, answer)

    def moved_much(self, question_id: str, answer: AnswerValue) -> dict[str, object] | None:
        """The earlier round's value and the change, if ``answer`` moves from it by more
        than the form's ``change_threshold`` percent (from 0: any change)."""
        threshold = self.form.change_threshold
        carried = self.answers.get(question_id)
        if threshold is None or carried is None or not carried.prefilled:
            return None
        old, new = carried.value, answer.value
        if not isinstance(old, int | Decimal) or not isinstance(new, int | Decimal):
            return None
        if old == new:
            return None
        if old == 0:
            return {"previous": old, "value": new, "percent": None}
        change = abs(Decimal(new) - Decimal(old)) * 100 / abs(Decimal(old))
        if change <= threshold:
            return None
        return {"previous": old, "value": new, "percent": change.quantize(Decimal(1))}

    def album(self, state: WalkState, event: Files) -> Result:
        qid = state.album_question
        if (
            qid is None
            or (event.question_id is not None and event.question_id != qid)
            or not self.is_applicable(qid)
            or self.question(qid).type is not QuestionType.FILE
        ):
            return self.stale(self.normalize(state), event.question_id)
        if event.problem is not None:
            return state, [Invalid(qid, event.problem, dict(event.params))]
        old = self.answers.get(qid)
        files = old.value if old is not None and isinstance(old.value, tuple) else ()
        have = {f.attachment_id for f in files if isinstance(f, FileRef)}
        added = tuple(f for f in event.files if f.attachment_id not in have)
        if not added:
            return state, []
        answer = AnswerValue(tuple(f for f in files if isinstance(f, FileRef)) + added)
        self.set_answer(qid, answer)
        return state, [Save(qid, answer)]

    def button(self, state: WalkState, event: Input) -> Result:
        """Inputs that name the question they answer."""
        if isinstance(event, Files) and event.question_id is None:
            question_id = state.question_id
        else:
            question_id = getattr(event, "question_id", None)
        normal = self.normalize(state)
        if normal != state or state.mode != "asking" or question_id != state.question_id:
            return self.stale(normal, question_id)
        assert question_id is not None
        question = self.question(question_id)
        state = replace(state, album=None, album_question=None, proposed=None)
        match event:
            case Pick(_, choice_id) if question.type is QuestionType.CHOICE and _has(
                question, choice_id
            ):
                return self.accept(state, question_id, AnswerValue(choice_id))
            case Toggle(_, choice_id) if question.type is QuestionType.MULTI and _has(
                question, choice_id
            ):
                selected = set(state.pending) ^ {choice_id}
                if choice_id in selected:  # an exclusive choice stands alone
                    exclusive = {c.id for c in question.choices if c.exclusive}
                    if choice_id in exclusive:
                        selected = {choice_id}
                    else:
                        selected -= exclusive
                pending = tuple(c.id for c in question.choices if c.id in selected)
                state = replace(state, pending=pending)
                return state, [self.ask(state)]
            case Keep():
                return self.keep(state, question_id)
            case AddItem() if question.repeat:
                return self.add_item(state, question_id)
            case Done() if question.repeat:
                return self.close_group(state, question_id)
            case Done() if question.type is QuestionType.MULTI:
                chosen = tuple(c.id for c in question.choices if c.id in state.pending)
                if chosen:
                    return self.accept(state, question_id, AnswerValue(chosen))
                if not question.required:
                    return self.accept(state, question_id, SKIPPED)
                return self.invalid(state, question_id, Rejected("choose_at_least_one"))
            case Skip():
                if question.required:
                    return self.invalid(state, question_id, Rejected("required"))
                return self.accept(state, question_id, SKIPPED)
            case Back():
                return self.back(state, question_id)
            case Files():
                return self.files(state, question, event)
        return self.stale(state, question_id)

    def back(self, state: WalkState, question_id: str) -> Result:
        ids = [p.question.id for p in self.places]
        at = ids.index(question_id)
        target = ids[at - 1] if at > 0 else question_id
        new_state = WalkState(
            "asking",
            target,
            self.initial_pending(target),
            state.editing,
            origin=state.origin if state.editing else None,
        )
        return new_state, [self.ask(new_state)]

    def files(self, state: WalkState, question: Question, event: Files) -> Result:
        if question.type is not QuestionType.FILE:
            return self.invalid(state, question.id, _expected(question))
        if event.problem is not None:
            return self.invalid(state, question.id, Rejected(event.problem, **event.params))
        if not event.files:
            return self.invalid(state, question.id, Rejected("send_file"))
        files = tuple(dict.fromkeys(event.files))
        new_state, events = self.accept(state, question.id, AnswerValue(files))
        if event.album is not None:
            new_state = replace(new_state, album=event.album, album_question=question.id)
        return new_state, events


def _typed(question: Question, value: Decimal) -> int | Decimal:
    """A computed value as its question's type: integers rounded half up."""
    if question.type is QuestionType.INTEGER:
        return int(value.to_integral_value(rounding=ROUND_HALF_UP))
    return value


def _proposed(question: Question, text: str) -> dt.date | int | Decimal | None:
    """The value a ``proposed`` state holds for ``question`` (a date or a number)."""
    try:
        if question.type is QuestionType.DATE:
            return dt.date.fromisoformat(text)
        if question.type is QuestionType.INTEGER:
            return int(text)
        if question.type is QuestionType.DECIMAL:
            return Decimal(text)
    except (ValueError, ArithmeticError):
        return None
    return None


def _has(question: Question, choice_id: str) -> bool:
    return any(c.id == choice_id for c in question.choices)


def _expected(question: Question) -> Rejected:
    """The problem for a file sent to a question that is not a file question."""
    if question.type is QuestionType.CHOICE:
        return Rejected("choose_button", count=len(question.choices))
    if question.type in (QuestionType.MULTI, QuestionType.REPEAT):
        return Rejected("use_buttons")
    return Rejected("send_text")


def resume(
    form: Form,
    kind: str,
    answers: Answers,
    state: WalkState,
    event: Input,
    *,
    today: dt.date | None = None,
) -> Result:
    """One step of the conversation: the new state and the events, in order.

    ``answers`` are all stored answers of the unit (relevant or not); ``today``
    completes dates typed without a year. Never raises.
    """
    return _Walk(form, kind, answers, today).step(state, event)
