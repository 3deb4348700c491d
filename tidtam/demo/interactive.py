"""``tidtam demo --interactive``: a person in the terminal chats with the bot as a reporter.

The same sandbox as the demo (the fake Telegram on 127.0.0.1, the real bot, the sample
province in a fresh database, a round open for a week), on the real clock. The
person is a school's reporter: the invite code is printed, and the terminal is a
line-based Telegram client:

- the bot's messages are printed as they come, their inline buttons numbered
  ``[1] ...``; typing a number presses that button of the latest message with buttons;
- ``/file PATH`` uploads a file (documents and photos: the type is guessed from the
  name);
- any other line is sent as a message (``/start CODE``, ``/report``, answers...);
- ``/quit`` (or the end of input) leaves.

:func:`chat` is the loop, with its input and output passed in (tests script it);
:func:`run_interactive` sets up the sandbox around it.
"""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import build_application
from bot.context import Deps
from bot.runner import polling
from storage.db import create_engine, session_factory, transaction
from storage.files import FileStore
from storage.invites import create_invites
from storage.models import Unit
from storage.schema import upgrade
from tidtam.core.periods import fiscal_year_of
from tidtam.core.vocabulary import Certify, Role
from tidtam.demo.run import (
    FAKE_TOKEN,
    TARGET_KINDS,
    DemoOptions,
    fresh_database,
    sandbox_settings,
)
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import BotMessage, DriverUser
from tidtam.samples import seed_sample_province

__all__ = ["Terminal", "chat", "run_interactive"]

Read = Callable[[], Awaitable[str | None]]
Write = Callable[[str], None]
QUIET = 0.4  # seconds without a new message before the prompt comes back
FIRST_REPLY = 10.0
SCHOOL = "1067010001"

HELP = {
    "th": (
        "พิมพ์ข้อความแล้วกด Enter เพื่อส่งถึงบอต · พิมพ์ตัวเลขเพื่อกดปุ่ม [n] · /file PATH เพื่อส่งไฟล์ · /quit เพื่อออก"
    ),
    "en": "Type a line to send it · a number presses button [n] · /file PATH uploads · /quit",
}
INVITE = {
    "th": "ท่านเป็นผู้รายงานของ {unit} · รหัสเชิญ: {code} · เริ่มด้วย: /start {code}",
    "en": "You are the reporter of {unit} · invite code: {code} · begin with: /start {code}",
}


@dataclass
class Terminal:
    """The chat as the terminal shows it: the numbered buttons of the latest keyboard."""

    user: DriverUser
    write: Write
    buttons: list[tuple[BotMessage, str]] = field(default_factory=list)

    def show(self, message: BotMessage) -> None:
        mark = "✎ " if message.is_edit else ""
        self.write(f"🤖 {mark}{message.text}")
        if message.buttons:
            self.buttons = [(message, text) for text in message.button_texts]
            for number, (_, text) in enumerate(self.buttons, start=1):
                self.write(f"   [{number}] {text}")

    async def drain(self, first: float = FIRST_REPLY) -> int:
        """Print the bot's replies until it is quiet; how many there were."""
        shown = 0
        timeout = first
        while True:
            try:
                message = await self.user.wait_reply(timeout=timeout)
            except AssertionError:
                return shown
            self.show(message)
            shown += 1
            timeout = QUIET

    async def act(self, line: str) -> bool:
        """Do what the typed line says; False to leave."""
        line = line.strip()
        if not line:
            return True
        if line == "/quit":
            return False
        if line.isdigit():
            number = int(line)
            if not 1 <= number <= len(self.buttons):
                self.write(f"? [1-{len(self.buttons)}]" if self.buttons else "? no buttons")
                return True
            message, text = self.buttons[number - 1]
            await self.user.click(text, message)
        elif line.startswith("/file "):
            path = Path(line[len("/file ") :].strip())
            try:
                data = await asyncio.to_thread(_read, path)
            except OSError as error:
                self.write(f"? {path}: {error.strerror or error}")
                return True
            mime = mimetypes.guess_type(path.name)[0]
            if mime in ("image/jpeg", "image/png"):
                await self.user.send_photo(data)
            else:
                await self.user.send_document(data, path.name, mime or "application/octet-stream")
        else:
            await self.user.send(line)
        await self.drain()
        return True


def _read(path: Path) -> bytes:
    return path.expanduser().read_bytes()


async def chat(user: DriverUser, read: Read, write: Write) -> None:
    """The loop: read a line, act, show the replies, until ``/quit`` or the end of input."""
    terminal = Terminal(user, write)
    while True:
        line = await read()
        if line is None or not await terminal.act(line):
            return


async def run_interactive(options: DemoOptions, read: Read, write: Write) -> None:
    """Set up the sandbox, print the invite code, and chat."""
    lang = options.language
    data_dir = options.data_dir.resolve()
    database = fresh_database(data_dir)
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        now = datetime.now(UTC)
        async with transaction(sessions) as session:
            await seed_sample_province(
                session,
                opens_at=now - timedelta(hours=1),
                deadline=now + timedelta(days=7),
                kinds=TARGET_KINDS,
                certify=Certify.HEAD,
                period=str(fiscal_year_of(now.date())),
            )
            unit = await session.scalar(select(Unit).where(Unit.code == SCHOOL))
            assert unit is not None
            [invite] = await create_invites(
                session, [unit], Role.REPORTER, now=now, valid_for=timedelta(days=60)
            )
        async with FakeTelegram.start(token=FAKE_TOKEN, bot_username="tidtam_demo_bot") as telegram:
            settings = sandbox_settings(telegram, data_dir, database, options.timezone, lang)
            application = build_application(
                Deps(settings, sessions, FileStore(settings.files_dir)), rate_limit=False
            )
            async with polling(application, poll_timeout=timedelta(seconds=1)):
                write(INVITE[lang].format(unit=invite.unit_name, code=invite.code))
                write(HELP[lang])
                user = telegram.user(1, "ผู้ทดลอง" if lang == "th" else "Tester", language_code=lang)
                await chat(user, read, write)
    finally:
        await engine.dispose()


async def read_stdin(prompt: str = "> ") -> str | None:
    """A line from the terminal (None at the end of input), without blocking the bot."""
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None
