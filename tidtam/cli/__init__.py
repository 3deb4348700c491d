"""The ``tidtam`` command line (docs/design.md §3)."""

from __future__ import annotations

import typer

from tidtam.cli import (
    bot,
    db,
    demo,
    export,
    files,
    forms,
    invites,
    members,
    reminders,
    rounds,
    summary,
    targets,
    units,
)

app = typer.Typer(
    name="tidtam",
    no_args_is_help=True,
    add_completion=False,
    help="tidtam (ติดตาม): run a province's plan-monitoring round on Telegram.",
)
app.add_typer(db.app, name="db")
app.add_typer(units.app, name="units")
app.add_typer(forms.app, name="forms")
app.add_typer(rounds.app, name="rounds")
app.add_typer(targets.app, name="targets")
app.add_typer(invites.app, name="invites")
app.add_typer(members.app, name="members")
app.command("export")(export.export_command)
app.command("summary")(summary.summary_command)
app.add_typer(reminders.app, name="reminders")
app.add_typer(files.app, name="files")
app.command("run")(bot.run_command)
app.command("demo")(demo.demo_command)


def main() -> None:
    app()
