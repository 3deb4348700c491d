"""Tests of the YAML form loader: every kind of mistake gives a precise problem."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from flows.errors import FlowsError, FormError, FormProblem
from flows.form import Choice, QuestionType, form_from_dict, form_to_dict
from flows.form_loader import load_form, load_form_file
from flows.when import parse_when

HEAD = """\
form: t
title: T
sections:
  - id: s1
    title: S
    indicators:
      - id: s1i1
        title: I
        questions:
"""  # questions start on line 10

FIRST = """\
- id: a
  type: choice
  text: A
  choices: [{id: yes, label: Y}, {id: no, label: N}]
"""  # lines 10-13; the question under test starts on line 14

Q0 = "sections[0].indicators[0].questions[0]"
Q1 = "sections[0].indicators[0].questions[1]"
Q2 = "sections[0].indicators[0].questions[2]"
IND = "sections[0].indicators[0]"


def form(questions: str, *, first: bool = True) -> str:
    """A one-indicator form whose questions are ``questions`` (after ``a`` if ``first``)."""
    body = (FIRST if first else "") + textwrap.dedent(questions)
    return HEAD + textwrap.indent(body, " " * 10)


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(FormError) as caught:
        load_form(text, "f.yaml")
    for problem in caught.value.problems:
        assert problem.source == "f.yaml"
    return [(p.line, p.path, p.message) for p in caught.value.problems]


TYPES = "choice, multi, text, integer, decimal, date, file, repeat"

CASES: list[tuple[str, str, list[tuple[int | None, str, str]]]] = [
    (
        "yaml-syntax",
        "form: t\ntitle: [T\nsections: []\n",
        [
            (
                3,
                "",
                "invalid YAML: while parsing a flow sequence (line 2), "
                "expected ',' or ']', but got ':'",
            )
        ],
    ),
    (
        "yaml-duplicate-key",
        "form: t\ntitle: T\ntitle: U\nsections: []\n",
        [
            (
                3,
                "",
                'invalid YAML: while constructing a mapping (line 1), found duplicate key "title" '
                'with value "U" (original value: "T")',
            )
        ],
    ),
    ("empty-file", "# nothing here\n", [(None, "", "the form is empty")]),
    (
        "not-a-mapping",
        "- form: t\n",
        [
            (
                1,
                "",
                "the form must be a mapping with keys form, version, title, title_en, "
                "change_threshold, sections, got a list",
            )
        ],
    ),
    (
        "unknown-top-key-typo",
        "form: t\ntitel: T\nsections: []\n",
        [
            (1, "", 'missing required key "title"'),
            (
                2,
                "",
                'unknown key "titel" (expected one of: form, version, title, title_en, '
                "change_threshold, sections)",
            ),
            (3, "", "sections must not be empty"),
        ],
    ),
    (
        "bad-form-code-and-version",
        "form: pb plan\nversion: 0\ntitle: T\nsections: []\n",
        [
            (
                1,
                "",
                'form must be a code of letters, digits, "-", "_" or "." such as pb-plan-2567, '
                'got "pb plan"',
            ),
            (2, "", "version must be a whole number of 1 or more, got 0"),
            (4, "", "sections must not be empty"),
        ],
    ),
    (
        "title-not-text",
        "form: t\ntitle: 2567\nsections: []\n",
        [(2, "", "title must be text, got 2567"), (3, "", "sections must not be empty")],
    ),
    (
        "empty-indicator",
        HEAD.replace("        questions:\n", "        questions: []\n"),
        [(9, IND, "questions must not be empty")],
    ),
    (
        "section-without-indicators",
        "form: t\ntitle: T\nsections:\n  - id: s1\n    title: S\n",
        [(4, "sections[0]", 'missing required key "indicators"')],
    ),
    (
        "unknown-type",
        form("- {id: b, type: number, text: B}\n"),
        [(14, Q1, f'unknown type "number" (valid types: {TYPES})')],
    ),
    (
        "question-key-typo-and-missing-text",
        form("- id: b\n  type: text\n  requird: false\n"),
        [
            (14, Q1, 'missing required key "text"'),
            (
                16,
                Q1,
                'unknown key "requird" (expected one of: id, no, type, text, text_en, required, '
                "choices, min, max, accept, kinds, when, help, help_en, check, calc, target, "
                "item, item_en, questions, cumulative, budget)",
            ),
        ],
    ),
    (
        "question-not-a-mapping",
        form("- just a question\n"),
        [
            (
                14,
                Q1,
                "must be a mapping with keys id, no, type, text, text_en, required, choices, min, "
                "max, accept, kinds, when, help, help_en, check, calc, target, item, item_en, "
                "questions, cumulative, budget, "
                'got "just a question"',
            )
        ],
    ),
    (
        "bad-id",
        form("- {id: 1b, type: text, text: B}\n"),
        [(14, Q1, 'id "1b" is not valid: use a letter, then letters, digits or "_"')],
    ),
    (
        "reserved-id",
        form("- {id: in, type: text, text: B}\n"),
        [(14, Q1, 'id "in" is a reserved word of when expressions')],
    ),
    (
        "duplicate-id-across-levels",
        form("- {id: s1i1, type: text, text: B}\n- {id: a, type: text, text: C}\n"),
        [
            (14, Q1, f'duplicate id "s1i1" (already used by {IND}, line 7)'),
            (15, Q2, f'duplicate id "a" (already used by {Q0}, line 10)'),
        ],
    ),
    (
        "one-choice",
        form("- {id: b, type: choice, text: B, choices: [{id: x, label: X}]}\n"),
        [(14, Q1, "a choice question needs at least 2 choices, got 1")],
    ),
    (
        "multi-without-choices",
        form("- {id: b, type: multi, text: B}\n"),
        [(14, Q1, 'a multi question needs "choices" (2 or more)')],
    ),
    (
        "duplicate-choice-and-missing-label",
        form(
            """\
            - id: b
              type: choice
              text: B
              choices:
                - {id: x, label: X}
                - {id: x, label: Y}
                - {id: z}
            """
        ),
        [
            (19, Q1 + ".choices[1]", 'duplicate choice id "x"'),
            (20, Q1 + ".choices[2]", 'missing required key "label"'),
        ],
    ),
    (
        "choices-on-text",
        form(
            "- id: b\n  type: text\n  text: B\n  choices: [{id: x, label: X}, {id: y, label: Y}]\n"
        ),
        [(17, Q1, "choices are only allowed on choice and multi questions")],
    ),
    (
        "min-on-text-and-min-above-max",
        form(
            "- {id: b, type: text, text: B, min: 1}\n"
            "- {id: c, type: decimal, text: C, min: 10.5, max: 2}\n"
        ),
        [
            (14, Q1, "min is only allowed on integer and decimal questions"),
            (15, Q2, "min (10.5) must not be greater than max (2)"),
        ],
    ),
    (
        "integer-bounds-must-be-whole",
        form("- {id: b, type: integer, text: B, min: 0.5, max: many}\n"),
        [
            (14, Q1, "min must be a whole number, got 0.5"),
            (14, Q1, 'max must be a whole number, got "many"'),
        ],
    ),
    (
        "accept-on-text-and-unknown-extension",
        form(
            "- {id: b, type: text, text: B, accept: [pdf]}\n"
            "- {id: c, type: file, text: C, accept: [pdf, exe, PDF]}\n"
        ),
        [
            (14, Q1, "accept is only allowed on file questions"),
            (
                15,
                Q2,
                'unknown file extension "exe" in accept (known: csv, doc, docx, gif, heic, jpeg, '
                "jpg, mp4, odp, ods, odt, pdf, png, ppt, pptx, rtf, txt, webp, xls, xlsx, zip)",
            ),
            (15, Q2, 'file extension "pdf" appears twice in accept'),
        ],
    ),
    (
        "required-not-boolean",
        form("- {id: b, type: text, text: B, required: yes}\n"),
        [(14, Q1, 'required must be true or false, got "yes"')],
    ),
    (
        "kinds-not-a-list-and-empty",
        form(
            "- {id: b, type: text, text: B, kinds: school}\n"
            "- {id: c, type: text, text: C, kinds: []}\n"
        ),
        [
            (14, Q1, 'kinds must be a list of unit kinds such as [esa, school], got "school"'),
            (15, Q2, "kinds must not be empty (leave it out to ask every kind)"),
        ],
    ),
    (
        "kinds-bad-word",
        form("- {id: b, type: text, text: B, kinds: [esa, ส.พ.ป.]}\n"),
        [
            (
                14,
                Q1,
                'kinds: "ส.พ.ป." is not a unit kind (a letter, then letters, digits, "_" or "-")',
            )
        ],
    ),
    (
        "kinds-never-asked",
        HEAD.replace("        title: I\n", "        title: I\n        kinds: [school]\n")
        + "          - {id: b, type: text, text: B, kinds: [esa]}\n",
        [
            (
                11,
                "sections[0].indicators[0].questions[0]",
                "kinds [esa] has no kind in common with the enclosing kinds [school]; "
                "it would never be asked",
            )
        ],
    ),
    (
        "when-syntax-error",
        form("- {id: b, type: text, text: B, when: a = yes}\n"),
        [(14, Q1, 'when has a syntax error at column 3: unexpected "="; use "==" to compare')],
    ),
    (
        "when-syntax-error-expected",
        form("- {id: b, type: text, text: B, when: 'a in [yes'}\n"),
        [
            (
                14,
                Q1,
                'when has a syntax error at column 10: expected "," or "]", '
                "found end of expression",
            )
        ],
    ),
    (
        "when-not-text",
        form("- {id: b, type: text, text: B, when: [a]}\n"),
        [(14, Q1, "when must be an expression in text, got a list")],
    ),
    (
        "when-unknown-question",
        form("- {id: b, type: text, text: B, when: s1i9 == yes}\n"),
        [(14, Q1, 'when refers to unknown question "s1i9"')],
    ),
    (
        "when-points-forwards",
        form("- {id: b, type: text, text: B, when: c == x}\n- {id: c, type: text, text: C}\n"),
        [(14, Q1, 'when refers to question "c", which comes later; when must point backwards')],
    ),
    (
        "when-refers-to-itself",
        form("- {id: b, type: integer, text: B, when: b > 0}\n"),
        [(14, Q1, "when refers to the question itself")],
    ),
    (
        "when-refers-to-indicator",
        form("- {id: b, type: text, text: B, when: s1i1 == yes}\n"),
        [(14, Q1, 'when refers to "s1i1", which is an indicator, not a question')],
    ),
    (
        "when-unknown-choice",
        form("- {id: b, type: text, text: B, when: 'a in [yes, maybe] or a == 1'}\n"),
        [
            (
                14,
                Q1,
                'when compares choice question "a" with "maybe", '
                "which is not one of its choices (yes, no)",
            ),
            (
                14,
                Q1,
                'when compares choice question "a" with 1, '
                "which is not one of its choices (yes, no)",
            ),
        ],
    ),
    (
        "when-ordering-on-choice-and-text",
        form(
            "- {id: b, type: text, text: B}\n"
            "- {id: c, type: text, text: C, when: a > yes or b <= x}\n"
        ),
        [
            (
                15,
                Q2,
                'when uses ">" on choice question "a"; '
                "ordering needs an integer, decimal or date question",
            ),
            (
                15,
                Q2,
                'when uses "<=" on text question "b"; '
                "ordering needs an integer, decimal or date question",
            ),
        ],
    ),
    (
        "when-wrong-literal-types",
        form(
            "- {id: n, type: integer, text: N}\n"
            "- {id: d, type: date, text: D}\n"
            "- {id: t, type: text, text: T}\n"
            "- {id: f, type: file, text: F}\n"
            "- {id: z, type: text, text: Z, when: n == yes or d < 2024 or t == 3 or f == x}\n"
        ),
        [
            (18, "sections[0].indicators[0].questions[5]", m)
            for m in (
                'when compares integer question "n" with "yes"; expected a number',
                'when compares date question "d" with 2024; '
                'expected a date in quotes such as "2024-03-15"',
                'when compares text question "t" with 3; use quoted text',
                'when cannot use file question "f"',
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_form(text: str, expected: list[tuple[int | None, str, str]]) -> None:
    assert problems(text) == expected


def test_valid_when_forms_load() -> None:
    loaded = load_form(
        form(
            """\
            - {id: n, type: integer, text: N, min: 0}
            - {id: d, type: date, text: D}
            - {id: m, type: multi, text: M, choices: [{id: p, label: P}, {id: q, label: Q}]}
            - id: z
              type: decimal
              text: Z
              min: 0.5
              max: 10
              when: (a == yes or n >= 3) and d < "2024-03-15" and m not in [p] and a != "no"
            """
        ),
        "f.yaml",
    )
    z = loaded.question("z")
    assert z.type is QuestionType.DECIMAL
    assert (z.min, z.max) == (Decimal("0.5"), 10)
    assert z.when == parse_when(
        '(a == yes or n >= 3) and d < "2024-03-15" and m not in [p] and a != "no"'
    )
    assert loaded.question("a").choices == (Choice("yes", "Y"), Choice("no", "N"))
    data = form_to_dict(loaded)
    assert data["sections"][0]["indicators"][0]["questions"][4]["min"] == "0.5"
    assert form_from_dict(data) == loaded
    assert hash(form_from_dict(data)) == hash(loaded)


def test_accept_is_normalised() -> None:
    loaded = load_form(form("- {id: f, type: file, text: F, accept: [PDF, .Jpg]}\n"))
    assert loaded.question("f").accept == ("pdf", "jpg")


def test_a_form_with_several_problems_reports_all_in_file_order() -> None:
    text = form(
        """\
        - {id: b, type: text, text: B, when: c == x}
        - {id: c, type: number, text: C}
        - {id: b, type: choice, text: D, choices: [{id: x, label: X}]}
        - {id: e, type: integer, text: E, min: 5, max: 1, kinds: []}
        """
    ).replace("title: T\n", "title: T\nowner: me\n")
    with pytest.raises(FormError) as caught:
        load_form(text, "form.yaml")
    error = caught.value
    assert [str(p) for p in error.problems] == [
        'form.yaml:3: unknown key "owner" '
        "(expected one of: form, version, title, title_en, change_threshold, sections)",
        f'form.yaml:15: {Q1}: when refers to question "c", which comes later; '
        "when must point backwards",
        f'form.yaml:16: {Q2}: unknown type "number" (valid types: {TYPES})',
        f'form.yaml:17: sections[0].indicators[0].questions[3]: duplicate id "b" '
        f"(already used by {Q1}, line 15)",
        "form.yaml:17: sections[0].indicators[0].questions[3]: "
        "a choice question needs at least 2 choices, got 1",
        "form.yaml:18: sections[0].indicators[0].questions[4]: min (5) must not be greater than "
        "max (1)",
        "form.yaml:18: sections[0].indicators[0].questions[4]: kinds must not be empty "
        "(leave it out to ask every kind)",
    ]
    assert str(error).startswith("7 problems in the form:\nform.yaml:3: ")
    assert isinstance(error, FlowsError)


def test_problem_str_without_line_or_path() -> None:
    assert str(FormProblem("", None, "the form is empty", "f.yaml")) == "f.yaml: the form is empty"
    assert str(FormProblem("sections[1]", 7, "x", "f.yaml")) == "f.yaml:7: sections[1]: x"
    assert str(FormError([FormProblem("", 1, "x")])) == "1 problem in the form:\n<form>:1: x"


# ------------------------------------------------------------------------ files

VALID = form("- {id: b, type: text, text: ระบุชื่อโครงการ, when: a == yes}\n")


def test_load_form_file_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "form.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    loaded = load_form_file(path)
    assert loaded.code == "t"
    assert loaded.question("b").text == "ระบุชื่อโครงการ"


def test_load_form_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "form.yaml"
    path.write_bytes(VALID.replace("T\n", "ทดสอบ\n", 1).encode("cp874"))
    with pytest.raises(FormError) as caught:
        load_form_file(path)
    (problem,) = caught.value.problems
    assert problem.source == str(path)
    assert problem.line == 2
    assert problem.message == (
        "the file is not UTF-8 text (byte 0xb7 at offset 15); save it as UTF-8"
    )


def test_load_form_file_missing(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(FormError) as caught:
        load_form_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: cannot read the file: No such file or directory"
    ]


def test_load_form_file_names_the_file_in_problems(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(form("- {id: b, type: text, text: B, when: s1i9 == yes}\n"), encoding="utf-8")
    with pytest.raises(FormError) as caught:
        load_form_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f'{path}:14: {Q1}: when refers to unknown question "s1i9"'
    ]
