"""Files as use cases: nothing fetched unless wanted, nothing kept unless accepted,
and a download cut off by a crash is told on the person's next message."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from flows import walk
from storage.db import transaction
from storage.file_sweep import sweep_unreferenced_files
from storage.models import Attachment, ChatState
from tests.services.conftest import NEWCOMER, NOW, REPORTER, STRANGER, Place
from tests.services.test_answering import PDF, PNG, _to_file_question
from tidtam.services import answering


def offer(name: str = "แผน.pdf", size: int = len(PDF)) -> answering.FileOffer:
    return answering.FileOffer(name, "application/pdf", size, "tg-1")


def stored_files(place: Place) -> list[str]:
    root = place.deps.files.root
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def test_only_a_person_asked_a_file_question_gets_a_fetch(place: Place) -> None:
    for user, code in ((NEWCOMER, "not_registered"), (STRANGER, "nothing_active")):
        outcome = await answering.offer_file(place.deps, user, offer(), update_id=1)
        assert outcome is not None and outcome.code == code
    await answering.start(place.deps, REPORTER)  # asks a number, not a file
    outcome = await answering.offer_file(place.deps, REPORTER, offer(), update_id=2)
    assert outcome is not None and outcome.code == "unexpected_file"
    await _to_file_question(place)
    wanted = await answering.offer_file(place.deps, REPORTER, offer(), update_id=3)
    assert wanted is not None and wanted.code == "fetch"


async def test_a_file_refused_by_name_or_size_is_never_fetched(place: Place) -> None:
    await _to_file_question(place)  # the question accepts pdf
    for refused in (offer("virus.exe"), offer(size=10**12)):
        outcome = await answering.offer_file(place.deps, REPORTER, refused, update_id=None)
        assert outcome is not None and outcome.code == "step" and outcome.saved is None
    assert stored_files(place) == []


async def test_a_file_refused_by_its_content_never_reaches_the_disk(place: Place) -> None:
    await _to_file_question(place)
    fake = answering.FileIn("แผน.pdf", "application/pdf", len(PNG), PNG, "tg-2")
    outcome = await answering.take_file(place.deps, REPORTER, fake)
    assert outcome is not None and outcome.saved is None
    empty = answering.FileIn("แผน.pdf", "application/pdf", 0, b"", "tg-3")
    outcome = await answering.take_file(place.deps, REPORTER, empty)
    assert outcome is not None and outcome.saved is None
    assert stored_files(place) == []
    good = answering.FileIn("แผน.pdf", "application/pdf", len(PDF), PDF, "tg-4")
    outcome = await answering.take_file(place.deps, REPORTER, good)
    assert outcome is not None and outcome.saved is not None
    assert len(stored_files(place)) == 1


async def test_a_download_cut_off_by_a_crash_is_asked_for_again(place: Place) -> None:
    await _to_file_question(place)
    wanted = await answering.offer_file(place.deps, REPORTER, offer(), update_id=10)
    assert wanted is not None and wanted.code == "fetch"
    # the process dies here: Telegram confirmed update 10, the file was never stored
    nudged = await answering.take_text(place.deps, REPORTER, "สวัสดี", update_id=11)
    assert nudged is not None and nudged.lost_file == "แผน.pdf"
    again = await answering.take_text(place.deps, REPORTER, "สวัสดี", update_id=12)
    assert again is not None and again.lost_file is None  # said once


async def test_a_redelivered_file_update_is_fetched_again(place: Place) -> None:
    """Not yet confirmed to Telegram when the process died: the same update comes back."""
    await _to_file_question(place)
    first = await answering.offer_file(place.deps, REPORTER, offer(), update_id=20)
    second = await answering.offer_file(place.deps, REPORTER, offer(), update_id=20)
    assert first is not None and second is not None
    assert (first.code, second.code) == ("fetch", "fetch")
    upload = answering.FileIn("แผน.pdf", "application/pdf", len(PDF), PDF, "tg-1")
    done = await answering.take_file(place.deps, REPORTER, upload, update_id=20)
    assert done is not None and done.saved is not None and done.lost_file is None
    assert await answering.offer_file(place.deps, REPORTER, offer(), update_id=20) is None


async def test_the_sweep_removes_only_files_no_attachment_refers_to(place: Place) -> None:
    await _to_file_question(place)
    good = answering.FileIn("แผน.pdf", "application/pdf", len(PDF), PDF, "tg-4")
    await answering.take_file(place.deps, REPORTER, good)
    orphan = place.deps.files.put(b"left by a crash")
    assert len(stored_files(place)) == 2
    async with transaction(place.deps.sessions) as session:
        young = await sweep_unreferenced_files(session, place.deps.files, NOW - timedelta(days=1))
        assert young.removed == 0  # younger than the grace: maybe an upload under way
        swept = await sweep_unreferenced_files(
            session, place.deps.files, NOW + timedelta(days=365 * 50)
        )
        count = await session.scalar(select(func.count()).select_from(Attachment))
    assert (swept.removed, swept.kept, count) == (1, 1, 1)
    assert orphan.sha256 not in stored_files(place)


async def test_a_reply_lost_after_its_commit_is_told_and_the_next_text_not_misfiled(
    place: Place,
) -> None:
    first = await answering.start(place.deps, REPORTER, update_id=30)
    assert first is not None and not first.lost_reply
    await answering.delivered(place.deps, REPORTER, 30)  # that reply went out
    saved = await answering.take_text(place.deps, REPORTER, "12", update_id=31)
    assert saved is not None and saved.saved is not None and not saved.lost_reply
    # the process dies here: "12" is saved, the next question was never sent
    again = await answering.take_text(place.deps, REPORTER, "12", update_id=32)
    assert again is not None and again.lost_reply and again.saved is None
    assert any(isinstance(e, walk.Ask) and e.question_id == "note" for e in again.events)
    await answering.delivered(place.deps, REPORTER, 32)
    answered = await answering.take_text(place.deps, REPORTER, "หมายเหตุ", update_id=33)
    assert answered is not None and not answered.lost_reply and answered.saved is not None


async def test_a_reply_another_copy_owes_this_moment_is_not_taken_as_lost(
    place: Place, database_url: str
) -> None:
    """Two copies behind one webhook: the person answered the reply before its copy had
    recorded it delivered, and the answer reached the other copy."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several copies share PostgreSQL; SQLite serves one process at a time")
    one, other = place.deps, replace(place.deps, copy="the-other-copy")
    running = await answering.hold_copy(one)  # the first copy runs
    assert running is not None
    first = await answering.start(one, REPORTER, update_id=50)
    assert first is not None
    await answering.delivered(one, REPORTER, 50)
    saved = await answering.take_text(one, REPORTER, "12", update_id=51)
    assert saved is not None and saved.saved is not None  # its reply: sent, not yet marked
    answered = await answering.take_text(other, REPORTER, "หมายเหตุ", update_id=52)
    assert answered is not None and not answered.lost_reply
    assert answered.saved is not None and answered.saved.question_id == "note"
    # the same in one copy means its reply never went out: said, and the text not misfiled
    again = await answering.take_text(other, REPORTER, "หมายเหตุ", update_id=53)
    assert again is not None and again.lost_reply and again.saved is None
    await running.release()


