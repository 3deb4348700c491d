"""Budget questions in the form language (``budget:``): read, checked, placed, stored."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flows.errors import FormError
from flows.form import Budget, form_from_dict, form_to_dict
from flows.form_loader import load_form, load_form_file
from flows.xlsform import read_xlsform
from flows.xlsform_write import form_to_xlsform
from tests.flows.xlsform_books import book

SAMPLES = Path(__file__).resolve().parents[2] / "tidtam" / "samples"

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

Q = "sections[0].indicators[0].questions"


def form(questions: str) -> str:
    return HEAD + textwrap.indent(textwrap.dedent(questions), " " * 10)


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(FormError) as caught:
        load_form(text, "f.yaml")
    return [(p.line, p.path, p.message) for p in caught.value.problems]


MONEY = """\
- id: allocated
  type: decimal
  text: A
  budget: allocated
- id: spent
  type: decimal
  text: S
  budget: spent
"""  # lines 10-17


def test_the_sample_projects_form_marks_its_budget_inside_the_projects_group() -> None:
    sample = load_form_file(SAMPLES / "projects.yaml")
    group = sample.question("projects")
    marked = {q.id: q.budget for q in group.questions if q.budget is not None}
    assert marked == {
        "name": Budget.PROJECT,
        "status": Budget.STATUS,
        "allocated": Budget.ALLOCATED,
        "spent": Budget.SPENT,
    }
    assert sample.question("projects/i3/spent").budget is Budget.SPENT  # an item's, by key
    assert form_from_dict(form_to_dict(sample)) == sample
    assert (
        form_to_dict(sample)["sections"][0]["indicators"][0]["questions"][0]["questions"][5][
            "budget"
        ]
        == "spent"
    )


def test_a_unit_level_budget_outside_groups_loads() -> None:
    loaded = load_form(form(MONEY))
    assert loaded.question("allocated").budget is Budget.ALLOCATED
    assert loaded.question("spent").budget is Budget.SPENT
    assert form_from_dict(form_to_dict(loaded)) == loaded


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        (
            MONEY + "- id: x\n  type: decimal\n  text: X\n  budget: left\n",
            [
                (
                    21,
                    f"{Q}[2]",
                    'budget must be one of allocated, spent, status, project, got "left"',
                )
            ],
        ),
        (
            MONEY + "- id: x\n  type: integer\n  text: X\n  budget: spent\n",
            [
                (21, f"{Q}[2]", "budget: spent is given twice (already on {0}[1], line 17)"),
            ],
        ),
        (
            "- id: allocated\n  type: text\n  text: A\n  budget: allocated\n"
            "- id: spent\n  type: integer\n  text: S\n  budget: spent\n",
            [(13, f"{Q}[0]", "budget: allocated is for a decimal or integer question, not text")],
        ),
        (
            MONEY + "- id: st\n  type: choice\n  text: X\n  budget: status\n"
            "  choices: [{id: yes, label: Y}, {id: ongoing, label: O}, {id: late, label: L}]\n",
            [
                (
                    21,
                    f"{Q}[2]",
                    "budget: status needs choice ids among not_started, ongoing, done, "
                    "cancelled (a project's states); 'yes', 'late' are not",
                )
            ],
        ),
        (
            "- id: allocated\n  type: decimal\n  text: A\n  budget: allocated\n"
            "  cumulative: true\n- id: spent\n  type: decimal\n  text: S\n  budget: spent\n",
            [
                (
                    13,
                    f"{Q}[0]",
                    "budget: allocated is read as it stands at the end of the period; a "
                    "cumulative number (the period alone) cannot be one",
                )
            ],
        ),
        (
            "- id: allocated\n  type: decimal\n  text: A\n  budget: allocated\n",
            [
                (
                    13,
                    f"{Q}[0]",
                    "budget: spent is missing: a form with budget questions needs both "
                    "allocated and spent",
                )
            ],
        ),
        (
            "- id: allocated\n  type: decimal\n  text: A\n  budget: allocated\n"
            "- id: items\n  type: repeat\n  text: R\n  item: รายการ\n  questions:\n"
            "    - id: spent\n      type: decimal\n      text: S\n      budget: spent\n",
            [
                (
                    22,
                    f"{Q}[1].questions[0]",
                    'budget questions must sit together: this one is in the repeat group "items", '
                    "budget: allocated is outside repeat groups",
                )
            ],
        ),
        (
            "- id: items\n  type: repeat\n  text: R\n  item: รายการ\n  budget: allocated\n"
            "  questions:\n    - id: x\n      type: text\n      text: X\n",
            [
                (
                    14,
                    f"{Q}[0]",
                    "budget is not allowed on a repeat group (put it on one of its questions)",
                )
            ],
        ),
    ],
    ids=[
        "unknown-role",
        "twice",
        "wrong-type",
        "status-choices",
        "cumulative",
        "spent-missing",
        "apart",
        "on-a-group",
    ],
)
def test_every_budget_mistake_is_placed(
    questions: str, expected: list[tuple[int, str, str]]
) -> None:
    found = problems(form(questions))
    assert found == [(line, path, message.format(Q)) for line, path, message in expected]


def test_budget_survives_the_excel_form_and_a_mistake_there_is_placed_at_its_cell() -> None:
    sample = load_form_file(SAMPLES / "projects.yaml")
    assert read_xlsform(form_to_xlsform(sample), "projects.xlsx").form == sample
    survey = (
        ("type", "name", "label", "budget"),
        ("begin group", "s1", "S"),
        ("begin group", "i1", "I"),
        ("decimal", "allocated", "A", "allocated"),
        ("decimal", "spent", "S", "spend"),
        ("end group",),
        ("end group",),
    )
    with pytest.raises(FormError) as caught:
        read_xlsform(book(survey), "f.xlsx")
    [problem] = [str(p) for p in caught.value.problems]
    assert 'survey row 5, column D "budget"' in problem
    assert 'budget must be one of allocated, spent, status, project, got "spend"' in problem
