"""``tidtam demo``: a whole reporting round offline, with no token and no network.

Runs :func:`tidtam.demo.run.run_demo` under a progress bar over the simulated days,
prints what happened day by day, the province status by agency and the paths of the
workbook and the chart; ``--interactive`` chats with the bot as a school's reporter
instead (:mod:`tidtam.demo.interactive`).

The data folder is ``--data-dir``, else ``TIDTAM_DATA_DIR`` when it is set, else a
new temporary folder (kept, so that the files can be opened afterwards).
"""

from __future__ import annotations

import asyncio
import enum
import os
import tempfile
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reports.labels import short_name
from tidtam.cli.common import fail, load_settings
from tidtam.demo import narration
from tidtam.demo.interactive import read_stdin, run_interactive
from tidtam.demo.run import DemoOptions, DemoResult, run_demo


class Language(enum.StrEnum):
    TH = "th"
    EN = "en"


def data_folder(given: Path | None) -> Path:
    """``--data-dir``, else ``TIDTAM_DATA_DIR`` if set, else a new temporary folder."""
    if given is not None:
        return given
    settings = load_settings()
    if "TIDTAM_DATA_DIR" in os.environ or "data_dir" in settings.model_fields_set:
        return settings.data_dir
    return Path(tempfile.mkdtemp(prefix="tidtam-demo-"))


class _Bar:
    """The observer: a progress bar over the simulated days, lines printed above it."""

    def __init__(self, progress: Progress, language: str) -> None:
        self.progress = progress
        self.language = language
        self.task = progress.add_task(narration.text(language, "progress"), total=None)

    def started(self, days: int) -> None:
        self.progress.update(self.task, total=days)

    def line(self, text: str) -> None:
        self.progress.console.print(text, highlight=False, markup=False)

    def day_done(self, day: int) -> None:
        self.progress.update(self.task, completed=day + 1)


HEADERS = {
    "th": ("หน่วยงานต้นสังกัด", "ทั้งหมด", "รับรองแล้ว", "ส่งแล้ว รอรับรอง", "กำลังทำ",
           "ยังไม่เริ่ม", "เกินกำหนด", "ร้อยละที่ส่ง"),
    "en": ("agency", "units", "certified", "submitted", "in progress", "not started",
           "overdue", "done %"),
}  # fmt: skip


def status_table(status: pd.DataFrame, language: str) -> Table:
    """The province status by agency, with the total row last."""
    table = Table(title=narration.text(language, "status"))
    for number, header in enumerate(HEADERS[language]):
        table.add_column(header, justify="left" if number == 0 else "right")
    for row in status.to_dict("records"):
        table.add_row(
            short_name(str(row["name"]), 28),
            str(row["total"]),
            str(row["certified"]),
            str(row["submitted"]),
            str(row["in_progress"] + row["returned"]),
            str(row["not_started"]),
            str(row["overdue"]),
            f"{row['done_pct']:.1f}",
        )
    return table


def _report(console: Console, result: DemoResult, language: str) -> None:
    console.print(status_table(result.status, language))
    for key, path in (("workbook", result.workbook), ("chart", result.chart)):
        console.print(narration.text(language, key, path=path), highlight=False, markup=False)
    console.print(
        narration.text(
            language,
            "elapsed",
            seconds=result.seconds,
            given=result.answers_given,
            bot=result.answers_by_bot,
            stored=result.answers_stored,
            other=result.answers_stored - result.answers_by_bot,
        ),
        highlight=False,
        markup=False,
    )


def demo_command(
    units: Annotated[
        int | None,
        typer.Option("--units", min=0, help="schools to take (default: all 310 of the sample)"),
    ] = None,
    speed: Annotated[
        float,
        typer.Option("--speed", min=0.1, max=10.0, help="how many people act at once (x32)"),
    ] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="the same seed plays the same round")] = 1,
    lang: Annotated[
        Language, typer.Option("--lang", help="language of the story and of the people")
    ] = Language.TH,
    interactive: Annotated[
        bool,
        typer.Option("--interactive", help="chat with the bot as a school's reporter instead"),
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="where the database, files and reports go"),
    ] = None,
) -> None:
    """A whole reporting round offline: a fake Telegram, the real bot, simulated people."""
    folder = data_folder(data_dir)
    options = DemoOptions(
        data_dir=folder,
        units=units,
        speed=speed,
        seed=seed,
        language=lang.value,
    )
    if interactive:
        asyncio.run(run_interactive(options, read_stdin, typer.echo))
        return
    console = Console()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        try:
            result = asyncio.run(run_demo(options, _Bar(progress, lang.value)))
        except (AssertionError, OSError) as error:
            fail(f"the demo stopped: {error}")
    _report(console, result, lang.value)
