"""Exceptions of the questionnaire engine.

The tree::

    FlowsError                  base of everything ``flows`` raises on purpose
    ├── FormError               a form file is invalid; carries every FormProblem found
    └── ExpressionSyntaxError   an expression cannot be parsed (message, position)
        ├── WhenSyntaxError     a ``when`` or ``check`` expression
        └── CalcSyntaxError     a ``calc`` expression

The walk's own errors (:class:`flows.problems.WalkError` and its subclasses for
typed text, files and places in the form) subclass :class:`FlowsError` too; their
tree is in :mod:`flows.problems`.

:class:`FormProblem` is not an exception: it is one entry of a :class:`FormError`,
a place in the form file (YAML path and line) plus an English message for the
admin who maintains the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CalcSyntaxError",
    "ExpressionSyntaxError",
    "FlowsError",
    "FormError",
    "FormProblem",
    "WhenSyntaxError",
]


class FlowsError(Exception):
    """Base class of the errors raised by :mod:`flows`."""


@dataclass(frozen=True, slots=True)
class FormProblem:
    """One problem in a form file.

    ``path`` is the YAML path of the offending object (``sections[0].indicators[2]``,
    empty for the top level), ``line`` the 1-based line in the file where known.
    """

    path: str
    line: int | None
    message: str
    source: str = "<form>"

    def __str__(self) -> str:
        place = self.source if self.line is None else f"{self.source}:{self.line}"
        if self.path:
            return f"{place}: {self.path}: {self.message}"
        return f"{place}: {self.message}"


class FormError(FlowsError):
    """A form file has one or more problems; ``problems`` lists all of them in file order."""

    def __init__(self, problems: Iterable[FormProblem]) -> None:
        self.problems: tuple[FormProblem, ...] = tuple(problems)
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        super().__init__("\n".join([f"{head} in the form:", *map(str, self.problems)]))


class ExpressionSyntaxError(FlowsError):
    """An expression of the form file (``when``, ``check``, ``calc``) is not valid.

    ``message`` says what was expected and what was found, ``position`` is the
    0-based offset in the expression text, ``column`` the same 1-based.
    """

    def __init__(self, message: str, position: int) -> None:
        self.message = message
        self.position = position
        super().__init__(f"column {position + 1}: {message}")

    @property
    def column(self) -> int:
        """The 1-based column of the problem, as an editor shows it."""
        return self.position + 1


class WhenSyntaxError(ExpressionSyntaxError):
    """A ``when`` (or ``check`` rule) expression is not valid."""


class CalcSyntaxError(ExpressionSyntaxError):
    """A ``calc`` expression is not valid."""
