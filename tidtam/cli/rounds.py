"""``tidtam rounds``: reporting rounds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from sqlalchemy import select

from storage.db import transaction
from storage.forms import newest_version
from storage.models import Unit
from storage.rounds import open_round
from tidtam.cli.common import database, fail, load_settings, run
from tidtam.cli.dates import DateInputError, parse_moment, show_moment
from tidtam.core.periods import PeriodError, parse_period
from tidtam.core.round_dates import round_date_problems
from tidtam.core.round_policy import EXPECTED_DISBURSEMENT, TARGET_MET, read_percentage
from tidtam.core.thai import thai_to_arabic_digits
from tidtam.core.vocabulary import Certify
from tidtam.services import rounds

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


def _percent(text: str) -> str:
    """``--expected-disbursement``: a percentage from 0 to 100, as stored (``"50"``)."""
    number = read_percentage(thai_to_arabic_digits(text))
    if number is None:
        fail(f"--expected-disbursement: give a percentage from 0 to 100 such as 50, got {text!r}")
    return format(number.normalize(), "f")


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
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="open even if the deadline has passed or does not fit the period",
        ),
    ] = False,
    target_met: Annotated[
        float | None,
        typer.Option(
            "--target-met",
            help="a target counts as met from this percent of it (default 100)",
        ),
    ] = None,
    prefill_from: Annotated[
        int | None,
        typer.Option(
            "--prefill-from",
            help="start each unit from its answers in this earlier round (same form)",
        ),
    ] = None,
    expected_disbursement: Annotated[
        str | None,
        typer.Option(
            "--expected-disbursement",
            help="percent of the budget expected disbursed by the end of the period, "
            "e.g. 50 (the budget report and /lagging)",
        ),
    ] = None,
) -> None:
    """Open a reporting round and print its id."""
    settings = load_settings()
    policy: dict[str, str] = {}
    if expected_disbursement is not None:
        policy[EXPECTED_DISBURSEMENT] = _percent(expected_disbursement)
    if target_met is not None:
        if not 0 < target_met <= 1000:
            fail(f"--target-met: a percent above 0 and at most 1000, got {target_met:g}")
        policy[TARGET_MET] = f"{target_met:g}"
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
        date_problems = round_date_problems(
            parsed_period, deadline_at, now=datetime.now(UTC), tz=settings.tz
        )
        if date_problems and not force:
            fail("; ".join(date_problems) + "; check --period and --deadline, or give --force")
        round_ = await open_round(
            session,
            form=form_version,
            period=str(parsed_period),
            opens_at=opens_at,
            deadline=deadline_at,
            kinds=target_kinds,
            certify=certify,
            policy=policy,
        )
        round_id = round_.id
        if prefill_from is not None:
            try:
                carried = await rounds.prefill_from(
                    session, round_, prefill_from, now=datetime.now(UTC)
                )
            except rounds.PrefillRefused as error:
                fail(str(error))
    if prefill_from is not None:
        typer.echo(
            f"continues round {prefill_from}: {carried.submissions} units start from their "
            f"{carried.answers} answers there (copied when each unit first opens its report), "
            "each to confirm or change"
        )
    typer.echo(
        f"opened round {round_id}: {form_version.code} v{form_version.version}, "
        f"{parsed_period.thai()}, deadline {show_moment(deadline_at, settings.tz)}"
    )
    typer.echo(str(round_id))


@app.command("list")
@run
async def list_command() -> None:
    """List the rounds: form, period, dates, targets, state and progress."""
    settings = load_settings()
    now = datetime.now(UTC)
    async with database(settings) as sessions:
        listed = await rounds.summaries(sessions, now=now)
    if not listed:
        typer.echo("no rounds yet: open one with `tidtam rounds open`")
        return
    for item in listed:
        period = parse_period(item.period)
        kinds = ",".join(item.kinds) if item.kinds else "all kinds"
        extended = f" (extended {item.extensions}x)" if item.extensions else ""
        progress = item.progress
        typer.echo(
            f"#{item.round_id}  {item.form_code} v{item.form_version}  {item.period}  "
            f"{period.thai()} ({period.thai_range()})\n"
            f"    opens {show_moment(item.opens_at, settings.tz)}  "
            f"deadline {show_moment(item.deadline, settings.tz)}{extended}  "
            f"targets {progress.targets} units ({kinds})  certify {item.certify}  "
            f"state {item.state.value} ({STATE_TH[item.state.value]})\n"
            f"    progress: submitted {progress.submitted}/{progress.targets}, "
            f"certified {progress.certified}/{progress.targets}"
        )


REFUSALS = {
    rounds.Outcome.NO_SUCH_ROUND: "no round #{id}: see `tidtam rounds list`",
    rounds.Outcome.CLOSED: "round #{id} is closed: first `tidtam rounds reopen {id}`",
    rounds.Outcome.NOT_LATER: "--deadline must be after the current deadline {deadline}",
    rounds.Outcome.IN_THE_PAST: "--deadline must be in the future",
    rounds.Outcome.ALREADY_CLOSED: "round #{id} is already closed",
    rounds.Outcome.NOT_CLOSED: "round #{id} is not closed",
}


def _refuse(change: rounds.RoundChange, tz: ZoneInfo) -> None:
    if change.outcome is not rounds.Outcome.DONE:
        deadline = show_moment(change.deadline, tz) if change.deadline else ""
        fail(REFUSALS[change.outcome].format(id=change.round_id, deadline=deadline))


@app.command("extend")
@run
async def extend_command(
    round_id: Annotated[int, typer.Argument(help="the round's id (see `tidtam rounds list`)")],
    deadline: Annotated[
        str, typer.Option("--deadline", help="new deadline: YYYY-MM-DD (end of day) or ...THH:MM")
    ],
) -> None:
    """Extend a round's deadline; units not yet submitted are told once."""
    settings = load_settings()
    try:
        deadline_at = parse_moment(deadline, settings.tz, end_of_day=True)
    except DateInputError as error:
        fail(f"--deadline: {error}")
    async with database(settings) as sessions:
        change = await rounds.extend(sessions, round_id, deadline_at, now=datetime.now(UTC))
    _refuse(change, settings.tz)
    assert change.old_deadline is not None and change.deadline is not None
    typer.echo(
        f"round #{round_id}: deadline extended from {show_moment(change.old_deadline, settings.tz)}"
        f" to {show_moment(change.deadline, settings.tz)} (extension {change.extensions}); "
        "units that have not submitted will be told at the next reminder sweep"
    )


@app.command("close")
@run
async def close_command(
    round_id: Annotated[int, typer.Argument(help="the round's id (see `tidtam rounds list`)")],
) -> None:
    """Close a round: no more answers or reminders; submissions keep their state."""
    settings = load_settings()
    async with database(settings) as sessions:
        change = await rounds.close(sessions, round_id, now=datetime.now(UTC))
    _refuse(change, settings.tz)
    typer.echo(f"round #{round_id} closed: no more answers or reminders")


@app.command("reopen")
@run
async def reopen_command(
    round_id: Annotated[int, typer.Argument(help="the round's id (see `tidtam rounds list`)")],
) -> None:
    """Reopen a closed round: answers and reminders resume."""
    settings = load_settings()
    async with database(settings) as sessions:
        change = await rounds.reopen(sessions, round_id)
    _refuse(change, settings.tz)
    assert change.deadline is not None
    typer.echo(
        f"round #{round_id} reopened (deadline {show_moment(change.deadline, settings.tz)}); "
        "to give more time use `tidtam rounds extend`"
    )
