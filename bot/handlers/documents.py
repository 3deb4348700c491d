"""/pdf and /summary, and the submission PDF sent to a unit on submit and certification.

* ``/pdf``: a reporter or head gets their own unit's submission PDF; a supervisor or
  officer ``/pdf CODE`` for any unit in their subtree (others are refused).
* ``/summary``: the committee report (DOCX) of the asker's scope: the province for
  an officer, the subtree for a supervisor.
* :func:`send_unit_pdfs_later`: the PDF for every reachable reporter and head of a
  unit, after a report is submitted and after it is certified, in a task of its own.

The use cases are in :mod:`tidtam.services.documents`. A submission PDF is drawn in
the bot's document worker process (:mod:`bot.rendering`) and kept: while the report
prints the same, ``/pdf`` and ``tidtam export --pdf`` hand out the kept file. The
committee report, rarer, is drawn in a worker thread; both off the bot's event loop.
"""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import tzinfo

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import Deps, deps, user_language
from bot.delivery import send
from bot.i18n import t
from bot.rendering import in_worker
from bot.replies import Outgoing, Reply, Said
from reports.submission_doc import SubmissionDoc, pdf_file_name, render
from tidtam.core.periods import parse_period
from tidtam.services import documents
from tidtam.services.answering import Outcome

log = logging.getLogger("tidtam.bot")


async def _draw(doc: SubmissionDoc) -> bytes:
    """Draw the submission's PDF in the document worker."""
    return await in_worker(render, doc)


def _caption(language: str, doc: SubmissionDoc) -> str:
    return t(
        language, "documents.pdf_caption", unit=doc.unit_name, period=doc.period, state=doc.state
    )


def _refusal(language: str, roles: tuple[str, ...]) -> Reply:
    named = ", ".join(t(language, f"role.{r}") for r in roles)
    return Reply(t(language, "error.not_allowed", roles=named))


def _decided(outcome: Outcome) -> int | None:
    """The submission an answering outcome submitted or certified, if any."""
    if outcome.submitted is not None:
        return outcome.submitted.request.submission_id
    decision = outcome.decision
    if outcome.code == "certify" and decision is not None and decision.code == "approved":
        return decision.submission_id
    return None


def send_unit_pdfs_later(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, outcome: Outcome | None
) -> None:
    """After a submit or a certification, have the unit's PDF sent, without waiting for it.

    Drawing it takes a moment of the document worker (a queue of them, when many
    reports are submitted at once); the person's next answer, the delivered mark and
    the certifier's next button need not wait behind it. python-telegram-bot awaits
    the task when the bot stops.
    """
    submission_id = None if outcome is None else _decided(outcome)
    if submission_id is not None:
        context.application.create_task(send_unit_pdfs(context, chat_id, submission_id))


async def send_unit_pdfs(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, submission_id: int
) -> None:
    """Send the unit's reporters and head the PDF of its submitted or certified report.

    Called once the change is committed, after the replies: the PDF shows the new
    state. A document that cannot be made is logged and left out: it is a copy, and
    the submission or certification stands.
    """
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
    services = dependencies.services()
    found = await documents.unit_copies(services, submission_id)
    if found is None:
        return []
    doc, people = found
    content = await documents.submission_pdf_bytes(services, submission_id, doc, _draw)
    name = pdf_file_name(doc.unit_code)
    return [
        Outgoing(
            person.telegram_user_id,
            Reply(
                _caption(person.language or dependencies.settings.language, doc),
                document=(name, content),
            ),
        )
        for person in people
    ]


async def pdf(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the submission PDF of the asker's unit, or of /pdf CODE in their scope."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    code = (context.args or [""])[0].strip() or None
    services = dependencies.services()
    outcome = await documents.unit_pdf(services, user.id, code)
    language = user_language(update, outcome.language, dependencies.settings.language)
    if outcome.code == "ok":
        assert outcome.doc is not None and outcome.submission_id is not None
        content = await documents.submission_pdf_bytes(
            services, outcome.submission_id, outcome.doc, _draw
        )
        name = pdf_file_name(outcome.doc.unit_code)
        reply = Reply(_caption(language, outcome.doc), document=(name, content))
    elif outcome.code == "not_allowed":
        reply = _refusal(language, (*documents.ANSWERING, *documents.OVERSEEING))
    elif outcome.code == "no_round":
        reply = Reply(t(language, "status.no_round"))
    else:
        key = "pdf_usage" if outcome.code == "usage" else outcome.code
        reply = Reply(t(language, f"documents.{key}", **outcome.params))
    await send(context.bot, dependencies, chat.id, [reply])


def summary_docx(outcome: documents.CommitteeOutcome, tz: tzinfo) -> bytes:
    """The committee report of a scope as DOCX bytes (runs in a worker thread).

    python-docx and the committee's charts are imported on the first report.
    """
    from reports.committee import committee_report
    from reports.committee_docx import committee_docx

    assert outcome.snapshot is not None
    report = committee_report(
        outcome.snapshot,
        scope_name=outcome.scope_name,
        by=outcome.by,
        root_unit_id=outcome.root_unit_id,
        tz=tz,
        targets=outcome.targets,
    )
    buffer = io.BytesIO()
    committee_docx(report).save(buffer)
    return buffer.getvalue()


async def summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the committee report (DOCX) of the asker's scope (officers and supervisors)."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    outcome = await documents.committee_scope(dependencies.services(), user.id)
    language = user_language(update, outcome.language, dependencies.settings.language)
    if outcome.code == "not_allowed":
        await send(context.bot, dependencies, chat.id, [_refusal(language, documents.OVERSEEING)])
        return
    if outcome.code == "no_round":
        await send(context.bot, dependencies, chat.id, [Reply(t(language, "status.no_round"))])
        return
    snapshot = outcome.snapshot
    assert snapshot is not None
    content = await asyncio.to_thread(summary_docx, outcome, dependencies.settings.tz)
    round_ = snapshot.round
    name = f"tidtam-summary-round{round_.id}-{round_.period}-{outcome.root_unit_id}.docx"
    period = parse_period(round_.period)
    caption = t(
        language,
        "documents.summary_caption",
        scope=outcome.scope_name,
        period=period.thai() if language == "th" else period.english(),
    )
    await send(context.bot, dependencies, chat.id, [Reply(caption, document=(name, content))])
