"""Forms written in Excel (XLSForm): a workbook turned into the YAML form text.

:func:`read_xlsform` reads the ``survey``, ``choices`` and ``settings`` sheets of an
.xlsx, writes the same YAML document that :func:`flows.form_loader.load_form` reads
(so every check is the YAML loader's own) and loads it. Every problem is reported
at once as a :class:`~flows.errors.FormError` whose problems are placed by sheet,
row and column (``survey row 12, column F "relevant"``) instead of YAML path and line:
the YAML is written one key per line, and each line remembers the cell it came from.

Mapping (``docs/forms.md``, "Forms in Excel"): ``begin group``/``end group`` nest
sections (the outer group) and indicators (the inner one); ``select_one L`` is a
``choice``, ``select_multiple L`` a ``multi``; ``text``, ``integer``, ``decimal``,
``date`` are themselves, ``file`` and ``image`` are ``file``; a ``note`` becomes the
``help`` of the next question of its indicator; ``calculate`` is a ``decimal``
question with ``calc`` (an ``integer`` or ``decimal`` row with a ``calculation`` is
computed too); the metadata types ODK fills in itself (``start``, ``end``,
``today``, ``deviceid`` ...) ask nothing and are skipped. ``begin repeat`` /
``end repeat`` inside an indicator is a repeat group (``type: repeat``) whose
questions are the rows between, one more repeat group deep at most; the row's
tidtam columns ``item``, ``min`` and ``max`` give its word for an item and how many.
What KoboToolbox adds when it exports a form is left to tidtam: its version text in
settings (tidtam numbers versions itself) and its ``__version__`` calculate row.

Why openpyxl and not pyxform's reader: ``pyxform.xls2json_backends.xlsx_to_dict``
gives each row as a dict of header to text, without the column each value came
from, turns numbers and booleans into text, and raises on the first problem; tidtam
places every problem at its cell and reports them all. So cells are read with
openpyxl (which pyxform itself reads with), and the names come from pyxform's
public :mod:`pyxform.aliases`: the column spellings (``relevance``, ``caption``),
the select spellings (``select one``, ``select all that apply``) and the yes/no
words of ``required``, so that a workbook ODK or KoboToolbox accepts reads the same
here.
"""

from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from pyxform import aliases

from flows.errors import FormError, FormProblem
from flows.form import MAX_GROUP_DEPTH, Form, QuestionType
from flows.form_loader import load_form
from flows.xlsform_expr import (
    QuestionInfo,
    XlsExprError,
    calculation_to_calc,
    constraint_to_rule,
    relevant_to_when,
)

__all__ = ["MAX_ROWS", "Place", "XlsForm", "read_xlsform", "read_xlsform_file"]

#: Most rows read from one sheet: a real form has a few hundred.
MAX_ROWS: Final = 20_000
#: ODK's metadata types: filled in by the phone, they ask nothing; skipped.
METADATA_TYPES: Final = frozenset(
    {
        "start", "end", "today", "deviceid", "imei", "subscriberid", "simserial",
        "phonenumber", "username", "email", "audit", "start-geopoint", "background-audio",
        "uri:deviceid", "uri:email", "uri:phonenumber", "uri:simserial", "uri:subscriberid",
        "uri:username",
    }
)  # fmt: skip
#: Columns whose meaning tidtam cannot keep: a value there is refused, not ignored.
UNSUPPORTED_COLUMNS: Final = {
    "choice_filter": "choices filtered by earlier answers are not supported",
    "default": "default answers are not supported",
    "repeat_count": "repeat_count is not supported: give the number of items with tidtam's "
    "min and max columns (min 1: at least one item)",
    "trigger": "trigger is not supported",
    "read_only": "leave read_only out: a question with a calculation is never asked",
}
_PLAIN_TYPES: Final = {
    "text": QuestionType.TEXT,
    "integer": QuestionType.INTEGER,
    "int": QuestionType.INTEGER,
    "decimal": QuestionType.DECIMAL,
    "date": QuestionType.DATE,
    "file": QuestionType.FILE,
    "image": QuestionType.FILE,
    "photo": QuestionType.FILE,
}
_IMAGE_ACCEPT: Final = ("jpg", "jpeg", "png")
_TYPE_LIST: Final = (
    "select_one LIST, select_multiple LIST, text, integer, decimal, date, file, image, "
    "note, calculate, begin group, end group, begin repeat, end repeat"
)
_NUMBER: Final = re.compile(r"-?\d+(\.\d+)?")
#: The version KoboToolbox writes when it exports a form: its own count of deployments
#: and the date (``3 (2024-03-15 10:23:11)``), or in older exports its version id
#: (``vY3pHFp4B8NvQoxHUGGrzm``). Neither is tidtam's number: read as empty (the next free).
_KOBO_VERSION: Final = re.compile(r"\d+ \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\)|v[A-Za-z0-9]{20,}")
#: The row KoboToolbox adds at the end of an exported survey to stamp its version id
#: (``calculate``, ``'vY3p...'``): it asks nothing, and sits outside every group.
KOBO_VERSION_ROW: Final = "__version__"
_LANG: Final = re.compile(r"^(?P<base>[^:]+)::.*\((?P<code>[A-Za-z-]+)\)\s*$")
#: YAML keys as the workbook calls them, for the loader's messages.
_COLUMN_OF_KEY: Final = {
    "when": "relevant",
    "calc": "calculation",
    "help": "hint",
    "text": "label",
    "title": "label",
    "rule": "constraint",
    "check": "constraint",
    "message": "constraint_message",
    "id": "name",
}


