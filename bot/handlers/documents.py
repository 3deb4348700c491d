"""/pdf and /summary, and the submission PDF sent to a unit on submit and certification.

* ``/pdf``: a reporter or head gets their own unit's submission PDF; a supervisor or
  officer ``/pdf CODE`` for any unit in their subtree (others are refused).
* ``/summary``: the committee report (DOCX) of the asker's scope: the province for
  an officer, the subtree for a supervisor.
* :func:`unit_pdfs`: the PDF for every reachable reporter and head of a unit, called
  where a report is submitted and where it is certified.

Loading is SQL in the update's transaction; rendering (fpdf2, python-docx) runs in a
worker thread, off the bot's event loop.
"""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from bot.context import Deps, asker, deps
from bot.delivery import send
from bot.handlers.reports import OVERSEEING, Scope, scope_of
from bot.i18n import t
from bot.replies import Outgoing, Reply, Said
from reports.committee import committee_report
from reports.committee_docx import committee_docx
from reports.snapshot import RoundSnapshot, load_round_snapshot
from reports.submission_data import load_submission_docs
from reports.submission_pdf import SubmissionDoc, pdf_file_name, submission_pdf
from storage.db import transaction
from storage.members import members_of_unit
from storage.models import Round, Submission, Unit
from tidtam.core.periods import parse_period
from tidtam.core.vocabulary import Role
from tidtam.services.answering import Outcome

log = logging.getLogger("tidtam.bot")

ANSWERING = (Role.REPORTER.value, Role.HEAD.value)


async def newest_round(session: AsyncSession, now: datetime) -> Round | None:
    """The round a document is about: the newest opened one, open rounds first."""
    return await session.scalar(
        select(Round)
        .where(Round.opens_at <= now)
        .order_by(Round.closed_at.is_(None).desc(), Round.opens_at.desc(), Round.id.desc())
        .limit(1)
    )


async def in_subtree(session: AsyncSession, unit: Unit, root_id: int) -> bool:
    """Whether ``unit`` is ``root_id`` or below it (walks up the unit's ancestors)."""
    seen: set[int] = set()
    current: int | None = unit.id
    while current is not None and current not in seen:
        if current == root_id:
            return True
        seen.add(current)
        current = await session.scalar(select(Unit.parent_id).where(Unit.id == current))
    return False


def _caption(language: str, doc: SubmissionDoc) -> str:
    return t(
        language, "documents.pdf_caption", unit=doc.unit_name, period=doc.period, state=doc.state
    )


def _decided(outcome: Outcome) -> int | None:
    """The submission an answering outcome submitted or certified, if any."""
    if outcome.submitted is not None:
        return outcome.submitted.request.submission_id
    decision = outcome.decision
    if outcome.code == "certify" and decision is not None and decision.code == "approved":
        return decision.submission_id
    return None


async def send_unit_pdfs(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, outcome: Outcome | None
) -> None:
    """After a submit or a certification, send the unit's reporters and head its PDF.

    Called once the change is committed, after the replies: the PDF shows the new
    state. A document that cannot be made is logged and left out: it is a copy, and
    the submission or certification stands.
    """
    submission_id = None if outcome is None else _decided(outcome)
    if submission_id is None:
        return
    dependencies = deps(context)
    try:
        said = await unit_pdfs(dependencies, submission_id)
    except Exception:  # a courtesy copy never turns a done submit into an error
        log.exception("could not make the PDF of submission %s", submission_id)
        return
    if said:
        await send(context.bot, dependencies, chat_id, said)


async def unit_pdfs(dependencies: Deps, submission_id: int) -> list[Said]:
    """The submission's PDF for each reachable reporter and head of its unit."""
    async with transaction(dependencies.sessions) as session:
        submission = await session.get(Submission, submission_id)
        if submission is None:
            return []
        members = [
            m
            for m in await members_of_unit(session, submission.unit_id)
            if m.role in ANSWERING and m.reachable
        ]
        if not members:
            return []
        docs = await load_submission_docs(
            session,
            submission.round_id,
            unit_ids=[submission.unit_id],
            tz=dependencies.settings.tz,
            now=dependencies.now(),
        )
    if not docs:
        return []
    content = await asyncio.to_thread(submission_pdf, docs[0])
    name = pdf_file_name(docs[0].unit_code)
    said: list[Said] = []
    for member in members:
        language = member.language or dependencies.settings.language
        reply = Reply(_caption(language, docs[0]), document=(name, content))
        said.append(Outgoing(member.telegram_user_id, reply))
    return said


