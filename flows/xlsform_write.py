"""A stored form written as an XLSForm workbook (``tidtam forms export``).

:func:`form_to_xlsform` writes the ``survey``, ``choices`` and ``settings`` sheets that
:func:`flows.xlsform.read_xlsform` reads back to the same form (expressions come back
with the same meaning, in tidtam's canonical spelling; ``q not in [x]`` as ``q != x``),
and a sheet ``คำอธิบาย`` that explains every column in Thai.

Nothing a person typed becomes a formula: like :mod:`reports.invite_book`, the
workbook is opened with ``strings_to_formulas`` off and every text is written with
``write_string``, so a label starting with ``=``, ``+``, ``-`` or ``@`` stays text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Final

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from flows.form import Form, Question, QuestionType, default_numbers
from flows.xlsform_expr import QuestionInfo, calc_to_xpath, when_to_xpath

__all__ = ["EXPLANATION_SHEET", "HINT_EN", "ITEM_EN", "LABEL_EN", "TITLE_EN", "form_to_xlsform"]

EXPLANATION_SHEET: Final = "คำอธิบาย"
_FIXED_TIME: Final = dt.datetime(2024, 1, 1)  # the same form gives the same bytes

_OWN: Final = " (เฉพาะระบบติดตาม)"
_EXPLANATIONS: Final = (
    ("ทุกแผ่นงาน", "(ทั่วไป)", "แถวแรกของแต่ละแผ่นงานคือชื่อคอลัมน์ กรุณาอย่าแก้ไขชื่อคอลัมน์และชื่อแผ่นงาน "
     "คอลัมน์ที่ไม่ใช้เว้นว่างไว้ได้ คอลัมน์ที่มีหมายเหตุ (เฉพาะระบบติดตาม) เป็นคอลัมน์ของระบบนี้ "
     "ซึ่ง KoboToolbox และ ODK ไม่อ่าน เมื่อกรอกเสร็จแล้ว กรุณาตรวจสอบด้วยคำสั่ง "
     "tidtam forms check ชื่อไฟล์.xlsx ระบบจะแจ้งข้อผิดพลาดทุกจุดพร้อมแผ่นงาน แถว และคอลัมน์ "
     "(ระบบไม่อ่านแผ่นงานคำอธิบายนี้)"),
    ("survey", "type", "ชนิดของแถว ได้แก่\n"
     "begin group / end group: เปิดและปิดกลุ่ม กลุ่มชั้นนอกคือยุทธศาสตร์ กลุ่มชั้นในคือตัวชี้วัด "
     "ข้อคำถามทุกข้อต้องอยู่ภายในตัวชี้วัด\n"
     "select_one ชื่อชุดตัวเลือก: เลือกได้ข้อเดียว (ชุดตัวเลือกอยู่ในแผ่นงาน choices)\n"
     "select_multiple ชื่อชุดตัวเลือก: เลือกได้หลายข้อ\n"
     "text: ข้อความ; integer: จำนวนเต็ม; decimal: ตัวเลขที่มีทศนิยมได้ เช่น จำนวนเงิน; "
     "date: วันที่; file: แนบไฟล์หรือภาพ\n"
     "calculate: ค่าที่ระบบคำนวณจากคำตอบก่อนหน้า (สูตรอยู่ในคอลัมน์ calculation)\n"
     "note: ข้อความชี้แจง ซึ่งแสดงใต้ข้อคำถามข้อถัดไป\n"
     "begin repeat / end repeat: กลุ่มข้อคำถามที่ตอบซ้ำได้หลายรายการ เช่น ทีละกิจกรรม "
     "ภายในกลุ่มมีกลุ่มที่ตอบซ้ำได้อีกหนึ่งชั้น เช่น กิจกรรมของแต่ละโครงการ"),
    ("survey", "name", "รหัสของยุทธศาสตร์ ตัวชี้วัด หรือข้อคำถาม ใช้อักษรภาษาอังกฤษ ตัวเลข และ _ "
     "โดยขึ้นต้นด้วยอักษรภาษาอังกฤษ เช่น s1i1_done และต้องไม่ซ้ำกันทั้งแบบติดตาม "
     "กรุณาอย่าเปลี่ยนรหัสเมื่อเปิดรอบการรายงานแล้ว เพราะคำตอบบันทึกไว้ตามรหัสนี้ "
     "(แถว end group และ end repeat เว้นว่างได้)"),
    ("survey", "label", "ชื่อยุทธศาสตร์หรือตัวชี้วัด (แถว begin group) หรือข้อความของข้อคำถาม "
     "ตามที่ผู้ตอบเห็น"),
    ("survey", "hint", "คำชี้แจงเพิ่มเติมที่แสดงใต้ข้อคำถาม (ไม่บังคับ)"),
    ("survey", "label::English (en), hint::English (en), item::English (en)", "ข้อความ "
     "คำชี้แจง และคำเรียกรายการเป็นภาษาอังกฤษ สำหรับผู้ตอบที่ใช้งานเป็นภาษาอังกฤษ (ไม่บังคับ "
     "ช่องที่เว้นว่างจะแสดงเป็นภาษาไทย)"),
    ("survey", "required", "yes หมายถึงต้องตอบ ข้ามไม่ได้ ส่วน no หรือเว้นว่างหมายถึงข้ามได้ "
     "(แถว calculate และ begin repeat เว้นว่างไว้)"),
    ("survey", "relevant", "เงื่อนไขการถามข้อนี้ ระบบจะถามเฉพาะเมื่อเงื่อนไขเป็นจริง และข้ามไปเมื่อไม่เป็นจริง "
     "หากเว้นว่างจะถามทุกครั้ง เช่น ${s1i1_done} = 'yes' หมายถึงถามเมื่อตอบว่าดำเนินการแล้ว และ "
     "selected(${s1i1_done}, 'yes') or selected(${s1i1_done}, 'partly') หมายถึงถามเมื่อตอบว่า"
     "ดำเนินการแล้วหรืออยู่ระหว่างดำเนินการ"),
    ("survey", "constraint", "กฎตรวจสอบคำตอบ โดยเครื่องหมาย . (จุด) หมายถึงคำตอบของข้อนี้ เช่น "
     ". <= ${s1i1_pupils} (ต้องไม่เกินจำนวนนักเรียนทั้งหมด) ข้อที่มีหลายกฎใช้คอลัมน์ "
     "constraint_2 และ constraint_3 ตามลำดับ"),
    ("survey", "constraint_message", "ข้อความที่แจ้งผู้ตอบเมื่อคำตอบไม่เป็นไปตามกฎในคอลัมน์ "
     "constraint ที่คู่กัน (ต้องระบุทุกกฎ)"),
    ("survey", "calculation", "สูตรคำนวณจากคำตอบก่อนหน้า ใช้ได้เฉพาะ + (บวก) - (ลบ) * (คูณ) "
     "div (หาร) และวงเล็บ เช่น ${s1i1_readers} div ${s1i1_pupils} * 100 ระบบจะคำนวณและแจ้งผล"
     "ให้ผู้ตอบทราบโดยไม่ถาม"),
    ("survey", "min, max", "ค่าต่ำสุดและค่าสูงสุดที่รับได้ของคำตอบตัวเลข หรือจำนวนรายการน้อยที่สุดและ"
     "มากที่สุดของกลุ่มข้อคำถามที่ตอบซ้ำในแถว begin repeat" + _OWN),
    ("survey", "accept", "นามสกุลไฟล์ที่รับได้ของข้อคำถามชนิด file เช่น pdf docx jpg" + _OWN),
    ("survey", "kinds", "ประเภทหน่วยงานที่ต้องตอบ ตามคอลัมน์ kind ของแฟ้มรายชื่อหน่วยงาน "
     "เช่น esa school หากเว้นว่างจะถามทุกประเภท" + _OWN),
    ("survey", "no", "เลขข้อที่กำหนดเอง เช่น 2.4 หากเว้นว่างระบบจะกำหนดเลขข้อตามลำดับ" + _OWN),
    ("survey", "target", "ค่าเป้าหมายระดับจังหวัดของข้อคำถามตัวเลข" + _OWN),
    ("survey", "cumulative", "yes หมายถึงตัวเลขของรอบนั้นเท่านั้น (เช่น เงินที่เบิกจ่ายในไตรมาสนี้) "
     "ซึ่งไม่ยกมาจากรอบก่อน และรวมทุกไตรมาสเป็นผลของทั้งปี" + _OWN),
    ("survey", "budget", "บทบาทของข้อในรายงานงบประมาณ: allocated (งบประมาณที่ได้รับจัดสรร) หรือ "
     "spent (งบประมาณที่เบิกจ่ายแล้วสะสม) สำหรับข้อตัวเลข, status (สถานะโครงการ ตัวเลือกรหัส "
     "not_started ongoing done cancelled) สำหรับ select_one, project (ชื่อโครงการ) สำหรับข้อข้อความ"
     + _OWN),
    ("survey", "item", "คำเรียกแต่ละรายการของกลุ่มข้อคำถามที่ตอบซ้ำ (แถว begin repeat) เช่น กิจกรรม "
     "ผู้ตอบจะเห็นเป็น “กิจกรรมที่ 2” และปุ่ม “เพิ่มกิจกรรม” ต้องระบุในทุกแถว begin repeat" + _OWN),
    ("choices", "list_name", "ชื่อชุดตัวเลือก ซึ่งอ้างถึงในคอลัมน์ type ของแผ่นงาน survey เช่น "
     "select_one s1i1_done"),
    ("choices", "name", "รหัสของตัวเลือก ใช้อักษรภาษาอังกฤษ ตัวเลข และ _ โดยขึ้นต้นด้วยอักษร"
     "ภาษาอังกฤษ และต้องไม่ซ้ำกันภายในชุดเดียวกัน คำตอบบันทึกไว้ตามรหัสนี้"),
    ("choices", "label", "ข้อความบนปุ่มตัวเลือกที่ผู้ตอบเห็น"),
    ("choices", "label::English (en)", "ข้อความบนปุ่มตัวเลือกเป็นภาษาอังกฤษ (ไม่บังคับ ช่องที่เว้นว่าง"
     "จะแสดงเป็นภาษาไทย)"),
    ("choices", "exclusive", "yes หมายถึงตัวเลือกนี้เลือกร่วมกับตัวเลือกอื่นไม่ได้ เช่น "
     "ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน (ใช้กับ select_multiple เท่านั้น)"),
    ("settings", "form_id", "รหัสของแบบติดตาม เช่น pb-plan-2567 ใช้รหัสเดิมทุกครั้งที่ปรับปรุงแบบ "
     "ระบบจะบันทึกเป็นฉบับใหม่ของแบบเดิม และใช้รหัสนี้เมื่อเปิดรอบการรายงาน"),
    ("settings", "form_title", "ชื่อแบบติดตาม"),
    ("settings", "title_en", "ชื่อแบบติดตามภาษาอังกฤษ หากเว้นว่างจะแสดงชื่อภาษาไทย" + _OWN),
    ("settings", "version", "ฉบับที่ของแบบติดตาม เป็นจำนวนเต็ม หากเว้นว่างระบบจะกำหนดฉบับถัดไปให้ "
     "หากเป็นข้อความที่ KoboToolbox เขียนไว้ เช่น 3 (2024-03-15 10:23:11) ระบบจะไม่ใช้ "
     "และกำหนดฉบับให้เอง"),
    ("settings", "change_threshold", "ร้อยละ เช่น 40 หมายถึงตัวเลขที่ต่างจากคำตอบรอบก่อนเกินร้อยละ 40 "
     "ระบบจะขอให้ผู้ตอบยืนยันอีกครั้ง" + _OWN),
)  # fmt: skip

_SURVEY_HEAD: Final = (
    "type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message",
)  # fmt: skip
_SURVEY_TAIL: Final = (
    "calculation", "min", "max", "accept", "kinds", "no", "target", "item", "cumulative",
    "budget",
)  # fmt: skip
#: The English columns, written when the form has English words (``text_en`` ...).
LABEL_EN: Final = "label::English (en)"
HINT_EN: Final = "hint::English (en)"
ITEM_EN: Final = "item::English (en)"
#: The form's English title: a column of tidtam's own (pyxform refuses a translated
#: ``form_title``; it ignores other columns of the settings sheet).
TITLE_EN: Final = "title_en"


def _number(value: int | Decimal) -> int | float | str:
    """A bound as a cell value: a number where Excel keeps it exactly, else text."""
    if isinstance(value, int):
        return value if abs(value) < 2**53 else str(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else format(value, "f")


def _every(questions: Iterable[Question]) -> Iterator[Question]:
    """The questions with each repeat group's own after it, in form order."""
    for q in questions:
        yield q
        yield from _every(q.questions)


