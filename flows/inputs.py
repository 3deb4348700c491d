"""What the adapter passes to :func:`flows.walk.resume`: one :data:`Input` per step.

Commands (:class:`Start`, :class:`Review`, :class:`Submit`, :class:`Cancel`),
typed :class:`Text` for the question being asked, buttons and uploads that name
the question they answer (:class:`Pick`, :class:`Toggle`, :class:`Done`,
:class:`Skip`, :class:`Back`; :class:`Files`, which may leave it to the question
being asked), a repeat group's :class:`AddItem` (and :class:`Done` to close its
list), the review's :class:`Edit` and :class:`RemoveItem` and the submit confirmation
(:class:`ConfirmSubmit`). How the walk answers each is
described in :mod:`flows.walk`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flows.answers import FileRef

__all__ = [
    "AddItem",
    "Back",
    "Cancel",
    "ConfirmSubmit",
    "Done",
    "Edit",
    "Files",
    "Input",
    "Keep",
    "Pick",
    "RemoveItem",
    "Review",
    "Skip",
    "Start",
    "Submit",
    "Text",
    "Toggle",
]


@dataclass(frozen=True, slots=True)
class Start:
    """/report: the first unanswered question, or the review if all are answered."""


@dataclass(frozen=True, slots=True)
class Text:
    """Typed text, for the question being asked."""

    text: str


@dataclass(frozen=True, slots=True)
class Pick:
    """A choice button."""

    question_id: str
    choice_id: str


@dataclass(frozen=True, slots=True)
class Toggle:
    """A multi choice button: select or unselect (pending until :class:`Done`)."""

    question_id: str
    choice_id: str


@dataclass(frozen=True, slots=True)
class Done:
    """Confirm a multi question's selection (empty only where optional: skip)."""

    question_id: str


@dataclass(frozen=True, slots=True)
class Skip:
    """Skip an optional question."""

    question_id: str


@dataclass(frozen=True, slots=True)
class Back:
    """Go to the previous applicable question (answered or not)."""

    question_id: str


@dataclass(frozen=True, slots=True)
class Files:
    """Files the adapter stored (and checked with :func:`~flows.file_check.check_file`).

    ``question_id`` ``None``: for the question being asked. ``problem`` (a code,
    with ``params``) set: the upload was refused. ``album``: Telegram's
    media_group_id.
    """

    question_id: str | None
    files: tuple[FileRef, ...]
    album: str | None = None
    problem: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Edit:
    """An edit button of the review: ask that question again."""

    question_id: str


@dataclass(frozen=True, slots=True)
class AddItem:
    """A repeat group's "add" button: a new item, whose questions are asked next."""

    question_id: str


@dataclass(frozen=True, slots=True)
class Keep:
    """ "ยังเป็นเหมือนเดิม": the answer carried from the earlier round still holds."""

    question_id: str


@dataclass(frozen=True, slots=True)
class RemoveItem:
    """A review button: take the item ``item_id`` out of the group's list."""

    question_id: str
    item_id: str


@dataclass(frozen=True, slots=True)
class Review:
    """/review."""


@dataclass(frozen=True, slots=True)
class Submit:
    """/submit or the review's submit button."""


@dataclass(frozen=True, slots=True)
class ConfirmSubmit:
    """The confirmation button after :class:`~flows.events.AskConfirmSubmit`."""


@dataclass(frozen=True, slots=True)
class Cancel:
    """/cancel: pause."""


Input = (
    AddItem
    | Keep
    | RemoveItem
    | Start
    | Text
    | Pick
    | Toggle
    | Done
    | Skip
    | Back
    | Files
    | Edit
    | Review
    | Submit
    | ConfirmSubmit
    | Cancel
)
