"""Shared fixtures: a fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (trust auth, user postgres). Each test
creates its own database and drops it afterwards. Where the server cannot be reached
the PostgreSQL variants are skipped, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, session_factory
from storage.schema import upgrade

PG_HOST = os.environ.get("TIDTAM_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("TIDTAM_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("TIDTAM_TEST_PG_USER", "postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@asynccontextmanager
async def scratch_postgres() -> AsyncIterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    name = f"tidtam_test_{uuid.uuid4().hex[:12]}"
    admin = await _pg_admin()
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        admin = await _pg_admin()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def _pg_admin() -> asyncpg.Connection:
    return await asyncpg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres", timeout=5
    )


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    import asyncio

    async def probe() -> bool:
        try:
            connection = await _pg_admin()
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return False
        await connection.close()
        return True

    return asyncio.run(probe())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_available: bool
) -> AsyncIterator[str]:
    """A URL of an empty database that exists for this test only."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    if not postgres_available:
        if IN_CI:
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is required in CI but cannot be reached")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    async with scratch_postgres() as url:
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh database migrated to the newest schema."""
    engine = create_engine(database_url)
    await upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_tidtam_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep a developer's TIDTAM_* variables and .env out of the tests."""
    for key in list(os.environ):
        if key.startswith("TIDTAM_"):
            monkeypatch.delenv(key)
    yield
