"""Settings from the environment (``TIDTAM_*``) and an optional ``.env`` file.

Every setting has a default, so that nothing but a bot token is needed to run for
real. The token is a :class:`~pydantic.SecretStr`: it never appears in a repr, a log
line or a traceback.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"


class Settings(BaseSettings):
    """What an installation of tidtam is configured with."""

    model_config = SettingsConfigDict(
        env_prefix="TIDTAM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    bot_username: str | None = None
    data_dir: Path = Path("./tidtam-data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy async URL; default: SQLite in data_dir"
    )
    telegram_api_url: str = TELEGRAM_API_URL
    telegram_file_url: str = TELEGRAM_FILE_URL
    timezone: str = "Asia/Bangkok"
    language: str = "th"
    # Whom people contact for help: shown in /help and in refusals ("ติดต่อ ...").
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    # PostgreSQL's client programs for `tidtam db backup/restore`; default: found on PATH.
    pg_dump: str | None = None
    pg_restore: str | None = None
    # `tidtam run --webhook URL`: Telegram's secret token (required: every request must
    # carry it), where the bot's own HTTP server listens (behind nginx), and how many
    # connections Telegram may open at once.
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    # Processes that draw the submission PDFs, at a lower priority than the answers
    # (bot.rendering). One is enough for a province; each holds about 150 MB.
    document_workers: int = Field(default=1, ge=1, le=16)

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("TIDTAM_WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("th", "en"):
            raise ValueError("TIDTAM_LANGUAGE must be 'th' or 'en'")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone
        return value

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        """The configured database URL, or the SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'tidtam.db').resolve()}"

    @property
    def contact(self) -> str:
        """The contact for help in one line ("name · phone · e-mail"), or "" if none set."""
        parts = (self.contact_name, self.contact_phone, self.contact_email)
        return " · ".join(p.strip() for p in parts if p and p.strip())

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"
