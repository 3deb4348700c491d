"""What reminders need of a channel: send a message to a chat, and say what became of it.

The sweep and the nudges know only this :class:`Sender` protocol; the Telegram
implementation lives in the bot (:mod:`bot.reminder_sender`), so reminders import no
channel. An implementation keeps the channel's flood limits, follows a group that
moved, retries what a moment later may pass, and reports one :class:`Outcome`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class Priority(enum.StrEnum):
    """How soon a message must go: a reply someone waits for, or one that can wait."""

    INTERACTIVE = "interactive"
    BACKGROUND = "background"  # reminders: in the places replies leave


class Outcome(enum.StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"  # blocked, deactivated, never started, chat gone
    RETRY_LATER = "retry_later"  # a passing failure: try again in a later sweep


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one message.

    ``chat_id``: where it went in the end; ``migrated_to``: the new id of a group that
    became a supergroup (the message was tried there), to keep the group's link current.
    """

    outcome: Outcome
    chat_id: int
    migrated_to: int | None = None
    retries: int = 0


class Sender(Protocol):
    """Sends reminders through a channel; at most :attr:`in_flight` messages at once."""

    @property
    def in_flight(self) -> int:
        """How many messages may be under way at once (the sweep claims twice as many)."""
        ...

    async def send(
        self,
        chat_id: int,
        text: str,
        *,
        photo: bytes | None = None,
        priority: Priority = Priority.BACKGROUND,
    ) -> Delivery:
        """Send ``text`` (the caption of ``photo``, if one is given) to ``chat_id``."""
        ...
