"""``tidtam forms``: questionnaires."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.errors import FormError
from flows.form import Form, Question
from flows.form_loader import load_form_file
from storage.db import transaction
from storage.errors import Conflict, NotFound
from storage.forms import form_of, form_version, store_form
from tidtam.cli.common import database, fail, load_settings, run

app = typer.Typer(no_args_is_help=True, help="Forms: the questionnaires.")


def _load(file: Path) -> tuple[Form, str]:
    """The form of a YAML or an XLSForm (.xlsx) file, and the YAML text to store.

    A workbook is stored as the YAML it was turned into: that is what was checked.
    """
    try:
        if file.suffix.lower() in (".xlsx", ".xlsm"):
            from flows.xlsform import read_xlsform_file  # pyxform is slow to import

            read = read_xlsform_file(file)
            return read.form, read.yaml
        return load_form_file(file), file.read_text(encoding="utf-8-sig")
    except FormError as error:
        lines = [str(p) for p in error.problems]
        fail(f"{len(lines)} problem(s) in {file}:\n" + "\n".join(lines))


def _describe(form: Form) -> str:
    sections = len(form.sections)
    indicators = sum(len(s.indicators) for s in form.sections)
    questions = len(form)
    groups = [p.question for p in form.questions() if p.question.repeat]
    if not groups:
        return f"{sections} sections, {indicators} indicators, {questions} questions"
    inner = sum(_count(g.questions) for g in groups)
    return (
        f"{sections} sections, {indicators} indicators, {questions} questions, "
        f"{len(groups)} of them repeat groups asking {inner} questions per item"
    )


def _count(questions: tuple[Question, ...]) -> int:
    """Questions with those of groups inside, each counted once."""
    return sum(1 + _count(q.questions) for q in questions)


@app.command("check")
def check_command(
    file: Annotated[Path, typer.Argument(help="a form file (YAML, or an XLSForm workbook .xlsx)")],
) -> None:
    """Validate a form file and print every problem with its place."""
    form, _ = _load(file)
    typer.echo(f"{file}: form {form.code} is valid: {_describe(form)}")


@app.command("load")
@run
async def load_command(
    file: Annotated[Path, typer.Argument(help="a form file (YAML, or an XLSForm workbook .xlsx)")],
) -> None:
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


@app.command("template")
def template_command(
    out: Annotated[Path, typer.Option("--out", help="the workbook to write (.xlsx)")],
) -> None:
    """Write a starting template for a new form: an XLSForm workbook, Thai and English."""
    from tidtam.samples import TEMPLATE_FILE, TEMPLATE_WORKBOOK

    if out.suffix.lower() != ".xlsx":
        fail(f"--out must name an Excel workbook ending in .xlsx, got {out}")
    if out.exists():  # never over a form someone has begun to fill in
        fail(f"{out} already exists: give another name (nothing was written)")
    try:
        out.write_bytes(TEMPLATE_WORKBOOK.read_bytes())
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror}")
    typer.echo(
        f"wrote the form template to {out}: {_describe(load_form_file(TEMPLATE_FILE))}\n"
        f"Fill it in (the sheet คำอธิบาย explains every column), then: tidtam forms check {out}"
    )


@app.command("export")
@run
async def export_command(
    code: Annotated[str, typer.Argument(help="the form's code, e.g. pb-plan-2567")],
    out: Annotated[Path, typer.Option("--out", help="the workbook to write (.xlsx)")],
    version: Annotated[
        int | None, typer.Option("--version", help="the version (default: the newest)")
    ] = None,
) -> None:
    """Write a stored form as an XLSForm workbook (survey, choices, settings, คำอธิบาย)."""
    from flows.xlsform_write import form_to_xlsform

    settings = load_settings()
    async with database(settings) as sessions, sessions() as session:
        try:
            row = await form_version(session, code, version)
        except NotFound as error:
            fail(str(error))
        form, stored = form_of(row), row.version
    try:
        out.write_bytes(form_to_xlsform(form))
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror}")
    typer.echo(f"wrote form {code} version {stored} to {out}: {_describe(form)}")
