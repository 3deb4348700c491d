"""``tidtam files``: the store of uploaded files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from storage.db import transaction
from storage.file_sweep import GRACE, sweep_unreferenced_files
from storage.files import FileStore
from tidtam.cli.common import database, load_settings, run

app = typer.Typer(no_args_is_help=True, help="Files: the uploaded files under the data folder.")


@app.command("sweep")
@run
async def sweep_command(
    grace_minutes: Annotated[
        int,
        typer.Option(
            "--grace-minutes", min=0, help="keep files younger than this (an upload under way)"
        ),
    ] = int(GRACE.total_seconds() // 60),
) -> None:
    """Remove stored files that no attachment refers to (left by crashes and refusals)."""
    settings = load_settings()
    store = FileStore(settings.files_dir)
    async with database(settings) as sessions, transaction(sessions) as session:
        swept = await sweep_unreferenced_files(
            session, store, datetime.now(UTC), grace=timedelta(minutes=grace_minutes)
        )
    typer.echo(
        f"removed {swept.removed} unreferenced file(s) ({swept.freed_bytes} bytes), "
        f"kept {swept.kept}"
    )
