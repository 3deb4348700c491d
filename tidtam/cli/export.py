"""``tidtam export``: a round's data as an Excel workbook or a CSV, with the files.

``tidtam export --round ID --out FILE.xlsx`` writes the workbook of
:mod:`reports.workbook` (sheets สรุป, รายหน่วยงาน, รายตัวชี้วัด, ไฟล์แนบ);
``--format csv`` the Units sheet as UTF-8 CSV with a byte-order mark; ``--files``
also a zip of the answered files next to it (``FILE-files.zip``); ``--pdf DIR``
the submission PDF (แบบรายงาน, :mod:`reports.submission_pdf`) of every submitted or
certified unit into ``DIR``, one file per unit named by its code (the PDF the bot
kept when it sent it, while the report prints the same; the others drawn on every
core: :mod:`storage.submission_pdfs`). Problems are
found before anything is written: an unknown round, a wrong extension, a folder
that does not exist or cannot be written.
"""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tidtam.cli.common import database, fail, load_settings, run

if TYPE_CHECKING:
    from reports.submission_doc import SubmissionDoc


class ExportFormat(enum.StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


def files_zip_path(out: Path) -> Path:
    """Where ``--files`` puts the zip: ``report.xlsx`` → ``report-files.zip``."""
    return out.with_name(f"{out.stem}-files.zip")


def check_target(path: Path, option: str) -> None:
    """Fail with one line unless a file can be written at ``path`` (nothing is left)."""
    try:
        _check_writable(path, option)
    except OSError as error:  # e.g. a name too long for the file system, even to look up
        fail(f"{option} {path}: cannot write there ({error.strerror or error})")


def _check_writable(path: Path, option: str) -> None:
    folder = path.parent
    if not folder.is_dir():
        fail(f"{option} {path}: the folder {folder} does not exist")
    if path.is_dir():
        fail(f"{option} {path}: is a folder, give a file name")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        fail(f"{option} {path}: cannot write there (permission denied)")
    existed = path.exists()
    # What os.access cannot tell (root passes it): a read-only file system, /proc.
    with path.open("ab"):
        pass
    if not existed:
        path.unlink(missing_ok=True)


@run
async def export_command(
    round_id: Annotated[
        int, typer.Option("--round", help="the round's id (see `tidtam rounds list`)")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="the file to write: FILE.xlsx, or FILE.csv")
    ] = None,
    export_format: Annotated[
        ExportFormat, typer.Option("--format", help="xlsx (the workbook) or csv (the units sheet)")
    ] = ExportFormat.XLSX,
    files: Annotated[
        bool, typer.Option("--files", help="also zip the uploaded files as FILE-files.zip")
    ] = False,
    pdf: Annotated[
        Path | None,
        typer.Option(
            "--pdf",
            help="a folder: one PDF per submitted or certified unit; or FILE.zip: all in one zip",
        ),
    ] = None,
) -> None:
    """Export a round: every unit's answers, the summary, the indicators and the files."""
    # Imported here: pandas and the workbook writers are heavy for the rest of the CLI.
    from reports.errors import UnknownRound
    from reports.snapshot import load_round_snapshot
    from reports.workbook import write_csv, write_files_zip, write_workbook
    from storage.targets import targets_of

    settings = load_settings()
    if out is None and pdf is None:
        fail("give --out FILE (the workbook or CSV), --pdf DIR (the units' PDFs), or both")
    if pdf is not None:
        _check_folder(pdf)
    if out is None:
        if files:
            fail("--files needs --out FILE: the zip is written next to it")
        assert pdf is not None
        await _export_pdfs(round_id, pdf)
        return
    suffix = f".{export_format.value}"
    if out.suffix.lower() != suffix:
        fail(f"--out {out}: a {export_format.value} export needs a file name ending in {suffix}")
    check_target(out, "--out")
    zip_path = files_zip_path(out)
    if files:
        check_target(zip_path, "--files")
    async with database(settings) as sessions, sessions() as session:
        try:
            snapshot = await load_round_snapshot(session, round_id)
        except UnknownRound:
            fail(f"--round: there is no round {round_id}; see `tidtam rounds list`")
        goals = await targets_of(session, snapshot.form.code, snapshot.round.period)
    try:
        if export_format is ExportFormat.XLSX:
            write_workbook(
                snapshot,
                out,
                files_root=settings.files_dir.resolve(),
                tz=settings.tz,
                targets=goals,
            )
        else:
            write_csv(snapshot, out, tz=settings.tz)
    except OSError as error:
        fail(f"--out {out}: {error.strerror or error}")
    units = int(snapshot.targets.shape[0])
    typer.echo(
        f"wrote {out}: round {round_id}, {units} units, "
        f"{len(snapshot.form)} questions ({export_format.value})"
    )
    if files:
        try:
            result = write_files_zip(snapshot, settings.files_dir, zip_path)
        except OSError as error:
            fail(f"--files {zip_path}: {error.strerror or error}")
        typer.echo(f"wrote {zip_path}: {result.written} files")
        for name in result.missing:
            typer.echo(f"warning: {name} is missing from {settings.files_dir}", err=True)
    if pdf is not None:
        await _export_pdfs(round_id, pdf)


def _check_folder(folder: Path) -> None:
    if folder.suffix.lower() == ".zip":
        check_target(folder, "--pdf")
        return
    if folder.exists() and not folder.is_dir():
        fail(f"--pdf {folder}: is a file, give a folder")
    if not folder.exists() and not folder.parent.is_dir():
        fail(f"--pdf {folder}: the folder {folder.parent} does not exist")
    where = folder if folder.exists() else folder.parent
    if not os.access(where, os.W_OK):
        fail(f"--pdf {folder}: cannot write there (permission denied)")


def _write_pdfs(docs: list[SubmissionDoc], made: dict[str, Path], folder: Path) -> None:
    from reports.pdf_batch import write_submission_pdfs, zip_submission_pdfs

    try:
        if folder.suffix.lower() == ".zip":
            zip_submission_pdfs(docs, folder, made=made)
        else:
            write_submission_pdfs(docs, folder, made=made)
    except OSError as error:
        fail(f"--pdf {folder}: {error.strerror or error}")


async def _export_pdfs(round_id: int, folder: Path) -> None:
    """Write the PDF of every submitted or certified unit of the round into ``folder``."""
    from reports.errors import UnknownRound
    from storage.files import FileStore
    from tidtam.services.deps import ServiceDeps
    from tidtam.services.documents import round_pdfs

    settings = load_settings()
    async with database(settings) as sessions:
        deps = ServiceDeps(sessions, FileStore(settings.files_dir), settings.tz)
        try:
            found = await round_pdfs(deps, round_id)
        except UnknownRound:
            fail(f"--round: there is no round {round_id}; see `tidtam rounds list`")
    _write_pdfs(found.docs, found.made, folder)
    typer.echo(
        f"wrote {len(found.docs)} PDFs to {folder}: round {round_id}, submitted or certified"
        f" units ({len(found.made)} as the bot sent them, {len(found.docs) - len(found.made)}"
        " drawn now)"
    )
