"""Message texts for reminders, escalations and the digest: Thai first, English too.

Pure functions over :mod:`reminders.policy`'s payloads. :func:`render` turns a
:class:`~reminders.policy.Due` into the text to send (plain text: send it without a
``parse_mode``), at most :data:`MAX_CHARS` characters: long unit lists are cut with
"... และอีก N แห่ง" and a pointer to ``/overdue``. Times in payloads are already in
the policy's time zone. Words follow docs/design.md §10.

Helpers: :func:`join_th` / :func:`join_en` ("1, 2 และ 5"), :func:`missing_summary_th` /
:func:`missing_summary_en` ("ยังไม่ได้ตอบ 12 ข้อ ในยุทธศาสตร์ที่ 2 และ 5"),
:func:`text_bars` ("สพป.เพชรบูรณ์ เขต 1 ▓▓▓▓▓▓░░░░ 60%").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime

from reminders.policy import (
    AgencyGroup,
    CertifierReminder,
    Digest,
    Due,
    ExtensionNotice,
    OfficerEscalation,
    OverdueUnit,
    SupervisorEscalation,
    UnitReminder,
)
from tidtam.core.names import short_name
from tidtam.core.periods import PeriodError, parse_period
from tidtam.core.thai import format_date_th
from tidtam.core.vocabulary import state_name

__all__ = [
    "MAX_CHARS",
    "join_en",
    "join_th",
    "missing_items_en",
    "missing_items_th",
    "missing_summary_en",
    "missing_summary_th",
    "render",
    "text_bars",
]

#: Telegram allows 4096 characters per message; keep a margin.
MAX_CHARS = 4000
_FILLED, _EMPTY = "▓", "░"
_BULLET = "•"
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ------------------------------------------------------------------------- helpers


def join_th(items: Sequence[str]) -> str:
    """``2``, ``2 และ 5``, ``1, 2 และ 5``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} และ {items[-1]}"


