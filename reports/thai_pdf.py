"""An A4 fpdf2 document set up for Thai official papers (shared by tidtam's PDFs).

* The font is TLWG Laksaman (in the style of TH Sarabun PSK, shipped in
  :mod:`reports.fonts` under GPL-2+ with the font exception, which allows embedding
  it in documents), 16 pt for body text as Thai official papers use.
* Text is shaped by HarfBuzz (``set_text_shaping``, through uharfbuzz), so vowels
  and tone marks sit where the font's OpenType tables put them: without shaping
  fpdf2 draws the marks of ``ที่`` or ``ผู้`` one on top of the other.
* Lines are broken by :func:`reports.thai_text.wrap` (between words found by
  PyThaiNLP), never by fpdf2's own breaker, which only knows spaces: every text
  given to fpdf2 is already cut into lines that fit.
* The footer carries the page number (``หน้า 1/3``) and when the document was made,
  in the Buddhist era.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from fpdf import FPDF

from reports.fonts import FONT_FILES
from reports.thai_text import NBSP, words, wrap
from tidtam.core.thai import format_date_th_long

__all__ = [
    "BODY_PT",
    "FONT",
    "LINE_MM",
    "SMALL_PT",
    "GridRow",
    "ThaiPDF",
    "glued",
    "thai_datetime",
]

FONT: Final = "Laksaman"
BODY_PT: Final = 16
LINE_MM: Final = 7.0  # line height of 16 pt Thai text, marks above and below included
SMALL_PT: Final = 13
MIN_HEADER_PT: Final = 10  # a grid header shrinks to this before a word is cut
MARGIN_LEFT: Final = 25.0  # mm; the wider binding margin of Thai official papers
MARGIN_RIGHT: Final = 20.0
MARGIN_TOP: Final = 18.0
MARGIN_BOTTOM: Final = 20.0


_WIDTHS: dict[tuple[str, float, str], float] = {}
_WIDTHS_LIMIT: Final = 200_000


def glued(name: str) -> str:
    """``name`` with no-break spaces, so that a line never ends inside it."""
    return NBSP.join(name.split())


def thai_datetime(moment: datetime) -> str:
    """``15 มีนาคม 2567 เวลา 14:05 น.`` (the moment as given; convert the zone first)."""
    return f"{format_date_th_long(moment.date())} เวลา {moment:%H:%M} น."


@dataclass(frozen=True, slots=True)
class GridRow:
    """A row of :meth:`ThaiPDF.grid`: one text per column, or one text across them all."""

    cells: tuple[str, ...]
    bold: bool = False
    fill: tuple[int, int, int] | None = None
    align: tuple[str, ...] = ()
    keep_with_next: bool = False  # a heading row: never the last row of a page


class ThaiPDF(FPDF):
    """A4 portrait, Laksaman with shaping, footer with page x/y and the making date."""

    def __init__(self, footer_note: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_note = footer_note
        self.add_font(FONT, "", str(FONT_FILES[0]))
        self.add_font(FONT, "B", str(FONT_FILES[1]))
        self.set_text_shaping(True, direction="ltr")
        self.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
        self.set_auto_page_break(True, MARGIN_BOTTOM)
        self.alias_nb_pages("{nb}")
        self.set_font(FONT, "", BODY_PT)

    @property
    def text_width(self) -> float:
        """The width between the margins (mm)."""
        return float(self.epw)

    def measure(self, text: str) -> float:
        """The shaped width of ``text`` in the current font (mm).

        Remembered for the process (the fonts never change, and the same question
        texts and answers recur in every unit's PDF): shaping a word costs more than
        drawing it.
        """
        key = (self.font_style, self.font_size_pt, text)
        width = _WIDTHS.get(key)
        if width is None:
            if len(_WIDTHS) >= _WIDTHS_LIMIT:
                _WIDTHS.clear()
            width = _WIDTHS[key] = float(self.get_string_width(text))
        return width

    def lines(self, text: str, width: float) -> list[str]:
        """``text`` cut into lines no wider than ``width`` mm in the current font."""
        return wrap(text, width, self.measure)

    def paragraph(self, text: str, *, width: float | None = None, align: str = "L") -> None:
        """Write ``text`` from the left margin, broken between words."""
        width = self.text_width if width is None else width
        height = LINE_MM * self.font_size_pt / BODY_PT
        for line in self.lines(text, width - 2 * self.c_margin - 0.5):
            self.set_x(self.l_margin + (self.text_width - width if align == "R" else 0))
            self.cell(width, height, line, align=align, new_x="LMARGIN", new_y="NEXT")

    def grid(
        self,
        widths: Sequence[float],
        header: Sequence[str],
        rows: Iterable[GridRow],
        *,
        size_pt: float = BODY_PT,
        padding: float = 1.5,
    ) -> None:
        """A bordered table from the left margin, its header row repeated on every page.

        Every cell's text is broken between words to fit its column; a row taller than
        what is left of the page continues on the next one (after the header again),
        so nothing is cut and no row leaves the page. Drawn with single-line cells:
        fpdf2's own table wraps text again, character by character, at several times
        the cost.
        """
        bottom = self.h - self.b_margin
        head_pt = self.header_size(widths, header, size_pt, padding)

        def draw(
            cells: Sequence[Sequence[str]],
            spans: Sequence[float],
            row: GridRow,
            pt: float = size_pt,
        ) -> float:
            line = LINE_MM * pt / BODY_PT
            height = max(len(c) for c in cells) * line + 2 * padding
            self.set_font(FONT, "B" if row.bold else "", pt)
            x = self.l_margin
            for lines, width, align in zip(
                cells, spans, row.align or ("L",) * len(cells), strict=False
            ):
                if row.fill is not None:
                    self.set_fill_color(*row.fill)
                self.rect(x, self.y, width, height, style="DF" if row.fill is not None else "D")
                for n, text in enumerate(lines):
                    self.set_xy(x + padding, self.y + padding + n * line)
                    self.cell(width - 2 * padding, line, text, align=align)
                    self.set_y(self.y - padding - n * line)
                x += width
            return height

        def cut(row: GridRow, pt: float = size_pt) -> tuple[list[list[str]], list[float]]:
            self.set_font(FONT, "B" if row.bold else "", pt)
            spans = [sum(widths)] if len(row.cells) == 1 else list(widths)
            room = [w - 2 * padding - 2 * self.c_margin - 0.5 for w in spans]
            return [self.lines(t, r) for t, r in zip(row.cells, room, strict=True)], spans

        head = GridRow(tuple(header), bold=True, fill=(225, 225, 225), align=("C",) * len(header))
        head_cells, head_spans = cut(head, head_pt)
        head_height = max(len(c) for c in head_cells) * LINE_MM * head_pt / BODY_PT + 2 * padding
        line = LINE_MM * size_pt / BODY_PT

        def new_page() -> None:
            self.add_page()
            self.set_y(self.y + draw(head_cells, head_spans, head, head_pt))

        automatic, margin = self.auto_page_break, self.b_margin
        self.set_auto_page_break(False)  # the grid breaks pages itself, between lines
        if self.y + head_height + line + 2 * padding > bottom:
            self.add_page()
        self.set_y(self.y + draw(head_cells, head_spans, head, head_pt))
        for row in rows:
            cells, spans = cut(row)
            tallest = max(len(c) for c in cells)
            if row.keep_with_next and self.y + (tallest + 2) * line + 4 * padding > bottom:
                new_page()
            while True:
                fit = int((bottom - self.y - 2 * padding) // line)
                tallest = max(len(c) for c in cells)
                if fit >= tallest:
                    self.set_y(self.y + draw(cells, spans, row))
                    break
                if fit < min(tallest, 3):  # too little room: start the row on a new page
                    new_page()
                    continue
                self.set_y(self.y + draw([c[:fit] for c in cells], spans, row))
                cells = [c[fit:] or [""] for c in cells]
                new_page()
        self.set_auto_page_break(automatic, margin)
        self.set_font(FONT, "", BODY_PT)

    def header_size(
        self, widths: Sequence[float], header: Sequence[str], size_pt: float, padding: float
    ) -> float:
        """The largest size, from ``size_pt`` down to :data:`MIN_HEADER_PT`, at which every
        word of every header fits its column: a header is broken between words, never
        inside one ("ต้องรายงา/น")."""
        size = size_pt
        while size > MIN_HEADER_PT:
            self.set_font(FONT, "B", size)
            if all(
                self.measure(word) <= width - 2 * padding - 2 * self.c_margin - 0.5
                for text, width in zip(header, widths, strict=True)
                for word in words(text)
                if not word.isspace()
            ):
                break
            size -= 0.5
        return size

    def footer(self) -> None:
        self.set_y(-MARGIN_BOTTOM + 6)
        self.set_font(FONT, "", SMALL_PT)
        self.cell(self.text_width - 30, 6, self.footer_note, align="L")
        self.cell(30, 6, f"หน้า {self.page_no()}/{{nb}}", align="R")
        self.set_font(FONT, "", BODY_PT)
