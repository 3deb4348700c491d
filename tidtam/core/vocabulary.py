"""The words of the domain: roles, submission states and their life, certification rules.

Defined here once; storage keeps them in columns, the engine, the reminder policy and
the reports compare against them, and the message catalogues name them for people.
"""

from __future__ import annotations

import enum
from typing import Final


class Role(enum.StrEnum):
    """What a membership lets a person do for its unit (docs/design.md §2)."""

    REPORTER = "reporter"
    HEAD = "head"
    SUPERVISOR = "supervisor"
    OFFICER = "officer"


#: Roles that answer their own unit's questionnaire.
ANSWERING_ROLES: Final = frozenset({Role.REPORTER, Role.HEAD})
#: Roles whose scope is the subtree under their unit.
OVERSEEING_ROLES: Final = frozenset({Role.SUPERVISOR, Role.OFFICER})


class Certify(enum.StrEnum):
    """Who certifies a round's submissions."""

    NONE = "none"
    HEAD = "head"
    SUPERVISOR = "supervisor"


class SubmissionState(enum.StrEnum):
    """Where a unit's submission is in its life (see :data:`TRANSITIONS`)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CERTIFIED = "certified"


#: The one table of a submission's life: the states each state may move to.
#: A form whose questions are all optional may be submitted untouched; a returned
#: report may be submitted again as it is (the certifier's question was answered
#: elsewhere) or edited first.
TRANSITIONS: Final[dict[SubmissionState, frozenset[SubmissionState]]] = {
    SubmissionState.NOT_STARTED: frozenset(
        {SubmissionState.IN_PROGRESS, SubmissionState.SUBMITTED}
    ),
    SubmissionState.IN_PROGRESS: frozenset({SubmissionState.SUBMITTED}),
    SubmissionState.SUBMITTED: frozenset({SubmissionState.CERTIFIED, SubmissionState.RETURNED}),
    SubmissionState.RETURNED: frozenset({SubmissionState.IN_PROGRESS, SubmissionState.SUBMITTED}),
    SubmissionState.CERTIFIED: frozenset(),
}

#: States in which the unit may still change its answers.
EDITABLE_STATES: Final = frozenset(
    {SubmissionState.NOT_STARTED, SubmissionState.IN_PROGRESS, SubmissionState.RETURNED}
)
#: States that count as "submitted" for progress, reminders and escalation.
DONE_STATES: Final = frozenset({SubmissionState.SUBMITTED, SubmissionState.CERTIFIED})
#: Every state in the order reports list them.
STATE_ORDER: Final = (
    SubmissionState.NOT_STARTED,
    SubmissionState.IN_PROGRESS,
    SubmissionState.RETURNED,
    SubmissionState.SUBMITTED,
    SubmissionState.CERTIFIED,
)


#: The one place where a state is named for people (docs/design.md glossary): the
#: bot (``state.<name>`` in its catalogues), the reminders, the digest, the chart,
#: the terminal table and the workbook all take their words from here.
STATE_NAMES: Final[dict[str, dict[SubmissionState, str]]] = {
    "th": {
        SubmissionState.NOT_STARTED: "ยังไม่เริ่ม",
        SubmissionState.IN_PROGRESS: "กำลังดำเนินการ",
        SubmissionState.SUBMITTED: "ส่งแล้ว รอรับรองข้อมูล",
        SubmissionState.RETURNED: "ส่งกลับให้แก้ไข",
        SubmissionState.CERTIFIED: "รับรองข้อมูลแล้ว",
    },
    "en": {
        SubmissionState.NOT_STARTED: "not started",
        SubmissionState.IN_PROGRESS: "in progress",
        SubmissionState.SUBMITTED: "submitted, awaiting certification",
        SubmissionState.RETURNED: "returned for correction",
        SubmissionState.CERTIFIED: "certified",
    },
}


def state_name(state: str, language: str = "th") -> str:
    """A state's name for people, in ``language`` (Thai if unknown); the code if no state."""
    names = STATE_NAMES.get(language, STATE_NAMES["th"])
    try:
        return names[SubmissionState(state)]
    except ValueError:
        return state


class TransitionRefused(ValueError):
    """A submission was asked to move where its life does not go."""

    def __init__(self, before: str, after: str) -> None:
        super().__init__(f"a submission cannot go from {before!r} to {after!r}")
        self.before = before
        self.after = after


def check_transition(before: str, after: str) -> SubmissionState:
    """The new state if ``before -> after`` is in :data:`TRANSITIONS`, else refuse."""
    try:
        old, new = SubmissionState(before), SubmissionState(after)
    except ValueError:
        raise TransitionRefused(before, after) from None
    if new not in TRANSITIONS[old]:
        raise TransitionRefused(before, after)
    return new