@dataclass(frozen=True, slots=True)
class Place:
    """A cell: ``sheet``, 1-based ``row``, column ``letter`` and its ``header``."""

    sheet: str
    row: int
    letter: str = ""
    header: str = ""

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}"
        if self.letter:
            where += f", column {self.letter}"
            if self.header:
                where += f' "{self.header}"'
        return where


@dataclass(frozen=True, slots=True)
class XlsForm:
    """A workbook read: the form, the YAML it was loaded from, and where each id was
    written. English columns (``label::English (en)``, ``hint::English (en)``,
    ``item::English (en)``, and ``title_en`` on the settings sheet) are the form's ``text_en``,
    ``label_en``, ``title_en``, ``help_en`` and ``item_en``."""

    form: Form
    yaml: str
    places: Mapping[str, Place]


# ------------------------------------------------------------------ sheets


@dataclass
class _Row:
    number: int
    cells: dict[str, tuple[object, str]]  # canonical header -> (value, letter)


@dataclass
class _Sheet:
    name: str
    headers: dict[str, tuple[str, str]]  # canonical header -> (header as written, letter)
    rows: list[_Row]

    def place(self, row: _Row | int, column: str | None = None) -> Place:
        number = row if isinstance(row, int) else row.number
        if column is None or column not in self.headers:
            return Place(self.name, number)
        written, letter = self.headers[column]
        return Place(self.name, number, letter, written)


def _canonical(header: str, table: Mapping[str, object]) -> str:
    """A header as tidtam names it: the alias resolved, a language tag kept."""
    header = " ".join(header.split())
    match = _LANG.match(header)
    base = match["base"].strip() if match else header
    lowered = base.lower()
    known = {
        "caption": "label",
        "relevance": "relevant",
        "constraining_message": "constraint_message",
        "calculate": "calculation",
        "readonly": "read_only",
        "jr:count": "repeat_count",
        "count": "repeat_count",
        "bind::relevant": "relevant",
        "bind::constraint": "constraint",
        "bind::required": "required",
        "bind::calculate": "calculation",
        "bind::jr:constraintmsg": "constraint_message",
    }
    name = known.get(lowered, lowered) if lowered in known or lowered in table else lowered
    if match:
        return f"{name}::{match['code'].lower()}"
    return name


