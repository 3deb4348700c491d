"""The units file: reading CSV/XLSX, validation, import planning, the sample province."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import io
import tempfile
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook  # type: ignore[import-untyped]

from tidtam.core.unitsfile import (
    ExistingUnit,
    ImportPlan,
    UnitRow,
    UnitsFileError,
    UnitsFileProblem,
    plan_import,
    plan_scan,
    read_units_file,
    scan_units_file,
)
from tidtam.samples import UNITS_FILE as SAMPLE_UNITS_FILE

SAMPLE_KINDS = {"province", "esa", "vocational", "nfe", "local", "private", "higher", "school"}
ESA_DISTRICTS = {
    "PBN-ESA1": {"เมืองเพชรบูรณ์", "ชนแดน", "วังโป่ง"},
    "PBN-ESA2": {"หล่มสัก", "หล่มเก่า", "น้ำหนาว", "เขาค้อ"},
    "PBN-ESA3": {"วิเชียรบุรี", "ศรีเทพ", "หนองไผ่", "บึงสามพัน"},
}

SMALL = '''code,name,kind,parent_code,district
PBN,สำนักงานศึกษาธิการจังหวัดเพชรบูรณ์,province,,เมืองเพชรบูรณ์
PBN-ESA1,สพป.เพชรบูรณ์ เขต 1,esa,PBN,เมืองเพชรบูรณ์
1067010001,โรงเรียนบ้านนาป่า (ประชาสามัคคี),school,PBN-ESA1,เมืองเพชรบูรณ์
1067010002,"โรงเรียนบ้านท่าพล, ""ใหม่""",school,PBN-ESA1,
'''
SMALL_ROWS = [
    UnitRow("PBN", "สำนักงานศึกษาธิการจังหวัดเพชรบูรณ์", "province", None, "เมืองเพชรบูรณ์", 2),
    UnitRow("PBN-ESA1", "สพป.เพชรบูรณ์ เขต 1", "esa", "PBN", "เมืองเพชรบูรณ์", 3),
    UnitRow("1067010001", "โรงเรียนบ้านนาป่า (ประชาสามัคคี)", "school", "PBN-ESA1", "เมืองเพชรบูรณ์", 4),
    UnitRow("1067010002", 'โรงเรียนบ้านท่าพล, "ใหม่"', "school", "PBN-ESA1", None, 5),
]


def existing_from(rows: Sequence[UnitRow]) -> dict[str, ExistingUnit]:
    return {r.code: ExistingUnit(r.code, r.name, r.kind, r.parent_code, r.district) for r in rows}


def assert_parents_first(added: Sequence[UnitRow]) -> None:
    seen: set[str] = set()
    codes = {r.code for r in added}
    for r in added:
        if r.parent_code in codes:
            assert r.parent_code in seen, f"{r.code} comes before its parent {r.parent_code}"
        seen.add(r.code)


def problems_of(
    path: Path, existing: Mapping[str, ExistingUnit] | None = None
) -> list[tuple[str, int | None, str | None, str]]:
    """Read and plan ``path``; the problems found, which must exist."""
    with pytest.raises(UnitsFileError) as caught:
        rows = read_units_file(path)
        plan_import(rows, existing or {}, file=path.name)
    return [(p.file, p.row, p.column, p.message) for p in caught.value.problems]


def write_xlsx(path: Path, table: Sequence[Sequence[object]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in table:
        sheet.append(list(values))
    workbook.save(path)


# --------------------------------------------------------------------------- sample


def test_sample_reads_and_plans_cleanly() -> None:
    rows = read_units_file(SAMPLE_UNITS_FILE)
    plan = plan_import(rows, {}, file=SAMPLE_UNITS_FILE.name)

    assert 300 <= len(rows) <= 400
    assert len(plan.added) == len(rows)
    assert plan.updated == [] and plan.unchanged == []
    assert_parents_first(plan.added)
    roots = [r for r in rows if r.parent_code is None]
    assert [(r.code, r.kind) for r in roots] == [("PBN", "province")]
    assert roots[0].name == "สำนักงานศึกษาธิการจังหวัดเพชรบูรณ์"
    kinds = Counter(r.kind for r in rows)
    assert set(kinds) == SAMPLE_KINDS
    assert kinds["school"] >= 250


def test_sample_agencies_sit_under_the_province_and_schools_in_their_esa_districts() -> None:
    rows = {r.code: r for r in read_units_file(SAMPLE_UNITS_FILE)}
    under_root = {code for code, r in rows.items() if r.parent_code == "PBN"}
    assert under_root == {
        "PBN-ESA1", "PBN-ESA2", "PBN-ESA3", "PBN-SEC",
        "PBN-VOC", "PBN-NFE", "PBN-LOCAL", "PBN-PRIV", "PBN-PCRU",
    }  # fmt: skip
    assert rows["PBN-PCRU"].name == "มหาวิทยาลัยราชภัฏเพชรบูรณ์"
    for esa, districts in ESA_DISTRICTS.items():
        schools = [r for r in rows.values() if r.parent_code == esa]
        assert len(schools) >= 50
        assert {r.district for r in schools} == districts
        assert all(r.kind == "school" and len(r.code) == 10 for r in schools)
        assert all(r.code.startswith("1067") for r in schools)
    names = [r.name for r in rows.values()]
    assert len(set(names)) == len(names)


def test_sample_file_is_what_the_generator_writes() -> None:
    script = SAMPLE_UNITS_FILE.with_name("make_units.py")
    spec = importlib.util.spec_from_file_location("make_units", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert SAMPLE_UNITS_FILE.read_text(encoding="utf-8") == module.render()


def test_sample_reimported_is_all_unchanged() -> None:
    rows = read_units_file(SAMPLE_UNITS_FILE)
    plan = plan_import(rows, existing_from(rows))
    assert plan == ImportPlan(added=[], updated=[], unchanged=rows)
    assert not plan.has_changes


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_csv_encodings_read_the_same_rows(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(SMALL.replace("\n", "\r\n").encode(encoding))
    assert read_units_file(path) == SMALL_ROWS


def test_cp874_sample_reads_like_the_utf8_one(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(SAMPLE_UNITS_FILE.read_text(encoding="utf-8").encode("cp874"))
    assert read_units_file(path) == read_units_file(SAMPLE_UNITS_FILE)


def test_xlsx_reads_the_same_rows_with_numeric_codes(tmp_path: Path) -> None:
    path = tmp_path / "units.XLSX"
    table: list[list[object]] = [list(values) for values in csv.reader(io.StringIO(SMALL))]
    table[3][0] = 1067010001  # typed as a number in Excel
    table[4][0] = 1067010002
    write_xlsx(path, table)
    # Other tools store big numbers as floats ("1.067010002E9"); openpyxl then reads a float.
    with zipfile.ZipFile(path) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b"<v>1067010002</v>" in parts[sheet]
    parts[sheet] = parts[sheet].replace(b"<v>1067010002</v>", b"<v>1.067010002E9</v>")
    with zipfile.ZipFile(path, "w") as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)
    assert read_units_file(path) == SMALL_ROWS


def test_xlsx_sample_reads_like_the_csv(tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    text = SAMPLE_UNITS_FILE.read_text(encoding="utf-8")
    write_xlsx(
        path,
        [[int(v[0]) if v[0].isdigit() else v[0], *v[1:]] for v in csv.reader(io.StringIO(text))],
    )
    assert read_units_file(path) == read_units_file(SAMPLE_UNITS_FILE)


def test_headers_in_any_order_case_and_spacing_with_optional_columns(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        " Kind , NAME,Parent Code ,CODE\n"
        "province,Province office,,PBN\n"
        "\n"
        ",,,\n"
        "  school  ,  A school  ,PBN,  1067010001  \n",
        encoding="utf-8",
    )
    assert read_units_file(path) == [
        UnitRow("PBN", "Province office", "province", None, None, 2),
        UnitRow("1067010001", "A school", "school", "PBN", None, 5),
    ]


def test_empty_trailing_columns_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("code,name,kind,,\nPBN,Province,province,,\n", encoding="utf-8")
    assert read_units_file(path) == [UnitRow("PBN", "Province", "province", None, None, 2)]


# --------------------------------------------------------------------------- bad input

HEADER = "code,name,kind,parent_code,district\n"
ROOT = "PBN,Province,province,,\n"
BAD_CASES: list[tuple[str, str, bytes, dict[str, ExistingUnit], list[tuple[object, ...]]]] = [
    (
        "missing code",
        "units.csv",
        (HEADER + ROOT + ",A school,school,PBN,\n").encode(),
        {},
        [("units.csv", 3, "code", "missing code")],
    ),
    (
        "missing name",
        "units.csv",
        (HEADER + ROOT + "1067010001,  ,school,PBN,\n").encode(),
        {},
        [("units.csv", 3, "name", "missing name")],
    ),
    (
        "missing kind",
        "units.csv",
        (HEADER + ROOT + "1067010001,A school,,PBN,\n").encode(),
        {},
        [("units.csv", 3, "kind", "missing kind")],
    ),
    (
        "kind not a lowercase word",
        "units.csv",
        (HEADER + ROOT + "1067010001,A school,School,PBN,\n").encode(),
        {},
        [
            (
                "units.csv",
                3,
                "kind",
                'kind "School" must be a lowercase word (a-z, 0-9, "-" or "_", '
                "starting with a letter)",
            )
        ],
    ),
    (
        "code with a space",
        "units.csv",
        (HEADER + ROOT + "1067 010001,A school,school,PBN,\n").encode(),
        {},
        [
            (
                "units.csv",
                3,
                "code",
                'code "1067 010001" may contain only letters A-Z a-z, digits 0-9, "-" and "_"',
            )
        ],
    ),
    (
        "code too long",
        "units.csv",
        (HEADER + ROOT + "X" * 33 + ",A school,school,PBN,\n").encode(),
        {},
        [("units.csv", 3, "code", f'code "{"X" * 33}" is longer than 32 characters')],
    ),
    (
        "malformed parent code",
        "units.csv",
        (HEADER + ROOT + "1067010001,A school,school,PBN/1,\n").encode(),
        {},
        [
            (
                "units.csv",
                3,
                "parent_code",
                'parent code "PBN/1" may contain only letters A-Z a-z, digits 0-9, "-" and "_"',
            )
        ],
    ),
    (
        "duplicate code",
        "units.csv",
        (
            HEADER + ROOT + "1067010001,A,school,PBN,\n1067010002,B,school,PBN,\n"
            "1067010001,C,school,PBN,\n"
        ).encode(),
        {},
        [("units.csv", 5, "code", 'duplicate code "1067010001" (first on row 3)')],
    ),
    (
        "unknown column",
        "units.csv",
        b"code,name,kind,email\nPBN,Province,province,a@b.c\n",
        {},
        [
            (
                "units.csv",
                1,
                "email",
                "unknown column (expected code, name, kind, parent_code, district)",
            )
        ],
    ),
    (
        "missing required column",
        "units.csv",
        b"code,name,parent_code\nPBN,Province,\n",
        {},
        [("units.csv", 1, "kind", "missing required column")],
    ),
    (
        "duplicate column",
        "units.csv",
        b"code,name,kind,Name\nPBN,Province,province,Again\n",
        {},
        [("units.csv", 1, "Name", "duplicate column")],
    ),
    (
        "value without a header",
        "units.csv",
        b"code,name,kind\nPBN,Province,province\nA,a,school,oops\n",
        {},
        [("units.csv", 3, None, "value in column 4, which has no header")],
    ),
    (
        "unknown parent",
        "units.csv",
        (HEADER + ROOT + "1067010001,A school,school,ESA9,\n").encode(),
        {},
        [
            (
                "units.csv",
                3,
                "parent_code",
                'unknown parent "ESA9" (not in the file and not in the database)',
            )
        ],
    ),
    (
        "own parent",
        "units.csv",
        (HEADER + ROOT + "PBN-ESA1,ESA 1,esa,PBN-ESA1,\n").encode(),
        {},
        [("units.csv", 3, "parent_code", 'unit "PBN-ESA1" is its own parent')],
    ),
    (
        "cycle in the file",
        "units.csv",
        (HEADER + ROOT + "A,a,esa,B,\nB,b,esa,C,\nC,c,esa,A,\nD,d,school,A,\n").encode(),
        {},
        [
            ("units.csv", 3, "parent_code", "cycle in the unit tree: A -> B -> C -> A"),
            ("units.csv", 4, "parent_code", "cycle in the unit tree: B -> C -> A -> B"),
            ("units.csv", 5, "parent_code", "cycle in the unit tree: C -> A -> B -> C"),
        ],
    ),
    (
        "cycle through a unit in the database",
        "units.csv",
        (HEADER + "PBN,Province,province,1067010001,\n").encode(),
        {
            "PBN": ExistingUnit("PBN", "Province", "province", None, None),
            "PBN-ESA1": ExistingUnit("PBN-ESA1", "ESA 1", "esa", "PBN", None),
            "1067010001": ExistingUnit("1067010001", "School", "school", "PBN-ESA1", None),
        },
        [
            (
                "units.csv",
                2,
                "parent_code",
                "cycle in the unit tree: PBN -> 1067010001 -> PBN-ESA1 -> PBN "
                "(1067010001, PBN-ESA1 from the database)",
            )
        ],
    ),
    (
        "unsupported extension",
        "units.txt",
        (HEADER + ROOT).encode(),
        {},
        [("units.txt", None, None, 'unsupported file type ".txt" (expected .csv or .xlsx)')],
    ),
    (
        "undecodable bytes",
        "units.csv",
        (HEADER + ROOT).encode() + b"1067010001,\xff\xfe,school,PBN,\n",
        {},
        [
            (
                "units.csv",
                None,
                None,
                "cannot decode the file as UTF-8 (byte 0xff on line 3) "
                "or as cp874/TIS-620 (byte 0xff on line 3)",
            )
        ],
    ),
    (
        "empty file",
        "units.csv",
        b"\n , ,\n",
        {},
        [
            (
                "units.csv",
                None,
                None,
                "the file is empty (expected a header row code,name,kind,parent_code,district)",
            )
        ],
    ),
    (
        "csv bytes in an xlsx file",
        "units.xlsx",
        (HEADER + ROOT).encode(),
        {},
        [("units.xlsx", None, None, "not a valid .xlsx workbook (File is not a zip file)")],
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "existing", "expected"),
    [pytest.param(n, c, e, x, id=case) for case, n, c, e, x in BAD_CASES],
)
def test_bad_input_is_reported_with_its_place(
    tmp_path: Path,
    name: str,
    content: bytes,
    existing: dict[str, ExistingUnit],
    expected: list[tuple[object, ...]],
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert problems_of(path, existing) == expected


def test_missing_file_is_reported(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nowhere.csv") == [("nowhere.csv", None, None, "file not found")]


def test_every_problem_is_listed_at_once_in_row_order(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        "code,name,kind,parent_code,phone\n"
        "PBN,Province,province,,\n"
        ",No code,school,PBN,\n"
        "A,,Bad Kind,PBN,\n"
        "PBN,Again,province,,\n",
        encoding="utf-8",
    )
    with pytest.raises(UnitsFileError) as caught:
        read_units_file(path)
    assert str(caught.value).splitlines() == [
        "units.csv row 1, column phone: unknown column "
        "(expected code, name, kind, parent_code, district)",
        "units.csv row 3, column code: missing code",
        "units.csv row 4, column name: missing name",
        'units.csv row 4, column kind: kind "Bad Kind" must be a lowercase word '
        '(a-z, 0-9, "-" or "_", starting with a letter)',
        'units.csv row 5, column code: duplicate code "PBN" (first on row 2)',
    ]


def test_plan_problems_are_all_listed(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        HEADER + ROOT + "A,a,esa,ESA9,\nB,b,esa,B,\nC,c,esa,D,\nD,d,esa,C,\n", encoding="utf-8"
    )
    assert [row for _, row, _, _ in problems_of(path)] == [3, 4, 5, 6]


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (
            UnitsFileProblem("units.csv", 7, "parent_code", 'unknown parent "ESA9"'),
            'units.csv row 7, column parent_code: unknown parent "ESA9"',
        ),
        (UnitsFileProblem("units.csv", 7, None, "bad row"), "units.csv row 7: bad row"),
        (UnitsFileProblem("units.csv", None, "kind", "odd"), "units.csv column kind: odd"),
        (UnitsFileProblem("units.xlsx", None, None, "not found"), "units.xlsx: not found"),
    ],
)
def test_problem_text_names_the_place(problem: UnitsFileProblem, text: str) -> None:
    assert str(problem) == text


def test_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        UnitsFileError([])


# --------------------------------------------------------------------------- planning


def test_moved_school_is_updated_and_new_units_added_parents_first() -> None:
    rows = read_units_file(SAMPLE_UNITS_FILE)
    existing = existing_from(rows)
    school = next(r for r in rows if r.parent_code == "PBN-ESA1")
    moved = UnitRow(school.code, school.name, school.kind, "PBN-ESA2", school.district, school.row)
    new_school = UnitRow("1067059999", "โรงเรียนบ้านใหม่", "school", "PBN-NEW", "เขาค้อ", 400)
    new_agency = UnitRow("PBN-NEW", "หน่วยงานใหม่", "esa", "PBN", None, 401)
    edited = [moved if r.code == school.code else r for r in rows] + [new_school, new_agency]

    plan = plan_import(edited, existing)

    assert plan.added == [new_agency, new_school]
    assert plan.updated == [(moved, existing[school.code])]
    assert len(plan.unchanged) == len(rows) - 1
    assert plan.has_changes


def test_partial_file_touches_only_its_rows() -> None:
    rows = read_units_file(SAMPLE_UNITS_FILE)
    existing = existing_from(rows)
    renamed = UnitRow("PBN-PCRU", "มรภ.เพชรบูรณ์", "higher", "PBN", "เมืองเพชรบูรณ์", 2)
    child = UnitRow("PCRU-DEMO", "โรงเรียนสาธิต", "school", "PBN-PCRU", None, 3)

    plan = plan_import([child, renamed], existing)

    assert plan.added == [child]
    assert plan.updated == [(renamed, existing["PBN-PCRU"])]
    assert plan.unchanged == []


@pytest.mark.parametrize(
    "row",
    [
        UnitRow("A", "other", "school", "PBN", None, 2),
        UnitRow("A", "a", "esa", "PBN", None, 2),
        UnitRow("A", "a", "school", None, None, 2),
        UnitRow("A", "a", "school", "PBN", "หล่มสัก", 2),
    ],
    ids=["name", "kind", "parent_code", "district"],
)
def test_any_changed_field_makes_an_update(row: UnitRow) -> None:
    now = ExistingUnit("A", "a", "school", "PBN", None)
    root = ExistingUnit("PBN", "P", "province", None, None)
    plan = plan_import([row], {"A": now, "PBN": root})
    assert plan.updated == [(row, now)]
    assert plan_import(
        [dataclasses.replace(row, name="a", kind="school", parent_code="PBN", district=None)],
        {"A": now, "PBN": root},
    ).unchanged


def test_added_units_follow_file_order_except_parents_move_first() -> None:
    rows = [
        UnitRow("C", "c", "school", "B", None, 2),
        UnitRow("X", "x", "school", None, None, 3),
        UnitRow("B", "b", "esa", "A", None, 4),
        UnitRow("A", "a", "province", None, None, 5),
    ]
    plan = plan_import(rows, {})
    assert [r.code for r in plan.added] == ["A", "B", "C", "X"]


# --------------------------------------------------------------------------- property

_THAI = "".join(chr(c) for c in range(0x0E01, 0x0E3A)) + "".join(
    chr(c) for c in range(0x0E40, 0x0E4F)
)
_codes = st.from_regex(r"[A-Za-z0-9_-]{1,32}", fullmatch=True)
_names = (
    st.text(alphabet=_THAI + "abcXYZ019 ,\"'()&.-", min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
_kinds = st.from_regex(r"[a-z][a-z0-9_-]{0,11}", fullmatch=True)


def _utf8_or_none(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[str, str, str, str | None, str | None]]:
    """Units of a random forest, shuffled: (code, name, kind, parent_code, district)."""
    codes = draw(st.lists(_codes, min_size=1, max_size=25, unique=True))
    units = []
    for index, code in enumerate(codes):
        parent = draw(st.none() | st.sampled_from(codes[:index])) if index else None
        district = draw(st.none() | _names)
        units.append((code, draw(_names), draw(_kinds), parent, district))
    return draw(st.permutations(units))


@settings(max_examples=60, deadline=None)
@given(
    units=trees(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp874"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
)
def test_any_tree_written_to_csv_reads_back_and_plans_all_added(
    units: list[tuple[str, str, str, str | None, str | None]], encoding: str, line_end: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow(["code", "name", "kind", "parent_code", "district"])
    writer.writerows([[c, n, k, p or "", d or ""] for c, n, k, p, d in units])
    expected = [UnitRow(c, n, k, p, d, row) for row, (c, n, k, p, d) in enumerate(units, 2)]

    data = buffer.getvalue().encode(encoding)
    # A cp874 file that is also valid UTF-8 (say "ยก", bytes C2 A1 = "¡") reads as UTF-8,
    # as documented; real Thai text in cp874 never is.
    assume(encoding != "cp874" or _utf8_or_none(data) in (None, buffer.getvalue()))

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "units.csv"
        path.write_bytes(data)
        rows = read_units_file(path)

    assert rows == expected
    plan = plan_import(rows, {})
    assert plan.updated == [] and plan.unchanged == []
    assert sorted(plan.added, key=lambda r: r.row) == expected
    assert_parents_first(plan.added)
    assert plan_import(rows, existing_from(rows)).unchanged == rows


def test_plan_scan_reports_the_rows_and_the_tree_together(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        "code,name,kind,parent_code\nA,Unit A,school,\nA,Again,school,\nB,,school,A\n"
        "C,Child of B,school,B\nD,Orphan,school,NOPE\n",
        encoding="utf-8",
    )
    scan = scan_units_file(path)
    assert [(p.row, p.column) for p in scan.problems] == [(4, "name"), (3, "code")]
    assert scan.left_out == {"B"}
    with pytest.raises(UnitsFileError) as raised:
        plan_scan(scan, {})
    assert [(p.row, p.column) for p in raised.value.problems] == [
        (3, "code"),
        (4, "name"),
        (6, "parent_code"),  # C's parent B is on a bad row, not unknown
    ]
