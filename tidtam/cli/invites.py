"""``tidtam invites``: one-time registration codes."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from tidtam.cli.common import database, echo_err, fail, load_settings, run
from tidtam.core.csv_cells import csv_cell
from tidtam.core.invite_codes import format_code
from tidtam.core.vocabulary import Role
from tidtam.services import invites
from tidtam.services.invites import Refusal, invite_units
from tidtam.settings import Settings

app = typer.Typer(no_args_is_help=True, help="Invites: one-time registration codes.")


async def bot_username(settings: Settings) -> str | None:
    """The bot's username: from the settings, or asked from Telegram when a token is set."""
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    if settings.bot_token is None:
        return None
    from telegram import Bot
    from telegram.error import TelegramError

    bot = Bot(
        settings.bot_token.get_secret_value(),
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
    )
    try:
        async with bot:
            return bot.username
    except TelegramError as error:
        echo_err(f"warning: could not ask Telegram for the bot's username: {error}")
        return None


@app.command("create")
@run
async def create_command(
    role: Annotated[Role, typer.Option("--role", help="the role the code grants")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write")],
    unit: Annotated[str | None, typer.Option("--unit", help="one unit's code")] = None,
    all_units: Annotated[bool, typer.Option("--all", help="every unit (of --kinds)")] = False,
    kinds: Annotated[
        str | None, typer.Option("--kinds", help="with --all: only these kinds")
    ] = None,
    days: Annotated[
        int, typer.Option("--days", min=1, max=366, help="days until the codes expire")
    ] = 60,
) -> None:
    """Create a fresh one-time code per unit and write them to a CSV file."""
    if (unit is None) == (not all_units):
        fail("give either --unit CODE or --all")
    if kinds and not all_units:
        fail("--kinds goes with --all")
    settings = load_settings()
    username = await bot_username(settings)
    if username is None:
        echo_err(
            "warning: the link column is empty: set TIDTAM_BOT_USERNAME (or a token) for links"
        )
    kind_list = [k.strip() for k in kinds.split(",")] if kinds else None
    async with database(settings) as sessions:
        result = await invite_units(
            sessions,
            role,
            unit_code=unit,
            kinds=kind_list,
            now=datetime.now(UTC),
            valid_for=timedelta(days=days),
            bot_username=username,
        )
    match result.refusal:
        case Refusal.UNKNOWN_UNIT:
            fail(f'--unit: no unit has code "{unit}"')
        case Refusal.NO_UNITS:
            fail(f"no units of kinds {kinds}" if kinds else "there are no units yet")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_code", "unit_name", "role", "code", "link"])
        for invitation in result.issued:
            invite = invitation.invite
            writer.writerow(
                [  # unit codes and names come from a units file: never a formula
                    csv_cell(invite.unit_code),
                    csv_cell(invite.unit_name),
                    invite.role.value,
                    format_code(invite.code),
                    invitation.link,
                ]
            )
    expires = result.issued[0].invite.expires_at.astimezone(settings.tz).strftime("%Y-%m-%d")
    typer.echo(f"wrote {len(result.issued)} {role.value} invite(s) to {out}, valid until {expires}")


@app.command("list")
@run
async def list_command(
    role: Annotated[
        Role | None,
        typer.Option("--role", help="only this role, and list the units where nobody holds it"),
    ] = None,
    kinds: Annotated[
        str | None, typer.Option("--kinds", help="with --role: units of these kinds only")
    ] = None,
) -> None:
    """Codes by unit: used, unused, expired (or revoked), and members registered."""
    settings = load_settings()
    kind_list = [k.strip() for k in kinds.split(",") if k.strip()] if kinds else None
    async with database(settings) as sessions:
        found = await invites.report(sessions, now=datetime.now(UTC), role=role, kinds=kind_list)
    if not found.by_unit:
        typer.echo("no invites yet: create them with `tidtam invites create`")
    for row in found.by_unit:
        typer.echo(
            f"{row.unit_code}  {row.unit_name}  {row.role}: used {row.used}, unused {row.unused}, "
            f"expired {row.expired}; registered {row.registered}"
        )
    if role is not None:
        typer.echo(f"{len(found.without)} unit(s) with nobody registered as {role.value}:")
        for code, name in found.without:
            typer.echo(f"  {code}  {name}")


@app.command("revoke")
@run
async def revoke_command(
    code: Annotated[str | None, typer.Argument(help="one code, as handed out")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="every unused code of this unit instead")
    ] = None,
    role: Annotated[Role | None, typer.Option("--role", help="with --unit: only this role")] = None,
) -> None:
    """Make a code (or every unused code of a unit) unusable at once."""
    if (code is None) == (unit is None):
        fail("give either a CODE or --unit UNIT")
    if role is not None and unit is None:
        fail("--role goes with --unit")
    settings = load_settings()
    async with database(settings) as sessions:
        done = await invites.revoke(
            sessions, now=datetime.now(UTC), code=code, unit_code=unit, role=role
        )
    if done.outcome is invites.Outcome.NO_SUCH_CODE:
        fail("no unused code matches: it is wrong, already used or already revoked")
    if done.outcome is invites.Outcome.NO_SUCH_UNIT:
        fail(f'--unit: no unit has code "{unit}"')
    typer.echo(f"revoked {done.count} unused code(s)")