def _all_questions(form: Form) -> Iterator[Question]:
    return _every(p.question for p in form.questions())


def _infos(form: Form) -> dict[str, QuestionInfo]:
    return {
        q.id: QuestionInfo(q.type, tuple(c.id for c in q.choices)) for q in _all_questions(form)
    }


class _Sheet:
    def __init__(self, sheet: Worksheet, headers: tuple[str, ...], bold: object) -> None:
        self.sheet = sheet
        self.headers = headers
        self.row = 1
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header, bold)
        sheet.freeze_panes(1, 0)

    def add(self, values: Mapping[str, object]) -> None:
        for header, value in values.items():
            if value is None or value == "":
                continue
            col = self.headers.index(header)
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.sheet.write_number(self.row, col, value)
            else:
                self.sheet.write_string(self.row, col, str(value))
        self.row += 1


def form_to_xlsform(form: Form) -> bytes:
    """``form`` as an XLSForm .xlsx (see the module docstring)."""
    infos = _infos(form)
    numbers = default_numbers(form)
    most_checks = max((len(q.checks) for q in _all_questions(form)), default=1)
    extra = tuple(
        h for n in range(2, most_checks + 1) for h in (f"constraint_{n}", f"constraint_message_{n}")
    )
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"created": _FIXED_TIME})
    bold = book.add_format({"bold": True})
    questions = list(_all_questions(form))
    in_english = any(s.title_en for s in form.sections) or any(
        i.title_en for s in form.sections for i in s.indicators
    )
    in_english |= any(q.text_en or q.help_en or q.item_en for q in questions)
    english = (LABEL_EN, HINT_EN, ITEM_EN) if in_english else ()
    survey = _Sheet(
        book.add_worksheet("survey"), (*_SURVEY_HEAD, *extra, *_SURVEY_TAIL, *english), bold
    )
    choice_english = any(c.label_en for q in questions for c in q.choices)
    choices = _Sheet(
        book.add_worksheet("choices"),
        ("list_name", "name", "label", "exclusive", *((LABEL_EN,) if choice_english else ())),
        bold,
    )
    settings = _Sheet(
        book.add_worksheet("settings"),
        (
            "form_id",
            "form_title",
            "version",
            *((TITLE_EN,) if form.title_en else ()),
            *(("change_threshold",) if form.change_threshold is not None else ()),
        ),
        bold,
    )
    settings.add(
        {"form_id": form.code, "form_title": form.title, "version": form.version,
         TITLE_EN: form.title_en,
         "change_threshold": None if form.change_threshold is None
         else _number(form.change_threshold)}
    )  # fmt: skip
    lists: dict[tuple[tuple[str, str, bool, str | None], ...], str] = {}

    def own(ident: str, no: str) -> dict[str, object]:
        return {"no": "" if no == numbers[ident] else no}

    def kinds(value: frozenset[str] | None) -> str:
        return "" if value is None else " ".join(sorted(value))

    def choice_list(question: Question) -> str:
        key = tuple((c.id, c.label, c.exclusive, c.label_en) for c in question.choices)
        if key not in lists:
            name = question.id
            lists[key] = name
            for c in question.choices:
                choices.add(
                    {"list_name": name, "name": c.id, "label": c.label,
                     "exclusive": "yes" if c.exclusive else "", LABEL_EN: c.label_en}
                )  # fmt: skip
        return lists[key]

    for section in form.sections:
        survey.add(
            {"type": "begin group", "name": section.id, "label": section.title,
             "kinds": kinds(section.kinds), **own(section.id, section.no),
             LABEL_EN: section.title_en}
        )  # fmt: skip
        for indicator in section.indicators:
            survey.add(
                {"type": "begin group", "name": indicator.id, "label": indicator.title,
                 "kinds": kinds(indicator.kinds), **own(indicator.id, indicator.no),
                 LABEL_EN: indicator.title_en}
            )  # fmt: skip
            for q in _every_row(indicator.questions):
                if q is None:
                    survey.add({"type": "end repeat"})
                    continue
                survey.add(_question_row(q, infos, own(q.id, q.no), kinds(q.kinds), choice_list))
            survey.add({"type": "end group"})
        survey.add({"type": "end group"})
    explain = book.add_worksheet(EXPLANATION_SHEET)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    explain.write_string(0, 0, "แผ่นงาน", bold)
    explain.write_string(0, 1, "คอลัมน์", bold)
    explain.write_string(0, 2, "คำอธิบาย", bold)
    for row, (sheet, column, text) in enumerate(_EXPLANATIONS, start=1):
        explain.write_string(row, 0, sheet, wrap)
        explain.write_string(row, 1, column, wrap)
        explain.write_string(row, 2, text, wrap)
    explain.set_column(0, 0, 12)
    explain.set_column(1, 1, 24)
    explain.set_column(2, 2, 90)
    explain.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def _every_row(questions: Iterable[Question]) -> Iterator[Question | None]:
    """The questions in survey order, each repeat group's own after it and ``None``
    where the group's ``end repeat`` goes."""
    for q in questions:
        yield q
        if q.repeat:
            yield from _every_row(q.questions)
            yield None


