"""The targets file of ``tidtam targets import FILE``: ค่าเป้าหมาย per unit.

One target per row, under a header row (CSV or XLSX, read as the units file is)::

    unit_code,question,period,target
    1067010001,s1i1_students,2567,120
    PBN-ESA1,2.1.1,2567,5000

``question`` is a number question's id or its item number, or an indicator's id or
number when the indicator has one number question (the indicator's target is
that question's); ``period`` a fiscal year
(``2567``) or a quarter (``2567-Q2``); ``target`` a number from 0 (Thai digits and
thousands separators are read). Every problem is reported at once, each with the
row as Excel shows it and the column; :func:`check_targets` is pure (no SQL): the use
case gives it the units and the form it may name.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tidtam.core.periods import parse_period
from tidtam.core.thai import thai_to_arabic_digits
from tidtam.core.unitsfile import UnitsFileError, UnitsFileProblem, table_rows

__all__ = ["COLUMNS", "TargetRow", "check_targets", "read_targets_file"]

COLUMNS = ("unit_code", "question", "period", "target")
MAX_DIGITS = 15


@dataclass(frozen=True, slots=True)
class TargetRow:
    """One checked row: the unit's code, the question's id, the period, the target."""

    row: int
    unit_code: str
    question_id: str
    period: str
    value: Decimal


def read_targets_file(path: Path) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    """The file's name and its rows by column name; :class:`UnitsFileError` if unreadable."""
    path = Path(path)
    rows = [(n, cells) for n, cells in table_rows(path) if any(cells)]
    if not rows:
        expected = ",".join(COLUMNS)
        raise UnitsFileError(
            [UnitsFileProblem(path.name, None, None, f"the file is empty (expected {expected})")]
        )
    (header_row, header), body = rows[0], rows[1:]
    names = ["_".join(cell.lower().split()) for cell in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise UnitsFileError(
            [
                UnitsFileProblem(
                    path.name,
                    header_row,
                    None,
                    f"missing column {', '.join(missing)} (expected {','.join(COLUMNS)})",
                )
            ]
        )
    return path.name, [
        (number, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)})
        for number, cells in body
    ]


def _number(text: str) -> Decimal | None:
    cleaned = thai_to_arabic_digits(text).replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or abs(value) >= 10**MAX_DIGITS:
        return None
    return value


def check_targets(
    file: str,
    rows: Sequence[tuple[int, Mapping[str, str]]],
    *,
    unit_codes: Collection[str],
    questions: Mapping[str, str],
) -> tuple[list[TargetRow], list[UnitsFileProblem]]:
    """The good rows and every problem, placed; a row's key given twice is a problem.

    ``questions`` maps what a row may name (a number question's id or item number) to
    the question's id.
    """
    good: list[TargetRow] = []
    problems: list[UnitsFileProblem] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, cells in rows:
        said = len(problems)

        def problem(column: str, message: str, number: int = number) -> None:
            problems.append(UnitsFileProblem(file, number, column, message))

        code, named = cells.get("unit_code", ""), cells.get("question", "")
        period, target = cells.get("period", ""), cells.get("target", "")
        if code not in unit_codes:
            problem("unit_code", f'unknown unit "{code}"' if code else "empty")
        question_id = questions.get(named)
        if question_id is None:
            problem(
                "question",
                f'"{named}" is not a number question of the form, nor an indicator with one '
                "(give its id or item number)"
                if named
                else "empty",
            )
        try:
            period = str(parse_period(period))
        except ValueError as error:
            problem("period", str(error) if period else "empty")
        value = _number(target)
        if value is None:
            problem(
                "target",
                f'"{target}" is not a number from 0 with at most {MAX_DIGITS} digits'
                if target
                else "empty",
            )
        if len(problems) > said or question_id is None or value is None:
            continue
        key = (code, question_id, period)
        if key in seen:
            problem("question", f"the same unit, question and period as row {seen[key]}")
            continue
        seen[key] = number
        good.append(TargetRow(number, code, question_id, period, value))
    return good, problems
