"""``tidtam targets import FILE --form CODE``: ค่าเป้าหมาย per unit (docs/design.md §3)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tidtam.cli.common import database, fail, load_settings, run
from tidtam.core.unitsfile import UnitsFileError
from tidtam.services.targets import import_targets_file

app = typer.Typer(no_args_is_help=True, help="Targets (ค่าเป้าหมาย) per unit, question and period.")


@app.command("import")
@run
async def import_command(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX: unit_code,question,period,target")],
    form: Annotated[str, typer.Option("--form", help="the form's code (see `tidtam forms list`)")],
) -> None:
    """Store the targets of FILE for a form; every problem at once, nothing half-written."""
    settings = load_settings()
    async with database(settings) as sessions:
        try:
            done = await import_targets_file(sessions, file, form)
        except UnitsFileError as error:
            lines = [str(p) for p in error.problems]
            fail(f"{len(lines)} problem(s), nothing was imported:\n" + "\n".join(lines))
    typer.echo(
        f"imported {done.stored} targets for form {done.form_code} "
        f"({', '.join(done.periods) or 'no period'})"
    )
