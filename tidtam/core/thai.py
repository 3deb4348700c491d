"""Thai digits, month names and Buddhist-era dates, as people read and type them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

#: Buddhist era year = common era year + 543.
BE_OFFSET: Final = 543

THAI_DIGITS: Final = "๐๑๒๓๔๕๖๗๘๙"
_DIGIT_TABLE: Final = str.maketrans(THAI_DIGITS, "0123456789")

THAI_MONTHS_LONG: Final[tuple[str, ...]] = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT: Final[tuple[str, ...]] = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)


def thai_to_arabic_digits(s: str) -> str:
    """Replace Thai digits ``๐``-``๙`` by ``0``-``9``; everything else is kept."""
    return s.translate(_DIGIT_TABLE)


def format_date_th(d: date) -> str:
    """``15 มี.ค. 2567``: day, abbreviated Thai month, Buddhist-era year."""
    return f"{d.day} {THAI_MONTHS_SHORT[d.month - 1]} {d.year + BE_OFFSET}"


def format_date_th_long(d: date) -> str:
    """``15 มีนาคม 2567``: day, full Thai month, Buddhist-era year."""
    return f"{d.day} {THAI_MONTHS_LONG[d.month - 1]} {d.year + BE_OFFSET}"


def format_datetime_th(moment: datetime) -> str:
    """``24 พ.ย. 2569 เวลา 10:15 น.``: a BE date and the 24-hour clock time, as given."""
    return f"{format_date_th(moment.date())} เวลา {moment:%H:%M} น."
