"""What :func:`flows.walk.resume` returns besides the new state: its :data:`Event` list.

The adapter stores every :class:`Save` (in order) and renders the others: the
question to ask (:class:`Ask`), a refusal (:class:`Invalid`, its ``code`` one of
those in :mod:`flows.problems`), a press on an old message (:class:`Stale`), the
review (:class:`ShowReview`), a refused submit (:class:`Missing`,
:class:`Contradicted`), the submit
confirmation and its outcome (:class:`AskConfirmSubmit`, :class:`Submitted`),
:class:`Paused` and :class:`AllAnswered`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flows.answers import AnswerValue
from flows.relevance import Place, Progress

__all__ = [
    "AllAnswered",
    "Ask",
    "AskConfirmSubmit",
    "Calculated",
    "Contradicted",
    "Event",
    "Invalid",
    "Missing",
    "Paused",
    "ReviewItem",
    "ReviewSection",
    "Save",
    "ShowReview",
    "Stale",
    "Submitted",
]


@dataclass(frozen=True, slots=True)
class Save:
    """Store this answer (replacing any earlier one)."""

    question_id: str
    answer: AnswerValue


@dataclass(frozen=True, slots=True)
class Calculated:
    """A ``calc`` question's value followed from the answer just saved (show it).

    Its :class:`Save` comes just before; ``answer`` is "none" when the value cannot
    be computed (an operand without a number, a division by zero). A value that had
    none and still has none is saved without being shown."""

    question_id: str
    answer: AnswerValue
    items: tuple[tuple[str, int], ...] = ()  # an item's calc: each group's item word, position


@dataclass(frozen=True, slots=True)
class Ask:
    """Ask this question; ``current`` is its stored answer, ``pending`` the multi selection.

    For a repeat group, ``listed`` holds each item's id and its first text answer
    (its name, "" if none yet), so that the person sees what is already listed."""

    question_id: str
    place: Place
    current: AnswerValue | None
    pending: tuple[str, ...]
    listed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Invalid:
    """What was sent for ``question_id`` is not accepted (code: see :mod:`flows.problems`)."""

    question_id: str
    code: str
    params: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Stale:
    """A press on an old message (``question_id`` ``None``: not about a question)."""

    question_id: str | None


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One applicable question in the review; ``answer`` ``None``: not answered.

    ``number`` is the question's item number from the form (``"2.1.3"``)."""

    question_id: str
    number: str
    answer: AnswerValue | None
    required: bool
    items: tuple[int, ...] = ()  # an item's question: its item's position in each group


@dataclass(frozen=True, slots=True)
class ReviewSection:
    """A section's applicable questions; ``number`` is its item number from the form."""

    section_id: str
    number: str
    title: str
    items: tuple[ReviewItem, ...]


@dataclass(frozen=True, slots=True)
class ShowReview:
    """Show the review: relevant answers by section, what is missing, the progress."""

    sections: tuple[ReviewSection, ...]
    missing: tuple[str, ...]
    progress: Progress


@dataclass(frozen=True, slots=True)
class Missing:
    """Submit refused: these required questions are not answered."""

    question_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Contradicted:
    """Submit refused: these answers break a ``check:`` rule of the form.

    ``items``: ``(question id, the rule's message)`` in form order."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class AskConfirmSubmit:
    """Ask to confirm the submission."""


@dataclass(frozen=True, slots=True)
class Submitted:
    """The submission is confirmed: the adapter submits it."""


@dataclass(frozen=True, slots=True)
class Paused:
    """The conversation is paused; /report continues."""


@dataclass(frozen=True, slots=True)
class AllAnswered:
    """Every applicable question is answered; the review follows."""


Event = (
    Save
    | Calculated
    | Ask
    | Invalid
    | Stale
    | ShowReview
    | Missing
    | Contradicted
    | AskConfirmSubmit
    | Submitted
    | Paused
    | AllAnswered
)
