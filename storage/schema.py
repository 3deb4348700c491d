"""Create or migrate the schema with Alembic (``tidtam db upgrade``), and tell where it is.

Alembic (with Mako) weighs about 10 MB once imported, and the running bot only needs
to know, at start, whether the database is at the newest revision: so Alembic is
imported by the commands that migrate, and the check at start reads Alembic's own
``alembic_version`` table with plain SQL against :data:`HEAD_REVISION`, which
``tests/storage/test_schema.py`` holds equal to the newest migration's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest migration in ``storage/migrations/versions`` (raise it with each new one).
HEAD_REVISION: Final = "0006"


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "storage:migrations")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision``; harmless when it is there."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def _upgrade(connection: object) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at; None if it was never migrated."""
    async with engine.connect() as connection:
        if not await connection.run_sync(lambda sync: inspect(sync).has_table("alembic_version")):
            return None
        revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    return None if revision is None else str(revision)


def head_revision() -> str:
    """The newest migration shipped with this version of tidtam."""
    return HEAD_REVISION
