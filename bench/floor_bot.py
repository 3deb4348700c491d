"""The floor of ``bench_answering.py --floor``: the same questions, nothing stored.

A python-telegram-bot Application configured as tidtam's (aiohttp requests, uvloop,
the same update concurrency) that answers each update with the next question: the
walk (:func:`flows.walk.resume`) and the rendering (:mod:`bot.walk_view`) kept in
memory per person, no database, no audit, no crash safety. What tidtam costs beyond
this, per update, is the price of storing every answer safely; what this costs is
the framework's and the questionnaire's.

Not shipped: run by the benchmark as ``bench_answering.py --serve-floor``.
"""

from __future__ import annotations

import asyncio
import gc
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import uvloop
from telegram import Message, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.http import AiohttpRequest
from bot.ordering import PerPersonOrder
from bot.replies import Reply, deliver
from bot.walk_view import View, render
from flows import walk
from flows.answers import AnswerValue
from flows.form import Form

KIND = "school"
# As bot.app has them (not imported: the floor loads no handler, service or database).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
MAX_CONCURRENT_UPDATES = 256


@dataclass
class Person:
    """One person's walk, in memory only."""

    state: walk.WalkState = field(default_factory=walk.WalkState)
    answers: dict[str, AnswerValue] = field(default_factory=dict)


class Floor:
    """The in-memory bot: one walk step per update, rendered as tidtam renders it."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.people: dict[int, Person] = {}
        self.view = View(form, 1, "โรงเรียน", "2567", "th", 20)

    def step(self, user_id: int, event: walk.Input, pressed: int | None = None) -> list[Reply]:
        person = self.people.setdefault(user_id, Person())
        person.state, events = walk.resume(self.form, KIND, person.answers, person.state, event)
        for e in events:
            if isinstance(e, walk.Save):
                person.answers[e.question_id] = e.answer
        view = self.view if pressed is None else replace(self.view, pressed_message_id=pressed)
        return render(view, events, from_press=pressed is not None)

    def pressed(self, data: str) -> walk.Input | None:
        try:
            press = callbacks.decode(data)
        except callbacks.BadCallback:
            return None
        if not isinstance(press, callbacks.QuestionPress):
            return walk.Review()
        try:
            question = self.form.question(self.form.key_of(press.question_ref))
        except KeyError:
            return None
        choice = (
            question.choices[press.choice_index].id
            if press.choice_index is not None and press.choice_index < len(question.choices)
            else ""
        )
        match press.action:
            case "p":
                return walk.Pick(question.id, choice)
            case "t":
                return walk.Toggle(question.id, choice)
            case "d":
                return walk.Done(question.id)
            case "s":
                return walk.Skip(question.id)
            case "b":
                return walk.Back(question.id)
        return walk.Edit(question.id)


def serve_floor(form: Form, api_url: str, file_url: str, token: str) -> None:
    """Run the floor bot by long polling until it is stopped."""
    floor = Floor(form)
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(api_url)
        .base_file_url(file_url)
        .concurrent_updates(PerPersonOrder(MAX_CONCURRENT_UPDATES))
        .request(AiohttpRequest(256, connect_timeout=10, read_timeout=30, write_timeout=60))
        .get_updates_request(AiohttpRequest(1, read_timeout=40))
        .build()
    )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await deliver(context.bot, update.effective_chat.id, [Reply("ลงทะเบียนเรียบร้อย")])

    async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.effective_user is not None
        replies = floor.step(update.effective_user.id, walk.Start())
        intro = Reply(f"ตอบแล้ว 0 จาก {len(form)} ข้อ")
        await deliver(context.bot, update.effective_chat.id, [intro, *replies])

    async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        assert update.effective_chat is not None and update.effective_user is not None
        replies = floor.step(update.effective_user.id, walk.Text(message.text))
        await deliver(context.bot, update.effective_chat.id, replies)

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        assert update.effective_chat is not None and update.effective_user is not None
        await query.answer()
        event = floor.pressed(query.data)
        if event is None:
            return
        message = query.message if isinstance(query.message, Message) else None
        pressed = message.message_id if message is not None else 0
        replies = floor.step(update.effective_user.id, event, pressed)
        await deliver(context.bot, update.effective_chat.id, replies)

    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("report", report))
    application.add_handler(CallbackQueryHandler(press))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, text))
    # as bot.runner does for tidtam (not imported: it brings the database layer)
    asyncio.set_event_loop(uvloop.new_event_loop())
    gc.collect()
    gc.freeze()
    application.run_polling(allowed_updates=ALLOWED_UPDATES, close_loop=False)


def main() -> None:
    """Serve the floor with the benchmark's environment (the same as the bot's)."""
    from flows.form_loader import load_form_file

    samples = Path(__file__).resolve().parents[1] / "tidtam" / "samples"
    serve_floor(
        load_form_file(samples / "form.yaml"),
        os.environ["TIDTAM_TELEGRAM_API_URL"],
        os.environ["TIDTAM_TELEGRAM_FILE_URL"],
        os.environ["TIDTAM_BOT_TOKEN"],
    )


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
