"""``tidtam reminders``: one reminder and escalation sweep, by hand, through the bot's sender."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from tidtam.cli.common import database, fail, load_settings, run

app = typer.Typer(no_args_is_help=True, help="Reminders and escalation.")


def _moment(text: str | None, tz: object) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f'--now: "{text}" is not an ISO time such as 2024-03-25T09:00')
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)  # type: ignore[arg-type]
    return moment.astimezone(UTC)


@app.command("run")
@run
async def run_command(
    now: Annotated[
        str | None, typer.Option("--now", help="sweep as at this time (ISO; local zone if none)")
    ] = None,
) -> None:
    """Send what is due now (or as at --now); running it again sends nothing twice."""
    from bot.reminder_sender import TelegramSender, standalone_bot
    from reminders.sweep import sweep

    settings = load_settings()
    moment = _moment(now, settings.tz)
    if settings.bot_token is None:
        fail("TIDTAM_BOT_TOKEN is not set: reminders are sent by the bot")
    bot = standalone_bot(
        settings.bot_token.get_secret_value(),
        settings.telegram_api_url,
        settings.telegram_file_url,
    )
    async with database(settings) as sessions, bot:
        report = await sweep(sessions, TelegramSender(bot), moment)
    typer.echo(f"sweep as at {moment.astimezone(settings.tz):%Y-%m-%d %H:%M}: {report.summary()}")
