"""XLSForm repeat groups: ``begin repeat`` / ``end repeat`` read as tidtam repeat groups,
written back the same way; every mistake placed at its cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from flows.errors import FormError
from flows.form import QuestionType
from flows.form_loader import load_form, load_form_file
from flows.xlsform import read_xlsform, read_xlsform_file
from flows.xlsform_write import form_to_xlsform
from tests.flows.xlsform_books import book, canonical

SAMPLES = Path(__file__).resolve().parents[2] / "tidtam" / "samples"


def problems(data: bytes) -> list[str]:
    with pytest.raises(FormError) as caught:
        read_xlsform(data, "f.xlsx")
    return [str(p) for p in caught.value.problems]


def test_the_projects_form_comes_back() -> None:
    form = load_form_file(SAMPLES / "projects.yaml")
    data = form_to_xlsform(form)
    assert read_xlsform(data, "projects.xlsx").form == canonical(form) == form
    xform = convert(xlsform=data, file_type=".xlsx").xform  # ODK reads it as two repeats
    assert xform.count("<repeat") == 2


def test_the_shipped_projects_workbook_is_the_projects_form() -> None:
    shipped = read_xlsform_file(SAMPLES / "projects.xlsx").form
    assert shipped == load_form_file(SAMPLES / "projects.yaml")


#: A KoboToolbox-style form with a repeat group of projects holding a repeat group of
#: activities: Kobo's spellings (begin_repeat), its own columns, tidtam's item/min/max.
KOBO_REPEAT = (
    ("type", "name", "label::Thai (th)", "label::English (en)", "required", "relevant",
     "constraint", "constraint_message::Thai (th)", "calculation", "item", "min", "max",
     "$kuid"),
    ("start", "start", None, None, None, None, None, None, None, None, None, None, "k0"),
    ("begin_group", "p1", "โครงการ", "Projects", None, None, None, None, None, None, None, None,
     "k1"),
    ("begin_group", "p1i1", "ความก้าวหน้า", "Progress", None, None, None, None, None, None,
     None, None, "k2"),
    ("begin_repeat", "projects", "โครงการที่ดำเนินการ", "Projects run", None, None, None,
     None, None, "โครงการ", 1, 30, "k3"),
    ("text", "name", "ชื่อโครงการ", "Name", "true", None, None, None, None, None, None, None,
     "k4"),
    ("select_one status", "status", "สถานะ", "Status", "true", None, None, None, None, None,
     None, None, "k5"),
    ("decimal", "allocated", "งบประมาณ (บาท)", "Budget", "true", None, ". >= 0",
     "ต้องไม่ติดลบ", None, None, 0, None, "k6"),
    ("decimal", "spent", "เบิกจ่าย (บาท)", "Spent", "true", "${status} != 'not_started'",
     ". <= ${allocated}", "ต้องไม่เกินงบประมาณ", None, None, None, None, "k7"),
    ("calculate", "left", "คงเหลือ (บาท)", None, None, None, None, None,
     "${allocated} - ${spent}", None, None, None, "k8"),
    ("begin_repeat", "activities", "กิจกรรม", "Activities", None,
     "selected(${status}, 'ongoing') or selected(${status}, 'done')", None, None, None,
     "กิจกรรม", None, None, "k9"),
    ("text", "act_name", "ชื่อกิจกรรม", "Activity", "true", None, None, None, None, None, None,
     None, "k10"),
    ("image", "act_photo", "ภาพกิจกรรม", "Photo", "false", None, None, None, None, None, None,
     None, "k11"),
    ("end_repeat", None, None, None, None, None, None, None, None, None, None, None, "k12"),
    ("end_repeat", None, None, None, None, None, None, None, None, None, None, None, "k13"),
    ("integer", "count", "จำนวนโครงการทั้งหมด", "Projects in all", "true", None, None, None,
     None, None, None, None, "k14"),
    ("end_group", None, None, None, None, None, None, None, None, None, None, None, "k15"),
    ("end_group", None, None, None, None, None, None, None, None, None, None, None, "k16"),
)  # fmt: skip
STATUS = (
    ("list_name", "name", "label::Thai (th)", "label::English (en)"),
    ("status", "not_started", "ยังไม่เริ่ม", "Not started"),
    ("status", "ongoing", "กำลังดำเนินการ", "Ongoing"),
    ("status", "done", "เสร็จแล้ว", "Done"),
)
KOBO_SETTINGS = (("form_title", "form_id", "version"), ("แบบรายงานโครงการ", "pb-proj", ""))


def test_a_kobo_workbook_with_nested_repeats_loads() -> None:
    form = read_xlsform(book(KOBO_REPEAT, STATUS, KOBO_SETTINGS), "kobo.xlsx").form
    assert [p.question.id for p in form.questions()] == ["projects", "count"]
    projects = form.question("projects")
    assert (projects.type, projects.item, projects.min, projects.max) == (
        QuestionType.REPEAT,
        "โครงการ",
        1,
        30,
    )
    assert [q.id for q in projects.questions] == [
        "name", "status", "allocated", "spent", "left", "activities",
    ]  # fmt: skip
    activities = projects.questions[-1]
    assert activities.repeat and activities.item == "กิจกรรม" and activities.min is None
    assert activities.when_text == "status in [ongoing, done]"  # a sibling, by its short id
    assert [q.id for q in activities.questions] == ["act_name", "act_photo"]
    assert activities.questions[1].accept == ("jpg", "jpeg", "png")
    spent = form.question("projects/i2/spent")  # an item's question, by key
    assert spent.when_text == "status != not_started"
    assert spent.checks[0].source == "spent <= allocated"
    left = form.question("projects/i1/left")
    assert left.calc_text == "allocated - spent"
    assert "projects/i1/activities/i3/act_name" in form


def test_a_repeat_group_after_a_note_takes_it_as_help() -> None:
    survey = (
        ("type", "name", "label", "item"),
        ("begin group", "s1", "S"),
        ("begin group", "i1", "I"),
        ("note", "n", "รายงานทีละรายการ"),
        ("begin repeat", "r", "R", "รายการ"),
        ("text", "x", "X"),
        ("end repeat",),
        ("end group",),
        ("end group",),
    )
    assert read_xlsform(book(survey)).form.question("r").help == "รายงานทีละรายการ"


HEAD = ("type", "name", "label", "required", "relevant", "item", "min", "max")
GROUPS = (("begin group", "s1", "S"), ("begin group", "i1", "I"))
END = (("end group",), ("end group",))


def survey(*rows: tuple[object, ...]) -> tuple[tuple[object, ...], ...]:
    return (HEAD, *GROUPS, *rows, *END)  # the first row of the indicator is row 4


def repeat(name: str = "r", item: str | None = "รายการ", *more: object) -> tuple[object, ...]:
    return ("begin repeat", name, "R", None, None, item, *more)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            (repeat("r", None), ("text", "x", "X"), ("end repeat",)),
            'f.xlsx: survey row 4, column F "item": item is empty: a repeat group needs the '
            'word for one item, such as "กิจกรรม"',
        ),
        (
            (
                repeat("a"), repeat("b"), repeat("c"), ("text", "x", "X"),
                ("end repeat",), ("end repeat",), ("end repeat",),
            ),
            'f.xlsx: survey row 6, column A "type": repeat groups nest at most 2 deep',
        ),
        (
            (repeat(), ("text", "x", "X")),
            'f.xlsx: survey row 4, column A "type": "begin repeat" without its "end repeat"',
        ),
        (
            (("text", "x", "X"), ("end repeat",)),
            'f.xlsx: survey row 5, column A "type": "end repeat" without its "begin repeat"',
        ),
        (
            (repeat(), ("begin group", "g", "G"), ("text", "x", "X"), ("end group",),
             ("end repeat",)),
            'f.xlsx: survey row 5, column A "type": a group inside a repeat group is not '
            "supported",
        ),
        (
            (repeat(), ("end repeat",)),
            'f.xlsx: survey row 4, column A "type": the repeat group has no questions',
        ),
        (
            (("begin repeat", "r", "R", "yes", None, "รายการ"), ("text", "x", "X"),
             ("end repeat",)),
            'f.xlsx: survey row 4, column D "required": required is not allowed on a repeat '
            "group: give min",
        ),
        (
            (repeat("r", "รายการ", "many"), ("text", "x", "X"), ("end repeat",)),
            'f.xlsx: survey row 4, column G "min": min must be a whole number of items from 0 '
            "to 200",
        ),
        (
            (repeat("r", "รายการ", 5, 2), ("text", "x", "X"), ("end repeat",)),
            'f.xlsx: survey row 4, column G "min": min (5) must not be greater than max (2)',
        ),
        (
            (repeat(), ("text", "x", "X"), ("end repeat",),
             ("text", "after", "A", None, "${x} = 'y'")),
            'f.xlsx: survey row 7, column E "relevant": relevant refers to "x", a question of '
            'the repeat group "r"',
        ),
        (
            (repeat(), ("text", "x", "X"), ("end group",), ("end repeat",)),
            'f.xlsx: survey row 6, column A "type": "end group" where the repeat group needs '
            'its "end repeat"',
        ),
        (
            (("begin loop over yn", "r", "R", None, None, "รายการ"), ("text", "x", "X"),
             ("end loop",)),
            'f.xlsx: survey row 4, column A "type": "begin loop" (one item per choice) is not '
            "supported",
        ),
    ],
)  # fmt: skip
def test_each_repeat_mistake_is_placed(rows: tuple[tuple[object, ...], ...], expected: str) -> None:
    found = problems(book(survey(*rows)))
    assert any(line.startswith(expected) for line in found), found


def test_a_repeat_group_outside_an_indicator_is_placed() -> None:
    rows = (HEAD, ("begin group", "s1", "S"), repeat(), ("text", "x", "X"), ("end repeat",),
            ("end group",))  # fmt: skip
    found = problems(book(rows))
    assert (
        'f.xlsx: survey row 3, column B "name": a question must be inside two groups: the '
        "section's (outer begin group) and the indicator's (inner begin group)"
    ) in found
    assert not [line for line in found if "row 4" in line]  # its questions: not said again


def test_the_yaml_of_a_repeat_workbook_is_a_form_file() -> None:
    read = read_xlsform(book(KOBO_REPEAT, STATUS, KOBO_SETTINGS))
    assert load_form(read.yaml) == read.form
