"""The invitation workbook: one row per unit with its code and deep link.

Every cell is written as a string: a unit name that starts with "=" stays text, never
a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import xlsxwriter  # type: ignore[import-untyped]

#: (unit code, unit name, role as shown, code as shown, link)
Row = tuple[str, str, str, str, str]


def invite_workbook(headers: Sequence[str], rows: Sequence[Row]) -> bytes:
    """An .xlsx with ``headers`` and ``rows``, the header frozen and filtered."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("invites")
    bold = book.add_format({"bold": True})
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, bold)
    for line, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if column == len(row) - 1 and value:
                sheet.write_url(line, column, value, string=value)
            else:
                sheet.write_string(line, column, value)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    for column, width in enumerate((14, 40, 28, 14, 48)[: len(headers)]):
        sheet.set_column(column, column, width)
    book.close()
    return buffer.getvalue()
