"""Loading a submission with its form and answers, decoded (every answering step does)."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from flows.answers import AnswerValue, decode
from flows.form import Form
from storage.forms import cached_form
from storage.models import Submission
from storage.submissions import stored_answers, submission_by_id

log = logging.getLogger("tidtam.services")


async def form_and_answers(
    session: AsyncSession, submission: Submission
) -> tuple[Form, dict[str, AnswerValue]]:
    """The submission's form (parsed once per database and version) and decoded answers."""
    form = await cached_form(session, submission.round.form_version_id)
    answers: dict[str, AnswerValue] = {}
    for question_id, data in (await stored_answers(session, submission.id)).items():
        if question_id in form:
            try:
                answers[question_id] = decode(form.question(question_id), data)
            except Exception:  # an answer stored by an older version: ask again
                log.warning("cannot read answer %s of submission %s", question_id, submission.id)
    return form, answers


async def load_submission(
    session: AsyncSession, submission_id: int
) -> tuple[Submission | None, Form | None, dict[str, AnswerValue]]:
    """A submission with its form and its stored answers, decoded."""
    with session.no_autoflush:  # the chat state is written once, at commit
        submission = await submission_by_id(session, submission_id)
        if submission is None:
            return None, None, {}
        form, answers = await form_and_answers(session, submission)
    return submission, form, answers
