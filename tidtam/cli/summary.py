"""``tidtam summary``: the committee report (รายงานผลการติดตาม) of a round, DOCX or PDF.

``tidtam summary --round ID --out FILE.docx`` writes the Word document officers
edit for the provincial education committee (:mod:`reports.committee_docx`);
``--out FILE.pdf`` the same content as PDF (:mod:`reports.committee_pdf`). The whole
round is covered, by agency.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tidtam.cli.common import database, fail, load_settings, run
from tidtam.cli.export import check_target

if TYPE_CHECKING:
    from reports.snapshot import RoundSnapshot

SUFFIXES = (".docx", ".pdf")


@run
async def summary_command(
    round_id: Annotated[
        int, typer.Option("--round", help="the round's id (see `tidtam rounds list`)")
    ],
    out: Annotated[Path, typer.Option("--out", help="the file to write: FILE.docx or FILE.pdf")],
) -> None:
    """Write the committee report of a round (Word or PDF)."""
    from reports.errors import UnknownRound
    from reports.snapshot import load_round_snapshot

    settings = load_settings()
    if out.suffix.lower() not in SUFFIXES:
        fail(f"--out {out}: the report is written as FILE.docx or FILE.pdf")
    check_target(out, "--out")
    async with database(settings) as sessions, sessions() as session:
        try:
            snapshot = await load_round_snapshot(session, round_id)
        except UnknownRound:
            fail(f"--round: there is no round {round_id}; see `tidtam rounds list`")
        from storage.targets import targets_of

        goals = await targets_of(session, snapshot.form.code, snapshot.round.period)
    _write(snapshot, out, settings.tz, goals)
    typer.echo(f"wrote {out}: committee report of round {round_id}")


def scope_name(snapshot: RoundSnapshot) -> str:
    """The round's single root unit (the province office), else "ทุกหน่วยงาน"."""
    roots = snapshot.units[snapshot.units["depth"] == 0]
    return str(roots["name"].iloc[0]) if len(roots) == 1 else "ทุกหน่วยงาน"


def _write(
    snapshot: RoundSnapshot, out: Path, tz: tzinfo, targets: Mapping[tuple[int, str], Decimal]
) -> None:
    from reports.committee import committee_report

    report = committee_report(
        snapshot, scope_name=scope_name(snapshot), tz=tz, targets=targets
    )
    try:
        if out.suffix.lower() == ".pdf":
            from reports.committee_pdf import committee_pdf

            out.write_bytes(committee_pdf(report))
        else:
            from reports.committee_docx import write_committee_docx

            write_committee_docx(report, out)
    except OSError as error:
        fail(f"--out {out}: {error.strerror or error}")
