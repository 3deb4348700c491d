"""The units file: read, validate and plan ``tidtam units import FILE``.

A units file lists the province's units, one per row, under a header row::

    code,name,kind,parent_code,district
    PBN,สำนักงานศึกษาธิการจังหวัดเพชรบูรณ์,province,,เมืองเพชรบูรณ์
    PBN-ESA1,สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเพชรบูรณ์ เขต 1,esa,PBN,เมืองเพชรบูรณ์

It may be CSV (UTF-8, UTF-8 with a BOM, or cp874/TIS-620 as Excel writes it on Thai
Windows; bytes that are valid UTF-8 are read as UTF-8, which real Thai text in cp874
never is) or XLSX (the first sheet). Header names are case- and space-insensitive and may
come in any order; ``parent_code`` and ``district`` are optional columns (a missing
column reads as empty cells). An empty ``parent_code`` makes a root unit.

The module is pure: no SQL and no Telegram. The import use case
(:mod:`tidtam.services.units`) reads the file with :func:`scan_units_file`, describes
the database's units as :class:`ExistingUnit` values, asks :func:`plan_scan` what
would change (or what is wrong: the rows' own problems and the tree's together) and
then has storage apply the plan. Units
not in the file are left as they are, so a partial file updates part of the tree.

Every problem is reported at once, each with the file, the row as a person sees it
in Excel (the header is row 1) and the column, in English (an admin tool)::

    units.csv row 7, column parent_code: unknown parent "ESA9" (not in the file and
    not in the database)

Exceptions (the ``tidtam`` package tree)::

    ValueError
     └── UnitsFileError      this module: a units file that cannot be imported;
                             ``.problems`` lists every UnitsFileProblem found
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "COLUMNS",
    "MAX_CODE_LENGTH",
    "MAX_LENGTHS",
    "ExistingUnit",
    "ImportPlan",
    "UnitRow",
    "UnitsFileError",
    "UnitsFileProblem",
    "UnitsFileScan",
    "plan_import",
    "plan_scan",
    "read_units_file",
    "scan_units_file",
    "table_rows",
]

COLUMNS: tuple[str, ...] = ("code", "name", "kind", "parent_code", "district")
"""Every column a units file may have, in the order the sample file uses."""

REQUIRED_COLUMNS: tuple[str, ...] = ("code", "name", "kind")
MAX_CODE_LENGTH = 32
MAX_LENGTHS: dict[str, int] = {"name": 255, "kind": 32, "district": 100}
"""The longest text each column may hold: the database's columns for units hold no more
(PostgreSQL refuses longer text, SQLite would keep it), so a file is checked against
these before anything is written, the same on both."""

_CODE_RE = re.compile(r"[A-Za-z0-9_-]+")
_KIND_RE = re.compile(r"[a-z][a-z0-9_-]*")
_CSV_ENCODINGS: tuple[tuple[str, str], ...] = (("utf-8-sig", "UTF-8"), ("cp874", "cp874/TIS-620"))


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class UnitRow:
    """One unit as the file gives it; ``row`` is its 1-based row (the header is row 1)."""

    code: str
    name: str
    kind: str
    parent_code: str | None
    district: str | None
    row: int


@dataclass(frozen=True)
class ExistingUnit:
    """A unit already in the database, as :func:`plan_import` needs to see it."""

    code: str
    name: str
    kind: str
    parent_code: str | None
    district: str | None


@dataclass(frozen=True)
class ImportPlan:
    """What importing the file would do.

    ``added`` is ordered so that every parent comes before its children; ``updated``
    pairs the file's row with the unit as it is now; ``unchanged`` rows match the
    database already.
    """

    added: list[UnitRow]
    updated: list[tuple[UnitRow, ExistingUnit]]
    unchanged: list[UnitRow]

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.updated)


@dataclass(frozen=True)
class UnitsFileProblem:
    """One thing wrong with a units file, with its place."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = self.file
        if self.row is not None:
            place += f" row {self.row}"
        if self.column is not None:
            place += f", column {self.column}" if self.row is not None else f" column {self.column}"
        return f"{place}: {self.message}"


