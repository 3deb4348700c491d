"""``tidtam units``: the organisation tree."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tidtam.cli.common import database, fail, load_settings, run
from tidtam.core.unitsfile import UnitsFileError
from tidtam.services.units import import_units_file

app = typer.Typer(no_args_is_help=True, help="Units: the province's organisation tree.")


@app.command("import")
@run
async def import_command(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX: code,name,kind,parent_code,district")],
) -> None:
    """Add or update units from a file; on any error nothing is written."""
    settings = load_settings()
    async with database(settings) as sessions:
        try:
            summary = await import_units_file(sessions, file)
        except UnitsFileError as error:
            fail(_problems(error))
    typer.echo(
        f"{file.name}: {summary.added} added, {summary.updated} updated, "
        f"{summary.unchanged} unchanged"
    )


def _problems(error: UnitsFileError) -> str:
    lines = [str(p) for p in error.problems]
    return f"{len(lines)} problem(s), nothing was imported:\n" + "\n".join(lines)