def _sheets(data: bytes, source: str) -> dict[str, _Sheet]:
    try:
        with warnings.catch_warnings():
            # Files from other tools often lack styles openpyxl likes; harmless here.
            warnings.simplefilter("ignore", UserWarning)
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        message = f"cannot read the workbook: {error} (save it as an Excel .xlsx workbook)"
        raise FormError([FormProblem("", None, message, source)]) from None
    problems: list[FormProblem] = []
    found: dict[str, _Sheet] = {}
    try:
        for title in book.sheetnames:
            name = title.strip().lower()
            if name not in ("survey", "choices", "settings"):
                continue
            table: Mapping[str, object] = {
                "survey": aliases.survey_header,
                "choices": aliases.list_header,
                "settings": aliases.settings_header,
            }[name]
            sheet = book[title]
            headers: dict[str, tuple[str, str]] = {}
            rows: list[_Row] = []
            columns: list[str | None] = []
            for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if index == 1:
                    for col, value in enumerate(values, start=1):
                        if value is None or not str(value).strip():
                            columns.append(None)
                            continue
                        written = " ".join(str(value).split())
                        key = _canonical(written, table)
                        letter = get_column_letter(col)
                        if key in headers:
                            problems.append(
                                FormProblem(
                                    str(Place(title, 1, letter, written)),
                                    None,
                                    f'the column "{written}" appears twice '
                                    f"(also column {headers[key][1]})",
                                    source,
                                )
                            )
                            columns.append(None)
                            continue
                        headers[key] = (written, letter)
                        columns.append(key)
                    continue
                if index > MAX_ROWS + 1:
                    problems.append(
                        FormProblem(
                            str(Place(title, index)),
                            None,
                            f"the sheet has more than {MAX_ROWS} rows",
                            source,
                        )
                    )
                    break
                cells: dict[str, tuple[object, str]] = {}
                for col, value in enumerate(values, start=1):
                    if col > len(columns) or columns[col - 1] is None:
                        continue
                    if isinstance(value, str):
                        value = value.replace("\xa0", " ").strip()
                        if not value:
                            continue
                    if value is None:
                        continue
                    column_key = columns[col - 1]
                    assert column_key is not None
                    cells[column_key] = (value, get_column_letter(col))
                if cells:
                    rows.append(_Row(index, cells))
            found[name] = _Sheet(title, headers, rows)
    finally:
        book.close()
    if problems:
        raise FormError(problems)
    return found