@dataclass(frozen=True)
class UnitsFileScan:
    """A units file read row by row, with the problems of the rows themselves.

    ``rows`` are the rows without a problem of their own; ``left_out`` holds the
    well-formed codes of the rows left out, so that their children are not also
    reported as having an unknown parent.
    """

    file: str
    rows: list[UnitRow]
    problems: list[UnitsFileProblem]
    left_out: frozenset[str]


class UnitsFileError(ValueError):
    """A units file that cannot be imported; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: Iterable[UnitsFileProblem]) -> None:
        ordered = sorted(problems, key=lambda p: -1 if p.row is None else p.row)
        if not ordered:
            raise ValueError("UnitsFileError needs at least one problem")
        self.problems: tuple[UnitsFileProblem, ...] = tuple(ordered)
        super().__init__("\n".join(str(p) for p in self.problems))


# --------------------------------------------------------------------------- reading


def read_units_file(path: Path) -> list[UnitRow]:
    """Read and validate a ``.csv`` or ``.xlsx`` units file.

    Raises :class:`UnitsFileError` listing every problem: an unsupported type, bytes
    that decode neither as UTF-8 nor as cp874, unknown or missing columns, and per
    row a missing code, name or kind, a malformed code or kind, or a duplicate code.
    """
    scan = scan_units_file(path)
    if scan.problems:
        raise UnitsFileError(scan.problems)
    return scan.rows


def scan_units_file(path: Path) -> UnitsFileScan:
    """Read a units file, keeping the rows' problems beside the good rows.

    Raises :class:`UnitsFileError` only when no row can be read at all (the type, the
    bytes, the header); :func:`plan_scan` reports the rest with the tree's problems.
    """
    return _scan(Path(path).name, table_rows(path))


def table_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The rows of a CSV or XLSX table (numbered as Excel shows them), cells as text.

    The reading every admin table shares (units, targets): CSV in UTF-8 or cp874,
    or the first sheet of a workbook. :class:`UnitsFileError` (a ``ValueError`` with
    placed problems) if the file cannot be read at all.
    """
    path = Path(path)
    file = path.name
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        shown = f'"{path.suffix}"' if path.suffix else "no extension"
        raise UnitsFileError(
            [
                UnitsFileProblem(
                    file, None, None, f"unsupported file type {shown} (expected .csv or .xlsx)"
                )
            ]
        )
    try:
        return _csv_rows(path) if suffix == ".csv" else _xlsx_rows(path)
    except FileNotFoundError:
        raise UnitsFileError([UnitsFileProblem(file, None, None, "file not found")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UnitsFileError(
            [UnitsFileProblem(file, None, None, f"cannot read the file: {reason}")]
        ) from None


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    data = path.read_bytes()
    text: str | None = None
    failures: list[str] = []
    for codec, label in _CSV_ENCODINGS:
        try:
            text = data.decode(codec)
            break
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            failures.append(f"as {label} (byte 0x{data[exc.start]:02x} on line {line})")
    if text is None:
        raise UnitsFileError(
            [
                UnitsFileProblem(
                    path.name, None, None, "cannot decode the file " + " or ".join(failures)
                )
            ]
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            rows.append((number, [cell.strip() for cell in record]))
    except csv.Error as exc:
        raise UnitsFileError(
            [UnitsFileProblem(path.name, len(rows) + 1, None, f"not a valid CSV row: {exc}")]
        ) from None
    return rows


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    # Imported here: openpyxl is slow to import and only XLSX files need it.
    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    try:
        with warnings.catch_warnings():
            # Files from other tools often lack styles openpyxl likes; harmless here.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as exc:
        raise UnitsFileError(
            [UnitsFileProblem(path.name, None, None, f"not a valid .xlsx workbook ({exc})")]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a person sees: 1067010001.0 reads as "1067010001"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _normalise_header(cell: str) -> str:
    return "_".join(cell.lower().split())


def _scan(file: str, raw_rows: Sequence[tuple[int, list[str]]]) -> UnitsFileScan:
    problems: list[UnitsFileProblem] = []
    rows = [(number, cells) for number, cells in raw_rows if any(cells)]
    if not rows:
        expected = ",".join(COLUMNS)
        raise UnitsFileError(
            [
                UnitsFileProblem(
                    file, None, None, f"the file is empty (expected a header row {expected})"
                )
            ]
        )
    header_row, header_cells = rows[0]
    body = rows[1:]

    positions: dict[str, int] = {}
    for index, heading in enumerate(header_cells):
        name = _normalise_header(heading)
        if not name:
            continue  # an empty heading: fine while its column is empty too (checked below)
        if name in positions:
            problems.append(UnitsFileProblem(file, header_row, heading, "duplicate column"))
        elif name not in COLUMNS:
            known = ", ".join(COLUMNS)
            problems.append(
                UnitsFileProblem(file, header_row, heading, f"unknown column (expected {known})")
            )
        else:
            positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    for name in missing:
        problems.append(UnitsFileProblem(file, header_row, name, "missing required column"))
    if missing:
        raise UnitsFileError(problems)

    named = {index for index, heading in enumerate(header_cells) if _normalise_header(heading)}
    widest = max(len(cells) for _, cells in rows)
    for index in range(widest):
        if index in named:
            continue
        first = next((n for n, cells in body if index < len(cells) and cells[index]), None)
        if first is not None:
            problems.append(
                UnitsFileProblem(
                    file, first, None, f"value in column {index + 1}, which has no header"
                )
            )

    units: list[UnitRow] = []
    left_out: set[str] = set()
    for number, cells in body:

        def cell(name: str, cells: list[str] = cells) -> str:
            index = positions.get(name)
            return cells[index] if index is not None and index < len(cells) else ""

        row_problems = _check_row(
            file, number, cell("code"), cell("name"), cell("kind"), cell("parent_code")
        ) + _check_lengths(file, number, {name: cell(name) for name in MAX_LENGTHS})
        problems.extend(row_problems)
        if row_problems:
            if cell("code") and not _code_problem("code", cell("code")):
                left_out.add(cell("code"))
        else:
            units.append(
                UnitRow(
                    code=cell("code"),
                    name=cell("name"),
                    kind=cell("kind"),
                    parent_code=cell("parent_code") or None,
                    district=cell("district") or None,
                    row=number,
                )
            )
    code_at = positions["code"]
    codes = ((n, cells[code_at] if code_at < len(cells) else "") for n, cells in body)
    problems.extend(_duplicates(file, codes))
    return UnitsFileScan(file, units, problems, frozenset(left_out))


def _check_row(
    file: str, number: int, code: str, name: str, kind: str, parent_code: str
) -> list[UnitsFileProblem]:
    problems: list[UnitsFileProblem] = []

    def add(column: str, message: str) -> None:
        problems.append(UnitsFileProblem(file, number, column, message))

    if not code:
        add("code", "missing code")
    elif code_problem := _code_problem("code", code):
        add("code", code_problem)
    if not name:
        add("name", "missing name")
    if not kind:
        add("kind", "missing kind")
    elif not _KIND_RE.fullmatch(kind):
        add(
            "kind",
            f'kind "{kind}" must be a lowercase word '
            '(a-z, 0-9, "-" or "_", starting with a letter)',
        )
    if parent_code and (parent_problem := _code_problem("parent code", parent_code)):
        add("parent_code", parent_problem)
    return problems


def _check_lengths(file: str, number: int, cells: Mapping[str, str]) -> list[UnitsFileProblem]:
    return [
        UnitsFileProblem(
            file,
            number,
            column,
            f"{column} is {len(text)} characters long; at most {MAX_LENGTHS[column]} fit",
        )
        for column, text in cells.items()
        if len(text) > MAX_LENGTHS[column]
    ]


def _code_problem(what: str, code: str) -> str | None:
    if not _CODE_RE.fullmatch(code):
        return f'{what} "{code}" may contain only letters A-Z a-z, digits 0-9, "-" and "_"'
    if len(code) > MAX_CODE_LENGTH:
        return f'{what} "{code}" is longer than {MAX_CODE_LENGTH} characters'
    return None


def _duplicates(file: str, codes: Iterable[tuple[int, str]]) -> Iterator[UnitsFileProblem]:
    first_row: dict[str, int] = {}
    for number, code in codes:
        if not code:
            continue
        if code in first_row:
            yield UnitsFileProblem(
                file, number, "code", f'duplicate code "{code}" (first on row {first_row[code]})'
            )
        else:
            first_row[code] = number


# --------------------------------------------------------------------------- planning


def plan_scan(scan: UnitsFileScan, existing: Mapping[str, ExistingUnit]) -> ImportPlan:
    """:func:`plan_import` for a scanned file: every problem of the rows and the tree at once.

    A duplicate or a missing value does not hide an unknown parent or a cycle elsewhere;
    raises :class:`UnitsFileError` listing all of them, each once.
    """
    try:
        plan = plan_import(scan.rows, existing, file=scan.file, also_known=scan.left_out)
    except UnitsFileError as error:
        tree_problems: tuple[UnitsFileProblem, ...] = error.problems
    else:
        tree_problems = ()
    problems = list(dict.fromkeys([*scan.problems, *tree_problems]))
    if problems:
        raise UnitsFileError(problems)
    return plan


def plan_import(
    rows: Sequence[UnitRow],
    existing: Mapping[str, ExistingUnit],
    *,
    file: str = "units file",
    also_known: Iterable[str] = (),
) -> ImportPlan:
    """Compare the file's rows with the database's units and say what importing does.

    Checks the tree that would result (the database's units overlaid with the file's):
    every parent must be in the file or the database, no unit may be its own parent,
    and there may be no cycle. ``file`` names the file in problems; ``also_known``
    are codes in the file on rows reported elsewhere (not unknown parents). Raises
    :class:`UnitsFileError` listing every problem.
    """
    problems = list(_duplicates(file, ((r.row, r.code) for r in rows)))
    in_file = {r.code: r for r in rows}
    known = set(also_known)

    parent_of: dict[str, str | None] = {code: unit.parent_code for code, unit in existing.items()}
    for r in rows:
        parent = r.parent_code
        if parent is not None and parent == r.code:
            problems.append(
                UnitsFileProblem(file, r.row, "parent_code", f'unit "{r.code}" is its own parent')
            )
            parent = None
        elif (
            parent is not None
            and parent not in in_file
            and parent not in existing
            and parent not in known
        ):
            problems.append(
                UnitsFileProblem(
                    file,
                    r.row,
                    "parent_code",
                    f'unknown parent "{parent}" (not in the file and not in the database)',
                )
            )
            parent = None
        parent_of[r.code] = parent

    for cycle in _cycles(parent_of, [r.code for r in rows]):
        outside = [code for code in cycle if code not in in_file]
        note = f" ({', '.join(outside)} from the database)" if outside else ""
        for start, code in enumerate(cycle):
            if code in in_file:
                path = [*cycle[start:], *cycle[:start], code]
                problems.append(
                    UnitsFileProblem(
                        file,
                        in_file[code].row,
                        "parent_code",
                        f"cycle in the unit tree: {' -> '.join(path)}{note}",
                    )
                )
    if problems:
        raise UnitsFileError(problems)

    added: list[UnitRow] = []
    updated: list[tuple[UnitRow, ExistingUnit]] = []
    unchanged: list[UnitRow] = []
    for r in rows:
        now = existing.get(r.code)
        if now is None:
            added.append(r)
        elif (now.name, now.kind, now.parent_code, now.district) == (
            r.name,
            r.kind,
            r.parent_code,
            r.district,
        ):
            unchanged.append(r)
        else:
            updated.append((r, now))
    return ImportPlan(added=_parents_first(added), updated=updated, unchanged=unchanged)


def _cycles(parent_of: Mapping[str, str | None], starts: Iterable[str]) -> list[list[str]]:
    """The cycles reached by walking up from ``starts``, each listed child -> parent."""
    done: set[str] = set()
    cycles: list[list[str]] = []
    for start in starts:
        path: list[str] = []
        on_path: dict[str, int] = {}
        code: str | None = start
        while code is not None and code not in done and code not in on_path:
            on_path[code] = len(path)
            path.append(code)
            code = parent_of.get(code)
        if code is not None and code in on_path:
            cycles.append(path[on_path[code] :])
        done.update(path)
    return cycles


def _parents_first(added: Sequence[UnitRow]) -> list[UnitRow]:
    """``added`` in file order, except that a parent is moved before its children."""
    by_code = {r.code: r for r in added}
    emitted: set[str] = set()
    ordered: list[UnitRow] = []
    for r in added:
        chain: list[UnitRow] = []
        current: UnitRow | None = r
        while current is not None and current.code not in emitted:
            chain.append(current)
            emitted.add(current.code)
            current = by_code.get(current.parent_code) if current.parent_code else None
        ordered.extend(reversed(chain))
    return ordered
