"""Inline-button callback data: short ASCII strings (Telegram allows at most 64 bytes).

A button names the submission and the question it belongs to by number, so that a
press on an old message is recognised and never applied to another question:

    q.<submission>.<question ref>.<action>[.<choice index>]     answer buttons
    r.<member>.<round>                                          choose a report
    s.<submission>.<action>                                     review / submit / ask-return buttons
    c.<submission>.<action>                                     certification buttons
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tidtam.core.ids import parse_id

MAX_BYTES = 64


class BadCallback(ValueError):
    """Callback data that tidtam did not make (or an older version did)."""


@dataclass(frozen=True, slots=True)
class QuestionPress:
    submission_id: int
    question_ref: str  # flows.form.Form.ref: "12", or "12-2-0" for an item's question
    action: str  # p pick, t toggle, d done, s skip, b back, e edit, a add item, r remove
    # item, k keep the answer carried from the earlier round
    choice_index: int | None = None  # the choice's index; the item's number for "r"


@dataclass(frozen=True, slots=True)
class RoundPress:
    member_id: int
    round_id: int


@dataclass(frozen=True, slots=True)
class SubmissionPress:
    submission_id: int
    action: str  # v review, u submit, c confirm, x cancel submit, m first missing, a ask return


@dataclass(frozen=True, slots=True)
class CertifyPress:
    submission_id: int
    action: str  # a approve, r return, v view, n no letter


Press = QuestionPress | RoundPress | SubmissionPress | CertifyPress

QUESTION_ACTIONS = frozenset("ptdsbeark")
#: A question's reference: its index, then per enclosing group the item and position.
#: Groups nest two deep at most (flows.form.MAX_GROUP_DEPTH): four more numbers.
QUESTION_REF = re.compile(r"[0-9]{1,6}(-[0-9]{1,6}){0,4}")
SUBMISSION_ACTIONS = frozenset("vucxma")
CERTIFY_ACTIONS = frozenset("arvn")


def encode(press: Press) -> str:
    match press:
        case QuestionPress(submission_id, index, action, choice):
            data = f"q.{submission_id}.{index}.{action}"
            if choice is not None:
                data += f".{choice}"
        case RoundPress(member_id, round_id):
            data = f"r.{member_id}.{round_id}"
        case SubmissionPress(submission_id, action):
            data = f"s.{submission_id}.{action}"
        case CertifyPress(submission_id, action):
            data = f"c.{submission_id}.{action}"
    assert len(data.encode("ascii")) <= MAX_BYTES
    return data


def _id(text: str) -> int:
    """A row id or a small index: ASCII digits that fit the database, else refused."""
    value = parse_id(text) if text != "0" else 0  # an index may be 0
    if value is None:
        raise ValueError(text)
    return value


def _ref(text: str) -> str:
    if not QUESTION_REF.fullmatch(text):
        raise ValueError(text)
    return text


def decode(data: str) -> Press:
    """The press ``data`` describes; :class:`BadCallback` for anything encode() never
    makes, including ids that are not ASCII digits or do not fit the database."""
    parts = data.split(".")
    try:
        match parts:
            case ["q", sub, index, action] if action in QUESTION_ACTIONS:
                return QuestionPress(_id(sub), _ref(index), action)
            case ["q", sub, index, action, choice] if action in QUESTION_ACTIONS:
                return QuestionPress(_id(sub), _ref(index), action, _id(choice))
            case ["r", member, round_id]:
                return RoundPress(_id(member), _id(round_id))
            case ["s", sub, action] if action in SUBMISSION_ACTIONS:
                return SubmissionPress(_id(sub), action)
            case ["c", sub, action] if action in CERTIFY_ACTIONS:
                return CertifyPress(_id(sub), action)
    except ValueError:
        pass
    raise BadCallback(data)
