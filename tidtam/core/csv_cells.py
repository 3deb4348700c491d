"""Text for CSV cells that no spreadsheet will run as a formula (CSV injection).

OWASP's advice: a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is read by Excel, LibreOffice and Google Sheets as a formula (or a
DDE call), so such text is prefixed with a single quote, which makes the cell plain
text. The full-width forms of those signs are treated the same (some spreadsheets
fold them). A text that already starts with a quote gets one more, so that
:func:`restore` gives back exactly what was written: every string round-trips.
Numbers are never touched: only text is.
"""

from __future__ import annotations

from typing import Final

__all__ = ["FORMULA_STARTS", "csv_cell", "neutralise", "restore"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS: Final = frozenset("=+-@\t\r\n＝＋－＠")
_QUOTE: Final = "'"


def neutralise(text: str) -> str:
    """``text`` as it can safely stand in a CSV cell (see the module docstring)."""
    if text and (text[0] in FORMULA_STARTS or text[0] == _QUOTE):
        return _QUOTE + text
    return text


def restore(cell: str) -> str:
    """The text :func:`neutralise` was given, from the cell it made."""
    if (
        cell.startswith(_QUOTE)
        and len(cell) > 1
        and (cell[1] in FORMULA_STARTS or cell[1] == _QUOTE)
    ):
        return cell[1:]
    return cell


def csv_cell(value: object) -> object:
    """A value for ``csv.writer``: text neutralised, numbers and others as they are."""
    return neutralise(value) if isinstance(value, str) else value