def join_en(items: Sequence[str]) -> str:
    """``2``, ``2 and 5``, ``1, 2 and 5``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _missing(missing: Mapping[int, int] | Iterable[tuple[int, int]]) -> tuple[int, list[str]]:
    pairs = missing.items() if isinstance(missing, Mapping) else missing
    counts: dict[int, int] = {}
    for section, count in pairs:
        if count > 0:
            counts[section] = counts.get(section, 0) + count
    return sum(counts.values()), [str(s) for s in sorted(counts)]


def missing_summary_th(missing_by_section: Mapping[int, int] | Iterable[tuple[int, int]]) -> str:
    """``ยังไม่ได้ตอบ 12 ข้อ ในยุทธศาสตร์ที่ 2 และ 5``; ``ตอบครบทุกข้อแล้ว`` when none."""
    total, sections = _missing(missing_by_section)
    if total == 0:
        return "ตอบครบทุกข้อแล้ว"
    return f"ยังไม่ได้ตอบ {total} ข้อ ในยุทธศาสตร์ที่ {join_th(sections)}"


#: At most this many item numbers are listed in a reminder; the rest are counted.
MAX_ITEMS = 10


def missing_items_th(items: Sequence[str]) -> str:
    """``ยังไม่ได้ตอบ 3 ข้อ ได้แก่ ข้อ 1.2.1, 3.1.2 และ 5.1.1`` (at most MAX_ITEMS listed)."""
    if len(items) > MAX_ITEMS:
        listed = f"{', '.join(items[:MAX_ITEMS])} และอีก {len(items) - MAX_ITEMS} ข้อ"
    else:
        listed = join_th(items)
    return f"ยังไม่ได้ตอบ {len(items)} ข้อ ได้แก่ ข้อ {listed}"


def missing_items_en(items: Sequence[str]) -> str:
    """``3 questions not answered yet: items 1.2.1, 3.1.2 and 5.1.1``."""
    if len(items) > MAX_ITEMS:
        listed = f"{', '.join(items[:MAX_ITEMS])} and {len(items) - MAX_ITEMS} more"
    else:
        listed = join_en(items)
    noun = "question" if len(items) == 1 else "questions"
    return f"{len(items)} {noun} not answered yet: items {listed}"


def missing_summary_en(missing_by_section: Mapping[int, int] | Iterable[tuple[int, int]]) -> str:
    """``12 questions not answered yet, in strategies 2 and 5``."""
    total, sections = _missing(missing_by_section)
    if total == 0:
        return "every question is answered"
    noun = "question" if total == 1 else "questions"
    where = "strategy" if len(sections) == 1 else "strategies"
    return f"{total} {noun} not answered yet, in {where} {join_en(sections)}"


def text_bars(
    rows: Sequence[tuple[str, int, int]], width: int = 10, *, counts: bool = False
) -> str:
    """One line per ``(label, done, total)``: ``label ▓▓▓▓▓▓░░░░ 60%``.

    Bars and percentages round down, so 100% means everything is done. With
    ``counts``, `` (3/5)`` follows the percentage.
    """
    if width < 1:
        raise ValueError("width must be at least 1")
    lines = []
    for label, done, total in rows:
        done = max(0, min(done, total))
        filled = width * done // total if total > 0 else 0
        percent = 100 * done // total if total > 0 else 0
        line = f"{label} {_FILLED * filled}{_EMPTY * (width - filled)} {percent}%"
        lines.append(f"{line} ({done}/{total})" if counts else line)
    return "\n".join(lines)


def _fit(head: list[str], items: list[str], tail: list[str], more: Callable[[int], str]) -> str:
    """Join the lines, dropping item lines from the end to stay under MAX_CHARS."""
    text = "\n".join([*head, *items, *tail])
    if len(text) <= MAX_CHARS:
        return text
    kept = list(items)
    while kept:
        kept.pop()
        dropped = sum(line.startswith(_BULLET) for line in items[len(kept) :])
        text = "\n".join([*head, *kept, more(dropped), *tail])
        if len(text) <= MAX_CHARS:
            return text
    return text[:MAX_CHARS]


def _period(period: str, english: bool) -> str:
    try:
        parsed = parse_period(period)
    except PeriodError:
        return period
    return parsed.english() if english else parsed.thai()


def _date_en(moment: date) -> str:
    return f"{moment.day} {_EN_MONTHS[moment.month - 1]} {moment.year}"


def _clock(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


# ----------------------------------------------------------------------- renderers


def _unit_reminder(p: UnitReminder, en: bool) -> str:
    if en:
        when = {0: "today", 1: "tomorrow"}.get(p.days_left, f"in {p.days_left} days")
        if p.days_left < 0:
            when = "overdue"
        lines = [
            f"🔔 Reminder: {p.unit_name} has not submitted its report yet",
            _period(p.period, True),
            f"Deadline: {_date_en(p.deadline)} {_clock(p.deadline)} ({when})",
        ]
        if p.state == "returned":
            lines.append(f"The report was {state_name('returned', 'en')}.")
        total, _ = _missing(p.missing_by_section)
        if p.missing_items:
            lines.append(missing_items_en(p.missing_items).capitalize() + ".")
        elif total:
            lines.append(missing_summary_en(p.missing_by_section).capitalize() + ".")
        elif p.state == "not_started":
            lines.append("The report has not been started.")
        else:
            lines.append("Every question is answered: send /submit to submit.")
        if p.state == "not_started":
            lines.append("Send /report to start the report.")
        else:
            lines.append("Send /report to continue.")
        return "\n".join(lines)
    when = {0: "วันนี้", 1: "พรุ่งนี้"}.get(p.days_left, f"อีก {p.days_left} วัน")
    if p.days_left < 0:
        when = "เกินกำหนดแล้ว"
    lines = [
        f"🔔 แจ้งเตือน: {p.unit_name} ยังไม่ได้ส่งรายงาน",
        f"รอบการรายงาน {_period(p.period, False)}",
        f"กำหนดส่ง {format_date_th(p.deadline.date())} เวลา {_clock(p.deadline)} น. ({when})",
    ]
    if p.state == "returned":
        lines.append(f"สถานะ: {state_name('returned')}")
    total, _ = _missing(p.missing_by_section)
    if p.missing_items:
        lines.append(missing_items_th(p.missing_items))
    elif total:
        lines.append(missing_summary_th(p.missing_by_section))
    elif p.state == "not_started":
        lines.append("ยังไม่ได้เริ่มรายงาน")
    else:
        lines.append("ตอบครบทุกข้อแล้ว เหลือเพียงส่งรายงาน (/submit)")
    if p.state == "not_started":
        lines.append("พิมพ์ /report เพื่อเริ่มรายงาน")
    else:
        lines.append("พิมพ์ /report เพื่อรายงานต่อ")
    return "\n".join(lines)


def _extension(p: ExtensionNotice, en: bool) -> str:
    if en:
        return (
            f"📅 The deadline of {_period(p.period, True)} has been extended for "
            f"{p.unit_name}.\n"
            f"New deadline: {_date_en(p.deadline)} {_clock(p.deadline)}\n"
            "Send /report to continue."
        )
    return (
        f"📅 ขยายกำหนดส่งรายงาน รอบการรายงาน {_period(p.period, False)} "
        f"ของ{p.unit_name}\n"
        f"กำหนดส่งใหม่ {format_date_th(p.deadline.date())} เวลา {_clock(p.deadline)} น.\n"
        "พิมพ์ /report เพื่อรายงานต่อ"
    )


def _unit_line(u: OverdueUnit, en: bool) -> str:
    if en:
        notes = [state_name(u.state, "en")]
        if not u.registered:
            notes.append("nobody registered")
        elif not u.reachable:
            notes.append("nobody reachable")
    else:
        notes = [state_name(u.state)]
        if not u.registered:
            notes.append("ยังไม่มีผู้ลงทะเบียน")
        elif not u.reachable:
            notes.append("ติดต่อไม่ได้")
    return f"{_BULLET} {u.name} ({u.code}) — {', '.join(notes)}"


def _more(en: bool) -> Callable[[int], str]:
    if en:
        return lambda n: f"... and {n} more (see /overdue)"
    return lambda n: f"... และอีก {n} แห่ง (ดูทั้งหมดด้วย /overdue)"


def _supervisor(p: SupervisorEscalation, en: bool) -> str:
    items = [_unit_line(u, en) for u in p.units]
    if en:
        head = [
            f"📣 To the supervising agency: {p.agency_name}",
            f"{_period(p.period, True)}: {len(p.units)} unit(s) have not submitted "
            f"(deadline was {_date_en(p.deadline)})",
        ]
        tail = ["Send /overdue for details."]
    else:
        head = [
            f"📣 แจ้งหน่วยงานต้นสังกัด: {p.agency_name}",
            f"รอบการรายงาน {_period(p.period, False)}: หน่วยงานที่ยังไม่ส่งรายงาน "
            f"{len(p.units)} แห่ง (เกินกำหนดส่ง {format_date_th(p.deadline.date())})",
        ]
        tail = ["พิมพ์ /overdue เพื่อดูรายละเอียด"]
    return _fit(head, items, tail, _more(en))


def _group_title(g: AgencyGroup, en: bool) -> str:
    name = g.agency_name or ("(no supervising agency)" if en else "(ไม่มีหน่วยงานต้นสังกัด)")
    return f"{name} ({len(g.units)})"


def _officer(p: OfficerEscalation, en: bool) -> str:
    count = sum(len(g.units) for g in p.groups)
    items: list[str] = []
    for g in p.groups:
        items += ["", _group_title(g, en), *(_unit_line(u, en) for u in g.units)]
    if en:
        what = (
            "overdue units whose supervising agency has no reachable supervisor"
            if p.orphans
            else "overdue units, by supervising agency"
        )
        head = [
            f"📣 To provincial officers: {count} {what}",
            f"{_period(p.period, True)}, deadline {_date_en(p.deadline)}",
        ]
        tail = ["", "Send /overdue for details."]
    else:
        what = (
            f"หน่วยงานที่เกินกำหนดส่ง {count} แห่ง (หน่วยงานต้นสังกัดยังไม่มีผู้กำกับติดตามที่ติดต่อได้)"
            if p.orphans
            else f"หน่วยงานที่เกินกำหนดส่ง {count} แห่ง (แยกตามหน่วยงานต้นสังกัด)"
        )
        head = [
            f"📣 แจ้งเจ้าหน้าที่ระดับจังหวัด: {what}",
            f"รอบการรายงาน {_period(p.period, False)} กำหนดส่ง {format_date_th(p.deadline.date())}",
        ]
        tail = ["", "พิมพ์ /overdue เพื่อดูรายละเอียด"]
    return _fit(head, items, tail, _more(en))


def _certifier(p: CertifierReminder, en: bool) -> str:
    days = p.waited.days
    when = p.submitted_at
    if en:
        return (
            f"📝 The report of {p.unit_name} has waited {days} day(s) for certification "
            f"(submitted {_date_en(when)} {_clock(when)}).\n"
            "Send /pending to certify it or return it for correction."
        )
    return (
        f"📝 รายงานของ {p.unit_name} รอการรับรองข้อมูลมาแล้ว {days} วัน "
        f"(ส่งเมื่อ {format_date_th(when.date())} เวลา {_clock(when)} น.)\n"
        "พิมพ์ /pending เพื่อรับรองข้อมูลหรือส่งกลับให้แก้ไข"
    )


def _digest(p: Digest, en: bool) -> str:
    nameless = "(no supervising agency)" if en else "(ไม่มีหน่วยงานต้นสังกัด)"
    bars = text_bars(
        [
            (short_name(row.agency_name) if row.agency_name else nameless, row.done, row.total)
            for row in p.rows
        ],
        counts=True,
    )
    items = bars.splitlines()
    if en:
        head = [
            f"📊 Progress, {_period(p.period, True)}, {_date_en(p.day)}",
            f"Deadline {_date_en(p.deadline)} {_clock(p.deadline)}",
        ]
        tail = [f"Submitted {p.done}/{p.total} · overdue {p.overdue}"]
        more = lambda _n: "... and other agencies"  # noqa: E731
    else:
        head = [
            f"📊 สรุปความคืบหน้า รอบการรายงาน {_period(p.period, False)} "
            f"ประจำวันที่ {format_date_th(p.day)}",
            f"กำหนดส่ง {format_date_th(p.deadline.date())} เวลา {_clock(p.deadline)} น.",
        ]
        tail = [f"ส่งรายงานแล้ว {p.done} จาก {p.total} แห่ง · เกินกำหนด {p.overdue} แห่ง"]
        more = lambda _n: "... และหน่วยงานอื่น ๆ"  # noqa: E731
    return _fit(head, items, tail, more)


def render(due: Due, language: str | None = None) -> str:
    """The text to send for ``due``: in ``language``, else the recipient's, else Thai."""
    en = (language or due.language or "th") == "en"
    p = due.payload
    if isinstance(p, UnitReminder):
        return _unit_reminder(p, en)
    if isinstance(p, SupervisorEscalation):
        return _supervisor(p, en)
    if isinstance(p, OfficerEscalation):
        return _officer(p, en)
    if isinstance(p, CertifierReminder):
        return _certifier(p, en)
    if isinstance(p, ExtensionNotice):
        return _extension(p, en)
    return _digest(p, en)
