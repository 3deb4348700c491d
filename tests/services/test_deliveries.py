"""Replies recorded as delivered in batches: nothing decided on a note not yet written."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from flows import walk
from storage.db import create_engine, session_factory, transaction
from storage.models import ChatState
from tests.services.conftest import HEAD, REPORTER, SUPERVISOR, Place
from tidtam.services import answering
from tidtam.services.deliveries import DeliveryMarks, Mark
from tidtam.services.deps import ServiceDeps


def batched(place: Place) -> tuple[ServiceDeps, DeliveryMarks]:
    marks = DeliveryMarks(place.deps.sessions)
    return replace(place.deps, deliveries=marks), marks


async def stored_state(place: Place, person: int = REPORTER) -> ChatState:
    async with transaction(place.deps.sessions) as session:
        state = await session.get(ChatState, person)
        assert state is not None
        return state


@contextmanager
def updates_executed(engine: AsyncEngine) -> Iterator[list[int]]:
    """How many parameter sets each UPDATE on chat_states was executed with."""
    seen: list[int] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE CHAT_STATES"):
            seen.append(len(params) if isinstance(params, list) else 1)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def test_a_later_mark_keeps_the_newest_update_and_buttons() -> None:
    first = Mark(update_id=7, buttons=70)
    assert first.then(Mark(8, None)) == Mark(8, 70)
    assert first.then(Mark(None, 71)) == Mark(7, 71)
    assert first.then(Mark(9, 90)) == Mark(9, 90)


async def test_a_noted_reply_is_written_with_the_others_in_one_execution(
    place: Place, engine: AsyncEngine
) -> None:
    deps, marks = batched(place)
    for update_id, person in enumerate((REPORTER, HEAD, SUPERVISOR), start=1):
        await answering.start(deps, person, update_id=update_id)
        await answering.delivered(deps, person, update_id, buttons_message=100 + update_id)
    assert (await stored_state(place)).owed_update_id == 1  # noted, not written
    assert marks.waiting == 3
    with updates_executed(engine) as executed:
        assert await marks.write_now()
    assert executed == [3]  # one statement, three parameter sets
    assert marks.waiting == 0
    state = await stored_state(place)
    assert (state.owed_update_id, state.owed_by, state.buttons_message_id) == (None, None, 101)


async def test_the_batch_writes_itself_soon_after_the_reply(place: Place) -> None:
    deps, marks = batched(place)
    await answering.start(deps, REPORTER, update_id=1)
    await answering.delivered(deps, REPORTER, 1, buttons_message=11)
    for _ in range(100):  # BATCH_WAIT is 50 ms; give a slow machine 5 s
        if marks.waiting == 0:
            break
        await asyncio.sleep(0.05)
    state = await stored_state(place)
    assert (state.owed_update_id, state.buttons_message_id) == (None, 11)


async def test_the_next_update_takes_its_noted_reply_as_delivered(place: Place) -> None:
    deps, marks = batched(place)
    await answering.start(deps, REPORTER, update_id=1)
    await answering.delivered(deps, REPORTER, 1)
    # not written yet: without the note, the owed reply would look lost after a crash
    assert (await stored_state(place)).owed_update_id == 1
    saved = await answering.take_text(deps, REPORTER, "12", update_id=2)
    assert saved is not None and saved.saved is not None and not saved.lost_reply
    assert marks.waiting == 0  # the update's own transaction wrote it
    assert (await stored_state(place)).owed_update_id == 2  # this update's reply owed now


async def test_a_reply_never_noted_is_still_lost(place: Place) -> None:
    deps, _ = batched(place)
    await answering.start(deps, REPORTER, update_id=1)
    await answering.delivered(deps, REPORTER, 1)
    await answering.take_text(deps, REPORTER, "12", update_id=2)
    # the process dies before the reply to update 2 went out: nothing was noted
    again = await answering.take_text(deps, REPORTER, "12", update_id=3)
    assert again is not None and again.lost_reply and again.saved is None
    assert any(isinstance(e, walk.Ask) and e.question_id == "note" for e in again.events)


async def test_cancel_takes_the_live_buttons_noted_but_not_written(place: Place) -> None:
    deps, marks = batched(place)
    await answering.start(deps, REPORTER, update_id=1)
    await answering.delivered(deps, REPORTER, 1, buttons_message=55)
    assert await answering.take_live_buttons(deps, REPORTER) == 55
    assert marks.waiting == 0
    assert await marks.write_now()  # nothing left to write back over it
    assert (await stored_state(place)).buttons_message_id is None
    assert await answering.take_live_buttons(deps, REPORTER) is None


async def test_an_update_waits_for_the_batch_that_holds_its_note(place: Place) -> None:
    deps, marks = batched(place)
    await answering.start(deps, REPORTER, update_id=1)
    await answering.delivered(deps, REPORTER, 1, buttons_message=21)
    writing = asyncio.create_task(marks.write_now())
    await asyncio.sleep(0)  # the batch has taken the note and is writing it
    assert await marks.claim(REPORTER) is None  # the note is no longer pending ...
    assert writing.done() and writing.result()  # ... because the batch ended first
    marks.release(REPORTER, None)
    state = await stored_state(place)
    assert (state.owed_update_id, state.buttons_message_id) == (None, 21)


async def test_a_person_being_answered_is_left_out_of_the_batch(place: Place) -> None:
    deps, marks = batched(place)
    await answering.start(deps, REPORTER, update_id=1)
    await answering.delivered(deps, REPORTER, 1)
    held = await marks.claim(REPORTER)
    assert held == Mark(1, None)
    assert await marks.write_now()
    assert (await stored_state(place)).owed_update_id == 1  # left to the update
    marks.release(REPORTER, None)  # its transaction failed: the note stays
    assert marks.waiting == 1
    await marks.close()
    assert (await stored_state(place)).owed_update_id is None


async def test_a_failed_batch_keeps_its_notes(place: Place, tmp_path: Path) -> None:
    gone = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'no-such-folder' / 'x.db'}")
    marks = DeliveryMarks(session_factory(gone))
    try:
        marks.note(REPORTER, 1, 10)
        assert not await marks.write_now()
        assert marks.waiting == 1
        marks.note(REPORTER, 2, None)  # a newer reply went out meanwhile
        assert not await marks.write_now()
        assert marks.waiting == 1
        assert await marks.claim(REPORTER) == Mark(2, 10)
        marks.release(REPORTER, None)
    finally:
        await marks.close()  # cannot write either: logged, nothing raised
        await gone.dispose()


async def test_two_batches_at_once_each_write_their_own(place: Place) -> None:
    deps, marks = batched(place)
    await answering.start(deps, REPORTER, update_id=1)
    await answering.start(deps, HEAD, update_id=2)
    marks.note(REPORTER, 1, 31)
    first = asyncio.create_task(marks.write_now())
    await asyncio.sleep(0)  # the first batch is writing
    marks.note(HEAD, 2, 32)
    second = asyncio.create_task(marks.write_now())
    assert await first and await second
    assert marks.waiting == 0
    assert (await stored_state(place)).buttons_message_id == 31
    assert (await stored_state(place, HEAD)).buttons_message_id == 32


async def test_an_update_cancelled_while_waiting_holds_nothing_back(place: Place) -> None:
    deps, marks = batched(place)
    await answering.start(deps, REPORTER, update_id=1)
    marks.note(REPORTER, 1, 41)
    writing = asyncio.create_task(marks.write_now())
    await asyncio.sleep(0)
    waiting = asyncio.create_task(marks.claim(REPORTER))
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert await writing
    marks.note(REPORTER, None, 42)  # a later reply: not held back by the cancelled update
    assert await marks.write_now() and marks.waiting == 0
    assert (await stored_state(place)).buttons_message_id == 42
