"""``tidtam rounds``: reporting rounds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlalchemy import select

from storage.db import transaction
from storage.forms import newest_version
from storage.models import Unit
from storage.rounds import list_rounds, open_round, round_state
from tidtam.cli.common import database, fail, load_settings, run
from tidtam.cli.dates import DateInputError, parse_moment, show_moment
from tidtam.core.periods import PeriodError, parse_period
from tidtam.core.vocabulary import Certify

app = typer.Typer(no_args_is_help=True, help="Rounds: reporting periods of a form.")

STATE_TH = {
    "scheduled": "ยังไม่เปิด",
    "open": "เปิดรับรายงาน",
    "overdue": "เกินกำหนดส่ง",
    "closed": "ปิดแล้ว",
}


def _kinds(text: str | None) -> list[str] | None:
    if not text:
        return None
    kinds = sorted({k.strip() for k in text.split(",") if k.strip()})
    return kinds or None


@app.command("open")
@run
async def open_command(
    form: Annotated[
        str, typer.Option("--form", help="form code; its newest loaded version is used")
    ],
    period: Annotated[
        str, typer.Option("--period", help="fiscal year 2567 or quarter 2567-Q2 (BE)")
    ],
    deadline: Annotated[
        str, typer.Option("--deadline", help="YYYY-MM-DD (end of day) or ...THH:MM")
    ],
    opens: Annotated[
        str | None, typer.Option("--opens", help="YYYY-MM-DD[THH:MM]; default now")
    ] = None,
    kinds: Annotated[
        str | None, typer.Option("--kinds", help="unit kinds that report, e.g. esa,school")
    ] = None,
    certify: Annotated[
        Certify, typer.Option("--certify", help="who certifies submissions")
    ] = Certify.HEAD,
) -> None:
    """Open a reporting round and print its id."""
    settings = load_settings()
    try:
        parsed_period = parse_period(period)
    except PeriodError as error:
        fail(f"--period: {error}")
    try:
        deadline_at = parse_moment(deadline, settings.tz, end_of_day=True)
        opens_at = (
            parse_moment(opens, settings.tz, end_of_day=False) if opens else datetime.now(UTC)
        )
    except DateInputError as error:
        fail(f"--deadline/--opens: {error}")
    if deadline_at <= opens_at:
        fail(
            f"--deadline {show_moment(deadline_at, settings.tz)} is not after the opening "
            f"{show_moment(opens_at, settings.tz)}"
        )
    target_kinds = _kinds(kinds)
    async with database(settings) as sessions, transaction(sessions) as session:
        form_version = await newest_version(session, form)
        if form_version is None:
            fail(f'--form: no form "{form}" is loaded; load it with `tidtam forms load FILE`')
        known = set((await session.scalars(select(Unit.kind).distinct())).all())
        if not known:
            fail("there are no units yet: import them with `tidtam units import FILE`")
        unknown = sorted(set(target_kinds or ()) - known)
        if unknown:
            fail(
                f"--kinds: no unit has kind {', '.join(unknown)}; "
                f"kinds in the database: {', '.join(sorted(known))}"
            )
        round_ = await open_round(
            session,
            form=form_version,
            period=str(parsed_period),
            opens_at=opens_at,
            deadline=deadline_at,
            kinds=target_kinds,
            certify=certify,
        )
        round_id = round_.id
    typer.echo(
        f"opened round {round_id}: {form_version.code} v{form_version.version}, "
        f"{parsed_period.thai()}, deadline {show_moment(deadline_at, settings.tz)}"
    )
    typer.echo(str(round_id))


@app.command("list")
@run
async def list_command() -> None:
    """List the rounds with their form, period, dates, targets and state."""
    settings = load_settings()
    now = datetime.now(UTC)
    async with database(settings) as sessions, transaction(sessions) as session:
        listings = await list_rounds(session)
    if not listings:
        typer.echo("no rounds yet: open one with `tidtam rounds open`")
        return
    for item in listings:
        round_ = item.round
        period = parse_period(round_.period)
        state = round_state(round_, now)
        kinds = ",".join(round_.kinds) if round_.kinds else "all kinds"
        typer.echo(
            f"#{round_.id}  {item.form_code} v{item.form_version}  {round_.period}  "
            f"{period.thai()} ({period.thai_range()})\n"
            f"    opens {show_moment(round_.opens_at, settings.tz)}  "
            f"deadline {show_moment(round_.deadline, settings.tz)}  "
            f"targets {item.target_units} units ({kinds})  certify {round_.certify}  "
            f"state {state.value} ({STATE_TH[state.value]})"
        )
