"""Reading back the PDFs tidtam writes (pypdfium2), for the document tests."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

import pypdfium2 as pdfium
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from reports.chart import FONT_FILES

MM = 72 / 25.4  # PDF points per millimetre
_DROP = re.compile(r"[\s\u200b\x00-\x1f]")
THAI_MARKS = frozenset(
    "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)


def page_texts(data: bytes) -> list[str]:
    """The text pdfium extracts from each page."""
    document = pdfium.PdfDocument(data)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def page_count(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def bases(text: str) -> str:
    """``text`` without white space, control characters and Thai vowel and tone marks.

    Text extraction of shaped Thai places a mark drawn as a positioned variant
    glyph elsewhere on the line, so marks are compared as counts (:func:`marks`).
    """
    text = _DROP.sub("", unicodedata.normalize("NFC", text))
    return "".join(c for c in text if c not in THAI_MARKS)


def marks(text: str) -> Counter[str]:
    return Counter(c for c in text if c in THAI_MARKS)


@cache
def font_code_points() -> frozenset[int]:
    with TTFont(str(FONT_FILES[0])) as regular, TTFont(str(FONT_FILES[1])) as bold:
        return frozenset(regular.getBestCmap()) & frozenset(bold.getBestCmap())


def objects_outside(
    data: bytes, *, left: float, right: float, top: float, bottom: float
) -> list[str]:
    """Page objects whose box leaves the area inside the given margins (mm).

    One point of slack: a table border is stroked centred on the margin.
    """
    outside: list[str] = []
    document = pdfium.PdfDocument(data)
    try:
        for number in range(len(document)):
            page = document[number]
            width, height = page.get_size()
            for obj in page.get_objects():
                x0, y0, x1, y1 = obj.get_bounds()
                if (
                    x0 < left * MM - 1.0
                    or x1 > width - right * MM + 1.0
                    or y0 < bottom * MM - 1.0
                    or y1 > height - top * MM + 1.0
                ):
                    outside.append(
                        f"page {number + 1}: {obj.type} at {x0:.0f},{y0:.0f}-{x1:.0f},{y1:.0f}"
                    )
    finally:
        document.close()
    return outside
