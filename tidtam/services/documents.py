"""The documents as use cases: who gets which submission PDF and committee report.

No Telegram here: the bot calls these, then renders the outcome in words.

* :func:`unit_pdf`: ``/pdf`` — a reporter or head gets their own unit's submission;
  a supervisor or officer names a unit in their subtree by code; anything else is
  refused with a reason (``code``).
* :func:`unit_copies`: after a submit or a certification, the document and the
  unit's reachable reporters and head to send it to.
* :func:`committee_scope`: ``/summary`` — the snapshot of the asker's scope (the
  province for an officer, by agency; the subtree for a supervisor, by unit).
* :func:`submission_pdf_bytes`: a submission's PDF, the kept one while it prints the
  same (:mod:`storage.submission_pdfs`), else drawn by the caller's function and kept;
  :func:`round_pdfs`: every unit's document of a round and the PDFs already made.

Rendering (fpdf2, python-docx) is left to the caller, off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reports.submission_doc import SubmissionDoc, fingerprint
from reports.submission_snapshot import load_submission_docs
from storage.db import transaction
from storage.members import members_of_unit, memberships
from storage.models import Member, Round, Submission, Unit
from storage.submission_pdfs import keep_pdf, kept_pdf, kept_pdfs_of_round
from storage.targets import targets_of
from tidtam.core.vocabulary import Role
from tidtam.services.certification import Person
from tidtam.services.deps import ServiceDeps

if TYPE_CHECKING:  # pandas: the snapshot is loaded when a document is asked for
    from reports.snapshot import RoundSnapshot

__all__ = [
    "ANSWERING",
    "OVERSEEING",
    "CommitteeOutcome",
    "Draw",
    "PdfOutcome",
    "RoundPdfs",
    "committee_scope",
    "round_pdfs",
    "submission_pdf_bytes",
    "unit_copies",
    "unit_pdf",
]

log = logging.getLogger("tidtam.documents")

#: Draws a document's PDF (the bot: in its document worker process).
Draw = Callable[[SubmissionDoc], Awaitable[bytes]]

ANSWERING = (Role.REPORTER.value, Role.HEAD.value)
OVERSEEING = (Role.OFFICER.value, Role.SUPERVISOR.value)
_WIDEST_FIRST = (Role.OFFICER.value, Role.SUPERVISOR.value, Role.HEAD.value, Role.REPORTER.value)

PdfCode = Literal[
    "ok",  # ``doc``
    "not_allowed",  # not registered in a role that may ask
    "usage",  # an overseer gave no unit code
    "unknown_unit",  # params["code"]
    "out_of_scope",  # params["code"]: not under the asker
    "own_unit_only",  # params["unit"]: a reporter or head named another unit
    "no_round",  # no round has opened
    "not_started",  # params["unit"]: the unit has no report in the round
]


@dataclass(frozen=True, slots=True)
class PdfOutcome:
    code: PdfCode
    language: str | None = None  # the asker's stored language
    doc: SubmissionDoc | None = None
    params: dict[str, str] = field(default_factory=dict)
    submission_id: int | None = None  # with ``doc``


@dataclass(frozen=True, slots=True)
class CommitteeOutcome:
    code: Literal["ok", "not_allowed", "no_round"]
    language: str | None = None
    snapshot: RoundSnapshot | None = None
    scope_name: str = ""
    root_unit_id: int | None = None
    by: Literal["agency", "unit"] = "agency"
    targets: dict[tuple[int, str], Decimal] = field(default_factory=dict)


def _widest(members: list[Member]) -> Member | None:
    for role in _WIDEST_FIRST:
        for member in members:
            if member.role == role:
                return member
    return None


async def newest_round(session: AsyncSession, deps: ServiceDeps) -> Round | None:
    """The round documents are about: the newest opened one, open rounds first."""
    return await session.scalar(
        select(Round)
        .where(Round.opens_at <= deps.now())
        .order_by(Round.closed_at.is_(None).desc(), Round.opens_at.desc(), Round.id.desc())
        .limit(1)
    )


async def in_subtree(session: AsyncSession, unit_id: int, root_id: int) -> bool:
    """Whether ``unit_id`` is ``root_id`` or below it (walks up its ancestors)."""
    seen: set[int] = set()
    current: int | None = unit_id
    while current is not None and current not in seen:
        if current == root_id:
            return True
        seen.add(current)
        current = await session.scalar(select(Unit.parent_id).where(Unit.id == current))
    return False


async def unit_pdf(deps: ServiceDeps, user_id: int, code: str | None) -> PdfOutcome:
    """The submission document ``/pdf`` (``/pdf CODE``) asks for, or why not."""
    async with transaction(deps.sessions) as session:
        members = await memberships(session, user_id)
        language = members[0].language if members else None
        asker = _widest(members)
        if asker is None:
            return PdfOutcome("not_allowed", language)
        if asker.role in OVERSEEING:
            if not code:
                return PdfOutcome("usage", language)
            unit = await session.scalar(select(Unit).where(Unit.code == code))
            if unit is None:
                return PdfOutcome("unknown_unit", language, params={"code": code})
            if not await in_subtree(session, unit.id, asker.unit_id):
                return PdfOutcome("out_of_scope", language, params={"code": unit.code})
        else:
            unit = await session.get(Unit, asker.unit_id)
            assert unit is not None
            if code and code != unit.code:
                return PdfOutcome("own_unit_only", language, params={"unit": unit.name})
        round_ = await newest_round(session, deps)
        if round_ is None:
            return PdfOutcome("no_round", language)

        docs = await load_submission_docs(
            session, round_.id, unit_ids=[unit.id], tz=deps.tz, now=deps.now()
        )
        submission_id = await session.scalar(
            select(Submission.id).where(
                Submission.round_id == round_.id, Submission.unit_id == unit.id
            )
        )
    if not docs or submission_id is None:
        return PdfOutcome("not_started", language, params={"unit": unit.name})
    return PdfOutcome("ok", language, doc=docs[0], submission_id=submission_id)


async def unit_copies(
    deps: ServiceDeps, submission_id: int
) -> tuple[SubmissionDoc, tuple[Person, ...]] | None:
    """A submission's document and the unit's reachable reporters and head (None: nobody)."""
    async with transaction(deps.sessions) as session:
        submission = await session.get(Submission, submission_id)
        if submission is None:
            return None
        people = tuple(
            Person(m.telegram_user_id, m.display_name, m.role, m.language)
            for m in await members_of_unit(session, submission.unit_id)
            if m.role in ANSWERING and m.reachable
        )
        if not people:
            return None

        docs = await load_submission_docs(
            session,
            submission.round_id,
            unit_ids=[submission.unit_id],
            tz=deps.tz,
            now=deps.now(),
        )
    return (docs[0], people) if docs else None


async def committee_scope(deps: ServiceDeps, user_id: int) -> CommitteeOutcome:
    """The snapshot ``/summary`` reports on: an officer's province, a supervisor's subtree."""
    async with transaction(deps.sessions) as session:
        members = await memberships(session, user_id)
        language = members[0].language if members else None
        asker = _widest(members)
        if asker is None or asker.role not in OVERSEEING:
            return CommitteeOutcome("not_allowed", language)
        round_ = await newest_round(session, deps)
        if round_ is None:
            return CommitteeOutcome("no_round", language)
        from reports.snapshot import load_round_snapshot  # pandas: loaded when first needed

        snapshot = await load_round_snapshot(
            session, round_.id, subtree_of=asker.unit_id, now=deps.now()
        )
        root = await session.get(Unit, asker.unit_id)
        assert root is not None
        targets = await targets_of(session, snapshot.form.code, snapshot.round.period)
    return CommitteeOutcome(
        "ok",
        language,
        snapshot,
        scope_name=root.name,
        root_unit_id=asker.unit_id,
        by="agency" if asker.role == Role.OFFICER else "unit",
        targets=targets,
    )


async def submission_pdf_bytes(
    deps: ServiceDeps, submission_id: int, doc: SubmissionDoc, draw: Draw
) -> bytes:
    """The PDF of ``doc``: the one kept of the submission if it prints the same, else
    drawn now by ``draw`` and kept (the newest replaces the one before).

    A kept file missing from the store (a store restored without it) is drawn again.
    """
    mark = fingerprint(doc)
    async with transaction(deps.sessions) as session:
        key = await kept_pdf(session, submission_id, mark)
    if key is not None:
        try:
            return await asyncio.to_thread(deps.files.read, key)
        except FileNotFoundError:
            log.warning("kept PDF %s of submission %s is missing; drawn again", key, submission_id)
    content = await draw(doc)
    stored = await asyncio.to_thread(deps.files.put, content)
    async with transaction(deps.sessions) as session:
        await keep_pdf(session, submission_id, mark, stored, deps.now())
    return content


@dataclass(frozen=True, slots=True)
class RoundPdfs:
    """A round's submission documents, and the PDFs made already, by unit code."""

    docs: list[SubmissionDoc]
    made: dict[str, Path]


async def round_pdfs(deps: ServiceDeps, round_id: int) -> RoundPdfs:
    """Every submitted or certified unit's document, with the kept PDFs that still fit.

    A kept PDF fits when it prints what the document prints now and its file is in
    the store; the others are for the caller to draw (``tidtam export --pdf``).
    Raises :class:`reports.errors.UnknownRound`.
    """

    async with transaction(deps.sessions) as session:
        docs = await load_submission_docs(session, round_id, tz=deps.tz, now=deps.now())
        kept = await kept_pdfs_of_round(session, round_id)
    made: dict[str, Path] = {}
    for doc in docs:
        found = kept.get(doc.unit_code)
        if found is not None and found.fingerprint == fingerprint(doc):
            path = deps.files.path(found.storage_key)
            if path.is_file():
                made[doc.unit_code] = path
    return RoundPdfs(docs, made)
