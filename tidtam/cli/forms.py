"""``tidtam forms``: questionnaires."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.errors import FormError
from flows.form import Form
from flows.form_loader import load_form_file
from storage.db import transaction
from storage.errors import Conflict
from storage.forms import store_form
from tidtam.cli.common import database, fail, load_settings, run

app = typer.Typer(no_args_is_help=True, help="Forms: the questionnaires.")


def _load(file: Path) -> tuple[Form, str]:
    try:
        return load_form_file(file), file.read_text(encoding="utf-8-sig")
    except FormError as error:
        lines = [str(p) for p in error.problems]
        fail(f"{len(lines)} problem(s) in {file}:\n" + "\n".join(lines))


def _describe(form: Form) -> str:
    sections = len(form.sections)
    indicators = sum(len(s.indicators) for s in form.sections)
    questions = len(form)
    return f"{sections} sections, {indicators} indicators, {questions} questions"


@app.command("check")
def check_command(file: Annotated[Path, typer.Argument(help="a form file (YAML)")]) -> None:
    """Validate a form file and print every problem with its place."""
    form, _ = _load(file)
    typer.echo(f"{file}: form {form.code} is valid: {_describe(form)}")


@app.command("load")
@run
async def load_command(file: Annotated[Path, typer.Argument(help="a form file (YAML)")]) -> None:
    """Validate a form file and store it as a new version."""
    form, source = _load(file)
    settings = load_settings()
    async with database(settings) as sessions:
        try:
            async with transaction(sessions) as session:
                stored = await store_form(session, form, source)
        except Conflict as error:
            fail(str(error))
    typer.echo(f"loaded form {stored.code} version {stored.version}: {_describe(form)}")
