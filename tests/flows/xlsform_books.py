"""Workbooks for the XLSForm tests, built with openpyxl the way people and tools write them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace

from openpyxl import Workbook  # type: ignore[import-untyped]

from flows.form import Form, Question
from flows.when import And, Compare, CompareOp, Expr, Member, Not, Or, to_source

Rows = Sequence[Sequence[object]]


def book(
    survey: Rows | None,
    choices: Rows | None = None,
    settings: Rows | None = (("form_id", "form_title", "version"), ("t", "แบบทดสอบ", 1)),
    *,
    extra: dict[str, Rows] | None = None,
) -> bytes:
    """An .xlsx with the given sheets (None leaves a sheet out)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is None:
            continue
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    for name, rows in (extra or {}).items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


#: A form as KoboToolbox exports it: metadata rows, groups, a Thai and an English
#: label column, relevant, constraint with its message, calculate, select_multiple,
#: Kobo's own columns ($kuid, appearance) and its version text.
KOBO_SURVEY: Rows = (
    ("type", "name", "label::Thai (th)", "label::English (en)", "hint::Thai (th)", "required",
     "relevant", "constraint", "constraint_message::Thai (th)", "calculation", "appearance",
     "$kuid"),
    ("start", "start", None, None, None, None, None, None, None, None, None, "k1"),
    ("end", "end", None, None, None, None, None, None, None, None, None, "k2"),
    ("begin_group", "s1", "ยุทธศาสตร์ที่ 1", "Strategy 1", None, None, None, None, None, None,
     "field-list", "k3"),
    ("begin_group", "s1i1", "ตัวชี้วัด 1.1", "Indicator 1.1", None, None, None, None, None,
     None, None, "k4"),
    ("select_one yesno", "done", "ดำเนินการหรือไม่", "Done?", None, "true", None, None, None,
     None, None, "k5"),
    ("select_multiple who", "who", "หน่วยงานที่ร่วมดำเนินการ", "Who took part?", None, "false",
     "${done} = 'yes'", None, None, None, "minimal", "k6"),
    ("note", "n1", "กรอกจำนวนเงินเป็นบาท", "In baht", None, None, None, None, None, None, None,
     "k7"),
    ("decimal", "allocated", "งบประมาณที่ได้รับ (บาท)", "Allocated", None, "yes",
     "selected(${who}, 'gov')", ". >= 0", "งบประมาณต้องไม่ติดลบ", None, None, "k8"),
    ("decimal", "spent", "งบประมาณที่ใช้ (บาท)", "Spent", None, "yes",
     "count-selected(${who}) > 0 and not(${done} = 'no')", ". <= ${allocated}",
     "งบประมาณที่ใช้ต้องไม่เกินงบประมาณที่ได้รับ", None, None, "k9"),
    ("calculate", "left", "งบประมาณคงเหลือ (บาท)", None, None, None, None, None, None,
     "${allocated} - ${spent}", None, "k10"),
    ("end_group", None, None, None, None, None, None, None, None, None, None, "k11"),
    ("end_group", None, None, None, None, None, None, None, None, None, None, "k12"),
)  # fmt: skip
KOBO_CHOICES: Rows = (
    ("list_name", "name", "label::Thai (th)", "label::English (en)", "exclusive", "$kuid"),
    ("yesno", "yes", "ดำเนินการแล้ว", "Yes", None, "c1"),
    ("yesno", "no", "ยังไม่ดำเนินการ", "No", None, "c2"),
    ("who", "gov", "ภาครัฐ", "Government", None, "c3"),
    ("who", "ngo", "ภาคเอกชน", "NGO", None, "c4"),
    ("who", "none", "ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน", "None", "yes", "c5"),
)
KOBO_SETTINGS: Rows = (
    ("form_title", "form_id", "version", "default_language"),
    ("แบบติดตามงบประมาณ", "pb-budget", "2", "Thai (th)"),
)


def kobo(**changes: Rows) -> bytes:
    """The Kobo workbook, with sheets replaced by ``changes``."""
    return book(
        changes.get("survey", KOBO_SURVEY),
        changes.get("choices", KOBO_CHOICES),
        changes.get("settings", KOBO_SETTINGS),
    )


def canonical(form: Form) -> Form:
    """``form`` as a workbook gives it back: the one documented rewrite, a one-value
    ``q not in [x]`` read back as ``q != x`` (the same meaning), applied."""

    def fix(expr: Expr) -> Expr:
        match expr:
            case Member(question, (value,), True):
                return Compare(question, CompareOp.NE, value)
            case Or(left, right):
                return Or(fix(left), fix(right))
            case And(left, right):
                return And(fix(left), fix(right))
            case Not(operand):
                return Not(fix(operand))
        return expr

    def question(q: Question) -> Question:
        when = None if q.when is None else fix(q.when)
        checks = tuple(
            replace(c, rule=fix(c.rule), source=to_source(fix(c.rule))) for c in q.checks
        )
        text = None if when is None or when == q.when else to_source(when)
        inner = tuple(question(i) for i in q.questions)  # a repeat group's own
        return replace(q, when=when, when_text=text or q.when_text, checks=checks, questions=inner)

    sections = tuple(
        replace(s, indicators=tuple(
            replace(i, questions=tuple(question(q) for q in i.questions)) for i in s.indicators
        ))
        for s in form.sections
    )  # fmt: skip
    return replace(form, sections=sections)
