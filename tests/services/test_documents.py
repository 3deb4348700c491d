"""A submission's PDF is drawn once and kept while the report prints the same.

The drawing function is the caller's (the bot's document worker); here a counting
one that draws with the real :func:`reports.submission_doc.render`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from reports.submission_doc import SubmissionDoc, fingerprint, render
from storage.db import transaction
from storage.file_sweep import sweep_unreferenced_files
from storage.models import SubmissionState
from storage.submissions import change_state
from tests.services.conftest import NOW, REPORTER, Place
from tests.services.test_answering import _answer_all, _submit
from tidtam.services import documents


class CountingDraw:
    """Draws with the real renderer and counts how often it was asked to."""

    def __init__(self) -> None:
        self.drawn: list[str] = []  # the state printed on each PDF drawn

    async def __call__(self, doc: SubmissionDoc) -> bytes:
        self.drawn.append(doc.state)
        return render(doc)


async def _submitted(place: Place) -> tuple[int, SubmissionDoc]:
    await _answer_all(place)
    await _submit(place)
    submission = await place.submission()
    outcome = await documents.unit_pdf(place.deps, REPORTER, None)
    assert outcome.code == "ok" and outcome.doc is not None
    assert outcome.submission_id == submission.id
    return submission.id, outcome.doc


async def test_the_pdf_is_drawn_once_while_the_report_prints_the_same(place: Place) -> None:
    submission_id, doc = await _submitted(place)
    draw = CountingDraw()
    first = await documents.submission_pdf_bytes(place.deps, submission_id, doc, draw)
    assert first.startswith(b"%PDF")
    # asked again a day later: the same document but for when it is made
    again = replace(doc, generated_at=doc.generated_at + timedelta(days=1))
    assert fingerprint(again) == fingerprint(doc)
    assert await documents.submission_pdf_bytes(place.deps, submission_id, again, draw) == first
    assert len(draw.drawn) == 1


async def test_a_change_to_what_the_pdf_shows_draws_it_again(place: Place) -> None:
    submission_id, doc = await _submitted(place)
    draw = CountingDraw()
    first = await documents.submission_pdf_bytes(place.deps, submission_id, doc, draw)
    async with transaction(place.deps.sessions) as session:
        submission = await session.merge(await place.submission())
        await change_state(session, submission, SubmissionState.CERTIFIED, actor=REPORTER, now=NOW)
    certified = await documents.unit_pdf(place.deps, REPORTER, None)
    assert certified.doc is not None and fingerprint(certified.doc) != fingerprint(doc)
    second = await documents.submission_pdf_bytes(place.deps, submission_id, certified.doc, draw)
    assert second != first and len(draw.drawn) == 2 and draw.drawn[0] != draw.drawn[1]
    # the newest is kept: asked again, the certified one comes back undrawn
    assert (
        await documents.submission_pdf_bytes(place.deps, submission_id, certified.doc, draw)
        == second
    )
    assert len(draw.drawn) == 2


async def test_a_kept_pdf_missing_from_the_store_is_drawn_again(place: Place) -> None:
    submission_id, doc = await _submitted(place)
    draw = CountingDraw()
    await documents.submission_pdf_bytes(place.deps, submission_id, doc, draw)
    for path in place.deps.files.root.rglob("*"):
        if path.is_file():
            path.unlink()
    found = await documents.round_pdfs(place.deps, place.round_id)
    assert [d.unit_code for d in found.docs] == ["S1"] and found.made == {}
    content = await documents.submission_pdf_bytes(place.deps, submission_id, doc, draw)
    assert content.startswith(b"%PDF") and len(draw.drawn) == 2


async def test_the_round_hands_out_only_kept_pdfs_that_still_fit(place: Place) -> None:
    submission_id, doc = await _submitted(place)
    assert (await documents.round_pdfs(place.deps, place.round_id)).made == {}
    kept = await documents.submission_pdf_bytes(place.deps, submission_id, doc, CountingDraw())
    found = await documents.round_pdfs(place.deps, place.round_id)
    assert found.made["S1"].read_bytes() == kept
    async with transaction(place.deps.sessions) as session:
        submission = await session.merge(await place.submission())
        await change_state(session, submission, SubmissionState.CERTIFIED, actor=REPORTER, now=NOW)
    assert (await documents.round_pdfs(place.deps, place.round_id)).made == {}


async def test_the_sweep_leaves_the_kept_pdf_and_removes_the_one_it_replaced(
    place: Place,
) -> None:
    submission_id, doc = await _submitted(place)
    draw = CountingDraw()
    await documents.submission_pdf_bytes(place.deps, submission_id, doc, draw)
    async with transaction(place.deps.sessions) as session:
        submission = await session.merge(await place.submission())
        await change_state(session, submission, SubmissionState.CERTIFIED, actor=REPORTER, now=NOW)
    certified = await documents.unit_pdf(place.deps, REPORTER, None)
    assert certified.doc is not None
    newest = await documents.submission_pdf_bytes(place.deps, submission_id, certified.doc, draw)
    async with transaction(place.deps.sessions) as session:
        swept = await sweep_unreferenced_files(
            session, place.deps.files, NOW + timedelta(days=365 * 50)
        )
    assert (swept.removed, swept.kept) == (1, 1)
    assert (await documents.round_pdfs(place.deps, place.round_id)).made["S1"].read_bytes() == (
        newest
    )
