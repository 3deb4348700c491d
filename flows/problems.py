"""What the walk refuses, and why: problem codes and the walk's errors.

Problem codes (:class:`flows.events.Invalid` ``code``; :class:`Rejected` ``code``):
those of :class:`flows.values.ValueProblem` (``empty``, ``not_a_number``,
``not_an_integer``, ``multiplier``, ``comma``, ``below_min`` / ``above_max``
(``value``, ``min``, ``max``), ``not_a_date``, ``impossible_date``) and
``too_long`` (``max``), ``no_words`` (text of emoji or punctuation only),
``number_for_none`` ("ไม่มี" typed to a required number question), ``confirm_date``
(``date``, ``reason``: ``two_digit_year`` or ``far``), ``check`` (``message``, from
the form), ``choose_button`` (``count``), ``use_buttons``, ``send_file``,
``send_text``, ``required`` (skip of a required question),
``choose_at_least_one``, ``wrong_type`` (``ext``, ``accept``), ``too_large``
(``size``, ``limit`` in MB), ``empty_file``, ``items_min`` (``min``: a repeat
group closed with fewer items) and ``items_max`` (``max``: an item added past
it). The engine holds no sentences: the bot's message catalogues word each code
(``problem.<code>``).

Errors (subclasses of :class:`flows.errors.FlowsError`)::

    FlowsError
    └── WalkError              base of the walk's errors
        ├── Rejected           typed text or a file is not a valid answer
        │                      (``code``, ``params``; raised by interpret_text,
        │                      returned by check_file)
        ├── UnknownQuestion    place(): the form has no such question
        └── NotApplicable      place(): the question is not asked of this unit
"""

from __future__ import annotations

from flows.errors import FlowsError

__all__ = [
    "NotApplicable",
    "Rejected",
    "UnknownQuestion",
    "WalkError",
]

# ======================================================================= errors


class WalkError(FlowsError):
    """Base class of the walk's errors."""


class Rejected(WalkError):
    """What was sent is not a valid answer: ``code`` (see the module docstring), ``params``."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params: dict[str, object] = params

    def __str__(self) -> str:
        shown = " ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.code} {shown}".rstrip()


class UnknownQuestion(WalkError):
    """The form has no question with this id."""


class NotApplicable(WalkError):
    """The question exists but is not asked of this unit with these answers."""
