"""What the demo tells: one short line per simulated day, in Thai or English.

Pure: :func:`day_line` turns a day's counts (:class:`DayCounts`) into a line such as
``วันจำลองที่ 4 (27 พ.ย. 2569): ส่งรายงาน 41 หน่วยงาน · ผู้อำนวยการส่งกลับให้แก้ไข
6 แห่ง · แจ้งเตือน 120 ข้อความ`` (simulated days are counted from 1); :func:`text`
holds the demo's other sentences.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from tidtam.core.thai import format_date_th

__all__ = ["DayCounts", "day_line", "format_day", "text"]

# (key, Thai, English); {n} is the count. In the order they are told.
_PARTS = (
    ("registered", "ลงทะเบียน {n} คน", "{n} people registered"),
    ("group", "เชื่อมกลุ่มจังหวัดแล้ว", "the province group linked"),
    ("blocked", "บล็อกบอต {n} คน", "{n} blocked the bot"),
    ("sittings", "ทำรายงาน {n} หน่วยงาน", "{n} units worked on their report"),
    ("submitted", "ส่งรายงาน {n} หน่วยงาน", "{n} units submitted"),
    ("resubmitted", "แก้ไขแล้วส่งใหม่ {n} หน่วยงาน", "{n} fixed and resubmitted"),
    ("certified", "ผู้อำนวยการรับรองข้อมูล {n} แห่ง", "heads certified {n}"),
    ("returned", "ผู้อำนวยการส่งกลับให้แก้ไข {n} แห่ง", "heads returned {n} for correction"),
    ("reminder.unit", "แจ้งเตือน {n} ข้อความ", "{n} reminders"),
    ("reminder.certifier", "แจ้งเตือนผู้รับรองข้อมูล {n} คน", "{n} certifier reminders"),
    ("reminder.digest", "ส่งสรุปความคืบหน้าเข้ากลุ่มจังหวัด", "digest to the province group"),
    ("reminder.supervisor", "แจ้งผู้กำกับติดตามของหน่วยงานต้นสังกัด {n} คน", "{n} supervisors alerted"),
    (
        "reminder.orphans",
        "แจ้ง ศธจ. เรื่องหน่วยงานที่ไม่มีผู้กำกับติดตาม {n} คน",
        "{n} officers told of orphans",
    ),
    ("reminder.officer", "แจ้งเจ้าหน้าที่ระดับจังหวัด {n} คน", "{n} officers alerted"),
    ("unreachable", "ติดต่อไม่ได้ (บล็อกบอต) {n} คน", "{n} unreachable"),
)
_TEXTS = {
    "title": ("การสาธิต tidtam: รอบการรายงานจำลอง", "tidtam demo: a simulated reporting round"),
    "setup": (
        "จังหวัดตัวอย่าง {units} หน่วยงานที่ต้องรายงาน · กำหนดส่งวันที่ {deadline} · ข้อมูลอยู่ที่ {folder}",
        "sample province: {units} reporting units · deadline {deadline} · data in {folder}",
    ),
    "day": ("วันจำลองที่ {day} ({date})", "Simulated day {day} ({date})"),
    "quiet": ("ไม่มีความเคลื่อนไหว", "nothing happened"),
    "deadline": ("ถึงกำหนดส่ง", "deadline day"),
    "progress": ("วันจำลอง", "simulated day"),
    "to": ("ถึง {name}", "to {name}"),
    "status": ("สถานะการรายงานของจังหวัด", "Province status"),
    "status_title": (
        "สถานะการรายงานของจังหวัด {period}\nข้อมูล ณ วันที่ {date}",
        "Province status, {period}\nData as of {date}",
    ),
    "workbook": ("ไฟล์ Excel: {path}", "Excel workbook: {path}"),
    "chart": ("แผนภูมิ: {path}", "Chart: {path}"),
    "projects.title": (
        "การสาธิต tidtam: แบบรายงานความก้าวหน้าโครงการ สองไตรมาสต่อเนื่องกัน",
        "tidtam demo: the quarterly project form, two quarters running",
    ),
    "projects.setup": (
        "{units} หน่วยงานรายงานโครงการของตน (สำนักงานเขตพื้นที่การศึกษาและโรงเรียน) · ข้อมูลอยู่ที่ {folder}",
        "{units} units report their projects (ESA offices and schools) · data in {folder}",
    ),
    "projects.first": (
        "{period}: รายงาน {projects} โครงการ {activities} กิจกรรม · ตอบผ่านบอต {given} ข้อ"
        " · กดเพิ่มรายการ {added} ครั้ง · ส่งรายงานครบ {units} หน่วยงาน",
        "{period}: {projects} projects, {activities} activities · {given} answers given"
        " through the bot · {added} items added · {units} units submitted",
    ),
    "projects.carried": (
        "เปิดรอบ {period} ต่อจากไตรมาสก่อน: ยกคำตอบเดิม {answers} ข้อของ {submissions} หน่วยงานมาให้ยืนยัน",
        "{period} opened from the quarter before: {answers} answers of {submissions}"
        " units carried over, to be confirmed",
    ),
    "projects.second": (
        "{period}: รายงาน {projects} โครงการ {activities} กิจกรรม · ตอบผ่านบอต {given} ข้อ"
        " · ยืนยันคำตอบเดิม (ยังเป็นเหมือนเดิม) {kept} ข้อ · แก้คำตอบเดิม {changed} ข้อ"
        ' (ตัวเลขต่างจากเดิมเกินร้อยละ {threshold} ยืนยันด้วย "ใช่" {confirmed} ข้อ)'
        " · ตอบข้อใหม่ {fresh} ข้อ · ปิดรายการเดิม {closed} รายการ · เพิ่มกิจกรรมใหม่ {added}"
        " กิจกรรม · ส่งรายงานครบ {units} หน่วยงาน",
        "{period}: {projects} projects, {activities} activities · {given} answers given"
        " through the bot · {kept} carried answers confirmed as they were · {changed}"
        " changed ({confirmed} moved by more than {threshold} percent, confirmed with"
        ' "yes") · {fresh} new answers · {closed} carried lists closed · {added}'
        " new activities · {units} units submitted",
    ),
    "projects.proof": (
        "   คำตอบในฐานข้อมูล {stored} ข้อ บันทึกผ่านบอต {bot} ข้อ · บันทึกทางอื่น {other} ข้อ"
        " · คำตอบเดิมที่ยังไม่ได้ยืนยัน {unconfirmed} ข้อ",
        "   of the {stored} answers stored, {bot} came through the bot and {other} another"
        " way · {unconfirmed} carried answers left unconfirmed",
    ),
    "projects.progress": ("ไตรมาส", "quarter"),
    "projects.elapsed": ("เสร็จใน {seconds:.0f} วินาที", "done in {seconds:.0f} s"),
    "elapsed": (
        "เสร็จใน {seconds:.0f} วินาที · ตอบผ่านบอต {given} ครั้ง · คำตอบในฐานข้อมูล {stored} ข้อ"
        " บันทึกผ่านบอต {bot} ข้อ · บันทึกทางอื่น {other} ข้อ",
        "done in {seconds:.0f} s · {given} answers given through the bot · of the {stored}"
        " answers stored, {bot} came through the bot and {other} another way",
    ),
}


@dataclass
class DayCounts:
    """What happened on one simulated day (keys of ``_PARTS``)."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] += n


def _english(language: str) -> bool:
    return language == "en"


def text(language: str, key: str, **values: object) -> str:
    """One of the demo's sentences, filled in."""
    th, en = _TEXTS[key]
    return (en if _english(language) else th).format(**values)


def format_day(language: str, day: dt.date) -> str:
    return day.strftime("%d %b %Y") if _english(language) else format_date_th(day)


def day_line(language: str, number: int, day: dt.date, counts: DayCounts, *, deadline: bool) -> str:
    """The day's line: what happened, or that nothing did."""
    parts = []
    for key, th, en in _PARTS:
        n = counts.counts.get(key, 0)
        if n:
            parts.append((en if _english(language) else th).format(n=n))
    if deadline:
        parts.insert(0, text(language, "deadline"))
    head = text(language, "day", day=number + 1, date=format_day(language, day))
    return f"{head}: {' · '.join(parts) if parts else text(language, 'quiet')}"
