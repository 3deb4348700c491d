"""What every handler needs: settings, database sessions, the file store, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ContextTypes

from bot.i18n import language_of
from storage.files import FileStore
from storage.models import Member
from tidtam.services.deliveries import DeliveryMarks
from tidtam.services.deps import ServiceDeps, new_copy_id
from tidtam.settings import Settings

KEY = "tidtam"
# The cloud Bot API lets bots download files of at most 20 MB; a local Bot API server more.
CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024
LOCAL_DOWNLOAD_LIMIT = 2000 * 1024 * 1024


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Deps:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    files: FileStore
    clock: Callable[[], datetime] = field(default=_utcnow)
    # This copy of the bot (one Application): see ServiceDeps.copy.
    copy: str = field(default_factory=new_copy_id)
    # This copy's replies gone out, written in batches (tidtam.services.deliveries).
    deliveries: DeliveryMarks = field(init=False)

    def __post_init__(self) -> None:
        self.deliveries = DeliveryMarks(self.sessions)

    @property
    def download_limit(self) -> int:
        cloud = self.settings.telegram_file_url.startswith("https://api.telegram.org")
        return CLOUD_DOWNLOAD_LIMIT if cloud else LOCAL_DOWNLOAD_LIMIT

    def now(self) -> datetime:
        return self.clock()

    def services(self) -> ServiceDeps:
        """What the use cases need, without Telegram's context."""
        return ServiceDeps(
            sessions=self.sessions,
            files=self.files,
            tz=self.settings.tz,
            language=self.settings.language,
            download_limit=self.download_limit,
            clock=self.clock,
            copy=self.copy,
            deliveries=self.deliveries,
        )


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    found = context.bot_data[KEY]
    assert isinstance(found, Deps)
    return found


def install(application: Application, dependencies: Deps) -> None:  # type: ignore[type-arg]
    application.bot_data[KEY] = dependencies


def user_language(update: Update, stored: str | None, default: str) -> str:
    """A stored choice first, then Telegram's language of the user, then the default."""
    if stored:
        return language_of(stored, default)
    user = update.effective_user
    if user is not None and user.language_code and user.language_code.startswith("en"):
        return "en"
    return default


@dataclass(frozen=True, slots=True)
class Asker:
    """Who sent an update: their Telegram id, chat, memberships and language."""

    user_id: int
    chat_id: int
    members: list[Member]
    language: str


async def asker(session: AsyncSession, update: Update, dependencies: Deps) -> Asker:
    """Load the sender's memberships and pick their language (every command checks these).

    Someone who writes in private can be reached again if they had blocked the bot.
    """
    from storage.members import memberships, reachable_again

    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    members = await memberships(session, user.id)
    if chat.type == ChatType.PRIVATE:
        await reachable_again(session, user.id, members)
    stored = members[0].language if members else None
    return Asker(
        user.id, chat.id, members, user_language(update, stored, dependencies.settings.language)
    )