def _question_row(
    q: Question,
    infos: Mapping[str, QuestionInfo],
    no: Mapping[str, object],
    kinds: str,
    choice_list: object,
) -> dict[str, object]:
    row: dict[str, object] = {"name": q.id, "label": q.text, "hint": q.help, "kinds": kinds, **no}
    row |= {LABEL_EN: q.text_en, HINT_EN: q.help_en, ITEM_EN: q.item_en}
    if q.repeat:
        row |= {"type": "begin repeat", "item": q.item}
    elif q.type in (QuestionType.CHOICE, QuestionType.MULTI):
        word = "select_one" if q.type is QuestionType.CHOICE else "select_multiple"
        row["type"] = f"{word} {choice_list(q)}"  # type: ignore[operator]
    elif q.calc is not None and q.type is QuestionType.DECIMAL:
        row["type"] = "calculate"
    else:
        row["type"] = q.type.value
    if q.calc is not None:
        row["calculation"] = calc_to_xpath(q.calc)
    elif not q.repeat:  # a group's items are counted by min and max
        row["required"] = "yes" if q.required else "no"
    if q.when is not None:
        row["relevant"] = when_to_xpath(q.when, infos)
    for index, check in enumerate(q.checks, start=1):
        suffix = "" if index == 1 else f"_{index}"
        row[f"constraint{suffix}"] = when_to_xpath(check.rule, infos, own=q.id)
        row[f"constraint_message{suffix}"] = check.message
    for key, value in (("min", q.min), ("max", q.max), ("target", q.target)):
        if value is not None:
            row[key] = _number(value)
    if q.cumulative:
        row["cumulative"] = "yes"
    if q.budget is not None:
        row["budget"] = q.budget.value
    if q.accept:
        row["accept"] = " ".join(q.accept)
    return row
