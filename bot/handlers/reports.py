"""/status, /overdue, /lagging and /export: parse the round, call the status use case, render.

The scope (what the asker may see) is decided by :mod:`tidtam.services.status`; the
chart is drawn in a worker thread, not on the bot's loop.
"""

from __future__ import annotations

import asyncio
import html
from decimal import Decimal
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import deps, user_language
from bot.delivery import send
from bot.i18n import escape, join, t
from bot.replies import Reply
from flows.form import in_language
from tidtam.core.ids import parse_id
from tidtam.core.periods import parse_period
from tidtam.core.thai import format_date_th, thai_to_arabic_digits
from tidtam.services import status as use_case
from tidtam.services.status import Refusal, Refused, Scoped

if TYPE_CHECKING:  # pandas loads with the first report asked for
    import pandas as pd


def _round_id(args: list[str] | None) -> int | None:
    """The round named by the first argument (its number), else None: the default round.

    An argument that names no possible round (``²``, ``99999999999``, a word) becomes 0,
    which no round has: it is answered as an unknown round, never a database error.
    """
    if not args:
        return None
    return parse_id(args[0]) or 0


def _ids(update: Update) -> tuple[int, int]:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    return user.id, chat.id


def _refusal(language: str, refused: Refused) -> list[Reply]:
    if refused.refusal is Refusal.NO_ROUND:
        return [Reply(t(language, "status.no_round"))]
    if refused.refusal is Refusal.UNKNOWN_ROUND:
        return [Reply(t(language, "status.unknown_round"))]
    roles = join(language, [t(language, f"role.{r}") for r in refused.allowed])
    return [Reply(t(language, "error.not_allowed", roles=roles))]


def _title(language: str, found: Scoped) -> str:
    """The title as HTML (escaped once, by the catalogue); unescape it for the chart."""
    period = parse_period(found.period)
    return t(
        language,
        "status.title",
        scope=found.scope.root_name,
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


def _amount(value: Decimal | None) -> str:
    """1,250 or 1,250.5: thousands separated, no needless decimals."""
    if value is None:
        return "-"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _target_lines(language: str, found: use_case.IndicatorStatus) -> list[str]:
    period = parse_period(found.period)
    if not found.found:
        return [t(language, "status.target_unknown", number=found.indicator_no)]
    lines = [
        t(
            language,
            "status.target_title",
            number=found.indicator_no,
            title=in_language(found.title, found.title_en, language),
            scope=found.scope.root_name,
            period=period.thai() if language == "th" else period.english(),
        )
    ]
    if not found.questions:
        return [*lines, t(language, "status.target_no_numbers")]
    met_at = found.snapshot.round.met_percent
    if met_at != 100:
        lines.append(t(language, "status.target_met_at", percent=f"{met_at:g}"))
    for question in found.questions:
        lines.append(
            t(
                language,
                "status.target_question",
                number=question.number,
                text=in_language(question.text, question.text_en, language),
            )
        )
        for row in (*question.agencies, question.total):
            name = row.name if row is not question.total else found.scope.root_name
            if row.target is None or row.percent is None:
                lines.append(
                    t(
                        language,
                        "status.target_row_none",
                        name=name,
                        achieved=_amount(row.achieved),
                        reported=row.reported,
                        units=row.units,
                    )
                )
                continue
            verdict = "status.target_met" if row.met else "status.target_not_met"
            lines.append(
                t(
                    language,
                    "status.target_row",
                    name=name,
                    achieved=_amount(row.achieved),
                    target=_amount(row.target),
                    percent=f"{row.percent:.1f}",
                    verdict=t(language, verdict),
                    reported=row.reported,
                    units=row.units,
                )
            )
    return lines


async def indicator_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show an indicator's number questions against their targets (``/status 2.1``)."""
    dependencies = deps(context)
    user_id, chat_id = _ids(update)
    args = context.args or []
    result = await use_case.indicator_status(
        dependencies.sessions,
        user_id,
        thai_to_arabic_digits(args[0]).strip(),
        round_id=_round_id(args[1:]),
        now=dependencies.now(),
    )
    language = user_language(update, result.language, dependencies.settings.language)
    if isinstance(result, Refused):
        await send(context.bot, dependencies, chat_id, _refusal(language, result))
        return
    text = "\n".join(_target_lines(language, result))
    await send(context.bot, dependencies, chat_id, [Reply(text)])


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show reporting progress in the asker's scope, with a chart (or an indicator's targets)."""
    if context.args and "." in context.args[0]:  # /status 2.1 [round]: an indicator
        await indicator_status(update, context)
        return
    dependencies = deps(context)
    user_id, chat_id = _ids(update)
    result = await use_case.status(
        dependencies.sessions, user_id, round_id=_round_id(context.args), now=dependencies.now()
    )
    language = user_language(update, result.language, dependencies.settings.language)
    if isinstance(result, Refused):
        await send(context.bot, dependencies, chat_id, _refusal(language, result))
        return
    title = _title(language, result)
    text = "\n".join([f"<b>{title}</b>", *_status_lines(language, result.frame)])
    replies = [Reply(text)]
    if result.chart:
        frame = result.frame
        groups = frame.iloc[:-1] if len(frame) > 1 else frame
        as_of = dependencies.now().astimezone(dependencies.settings.tz).date()
        date = format_date_th(as_of) if language == "th" else as_of.strftime("%d %b %Y")
        chart_title = f"{title}\n{t(language, 'status.as_of', date=date)}"
        from reports.chart import status_chart  # matplotlib: loaded when first needed

        chart = await asyncio.to_thread(status_chart, groups, html.unescape(chart_title))
        replies.insert(0, Reply(t(language, "status.chart_caption"), photo=chart))
    await send(context.bot, dependencies, chat_id, replies)


async def overdue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the units in the asker's scope that have not submitted, by agency."""
    dependencies = deps(context)
    user_id, chat_id = _ids(update)
    result = await use_case.overdue(
        dependencies.sessions, user_id, round_id=_round_id(context.args), now=dependencies.now()
    )
    language = user_language(update, result.language, dependencies.settings.language)
    if isinstance(result, Refused):
        await send(context.bot, dependencies, chat_id, _refusal(language, result))
        return
    key = "overdue.header" if result.snapshot.past_deadline else "overdue.header_open"
    lines = [t(language, key, scope=result.scope.root_name, count=result.late, total=result.total)]
    for agency, units in result.by_agency:
        lines.append(f"\n<b>{escape(agency if agency is not None else '—')}</b> ({len(units)})")
        for unit in units:
            if not unit.registered:
                who = t(language, "overdue.nobody")
            elif not unit.reachable:
                who = t(language, "overdue.unreachable")
            else:
                who = t(language, f"state.{unit.state}")
            lines.append(f"• {escape(unit.name)} — {who}")
    if result.late == 0:
        lines.append(t(language, "overdue.none"))
    await send(context.bot, dependencies, chat_id, [Reply("\n".join(lines))])


