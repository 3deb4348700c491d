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

from datetime import datetime
from typing import Final

from fpdf import FPDF

from flows.values import format_date_th_long
from reports.chart import FONT_FILES
from reports.thai_text import NBSP, wrap

__all__ = [
    "BODY_PT",
    "FONT",
    "LINE_MM",
    "SMALL_PT",
    "ThaiPDF",
    "glued",
    "thai_datetime",
]

FONT: Final = "Laksaman"
BODY_PT: Final = 16
LINE_MM: Final = 7.0  # line height of 16 pt Thai text, marks above and below included
SMALL_PT: Final = 13
MARGIN_LEFT: Final = 25.0  # mm; the wider binding margin of Thai official papers
MARGIN_RIGHT: Final = 20.0
MARGIN_TOP: Final = 18.0
MARGIN_BOTTOM: Final = 20.0


def glued(name: str) -> str:
    """``name`` with no-break spaces, so that a line never ends inside it."""
    return NBSP.join(name.split())


def thai_datetime(moment: datetime) -> str:
    """``15 มีนาคม 2567 เวลา 14:05 น.`` (the moment as given; convert the zone first)."""
    return f"{format_date_th_long(moment.date())} เวลา {moment:%H:%M} น."


class ThaiPDF(FPDF):
    """A4 portrait, Laksaman with shaping, footer with page x/y and the making date."""

    def __init__(self, footer_note: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_note = footer_note
        self.add_font(FONT, "", str(FONT_FILES[0]))
        self.add_font(FONT, "B", str(FONT_FILES[1]))
        self.set_text_shaping(True)
        self.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
        self.set_auto_page_break(True, MARGIN_BOTTOM)
        self.alias_nb_pages("{nb}")
        self.set_font(FONT, "", BODY_PT)
        self._widths: dict[tuple[str, float, str], float] = {}

    @property
    def text_width(self) -> float:
        """The width between the margins (mm)."""
        return float(self.epw)

    def measure(self, text: str) -> float:
        """The shaped width of ``text`` in the current font (mm), remembered per font."""
        key = (self.font_style, self.font_size_pt, text)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = float(self.get_string_width(text))
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

    def footer(self) -> None:
        self.set_y(-MARGIN_BOTTOM + 6)
        self.set_font(FONT, "", SMALL_PT)
        self.cell(self.text_width / 2, 6, self.footer_note, align="L")
        self.cell(self.text_width / 2, 6, f"หน้า {self.page_no()}/{{nb}}", align="R")
        self.set_font(FONT, "", BODY_PT)
