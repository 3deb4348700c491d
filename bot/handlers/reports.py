"""/status, /overdue and /export, each scoped to the asker on every call.

An officer sees the province (the subtree of the officer's unit) by agency; a
supervisor its own subtree by unit; a reporter or head only their unit. Pandas,
matplotlib and the workbook writer run in a worker thread, not on the bot's loop.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from bot.context import Deps, asker, deps
from bot.delivery import send
from bot.i18n import escape, join, t
from bot.replies import Reply
from reports.chart import status_chart
from reports.completion import GroupBy, completion, unit_status
from reports.snapshot import RoundSnapshot, load_round_snapshot
from reports.workbook import write_workbook
from storage.db import transaction
from storage.models import Member, Round
from tidtam.core.periods import parse_period
from tidtam.core.thai import format_date_th
from tidtam.core.vocabulary import Role

OVERSEEING = (Role.OFFICER.value, Role.SUPERVISOR.value)


@dataclass(frozen=True, slots=True)
class Scope:
    """What the asker may see: the subtree of ``root`` as ``role``."""

    root: int
    role: str
    root_name: str


def scope_of(members: list[Member]) -> Scope | None:
    """The widest scope among a person's memberships (officer, supervisor, then unit)."""
    for role in (Role.OFFICER.value, Role.SUPERVISOR.value, Role.HEAD.value, Role.REPORTER.value):
        found = [m for m in members if m.role == role]
        if found:
            return Scope(found[0].unit_id, role, found[0].unit.name)
    return None


async def _round(session: AsyncSession, args: list[str]) -> Round | None:
    """The round named by the argument, else the newest one that has opened."""
    if args and args[0].isdigit():
        return await session.get(Round, int(args[0]))
    return await session.scalar(
        select(Round).where(Round.closed_at.is_(None)).order_by(Round.opens_at.desc()).limit(1)
    )


async def _prepare(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    roles: tuple[str, ...] | None,
    answers: bool = False,
) -> tuple[Deps, str, Scope, RoundSnapshot] | list[Reply]:
    """Check who asks and load their scope's snapshot; or the replies that refuse."""
    dependencies = deps(context)
    async with transaction(dependencies.sessions) as session:
        who = await asker(session, update, dependencies)
        members, language = who.members, who.language
        scope = scope_of(members)
        if scope is None or (roles is not None and scope.role not in roles):
            allowed = roles or OVERSEEING
            return [
                Reply(
                    t(
                        language,
                        "error.not_allowed",
                        roles=join(language, [t(language, f"role.{r}") for r in allowed]),
                    )
                )
            ]
        round_ = await _round(session, context.args or [])
        if round_ is None:
            return [Reply(t(language, "status.no_round"))]
        snapshot = await load_round_snapshot(
            session, round_.id, subtree_of=scope.root, answers=answers, now=dependencies.now()
        )
    return dependencies, language, scope, snapshot


def _title(language: str, snapshot: RoundSnapshot, scope: Scope) -> str:
    period = parse_period(snapshot.round.period)
    return t(
        language,
        "status.title",
        scope=scope.root_name,
        period=period.thai() if language == "th" else period.english(),
    )


def _status_lines(language: str, frame: pd.DataFrame) -> list[str]:
    lines = []
    for row in frame.to_dict("records"):
        lines.append(
            t(
                language,
                "status.row",
                name=row["name"],
                done=row["done"],
                total=row["total"],
                pct=f"{row['done_pct']:.0f}",
                certified=row["certified"],
                certified_name=t(language, "state.certified"),
                progress=int(row["in_progress"]) + int(row["returned"]),
                progress_name=t(language, "state.in_progress"),
                not_started=row["not_started"],
                not_started_name=t(language, "state.not_started"),
                overdue=row["overdue"],
            )
        )
    return lines


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show reporting progress in the asker's scope, with a chart."""
    chat = update.effective_chat
    assert chat is not None
    prepared = await _prepare(update, context, roles=None)
    if isinstance(prepared, list):
        await send(context.bot, deps(context), chat.id, prepared)
        return
    dependencies, language, scope, snapshot = prepared
    by: GroupBy = "agency" if scope.role == Role.OFFICER else "unit"
    title = _title(language, snapshot, scope)
    if scope.role in (Role.REPORTER, Role.HEAD):
        frame = completion(snapshot, by="unit", root_unit_id=scope.root, total=True)
        replies = [
            Reply("\n".join([f"<b>{escape(title)}</b>", *_status_lines(language, frame.tail(1))]))
        ]
        await send(context.bot, dependencies, chat.id, replies)
        return
    frame = completion(snapshot, by=by, root_unit_id=scope.root, total=True)
    text = "\n".join([f"<b>{escape(title)}</b>", *_status_lines(language, frame)])
    groups = frame.iloc[:-1] if len(frame) > 1 else frame
    as_of = snapshot.now.astimezone(dependencies.settings.tz).date()
    date = format_date_th(as_of) if language == "th" else as_of.strftime("%d %b %Y")
    chart_title = f"{title}\n{t(language, 'status.as_of', date=date)}"
    chart = await asyncio.to_thread(status_chart, groups, chart_title)
    await send(
        context.bot,
        dependencies,
        chat.id,
        [
            Reply(t(language, "status.chart_caption"), photo=chart),
            Reply(text),
        ],
    )


async def overdue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the units in the asker's scope that have not submitted, by agency."""
    chat = update.effective_chat
    assert chat is not None
    prepared = await _prepare(update, context, roles=OVERSEEING)
    if isinstance(prepared, list):
        await send(context.bot, deps(context), chat.id, prepared)
        return
    dependencies, language, scope, snapshot = prepared
    units = unit_status(snapshot, scope.root)
    late = units[~units["done"]]
    key = "overdue.header" if snapshot.past_deadline else "overdue.header_open"
    lines = [t(language, key, scope=scope.root_name, count=len(late), total=len(units))]
    for agency, group in late.groupby("agency_name", sort=True, dropna=False):
        lines.append(f"\n<b>{escape(agency if pd.notna(agency) else '—')}</b> ({len(group)})")
        for row in group.to_dict("records"):
            if not row["registered"]:
                who = t(language, "overdue.nobody")
            elif not row["reachable"]:
                who = t(language, "overdue.unreachable")
            else:
                who = t(language, f"state.{row['state']}")
            lines.append(f"• {escape(row['name'])} — {escape(who)}")
    if len(late) == 0:
        lines.append(t(language, "overdue.none"))
    await send(context.bot, dependencies, chat.id, [Reply("\n".join(lines))])


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the Excel workbook of the asker's scope (officers and supervisors)."""
    chat = update.effective_chat
    assert chat is not None
    prepared = await _prepare(update, context, roles=OVERSEEING, answers=True)
    if isinstance(prepared, list):
        await send(context.bot, deps(context), chat.id, prepared)
        return
    dependencies, language, scope, snapshot = prepared
    name = f"tidtam-round{snapshot.round.id}-{snapshot.round.period}-{scope.root}.xlsx"
    reports_dir = dependencies.settings.reports_dir
    reports_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=reports_dir) as folder:
        path = Path(folder) / name
        await asyncio.to_thread(
            write_workbook,
            snapshot,
            path,
            files_root=dependencies.files.root.resolve(),
            tz=dependencies.settings.tz,
        )
        content = path.read_bytes()
    caption = t(
        language, "export.caption", scope=scope.root_name, units=int(snapshot.targets.shape[0])
    )
    await send(context.bot, dependencies, chat.id, [Reply(caption, document=(name, content))])
