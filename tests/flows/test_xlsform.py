"""Reading XLSForm workbooks: a KoboToolbox-style form loads; every mistake is placed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from flows.errors import FormError
from flows.form import QuestionType
from flows.form_loader import load_form, load_form_file
from flows.xlsform import read_xlsform, read_xlsform_file
from tests.flows.xlsform_books import KOBO_SURVEY, book, canonical, kobo

SAMPLES = Path(__file__).resolve().parents[2] / "tidtam" / "samples"


def problems(data: bytes) -> list[str]:
    with pytest.raises(FormError) as caught:
        read_xlsform(data, "f.xlsx")
    return [str(p) for p in caught.value.problems]


def test_a_kobo_workbook_loads() -> None:
    read = read_xlsform(kobo(), "kobo.xlsx")
    form = read.form
    assert (form.code, form.version, form.title) == ("pb-budget", 2, "แบบติดตามงบประมาณ")
    assert [s.id for s in form.sections] == ["s1"]
    assert [p.question.id for p in form.questions()] == [
        "done",
        "who",
        "allocated",
        "spent",
        "left",
    ]
    done, who = form.question("done"), form.question("who")
    assert done.type is QuestionType.CHOICE and done.required
    assert who.type is QuestionType.MULTI and not who.required
    assert who.when_text == "done == yes"
    assert [c.exclusive for c in who.choices] == [False, False, True]
    allocated = form.question("allocated")
    assert allocated.help == "กรอกจำนวนเงินเป็นบาท"  # the note before it
    assert allocated.when_text == "who in [gov]"
    assert [(c.source, c.message) for c in allocated.checks] == [
        ("allocated >= 0", "งบประมาณต้องไม่ติดลบ")
    ]
    spent = form.question("spent")
    assert spent.when_text == "who in [gov, ngo, none] and not done == no"
    assert spent.checks[0].source == "spent <= allocated"
    left = form.question("left")
    assert (left.type, left.calc_text, left.required) == (
        QuestionType.DECIMAL,
        "allocated - spent",
        False,
    )
    # label::English (en) columns: the form's English words
    assert done.text_en == "Done?" and form.sections[0].indicators[0].title_en == "Indicator 1.1"
    assert form.sections[0].title_en == "Strategy 1" and form.title_en is None
    assert who.choice("ngo").label_en == "NGO" and done.choice("no").label_en == "No"
    assert allocated.help_en == "In baht"  # the note's English, as its help
    assert left.text_en is None
    assert str(read.places["spent"]) == 'survey row 10, column B "name"'
    assert load_form(read.yaml, "again") == form  # the YAML is a form file of its own


@pytest.mark.parametrize(
    "kobo_version", ["3 (2026-11-20 09:15:42)", "vY3pHFp4B8NvQoxHUGGrzm", None]
)
def test_kobo_version_text_and_its_version_row_are_left_to_tidtam(
    kobo_version: str | None,
) -> None:
    """KoboToolbox's export writes its own version (its count and date, or a version id)
    in settings and stamps it as a calculate row after the last group: tidtam numbers
    the version itself and asks nothing for the stamp."""
    rows = (*survey(("text", "a", "A")), ("calculate", "__version__", None, None, None, None,
            "'vY3pHFp4B8NvQoxHUGGrzm'"))  # fmt: skip
    settings = (("id_string", "form_title", "version"), ("t", "T", kobo_version))
    read = read_xlsform(book(rows, settings=settings), "kobo.xlsx")
    assert read.form.version is None  # the next free one, when loaded
    assert [p.question.id for p in read.form.questions()] == ["a"]
    assert "version" not in read.yaml and "__version__" not in read.yaml
    # any other text is still a mistake, and a question named so is not skipped
    for wrong in ("3 (20 Nov)", "v2", "vY3pHFp4B8NvQoxHUGGrzm-2"):
        bad = book(survey(("text", "a", "A")), settings=(settings[0], ("t", "T", wrong)))
        assert problems(bad) == [
            f'f.xlsx: settings row 2, column C "version": version must be a whole number such '
            f'as 3, got "{wrong}" (give a number, or leave it empty to take the next free one)'
        ]
    asked = book(survey(("text", "__version__", "A")), settings=settings)
    assert problems(asked) == [
        'f.xlsx: survey row 4, column B "name": name "__version__" is not valid: use a '
        'letter, then letters, digits or "_"'
    ]


def test_tidtam_columns_and_types() -> None:
    survey = (
        ("type", "name", "label", "required", "min", "max", "target", "kinds", "no", "accept",
         "calculation"),
        ("begin group", "s1", "S", None, None, None, None, "esa school", "2"),
        ("begin group", "s1i1", "I", None, None, None, None, None, None),
        ("integer", "n", "จำนวน (คน)", "yes", 0, 100, 5000, "esa"),
        ("integer", "twice", "สองเท่า", None, None, None, None, None, None, None, "${n} * 2"),
        ("date", "d", "วันที่", "TRUE()", None, None, None, None, "2.1.9"),
        ("image", "photo", "ภาพ", "no"),
        ("file", "doc", "เอกสาร", 0, None, None, None, None, None, "pdf, docx"),
        ("text", "t", "ข้อความ", 1),
        ("end group",),
        ("end group",),
    )  # fmt: skip
    form = read_xlsform(book(survey), "f.xlsx").form
    n = form.question("n")
    assert (n.min, n.max, n.target, n.kinds) == (0, 100, Decimal(5000), frozenset({"esa"}))
    assert form.sections[0].no == "2" and form.sections[0].kinds == frozenset({"esa", "school"})
    twice = form.question("twice")
    assert (twice.type, twice.calc_text) == (QuestionType.INTEGER, "n * 2")
    assert form.question("d").no == "2.1.9" and form.question("d").required
    assert form.question("photo").accept == ("jpg", "jpeg", "png")
    assert form.question("doc").accept == ("pdf", "docx")
    assert not form.question("doc").required and form.question("t").required


def test_the_shipped_workbook_is_the_sample_form() -> None:
    shipped = read_xlsform_file(SAMPLES / "form.xlsx").form
    assert shipped == canonical(load_form_file(SAMPLES / "form.yaml"))


GROUPS = (("begin group", "s1", "S"), ("begin group", "i1", "I"))
END = (("end group",), ("end group",))
HEAD = ("type", "name", "label", "relevant", "constraint", "constraint_message", "calculation")


def survey(*rows: tuple[object, ...]) -> tuple[tuple[object, ...], ...]:
    return (HEAD, *GROUPS, *rows, *END)  # the first question is on row 4


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            book(survey(("number", "a", "A"))),
            'f.xlsx: survey row 4, column A "type": unknown type "number" (tidtam reads:',
        ),
        (
            book(survey(("select_one yn", "a", "A")), (("list_name", "name", "label"),)),
            'f.xlsx: survey row 4, column A "type": the choice list "yn" does not exist',
        ),
        (
            book(survey(("text", "a", "A", "${b} = 'x'"), ("text", "b", "B"))),
            'f.xlsx: survey row 4, column D "relevant": relevant refers to question "b", '
            "which comes later",
        ),
        (
            book(survey(("text", "a", "A", "${zz} = 'x'"))),
            'f.xlsx: survey row 4, column D "relevant": relevant refers to unknown question "zz"',
        ),
        (
            book(survey(("integer", "a", "A"), ("integer", "b", "B", "${a} mod 2 = 1"))),
            'f.xlsx: survey row 5, column D "relevant": relevant is outside what tidtam reads, '
            "at column 6: mod is not supported",
        ),
        (
            book(survey(("integer", "a", "A", None, "regex(., '[0-9]+')", "x"))),
            'f.xlsx: survey row 4, column E "constraint": constraint is outside what tidtam '
            "reads, at column 1: regex() is not supported",
        ),
        (
            book(survey(("integer", "a", "A", None, ". > 0"))),
            'f.xlsx: survey row 4, column F "constraint_message": constraint_message is empty',
        ),
        (
            book(survey(("calculate", "c", "C", None, None, None, "round(${x}, 2)"))),
            'f.xlsx: survey row 4, column G "calculation": calculation is outside what tidtam '
            "reads, at column 1: round() is not supported",
        ),
        (
            book(
                (
                    (*HEAD, "item", "repeat_count"),
                    *GROUPS,
                    ("begin repeat", "r", "R", None, None, None, None, "รายการ", 3),
                    ("text", "x", "X"),
                    ("end repeat",),
                    *END,
                )
            ),
            'f.xlsx: survey row 4, column I "repeat_count": repeat_count is not supported: '
            "give the number of items with tidtam's min and max columns",
        ),
        (
            book(survey(("text", "1a", "A"))),
            'f.xlsx: survey row 4, column B "name": name "1a" is not valid',
        ),
        (
            book(survey(("text", "a", None))),
            'f.xlsx: survey row 4, column C "label": label is empty',
        ),
        (
            book(
                survey(("select_one yn", "a", "A")),
                (("list_name", "name", "label"), ("yn", "yes", "Y"), ("yn", "no", None)),
            ),
            'f.xlsx: choices row 3, column C "label": label is empty',
        ),
        (
            book(
                survey(("select_one yn", "a", "A")),
                (("list_name", "name", "label"), ("yn", "1", "Y"), ("yn", "2", "N")),
            ),
            'f.xlsx: choices row 2, column B "name": name "1" is not valid',
        ),
        (
            book(
                survey(("text", "a", "A")),
                settings=(("form_id", "form_title", "version"), ("t", "T", "vJ8mdw")),
            ),
            'f.xlsx: settings row 2, column C "version": version must be a whole number',
        ),
        (
            book(survey(("text", "a", "A")), settings=None),
            'f.xlsx: settings row 1: the workbook has no "settings" sheet',
        ),
        (
            book(None, extra={"questions": (("type",),)}),
            'f.xlsx: the workbook has no "survey" sheet',
        ),
        (
            book((HEAD, ("text", "a", "A"))),
            'f.xlsx: survey row 2, column B "name": a question must be inside two groups',
        ),
        (
            book((HEAD, *GROUPS, ("text", "a", "A"))),
            'f.xlsx: survey row 3, column A "type": "begin group" without its "end group"',
        ),
        (
            book(survey(("text", "a", "A"), ("note", "n", "N"))),
            'f.xlsx: survey row 5, column A "type": a note must be followed by a question',
        ),
        (
            book(
                survey(("geopoint", "a", "A"), ("select_one yn or_other", "b", "B")),
                (("list_name", "name", "label"), ("yn", "yes", "Y"), ("yn", "no", "N")),
            ),
            'f.xlsx: survey row 5, column A "type": "select_one yn or_other" must name one '
            "choice list, such as select_one yesno (or_other is not supported",
        ),
        (
            book(
                (
                    (*HEAD, "required"),
                    *GROUPS,
                    ("text", "a", "A", None, None, None, None, "${x} = 'y'"),
                    *END,
                )
            ),
            'f.xlsx: survey row 4, column H "required": required must be yes or no',
        ),
        (
            book(survey(("text", "a", "A")), extra={"Survey": ()})
            if False
            else book(
                (
                    (*HEAD, "choice_filter"),
                    *GROUPS,
                    ("text", "a", "A", None, None, None, None, "x = 1"),
                    *END,
                )
            ),
            'f.xlsx: survey row 4, column H "choice_filter": choices filtered by earlier',
        ),
    ],
)
def test_each_mistake_is_placed(data: bytes, expected: str) -> None:
    found = problems(data)
    assert any(line.startswith(expected) for line in found), found


def test_every_problem_at_once_in_sheet_order() -> None:
    data = book(
        survey(
            ("number", "a", "A"), ("text", "b", "B", "${zz} = 'x'"), ("text", "c", "C", "if(1)")
        ),
        settings=(("form_id", "form_title", "version"), ("t", "T", "v1")),
    )
    found = problems(data)
    assert [line.split(":")[1].strip() for line in found] == [
        'settings row 2, column C "version"',
        'survey row 4, column A "type"',
        'survey row 5, column D "relevant"',
        'survey row 6, column D "relevant"',
    ]


def test_a_broken_row_is_reported_once() -> None:
    """An unknown list: the loader's "needs choices" about the same row is not repeated."""
    found = problems(book(survey(("select_one nope", "a", "A")), (("list_name", "name", "label"),)))
    assert len(found) == 1


def test_not_a_workbook() -> None:
    assert problems(b"form: t\n") == [
        "f.xlsx: cannot read the workbook: File is not a zip file (save it as an Excel .xlsx "
        "workbook)"
    ]


def test_kobo_survey_rows_are_as_documented() -> None:
    assert KOBO_SURVEY[9][1] == "spent"  # row 10 of the sheet, used above