def _text(value: object) -> str:
    """A cell's value as text (a whole float without ``.0``)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _text(value)
    for spelling in (text, text.lower()):
        if spelling in aliases.yes_no:
            return bool(aliases.yes_no[spelling])
    return None


def _words(value: object) -> list[str]:
    return [w for w in re.split(r"[\s,]+", _text(value)) if w]


def _scalar(value: object) -> str:
    """A cell value as a YAML scalar: numbers stay numbers, the rest quoted text."""
    if isinstance(value, bool):
        return json.dumps(_text(value), ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return json.dumps(str(value))
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    text = _text(value)
    if _NUMBER.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _string(value: object) -> str:
    return json.dumps(_text(value), ensure_ascii=False)


# ------------------------------------------------------------------- reader


@dataclass
class _Question:
    row: _Row
    qtype: QuestionType
    list_name: str | None
    calc: bool
    help: list[str] = field(default_factory=list)
    help_en: list[str] = field(default_factory=list)  # the notes before it, in English
    broken: bool = False  # its type is refused: written without choices, for the rest
    children: list[_Question] = field(default_factory=list)  # a repeat group's own rows


@dataclass
class _Group:
    row: _Row
    children: list[Any] = field(default_factory=list)  # _Group or _Question


class _Reader:
    def __init__(self, sheets: dict[str, _Sheet], source: str) -> None:
        self.sheets = sheets
        self.source = source
        self.problems: list[tuple[Place, str]] = []
        self.lines: list[str] = []
        self.places: list[Place | None] = []
        self.id_places: dict[str, Place] = {}
        self.survey = sheets["survey"]
        self.choices = sheets.get("choices")
        self.lists: dict[str, list[_Row]] = {}
        self.infos: dict[str, QuestionInfo] = {}

    def problem(self, place: Place, message: str) -> None:
        self.problems.append((place, message))

    def put(self, indent: int, text: str, place: Place | None) -> None:
        self.lines.append(" " * indent + text)
        self.places.append(place)

    # columns in several languages -------------------------------------
    def language(self, sheet: _Sheet, row: _Row, base: str) -> tuple[str | None, str | None]:
        """``(column, value)`` of the Thai (or plain) text of ``base``."""
        for key in (f"{base}::th", base):
            if key in row.cells:
                return key, _text(row.cells[key][0])
        return (f"{base}::th" if f"{base}::th" in sheet.headers else base), None

    def english(self, sheet: _Sheet, row: _Row, base: str, indent: int, key: str) -> None:
        """The English text of ``base`` (``label::English (en)``) as ``key``, if any."""
        cell = row.cells.get(f"{base}::en")
        if cell is not None:
            self.put(indent, f"{key}: {_string(cell[0])}", sheet.place(row, f"{base}::en"))

    # settings ----------------------------------------------------------
    def settings(self) -> None:
        sheet = self.sheets.get("settings")
        if sheet is None:
            self.problem(
                Place("settings", 1),
                'the workbook has no "settings" sheet: add one with the columns form_id, '
                "form_title and version, and the values in row 2",
            )
            return
        row = sheet.rows[0] if sheet.rows else _Row(2, {})
        form_id = row.cells.get("form_id") or row.cells.get("id_string")
        title = self.language(sheet, row, "form_title")
        if title[1] is None:
            title = self.language(sheet, row, "title")
        if form_id is None:
            self.problem(
                sheet.place(row, "form_id"),
                "settings needs form_id: the form's code, such as pb-plan-2567 (a workbook "
                "downloaded from KoboToolbox may have none: add the column form_id)",
            )
        else:
            self.put(0, f"form: {_string(form_id[0])}", sheet.place(row, "form_id"))
        version = row.cells.get("version")
        if version is not None:
            value = version[0]
            text = _text(value)
            if isinstance(value, str) and _KOBO_VERSION.fullmatch(text):
                pass  # KoboToolbox's own: tidtam numbers the version itself
            elif isinstance(value, bool) or not re.fullmatch(r"\d+", text):
                self.problem(
                    sheet.place(row, "version"),
                    f'version must be a whole number such as 3, got "{text}" (give a number, '
                    "or leave it empty to take the next free one)",
                )
            else:
                self.put(0, f"version: {int(text)}", sheet.place(row, "version"))
        if title[1] is None:
            self.problem(
                sheet.place(row, "form_title"), "settings needs form_title: the form's title"
            )
        else:
            assert title[0] is not None
            self.put(0, f"title: {_string(title[1])}", sheet.place(row, title[0]))
            threshold = row.cells.get("change_threshold")  # tidtam's own
            if threshold is not None:
                self.put(
                    0,
                    f"change_threshold: {_scalar(threshold[0])}",
                    sheet.place(row, "change_threshold"),
                )
            english = row.cells.get("title_en") or row.cells.get(title[0].split("::")[0] + "::en")
            if english is not None:  # tidtam's title_en, or form_title::English (en)
                column = "title_en" if "title_en" in row.cells else title[0].split("::")[0] + "::en"
                self.put(0, f"title_en: {_string(english[0])}", sheet.place(row, column))

    # choices -----------------------------------------------------------
    def read_lists(self) -> None:
        if self.choices is None:
            return
        for row in self.choices.rows:
            name = row.cells.get("list_name") or row.cells.get("list name")
            if name is None:
                self.problem(self.choices.place(row, "list_name"), "list_name is empty")
                continue
            self.lists.setdefault(_text(name[0]), []).append(row)

    # survey ------------------------------------------------------------
    def tree(self) -> list[_Group]:
        """The survey as groups of groups of questions, problems noted on the way.

        A ``begin repeat`` inside an indicator opens a repeat group: a question whose
        ``children`` are the rows up to its ``end repeat`` (one more may nest inside)."""
        top = _Group(_Row(0, {}))
        stack: list[_Group] = [top]
        repeats: list[_Question] = []  # the open repeat groups, outermost first
        grouped_in_repeat = 0  # groups opened inside a repeat group (refused)
        pending_note: tuple[_Row, str] | None = None
        for row in self.survey.rows:
            raw = row.cells.get("type")
            if raw is None:
                self.problem(self.survey.place(row, "type"), "type is empty")
                continue
            kind = " ".join(_text(raw[0]).lower().replace("_", " ").split())
            place = self.survey.place(row, "type")
            for column, why in UNSUPPORTED_COLUMNS.items():
                if column in row.cells:
                    self.problem(self.survey.place(row, column), why)
            closing = kind in ("begin group", "end group", "end repeat", "end loop")
            if closing and pending_note is not None:
                self.note_problem(*pending_note)
                pending_note = None
            if kind in ("end repeat", "end loop"):
                if repeats:
                    repeats.pop()
                else:
                    self.problem(place, f'"{_text(raw[0])}" without its "begin repeat"')
                continue
            if kind == "begin group" and repeats:
                self.problem(
                    place,
                    "a group inside a repeat group is not supported: put its questions in "
                    "the repeat group itself",
                )
                grouped_in_repeat += 1  # its rows are read as the repeat group's
                continue
            if kind == "end group" and grouped_in_repeat:
                grouped_in_repeat -= 1
                continue
            if kind == "begin group":
                if len(stack) >= 3:
                    self.problem(
                        place,
                        "groups nest two deep at most: the outer group is a section, the "
                        "inner one an indicator",
                    )
                group = _Group(row)
                stack[-1].children.append(group)
                stack.append(group)
                continue
            if kind == "end group":
                if repeats:
                    self.problem(place, '"end group" where the repeat group needs its "end repeat"')
                elif len(stack) == 1:
                    self.problem(place, '"end group" without its "begin group"')
                else:
                    stack.pop()
                continue
            if kind in METADATA_TYPES:
                continue
            name_cell = row.cells.get("name")
            if kind == "calculate" and name_cell and _text(name_cell[0]) == KOBO_VERSION_ROW:
                continue
            if kind == "note":
                label = self.language(self.survey, row, "label")[1]
                if pending_note is not None:
                    self.note_problem(*pending_note)
                pending_note = (row, label or "")
                continue
            if kind == "begin repeat" or kind.startswith("begin loop"):
                question: _Question | None = self.begin_repeat(row, kind, len(repeats))
            else:
                question = self.question(row, kind, _text(raw[0]))
            if question is None:
                continue
            if pending_note is not None:
                question.help.append(pending_note[1])
                english = pending_note[0].cells.get("label::en")
                if english is not None:
                    question.help_en.append(_text(english[0]))
                pending_note = None
            if repeats:  # (a misplaced repeat group was said at its own row)
                repeats[-1].children.append(question)
            elif len(stack) != 3:
                self.problem(
                    self.survey.place(row, "name"),
                    "a question must be inside two groups: the section's (outer "
                    "begin group) and the indicator's (inner begin group)",
                )
            else:
                stack[-1].children.append(question)
            if question.qtype is QuestionType.REPEAT:
                repeats.append(question)
        if pending_note is not None:
            self.note_problem(*pending_note)
        for repeat in repeats:
            self.problem(
                self.survey.place(repeat.row, "type"), '"begin repeat" without its "end repeat"'
            )
        for group in stack[1:]:
            self.problem(
                self.survey.place(group.row, "type"), '"begin group" without its "end group"'
            )
        return [g for g in top.children if isinstance(g, _Group)]

    def begin_repeat(self, row: _Row, kind: str, depth: int) -> _Question:
        """A repeat group's row: a loop is refused; one nested deeper than tidtam's is."""
        place = self.survey.place(row, "type")
        if kind != "begin repeat":
            self.problem(
                place,
                '"begin loop" (one item per choice) is not supported: use "begin repeat" '
                "with min and max",
            )
        elif depth >= MAX_GROUP_DEPTH:
            self.problem(
                place,
                f"repeat groups nest at most {MAX_GROUP_DEPTH} deep: a repeat group may hold "
                "one more repeat group, which may not hold another",
            )
        if "item" not in row.cells and "item::th" not in row.cells:
            self.problem(
                self.survey.place(row, "item"),
                'item is empty: a repeat group needs the word for one item, such as "กิจกรรม" '
                '(people read "กิจกรรมที่ 2")',
            )
        required = row.cells.get("required")
        if required is not None and _yes_no(required[0]) is not False:
            self.problem(
                self.survey.place(row, "required"),
                "required is not allowed on a repeat group: give min, the fewest items "
                "(min 1: at least one)",
            )
        return _Question(row, QuestionType.REPEAT, None, False)

    def note_problem(self, row: _Row, _label: str) -> None:
        self.problem(
            self.survey.place(row, "type"),
            "a note must be followed by a question of its group: it becomes that question's "
            "help (hint)",
        )

    def question(self, row: _Row, kind: str, written: str) -> _Question | None:
        place = self.survey.place(row, "type")
        if kind == "calculate":
            return _Question(row, QuestionType.DECIMAL, None, True)
        if kind in _PLAIN_TYPES:
            return _Question(row, _PLAIN_TYPES[kind], None, "calculation" in row.cells)
        for spelling in sorted(aliases.select, key=len, reverse=True):
            prefix = spelling.replace("_", " ") + " "
            if not kind.startswith(prefix):
                continue
            target = aliases.select[spelling]
            rest = written.strip()[len(prefix) :].strip()
            if spelling in aliases.select_from_file or target not in (
                "select one",
                "select all that apply",
            ):
                self.problem(
                    place,
                    f'"{written}" is not supported: use select_one or select_multiple with '
                    "a list on the choices sheet",
                )
                return None
            words = rest.split()
            if len(words) != 1:
                hint = (
                    ' (or_other is not supported: add an "other" choice and a text question)'
                    if "or_other" in words
                    else ""
                )
                self.problem(
                    place, f'"{written}" must name one choice list, such as select_one yesno{hint}'
                )
                return None
            qtype = QuestionType.CHOICE if target == "select one" else QuestionType.MULTI
            if words[0] not in self.lists:
                self.problem(
                    place, f'the choice list "{words[0]}" does not exist on the choices sheet'
                )
                return _Question(row, qtype, None, False, broken=True)
            return _Question(row, qtype, words[0], False)
        self.problem(place, f'unknown type "{written}" (tidtam reads: {_TYPE_LIST})')
        return _Question(row, QuestionType.TEXT, None, False, broken=True)

    # YAML ----------------------------------------------------------------
    def label(self, row: _Row, indent: int, key: str) -> None:
        column, text = self.language(self.survey, row, "label")
        if text is not None:
            self.put(indent, f"{key}: {_string(text)}", self.survey.place(row, column))
        else:
            self.problem(self.survey.place(row, "label"), f"label is empty: the {key} people read")
        self.english(self.survey, row, "label", indent, f"{key}_en")

    def common(self, row: _Row, indent: int) -> None:
        for column in ("no",):
            if column in row.cells:
                value = row.cells[column][0]
                text = _text(value) if isinstance(value, float) else value
                scalar = _scalar(text) if isinstance(text, int) else _string(text)
                self.put(indent, f"no: {scalar}", self.survey.place(row, column))
        if "kinds" in row.cells:
            kinds = ", ".join(_string(k) for k in _words(row.cells["kinds"][0]))
            self.put(indent, f"kinds: [{kinds}]", self.survey.place(row, "kinds"))

    def name(self, row: _Row, indent: int, first: str) -> str | None:
        cell = row.cells.get("name")
        place = self.survey.place(row, "name")
        if cell is None:
            self.problem(place, "name is empty: give an id such as s1i1_done")
            return None
        ident = _text(cell[0])
        self.put(indent, f"{first}id: {_string(ident)}", place)
        self.id_places.setdefault(ident, place)
        return ident

    def section(self, group: _Group) -> None:
        self.name(group.row, 2, "- ")
        self.common(group.row, 4)
        self.label(group.row, 4, "title")
        inner = [g for g in group.children if isinstance(g, _Group)]
        if not inner:
            self.put(4, "indicators: []", self.survey.place(group.row, "type"))
            return
        self.put(4, "indicators:", self.survey.place(group.row, "type"))
        for indicator in inner:
            self.indicator(indicator)

    def indicator(self, group: _Group) -> None:
        self.name(group.row, 6, "- ")
        self.common(group.row, 8)
        self.label(group.row, 8, "title")
        questions = [q for q in group.children if isinstance(q, _Question)]
        if not questions:
            self.put(8, "questions: []", self.survey.place(group.row, "type"))
            return
        self.put(8, "questions:", self.survey.place(group.row, "type"))
        infos = self.infos
        for question in questions:
            self.question_yaml(question, infos)

    def question_yaml(
        self, q: _Question, infos: Mapping[str, QuestionInfo], indent: int = 10
    ) -> None:
        row, sheet = q.row, self.survey
        qid = self.name(row, indent, "- ")
        ind = indent + 2
        self.common(row, ind)
        self.put(ind, f"type: {q.qtype.value}", sheet.place(row, "type"))
        self.label(row, ind, "text")
        if q.qtype is QuestionType.REPEAT:
            item_column, item = self.language(sheet, row, "item")
            if item is not None:
                self.put(ind, f"item: {_string(item)}", sheet.place(row, item_column))
            self.english(sheet, row, "item", ind, "item_en")
        elif not q.calc:
            required = row.cells.get("required")
            value = False if required is None else _yes_no(required[0])
            if value is None:
                assert required is not None
                self.problem(
                    sheet.place(row, "required"),
                    f'required must be yes or no, got "{_text(required[0])}" (a condition is '
                    "not supported: use relevant to ask the question only when it applies)",
                )
            elif not value:
                self.put(ind, "required: false", sheet.place(row, "required"))
        if q.list_name is not None:
            self.choice_yaml(q, qid, ind)
        if "cumulative" in row.cells:  # tidtam's own: a figure for the period alone
            cumulative = _yes_no(row.cells["cumulative"][0])
            if cumulative is None:
                self.problem(
                    sheet.place(row, "cumulative"),
                    f'cumulative must be yes or no, got "{_text(row.cells["cumulative"][0])}"',
                )
            elif cumulative:
                self.put(ind, "cumulative: true", sheet.place(row, "cumulative"))
        if "budget" in row.cells:  # tidtam's own: what the question is in the budget report
            budget = _text(row.cells["budget"][0]).strip()
            self.put(ind, f"budget: {_string(budget)}", sheet.place(row, "budget"))
        for column in ("min", "max", "target"):
            if column in row.cells:
                self.put(
                    ind, f"{column}: {_scalar(row.cells[column][0])}", sheet.place(row, column)
                )
        accept = _words(row.cells["accept"][0]) if "accept" in row.cells else []
        if not accept and _text(row.cells["type"][0]).lower() in ("image", "photo"):
            accept = list(_IMAGE_ACCEPT)
        if accept:
            place = sheet.place(row, "accept" if "accept" in row.cells else "type")
            self.put(ind, f"accept: [{', '.join(_string(a) for a in accept)}]", place)
        hint_column, hint = self.language(sheet, row, "hint")
        help_lines = [*q.help, *([hint] if hint else [])]
        if help_lines:
            place = sheet.place(row, hint_column if hint else "type")
            self.put(ind, f"help: {_string(chr(10).join(help_lines))}", place)
        english_hint = row.cells.get("hint::en")
        help_en = [*q.help_en, *([_text(english_hint[0])] if english_hint else [])]
        if help_en:
            place = sheet.place(row, "hint::en" if english_hint else "type")
            self.put(ind, f"help_en: {_string(chr(10).join(help_en))}", place)
        self.expression(row, ind, "relevant", "when", lambda t: relevant_to_when(t, infos))
        if q.calc:
            self.expression(row, ind, "calculation", "calc", calculation_to_calc)
            if "calculation" not in row.cells:
                self.problem(sheet.place(row, "calculation"), "a calculate needs a calculation")
        self.checks(row, ind, qid or "", infos)
        if q.qtype is QuestionType.REPEAT:
            if not q.children:
                self.problem(
                    sheet.place(row, "type"),
                    'the repeat group has no questions: write them between its "begin repeat" '
                    'and its "end repeat"',
                )
                self.put(ind, "questions: []", sheet.place(row, "type"))
                return
            self.put(ind, "questions:", sheet.place(row, "type"))
            for child in q.children:
                self.question_yaml(child, infos, ind + 2)

    def expression(self, row: _Row, ind: int, column: str, key: str, translate: Any) -> None:
        if column not in row.cells:
            return
        text = _text(row.cells[column][0])
        place = self.survey.place(row, column)
        try:
            translated = translate(text)
        except XlsExprError as error:
            self.problem(
                place,
                f"{column} is outside what tidtam reads, at column {error.column}: {error.message}",
            )
            return
        self.put(ind, f"{key}: {_string(translated)}", place)

    def checks(self, row: _Row, ind: int, qid: str, infos: Mapping[str, QuestionInfo]) -> None:
        pairs: list[tuple[str, str]] = []
        for key in sorted(row.cells):
            match = re.fullmatch(r"constraint(_(\d+))?", key)
            if match:
                pairs.append((key, f"constraint_message{match.group(1) or ''}"))
        pairs.sort(key=lambda p: int(p[0].split("_")[1]) if "_" in p[0] else 1)
        written = False
        for rule_col, message_col in pairs:
            place = self.survey.place(row, rule_col)
            text = _text(row.cells[rule_col][0])
            try:
                rule = constraint_to_rule(text, qid, infos)
            except XlsExprError as error:
                self.problem(
                    place,
                    f"{rule_col} is outside what tidtam reads, at column {error.column}: "
                    f"{error.message}",
                )
                continue
            mcol, message = self.language(self.survey, row, message_col)
            if message is None:
                self.problem(
                    self.survey.place(row, message_col),
                    f"{message_col} is empty: write what people read when {rule_col} is broken",
                )
                continue
            if not written:
                self.put(ind, "check:", place)
                written = True
            self.put(ind + 2, f"- rule: {_string(rule)}", place)
            assert mcol is not None
            self.put(ind + 4, f"message: {_string(message)}", self.survey.place(row, mcol))

    def choice_yaml(self, q: _Question, qid: str | None, ind: int) -> None:
        assert q.list_name is not None and self.choices is not None
        sheet = self.choices
        self.put(ind, "choices:", self.survey.place(q.row, "type"))
        for row in self.lists[q.list_name]:
            name = row.cells.get("name")
            if name is None:
                self.problem(
                    sheet.place(row, "name"), "name is empty: give the choice an id such as yes"
                )
                continue
            cid = _text(name[0])
            self.put(ind + 2, f"- id: {_string(cid)}", sheet.place(row, "name"))
            column, label = self.language(sheet, row, "label")
            if label is not None:
                self.put(ind + 4, f"label: {_string(label)}", sheet.place(row, column))
            else:
                self.problem(sheet.place(row, "label"), "label is empty: the button's words")
            self.english(sheet, row, "label", ind + 4, "label_en")
            if "exclusive" in row.cells:
                flag = _yes_no(row.cells["exclusive"][0])
                place = sheet.place(row, "exclusive")
                if flag is None:
                    self.problem(
                        place,
                        f'exclusive must be yes or no, got "{_text(row.cells["exclusive"][0])}"',
                    )
                elif flag:
                    self.put(ind + 4, "exclusive: true", place)

    def infos_of(self, groups: Sequence[_Group]) -> dict[str, QuestionInfo]:
        infos: dict[str, QuestionInfo] = {}
        for question in _questions(groups):
            name = question.row.cells.get("name")
            if name is None:
                continue
            choices: tuple[str, ...] = ()
            if question.list_name is not None:
                choices = tuple(
                    _text(r.cells["name"][0])
                    for r in self.lists[question.list_name]
                    if "name" in r.cells
                )
            infos[_text(name[0])] = QuestionInfo(question.qtype, choices)
        return infos

    def read(self) -> str:
        self.settings()
        self.read_lists()
        groups = self.tree()
        self.infos = self.infos_of(groups)
        if not groups:
            self.problem(
                Place(self.survey.name, 2),
                "the survey has no groups: write each section as a begin group, and its "
                "indicators as begin groups inside it",
            )
            self.put(0, "sections: []", None)
        else:
            self.put(0, "sections:", None)
            for group in groups:
                self.section(group)
        return "\n".join(self.lines) + "\n"


def _questions(groups: Sequence[_Group | _Question]) -> Iterator[_Question]:
    """Every question, a repeat group's own after it, in survey order."""
    for group in groups:
        for child in group.children:
            if isinstance(child, _Question):
                yield child
                yield from _questions([child])
            elif isinstance(child, _Group):
                yield from _questions([child])


