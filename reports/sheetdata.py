"""Fast rows for one big worksheet, spliced into a workbook XlsxWriter has written.

XlsxWriter costs about 20 µs per cell on a small machine, a minute for the 3.5
million cells of a national Units sheet. Here the rows of such a sheet are turned
into SpreadsheetML text directly (about 1 µs per cell) and put in place of the
sheet's ``<sheetData>`` once the workbook is closed:

1. XlsxWriter writes the workbook, the big sheet with its header row only (plus
   its settings: frozen panes, autofilter range, column widths); every cell format
   the rows need is written on a blank cell of the second row (:func:`reserve_formats`),
   so that XlsxWriter keeps it in ``styles.xml``; once the workbook is closed,
   :func:`style_indices` reads the index each format got;
2. :func:`splice_rows` copies the zip, keeping that sheet's first row and writing
   the given rows after it, and corrects the sheet's dimension.

Cells: strings are inline strings (as XlsxWriter's constant-memory mode writes
them), numbers ``<v>`` elements, dates and datetimes Excel serial numbers with a
date style; missing values (None, NaN, NA, NaT) are left out.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import pandas as pd

__all__ = [
    "ColumnStyle",
    "SplicedSheet",
    "column_letter",
    "reserve_formats",
    "sheet_rows",
    "splice_rows",
    "splice_sheets",
    "style_indices",
]

_EPOCH: Final = dt.date(1899, 12, 30).toordinal()
_ILLEGAL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_DATA: Final = re.compile(r"<sheetData\s*/>|<sheetData>(.*?)</sheetData>", re.S)
_FIRST_ROW: Final = re.compile(r"<row [^>]*>.*?</row>|<row [^>]*/>", re.S)
_DIMENSION: Final = re.compile(r'<dimension ref="[^"]*"\s*/>')


@dataclass(frozen=True, slots=True)
class ColumnStyle:
    """Style indices (``s`` attributes) for one column's numbers, dates and datetimes."""

    number: int | None = None
    date: int | None = None
    datetime: int | None = None


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``25`` → ``Z``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def reserve_formats(sheet: Any, formats: Sequence[Any]) -> None:
    """Write each XlsxWriter format on a blank cell of the sheet's second row.

    XlsxWriter keeps in ``styles.xml`` only the formats some cell uses; these blank
    cells are such uses, and :func:`splice_rows` replaces the row they stand in.
    """
    for column, cell_format in enumerate(formats):
        sheet.write_blank(1, column, None, cell_format)


def style_indices(formats: Sequence[Any]) -> list[int]:
    """The style index XlsxWriter gave each reserved format (after ``close()``)."""
    indices = [cell_format.xf_index for cell_format in formats]
    if any(index is None for index in indices):
        raise ValueError("a format was not reserved, or has the same properties as another")
    return [int(index) for index in indices]


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")  # a bare CR would be read back as LF
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and not math.isfinite(value)


def sheet_rows(
    columns: Sequence[Sequence[Any]], styles: Sequence[ColumnStyle], first_row: int
) -> Iterator[str]:
    """The ``<row>`` elements for the values ``columns[c][i]``, from 0-based ``first_row``."""
    letters = [column_letter(c) for c in range(len(columns))]
    strings: dict[str, str] = {}
    count = len(columns[0]) if columns else 0
    for i in range(count):
        r = str(first_row + i + 1)
        cells: list[str] = [f'<row r="{r}">']
        for letter, values, style in zip(letters, columns, styles, strict=True):
            value = values[i]
            if _missing(value):
                continue
            ref = letter + r
            if isinstance(value, str):
                xml = strings.get(value)
                if xml is None:
                    space = ' xml:space="preserve"' if value != value.strip() else ""
                    xml = f'" t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
                    if len(strings) < 100_000:
                        strings[value] = xml
                cells.append(f'<c r="{ref}{xml}')
            elif isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float | Decimal):
                s = "" if style.number is None else f' s="{style.number}"'
                cells.append(f'<c r="{ref}"{s}><v>{value}</v></c>')
            elif isinstance(value, dt.datetime):
                serial = value.toordinal() - _EPOCH
                serial_f = serial + (value.hour * 3600 + value.minute * 60 + value.second) / 86400
                s = "" if style.datetime is None else f' s="{style.datetime}"'
                cells.append(f'<c r="{ref}"{s}><v>{serial_f}</v></c>')
            elif isinstance(value, dt.date):
                s = "" if style.date is None else f' s="{style.date}"'
                cells.append(f'<c r="{ref}"{s}><v>{value.toordinal() - _EPOCH}</v></c>')
            else:
                text = str(value)
                space = ' xml:space="preserve"' if text != text.strip() else ""
                cells.append(
                    f'<c r="{ref}" t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'
                )
        cells.append("</row>")
        yield "".join(cells)


@dataclass(frozen=True, slots=True)
class SplicedSheet:
    """The rows to put in a worksheet after its first, and its new last row and column
    (0-based)."""

    rows: Iterable[str]
    last_row: int
    last_col: int


def splice_rows(
    path: Path, part: str, rows: Iterable[str], *, last_row: int, last_col: int
) -> None:
    """Replace the data of worksheet ``part`` (e.g. ``xl/worksheets/sheet2.xml``) of the
    workbook at ``path``: its first row is kept, ``rows`` follow it. ``last_row`` and
    ``last_col`` (0-based) give the sheet's new dimension."""
    splice_sheets(path, {part: SplicedSheet(rows, last_row, last_col)})


def splice_sheets(path: Path, sheets: Mapping[str, SplicedSheet]) -> None:
    """:func:`splice_rows` for several worksheets at once, in one copy of the zip."""
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".xlsx", delete=False) as handle:
        temporary = Path(handle.name)
    try:
        with (
            zipfile.ZipFile(path) as source,
            zipfile.ZipFile(
                temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
            ) as target,
        ):
            for info in source.infolist():
                data = source.read(info.filename)
                part = info.filename
                if part not in sheets:
                    target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                    continue
                rows, last_row, last_col = (
                    sheets[part].rows,
                    sheets[part].last_row,
                    sheets[part].last_col,
                )
                xml = data.decode("utf-8")
                match = _SHEET_DATA.search(xml)
                if match is None:
                    raise ValueError(f"{part} has no sheetData")
                inner = match.group(1) or ""
                first = _FIRST_ROW.search(inner)
                head = xml[: match.start()]
                dimension = f'<dimension ref="A1:{column_letter(last_col)}{last_row + 1}"/>'
                head = _DIMENSION.sub(dimension, head, count=1)
                # By name, the entry takes the target's level 1: fast, and the
                # sheet's XML compresses well anyway.
                with target.open(part, "w") as out:
                    out.write(head.encode("utf-8"))
                    out.write(b"<sheetData>")
                    if first is not None:
                        out.write(first.group(0).encode("utf-8"))
                    buffer: list[str] = []
                    for row in rows:
                        buffer.append(row)
                        if len(buffer) >= 1000:
                            out.write("".join(buffer).encode("utf-8"))
                            buffer = []
                    out.write("".join(buffer).encode("utf-8"))
                    out.write(b"</sheetData>")
                    out.write(xml[match.end() :].encode("utf-8"))
        shutil.move(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
