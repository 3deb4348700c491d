"""``tidtam members``: who is registered, revoking, changing roles, forgetting (PDPA)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from tidtam.cli.common import database, fail, load_settings, run
from tidtam.cli.dates import show_moment
from tidtam.core.vocabulary import Role
from tidtam.services import members

app = typer.Typer(no_args_is_help=True, help="Members: people registered at units.")

MemberId = Annotated[int, typer.Argument(help="the membership's id (see `tidtam members list`)")]


@app.command("list")
@run
async def list_command(
    unit: Annotated[str | None, typer.Option("--unit", help="only this unit's code")] = None,
    role: Annotated[Role | None, typer.Option("--role", help="only this role")] = None,
) -> None:
    """List memberships: id, name, role, unit, registered, last seen, reachable."""
    settings = load_settings()
    async with database(settings) as sessions:
        listing = await members.list_members(sessions, unit_code=unit, role=role)
    if listing.outcome is members.Outcome.NO_SUCH_UNIT:
        fail(f'--unit: no unit has the code "{unit}"; see `tidtam units list`')
    if not listing.rows:
        typer.echo("no members: hand out invitations with `tidtam invites create`")
        return
    for row in listing.rows:
        seen = show_moment(row.last_seen, settings.tz) if row.last_seen else "never"
        typer.echo(
            f"#{row.member_id}  {row.name or '-'}  {row.role}  {row.unit_code} {row.unit_name}  "
            f"registered {show_moment(row.registered_at, settings.tz)}  last seen {seen}  "
            f"{'reachable' if row.reachable else 'UNREACHABLE (blocked the bot)'}  "
            f"telegram {row.telegram_user_id}"
        )
    typer.echo(f"{len(listing.rows)} membership(s)")


@app.command("revoke")
@run
async def revoke_command(member_id: MemberId) -> None:
    """Take a membership away at once (answers already given stay)."""
    settings = load_settings()
    async with database(settings) as sessions:
        change = await members.revoke(sessions, member_id, now=datetime.now(UTC))
    if change.outcome is members.Outcome.NO_SUCH_MEMBER or change.row is None:
        fail(f"no membership #{member_id}: see `tidtam members list`")
    row = change.row
    lost = " (no membership left: the bot refuses them from now on)" if change.access_lost else ""
    typer.echo(f"revoked #{member_id}: {row.name or '-'}, {row.role} of {row.unit_code}{lost}")


@app.command("role")
@run
async def role_command(
    member_id: MemberId,
    role: Annotated[Role, typer.Argument(help="the new role")],
) -> None:
    """Give a membership another role."""
    settings = load_settings()
    async with database(settings) as sessions:
        change = await members.set_role(sessions, member_id, role)
    if change.outcome is members.Outcome.NO_SUCH_MEMBER or change.row is None:
        fail(f"no membership #{member_id}: see `tidtam members list`")
    if change.outcome is members.Outcome.SAME_ROLE:
        fail(f"#{member_id} already holds the role {role.value} at {change.row.unit_code}")
    typer.echo(f"#{member_id}: {change.row.role} -> {role.value} at {change.row.unit_code}")


@app.command("forget")
@run
async def forget_command(
    telegram_user: Annotated[
        int, typer.Option("--telegram-user", help="the person's Telegram user id")
    ],
) -> None:
    """Remove a person's name and Telegram id (PDPA); their unit's answers stay."""
    settings = load_settings()
    async with database(settings) as sessions:
        done = await members.forget(sessions, telegram_user)
    typer.echo(
        f"forgot Telegram user {telegram_user}: {done.memberships} membership(s) removed, "
        f"{done.answers} answer(s) and {done.files} file(s) kept without a name, "
        f"{done.audit_events} audit event(s) now name {done.ref}"
    )