def _rewrite(problem: FormProblem, places: Sequence[Place | None], source: str) -> FormProblem:
    """A loader problem placed at the cell its YAML line came from."""
    place = None
    if problem.line is not None and 0 < problem.line <= len(places):
        place = places[problem.line - 1]
    message = problem.message
    first, _, rest = message.partition(" ")
    if first in _COLUMN_OF_KEY and rest:
        message = f"{_COLUMN_OF_KEY[first]} {rest}"
    return FormProblem("" if place is None else str(place), None, message, source)


def _order(problem: FormProblem, sheets: Sequence[str]) -> tuple[int, int, str]:
    match = re.match(r"(\S+) row (\d+)(?:, column ([A-Z]+))?", problem.path)
    if match is None:
        return (-1, 0, "")
    sheet = match[1].lower()
    rank = sheets.index(sheet) if sheet in sheets else len(sheets)
    return (rank, int(match[2]), (match[3] or "").rjust(3))


def read_xlsform(data: bytes, source: str = "<form.xlsx>") -> XlsForm:
    """Read an XLSForm workbook; raise :class:`FormError` with every problem, placed."""
    sheets = _sheets(data, source)
    if "survey" not in sheets:
        raise FormError(
            [
                FormProblem(
                    "",
                    None,
                    'the workbook has no "survey" sheet: XLSForm keeps the questions on a '
                    'sheet named "survey" (and choice lists on "choices", the form\'s code '
                    'and title on "settings")',
                    source,
                )
            ]
        )
    reader = _Reader(sheets, source)
    text = reader.read()
    problems = [
        FormProblem(str(place), None, message, source) for place, message in reader.problems
    ]
    # a row with a problem of its own is written as far as it can be; what the loader
    # then says about that row follows from the first problem and is left out
    broken_rows = {(place.sheet, place.row) for place, _ in reader.problems}
    form: Form | None = None
    try:
        form = load_form(text, source)
    except FormError as error:
        for problem in error.problems:
            line = problem.line
            place = reader.places[line - 1] if line and 0 < line <= len(reader.places) else None
            if place is not None and (place.sheet, place.row) in broken_rows:
                continue
            problems.append(_rewrite(problem, reader.places, source))
    if problems or form is None:
        order = ["settings", "survey", "choices"]
        unique = list(dict.fromkeys(problems))
        raise FormError(sorted(unique, key=lambda p: _order(p, order)))
    return XlsForm(form, text, reader.id_places)


def read_xlsform_file(path: str | Any) -> XlsForm:
    """:func:`read_xlsform` of a file; problems name the file."""
    from pathlib import Path

    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise FormError(
            [FormProblem("", None, f"cannot read the file: {error.strerror}", source)]
        ) from None
    return read_xlsform(data, source)