async def test_a_reply_owed_by_a_copy_that_stopped_is_lost_at_once_on_postgresql(
    place: Place, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a copy that stops is told by its PostgreSQL lock; SQLite has none")
    one, other = place.deps, replace(place.deps, copy="the-other-copy")
    running = await answering.hold_copy(one)
    assert running is not None
    await answering.start(one, REPORTER, update_id=60)
    await answering.delivered(one, REPORTER, 60)
    saved = await answering.take_text(one, REPORTER, "12", update_id=61)
    assert saved is not None and saved.saved is not None
    await running.release()  # the first copy dies before its reply went out
    again = await answering.take_text(other, REPORTER, "หมายเหตุ", update_id=62)
    assert again is not None and again.lost_reply and again.saved is None
    assert any(isinstance(e, walk.Ask) and e.question_id == "note" for e in again.events)


async def test_a_redelivered_update_whose_reply_was_lost_gets_a_reply_of_its_own(
    place: Place,
) -> None:
    """Applied, then the process died before replying and before Telegram heard of it."""
    first = await answering.start(place.deps, REPORTER, update_id=40)
    assert first is not None
    await answering.delivered(place.deps, REPORTER, 40)
    saved = await answering.take_text(place.deps, REPORTER, "12", update_id=41)
    assert saved is not None and saved.saved is not None
    # delivered again at once (two webhook copies took it): maybe on its way, not repeated
    assert await answering.take_text(place.deps, REPORTER, "12", update_id=41) is None
    # the process that owed the reply died a minute ago; a new one gets the update again
    async with transaction(place.deps.sessions) as session:
        state = await session.get(ChatState, REPORTER)
        assert state is not None and state.owed_update_id == 41
        state.owed_by = "a-dead-process"
        state.owed_since = NOW.replace(year=NOW.year - 1)  # long ago, by the wall clock
    # not applied again, but answered with where things are
    again = await answering.take_text(place.deps, REPORTER, "12", update_id=41)
    assert again is not None and again.lost_reply and again.saved is None
    assert any(isinstance(e, walk.Ask) and e.question_id == "note" for e in again.events)
    await answering.delivered(place.deps, REPORTER, 41)
    # once its reply went out, a third delivery is ignored, as before
    assert await answering.take_text(place.deps, REPORTER, "12", update_id=41) is None