def _percent(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _lagging_lines(language: str, result: use_case.Lagging) -> list[str]:
    if not result.has_budget:
        return [t(language, "lagging.no_budget")]
    period = parse_period(result.period)
    lines = [
        t(
            language,
            "lagging.title",
            scope=result.scope.root_name,
            period=period.thai() if language == "th" else period.english(),
        )
    ]
    total = result.total
    if total is None or result.reported == 0:
        return [*lines, t(language, "lagging.no_money")]
    lines.append(
        t(
            language,
            "lagging.total",
            allocated=_amount(total.allocated),
            spent=_amount(total.spent),
            percent=_percent(total.percent),
            left=_amount(total.left),
            reported=result.reported,
        )
    )
    if result.expected is None:
        return [*lines, t(language, "lagging.no_expectation")]
    expected = _amount(result.expected)
    if result.lagging == 0:
        return [*lines, t(language, "lagging.none", expected=expected)]
    lines.append(
        "\n"
        + t(
            language,
            "lagging.header",
            expected=expected,
            count=result.lagging,
            reported=result.reported,
        )
    )
    for agency, units in result.by_agency:
        lines.append(f"\n<b>{escape(agency)}</b> ({len(units)})")
        lines.extend(
            t(
                language,
                "lagging.unit",
                name=unit.name,
                percent=_percent(unit.percent),
                spent=_amount(unit.spent),
                allocated=_amount(unit.allocated),
            )
            for unit in units
        )
    return lines


async def lagging(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the units in the asker's scope whose budget disbursement lags, by agency."""
    dependencies = deps(context)
    user_id, chat_id = _ids(update)
    result = await use_case.lagging(
        dependencies.sessions, user_id, round_id=_round_id(context.args), now=dependencies.now()
    )
    language = user_language(update, result.language, dependencies.settings.language)
    if isinstance(result, Refused):
        await send(context.bot, dependencies, chat_id, _refusal(language, result))
        return
    await send(
        context.bot, dependencies, chat_id, [Reply("\n".join(_lagging_lines(language, result)))]
    )


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the Excel workbook of the asker's scope (officers and supervisors)."""
    dependencies = deps(context)
    user_id, chat_id = _ids(update)
    result = await use_case.workbook(
        dependencies.sessions,
        user_id,
        round_id=_round_id(context.args),
        now=dependencies.now(),
        reports_dir=dependencies.settings.reports_dir,
        files_root=dependencies.files.root.resolve(),
        tz=dependencies.settings.tz,
    )
    language = user_language(update, result.language, dependencies.settings.language)
    if isinstance(result, Refused):
        await send(context.bot, dependencies, chat_id, _refusal(language, result))
        return
    caption = t(language, "export.caption", scope=result.scope.root_name, units=result.units)
    await send(
        context.bot, dependencies, chat_id, [Reply(caption, document=(result.name, result.content))]
    )
