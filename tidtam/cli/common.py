"""What every command shares: settings, the database, clear failures."""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import NoReturn, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import create_engine, session_factory
from storage.schema import current_revision, head_revision
from tidtam.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` to standard error and leave with ``code``."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"TIDTAM_{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        fail(f"bad settings: {problems}")


def run(coroutine_function: Callable[P, Awaitable[T]]) -> Callable[P, T]:
    """Run an async command body to completion."""

    @functools.wraps(coroutine_function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        async def main() -> T:
            return await coroutine_function(*args, **kwargs)

        return asyncio.run(main())

    return wrapper


@asynccontextmanager
async def database(
    settings: Settings, *, require_schema: bool = True
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the configured database, checked to be at the newest schema."""
    url = settings.effective_database_url
    engine = create_engine(url)
    try:
        if require_schema:
            try:
                revision = await current_revision(engine)
            except (OSError, SQLAlchemyError) as error:
                fail(f"cannot open the database: {error.__class__.__name__}: {error}")
            if revision != head_revision():
                fail(
                    "the database schema is not up to date "
                    f"(at {revision or 'nothing'}, newest {head_revision()}): "
                    "run `tidtam db upgrade` first"
                )
        yield session_factory(engine)
    finally:
        await engine.dispose()


def echo_err(message: str) -> None:
    print(message, file=sys.stderr)
