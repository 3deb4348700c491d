"""``tidtam db``: create or migrate the schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storage.db import create_engine
from storage.schema import current_revision, upgrade
from tidtam.cli.common import fail, load_settings, run
from tidtam.services import backup

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


@app.command("backup")
@run
async def backup_command(
    file: Annotated[Path, typer.Argument(help="the archive to write, e.g. tidtam-2567-04-01.tgz")],
) -> None:
    """Write one consistent archive of the database and the uploaded files (bot may run)."""
    settings = load_settings()
    try:
        done = await backup.backup(
            settings.effective_database_url, settings.files_dir, file, pg_dump=settings.pg_dump
        )
    except backup.BackupError as error:
        fail(str(error))
    found = done.digest
    typer.echo(
        f"backed up the {done.dialect} database (revision {done.revision}) and {done.files} "
        f"file(s) to {done.path}: {found.answers} answer(s) "
        f"(sha256 {found.answers_sha256[:12]}), {found.attachments} attachment(s)"
    )


@app.command("restore")
@run
async def restore_command(
    file: Annotated[Path, typer.Argument(help="an archive written by `tidtam db backup`")],
    force: Annotated[
        bool, typer.Option("--force", help="replace a database and files folder that are not empty")
    ] = False,
) -> None:
    """Restore an archive into an empty database and data folder, then check it."""
    settings = load_settings()
    try:
        done = await backup.restore(
            settings.effective_database_url,
            settings.files_dir,
            file,
            force=force,
            pg_restore=settings.pg_restore,
        )
    except backup.BackupError as error:
        fail(str(error))
    expected, found = done.expected, done.found
    answers_ok = (expected.answers, expected.answers_sha256) == (
        found.answers,
        found.answers_sha256,
    )
    attachments_ok = (expected.attachments, expected.attachments_sha256) == (
        found.attachments,
        found.attachments_sha256,
    )
    typer.echo(
        f"answers: {found.answers} of {expected.answers}, sha256 "
        f"{'matches' if answers_ok else 'DIFFERS'}"
    )
    typer.echo(
        f"attachments: {found.attachments} of {expected.attachments}, sha256 "
        f"{'matches' if attachments_ok else 'DIFFERS'}"
    )
    typer.echo(f"files: {done.files - len(done.bad_files)} of {done.files} present and intact")
    for key in done.bad_files:
        typer.echo(f"  missing or damaged: {key}", err=True)
    if not done.ok:
        fail("the restored data does not match the backup")
    typer.echo("restore checked: every answer and file is as in the backup")
