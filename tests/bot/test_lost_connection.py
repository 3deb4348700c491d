"""The database drops the bot's connections (a restart): the next answer still lands.

The pool does not ping connections before use (:mod:`storage.db`); an answer that meets
a dead connection is run again on a new one, so the person notices nothing.
"""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from telegram.ext import Application

from flows.form_loader import load_form_file
from storage.models import Answer
from tidtam.fake_telegram import FakeTelegram

from .conftest import SAMPLES, Province
from .scripted import Reporter

FORM = load_form_file(SAMPLES / "form.yaml")
SCHOOL = "1067010001"


async def _drop_connections(database_url: str) -> int:
    """Terminate every connection to the test database, as a server restart would."""
    url = make_url(database_url)
    admin = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, database="postgres"
    )
    try:
        dropped = await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            url.database,
        )
    finally:
        await admin.close()
    return len(dropped)


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)  # a SQLite file has no connections to drop
async def test_answer_after_the_database_dropped_every_connection(
    bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    teacher = standin.user()
    await teacher.send(f"/start {await province.invite(SCHOOL)}")
    await teacher.wait_reply()
    await teacher.send("/report")
    await teacher.wait_reply()  # the introduction
    question = await teacher.wait_reply()
    reporter = Reporter(teacher, FORM)
    question = await reporter.answer_one(question)

    assert await _drop_connections(database_url) >= 1
    after = await reporter.answer_one(question)

    assert "trying again on a new one" in caplog.text  # the retry, not a lucky new connection
    assert "ขออภัย" not in after.text  # not the error reply: the next question
    assert "ยุทธศาสตร์" in after.text
    async with province.sessions() as session:
        assert await session.scalar(select(func.count(Answer.id))) == 2
