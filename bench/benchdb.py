"""The benchmarks' throwaway databases: a new empty one, and how to drop it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


async def create_database(
    kind: str, folder: Path, prefix: str = "tidtam_bench"
) -> tuple[str, Callable[[], Awaitable[None]]]:
    """A URL of a new empty database (SQLite in ``folder``, or PostgreSQL), and its drop."""
    if kind == "sqlite":

        async def nothing() -> None:
            return None

        return f"sqlite+aiosqlite:///{folder / 'bench.db'}", nothing
    import asyncpg  # type: ignore[import-untyped]

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(database="postgres", timeout=5, **PG)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()

    async def drop() -> None:
        admin = await asyncpg.connect(database="postgres", timeout=5, **PG)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    return f"postgresql+asyncpg://{PG['user']}@{PG['host']}:{PG['port']}/{name}", drop
