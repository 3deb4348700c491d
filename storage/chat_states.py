"""Where each person is in the conversation: loaded and saved with every update.

:func:`load_chat_context` is the answering hot path's first read: the person's state,
locked, with the member and the submission it points at (their units and the round) in
one statement, so that an answer costs one round trip here instead of three. The same
statement says whether any of the person's memberships is marked unreachable: whoever
writes to the bot can be reached again, and only then is that written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import BigInteger, bindparam, case, exists, func, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload

from storage.members import mark_reachable
from storage.models import ChatState, Member, Submission


@dataclass(slots=True)
class ChatContext:
    """A person's state and what it points at (``None`` when it points at nothing)."""

    state: ChatState
    member: Member | None
    submission: Submission | None


async def load_chat_state(session: AsyncSession, telegram_user_id: int) -> ChatState:
    """The person's state, locked for this transaction where the database can; new if none."""
    state = await session.scalar(
        select(ChatState)
        .where(ChatState.telegram_user_id == telegram_user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if state is None:
        state = ChatState(telegram_user_id=telegram_user_id, mode="idle", data={})
        session.add(state)
    return state


_ANY_MEMBERSHIP = aliased(Member)  # not the joined active member: every membership
_UNREACHABLE = (
    exists()
    .where(
        _ANY_MEMBERSHIP.telegram_user_id == ChatState.telegram_user_id,
        _ANY_MEMBERSHIP.reachable.is_(False),
    )
    .label("unreachable")
)

# Built once: constructing a statement with its loader options and deriving its cache
# key cost more client CPU than running it (a profile of 1,000 people answering).
_CONTEXT = (
    select(ChatState, Member, Submission, _UNREACHABLE)
    .outerjoin(Member, Member.id == ChatState.member_id)
    .outerjoin(Submission, Submission.id == ChatState.submission_id)
    .options(
        joinedload(Member.unit),
        joinedload(Submission.unit),
        joinedload(Submission.round),
    )
    .where(ChatState.telegram_user_id == bindparam("telegram_user_id"))
    .with_for_update(of=ChatState)
    .execution_options(populate_existing=True)
)


async def load_chat_context(session: AsyncSession, telegram_user_id: int) -> ChatContext:
    """:func:`load_chat_state` with its member (and unit) and submission (unit, round).

    One statement; only the ``chat_states`` row is locked. The round comes without its
    form version (the form is cached by ``Round.form_version_id``). The person wrote:
    memberships marked unreachable (they had blocked the bot) are reachable again.
    """
    row = (await session.execute(_CONTEXT, {"telegram_user_id": telegram_user_id})).first()
    if row is None:
        state = ChatState(telegram_user_id=telegram_user_id, mode="idle", data={})
        session.add(state)
        await mark_reachable(session, telegram_user_id)  # once, on the first update
        return ChatContext(state, None, None)
    if row[3]:
        await mark_reachable(session, telegram_user_id)
    return ChatContext(row[0], row[1], row[2])


def already_handled(state: ChatState, update_id: int) -> bool:
    """Record ``update_id`` as handled; True if it (or a newer one) was handled before."""
    if state.last_update_id is not None and update_id <= state.last_update_id:
        return True
    state.last_update_id = update_id
    return False


_OURS = ChatState.owed_update_id == bindparam("update_id", type_=BigInteger)

# Built once, like _CONTEXT: it runs after every answering update, and building the
# statement cost more client CPU than running it. A NULL update id leaves the reply
# owed as it is (NULL = x is not true); a NULL buttons message keeps the one recorded.
_DELIVERED = (
    update(ChatState)
    .where(ChatState.telegram_user_id == bindparam("person", type_=BigInteger))
    .values(
        owed_update_id=case((_OURS, None), else_=ChatState.owed_update_id),
        owed_by=case((_OURS, None), else_=ChatState.owed_by),
        owed_since=case((_OURS, None), else_=ChatState.owed_since),
        buttons_message_id=func.coalesce(
            bindparam("buttons", type_=BigInteger), ChatState.buttons_message_id
        ),
    )
    .execution_options(synchronize_session=False)
)


async def mark_delivered(
    session: AsyncSession,
    telegram_user_id: int,
    update_id: int | None,
    buttons_message_id: int | None,
) -> None:
    """The reply to ``update_id`` went out (and ``buttons_message_id`` carries buttons).

    One UPDATE and no read first. The owed reply is cleared only if it is still this
    update's (a newer one may owe its own). The bot writes its marks in batches
    (:func:`mark_delivered_many`); this is the one-at-a-time path of the CLI and tests.
    """
    if update_id is None and buttons_message_id is None:
        return
    await mark_delivered_many(session, [Delivered(telegram_user_id, update_id, buttons_message_id)])


class Delivered(NamedTuple):
    """One person's reply gone out: the update it answered, the message with buttons."""

    person: int
    update_id: int | None
    buttons: int | None


async def mark_delivered_many(session: AsyncSession, marks: Sequence[Delivered]) -> None:
    """:func:`mark_delivered` for many people: the same UPDATE executed once for all
    (the driver's executemany), as a copy of the bot writes its replies in batches."""
    if not marks:
        return
    connection = await session.connection()
    await connection.execute(_DELIVERED, [m._asdict() for m in marks])


#: What an update may change in a person's state (``updated_at`` is the moment written).
_STATE_COLUMNS = (
    "member_id",
    "submission_id",
    "mode",
    "question_id",
    "data",
    "last_update_id",
    "owed_update_id",
    "owed_by",
    "owed_since",
    "buttons_message_id",
)

# Built once, like _DELIVERED: every answering update ends with it.
_WRITE = (
    update(ChatState)
    .where(ChatState.telegram_user_id == bindparam("person", type_=BigInteger))
    .values(
        {
            name: bindparam(f"new_{name}", type_=ChatState.__table__.c[name].type)
            for name in (*_STATE_COLUMNS, "updated_at")
        }
    )
    .execution_options(synchronize_session=False)
)


async def write_chat_state(session: AsyncSession, state: ChatState, now: datetime) -> None:
    """Write a loaded state now, by one UPDATE built once, and let the session forget it.

    The session's flush at commit would write the same row through the unit of work,
    which costs more client CPU than the statement (every answering update ends here).
    A new state is left to the flush (it is an INSERT).
    """
    if not inspect(state).persistent:
        return
    params = {f"new_{name}": getattr(state, name) for name in _STATE_COLUMNS}
    params["new_updated_at"] = now
    params["person"] = state.telegram_user_id
    connection = await session.connection()
    await connection.execute(_WRITE, params)
    session.expunge(state)