async def pdf(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the submission PDF of the asker's unit, or of /pdf CODE in their scope."""
    dependencies = deps(context)
    args = context.args or []
    async with transaction(dependencies.sessions) as session:
        who = await asker(session, update, dependencies)
        language = who.language
        scope = scope_of(who.members)
        replies = await _pdf_replies(session, dependencies, language, scope, args)
    if isinstance(replies, SubmissionDoc):
        content = await asyncio.to_thread(submission_pdf, replies)
        replies = [
            Reply(_caption(language, replies), document=(pdf_file_name(replies.unit_code), content))
        ]
    await send(context.bot, dependencies, who.chat_id, replies)


async def _pdf_replies(
    session: AsyncSession,
    dependencies: Deps,
    language: str,
    scope: Scope | None,
    args: list[str],
) -> list[Reply] | SubmissionDoc:
    """The document to send, or the replies that say why not."""
    if scope is None:
        roles = ", ".join(t(language, f"role.{r}") for r in (*ANSWERING, *OVERSEEING))
        return [Reply(t(language, "error.not_allowed", roles=roles))]
    if scope.role in OVERSEEING:
        if not args:
            return [Reply(t(language, "documents.pdf_usage"))]
        unit = await session.scalar(select(Unit).where(Unit.code == args[0].strip()))
        if unit is None:
            return [Reply(t(language, "documents.unknown_unit", code=args[0].strip()))]
        if not await in_subtree(session, unit, scope.root):
            return [Reply(t(language, "documents.out_of_scope", code=unit.code))]
    else:
        unit = await session.get(Unit, scope.root)
        assert unit is not None
        if args and args[0].strip() != unit.code:
            return [Reply(t(language, "documents.own_unit_only", unit=unit.name))]
    round_ = await newest_round(session, dependencies.now())
    if round_ is None:
        return [Reply(t(language, "status.no_round"))]
    docs = await load_submission_docs(
        session,
        round_.id,
        unit_ids=[unit.id],
        tz=dependencies.settings.tz,
        now=dependencies.now(),
    )
    if not docs:
        return [Reply(t(language, "documents.not_started", unit=unit.name))]
    return docs[0]


def summary_docx(snapshot: RoundSnapshot, scope: Scope, tz: tzinfo) -> bytes:
    """The committee report of a scope as DOCX bytes (runs in a worker thread)."""
    report = committee_report(
        snapshot,
        scope_name=scope.root_name,
        by="agency" if scope.role == Role.OFFICER else "unit",
        root_unit_id=scope.root,
        tz=tz,
    )
    buffer = io.BytesIO()
    committee_docx(report).save(buffer)
    return buffer.getvalue()


async def summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the committee report (DOCX) of the asker's scope (officers and supervisors)."""
    dependencies = deps(context)
    async with transaction(dependencies.sessions) as session:
        who = await asker(session, update, dependencies)
        language = who.language
        scope = scope_of(who.members)
        if scope is None or scope.role not in OVERSEEING:
            roles = ", ".join(t(language, f"role.{r}") for r in OVERSEEING)
            refusal = Reply(t(language, "error.not_allowed", roles=roles))
            await send(context.bot, dependencies, who.chat_id, [refusal])
            return
        round_ = await newest_round(session, dependencies.now())
        if round_ is None:
            await send(
                context.bot, dependencies, who.chat_id, [Reply(t(language, "status.no_round"))]
            )
            return
        snapshot = await load_round_snapshot(
            session, round_.id, subtree_of=scope.root, now=dependencies.now()
        )
    content = await asyncio.to_thread(summary_docx, snapshot, scope, dependencies.settings.tz)
    name = f"tidtam-summary-round{snapshot.round.id}-{snapshot.round.period}-{scope.root}.docx"
    period = parse_period(snapshot.round.period)
    caption = t(
        language,
        "documents.summary_caption",
        scope=scope.root_name,
        period=period.thai() if language == "th" else period.english(),
    )
    await send(context.bot, dependencies, who.chat_id, [Reply(caption, document=(name, content))])
