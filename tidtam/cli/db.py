"""``tidtam db``: create or migrate the schema."""

from __future__ import annotations

import typer

from storage.db import create_engine
from storage.schema import current_revision, upgrade
from tidtam.cli.common import fail, load_settings, run

app = typer.Typer(no_args_is_help=True, help="The database.")


@app.command("upgrade")
@run
async def upgrade_command() -> None:
    """Create or migrate the schema; running it again is harmless."""
    settings = load_settings()
    engine = create_engine(settings.effective_database_url)
    try:
        before = await current_revision(engine)
        await upgrade(engine)
        after = await current_revision(engine)
    except OSError as error:
        fail(f"cannot reach the database: {error}")
    finally:
        await engine.dispose()
    if before == after:
        typer.echo(f"database already at revision {after}")
    else:
        typer.echo(f"database upgraded from {before or 'empty'} to revision {after}")
