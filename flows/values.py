"""Parse what a person types on a phone into a typed answer value.

Reporters answer on a phone, in Thai, often in a hurry. The parsers here accept the
ways people actually write numbers and dates and turn them into ``int``, ``Decimal``
or ``date``; anything they cannot read raises :class:`ValueProblem` with a machine
code that the bot turns into a message (Thai first, English available).

Numbers (:func:`parse_integer`, :func:`parse_decimal`)
    * Thai digits (``๑,๒๕๐``), surrounding spaces, zero-width spaces.
    * Thousands separators: commas in groups of three (``1,250``, ``12,345.5``);
      a misplaced comma (``1,25``, ``12,5``) is rejected, never guessed.
    * A leading ``+`` or ``-`` (also the Unicode minus sign).
    * A unit word after the number, Thai or English, with or without a space:
      ``120 คน``, ``1,250 บาท``, ``3 โครงการ``, ``50%``, ``12 ครั้ง/ปี``,
      ``120 คน ครับ``. The unit is ignored; it is not checked against the question.
    * A few words before the number: ``ร้อยละ 50``, ``จำนวน 120 คน``,
      ``ประมาณ 120``, ``฿1,250``. Percentages keep their number: ``50%`` is 50.
    * Rejected on purpose: multiplier words (``1.5 ล้าน``, ``5 พัน``, ``12k``,
      ``2 million``): they would silently turn 1,500,000 into 1.5; ranges and two
      numbers (``10-20``, ``12 ถึง 15``); number words (``สิบ``).
    * :func:`parse_integer` rejects any decimal point, even ``12.0``: an integer
      question that receives a fraction deserves a second look by the person.
    * Codes: ``empty``, ``not_a_number`` (no readable number), ``not_an_integer``
      (a well-formed number with a fraction given to an integer question),
      ``multiplier`` (``1.5 พัน``), ``comma`` (a decimal comma: ``45,5``),
      ``below_min`` / ``above_max`` (params ``min`` and ``max``).

Dates (:func:`parse_date`)
    * Day first, ``d/m/yyyy`` with ``/``, ``-`` or ``.``: ``15/3/2567``,
      ``15-03-2567``, ``15.3.2567``.
    * Two-digit years: the nearer to ``today`` of 25xx BE and 20xx CE:
      ``15/03/67`` is 15 March 2567 BE (2024 CE), ``15/3/24`` 15 March 2024;
      :func:`read_date` says the year was two digits, so that the walk asks to
      confirm.
    * A four-digit year ``>= 2400`` is Buddhist era (BE = CE + 543), one ``< 2400``
      is Christian era. ``พ.ศ.`` / ``ค.ศ.`` before the year force the era.
    * ISO, year first: ``2024-03-15`` (and ``2567-03-15``, by the same year rule).
    * Thai month names, full, abbreviated and casual: ``15 มีนาคม 2567``,
      ``15 มี.ค. 67``, ``15 มีค 67``, ``15 มีนา 67``; English ``15 March 2024``,
      ``Mar 15, 2024``; an optional ``วันที่`` / ``วันศุกร์ที่`` in front.
    * Without a year (``15 มี.ค.``, ``15/3``): the year of ``today``.
      ``วันนี้`` / ``เมื่อวาน`` / ``พรุ่งนี้`` (today / yesterday / tomorrow) too.
    * Resulting years outside 1800-2300 CE are refused as ``impossible_date``
      (they are typos, e.g. a BE year marked ``ค.ศ.``).
    * Codes: ``empty``, ``not_a_date`` (unreadable), ``impossible_date`` (readable
      but not in the calendar: ``31/2/2567``, month 13, year out of range).

Text (:func:`is_none_text`)
    Whether a text answer means "none / not relevant" (see :data:`NONE_WORDS`).

Thai digits, month names and the formatting of BE dates are in :mod:`tidtam.core.thai`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal, TypeVar

from tidtam.core.thai import (
    BE_OFFSET,
    THAI_MONTHS_LONG,
    THAI_MONTHS_SHORT,
    thai_to_arabic_digits,
)

__all__ = [
    "NONE_WORDS",
    "DateReading",
    "ProblemCode",
    "ValueProblem",
    "is_none_text",
    "parse_date",
    "parse_decimal",
    "parse_integer",
    "read_date",
]

ProblemCode = Literal[
    "empty",
    "not_a_number",
    "not_an_integer",
    "multiplier",
    "comma",
    "below_min",
    "above_max",
    "not_a_date",
    "impossible_date",
]


class ValueProblem(ValueError):
    """An answer that cannot be read as the value a question expects.

    ``code`` is one of :data:`ProblemCode`; ``params`` carries what a message needs
    (``min``, ``max``). Wording lives in the bot's message catalogues (``problem.<code>``).
    """

    def __init__(self, code: ProblemCode, **params: object) -> None:
        super().__init__(code, params)
        self.code: ProblemCode = code
        self.params: dict[str, object] = params

    def __str__(self) -> str:
        return repr(self)

    def __repr__(self) -> str:
        params = "".join(f", {key}={value!r}" for key, value in self.params.items())
        return f"ValueProblem({self.code!r}{params})"


# --------------------------------------------------------------------------- text

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    """Thai digits to ASCII, invisible characters dropped, whitespace collapsed."""
    text = _INVISIBLE.sub("", thai_to_arabic_digits(text))
    return _SPACES.sub(" ", text).strip()


#: Answers that mean "none / not relevant", compared after :func:`is_none_text`'s
#: normalisation (case folded, all whitespace removed, surrounding quotes and
#: trailing ``.``/``!`` and a trailing polite particle such as ครับ/ค่ะ dropped).
#: A run of dashes (``-``, ``--``, ``–``, ``—``, ``−``) also means none.
NONE_WORDS: frozenset[str] = frozenset(
    {
        "ไม่มี",
        "ไม่เกี่ยวข้อง",
        "ไม่เกี่ยวข้องกับหน่วยงาน",
        "ไม่มี/ไม่เกี่ยวข้อง",
        "ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน",
        "ไม่มี,ไม่เกี่ยวข้อง",
        "none",
        "n/a",
        "n.a",
        "na",
        "nil",
        "notapplicable",
    }
)

_DASHES = re.compile(r"[-‐‑‒–—―−]+")
_QUOTES = "\"'“”‘’«»`"
_POLITE = re.compile(r"(?:นะ)?(?:ครับ|คับ|ค่ะ|คะ|ค่า|จ้ะ|จ้า)$")


def is_none_text(s: str) -> bool:
    """Whether a text answer means "none / not relevant".

    Conservative: only the words in :data:`NONE_WORDS` (with polite particles and
    punctuation around them) and runs of dashes. ``ไม่มีปัญหา`` ("no problem") and
    ``ไม่มีโครงการ`` are real answers and are *not* none.
    """
    text = _clean(s).strip(_QUOTES + " ").casefold().rstrip(".! ")
    text = _POLITE.sub("", text).rstrip(".! ").strip(_QUOTES + " ")
    key = _SPACES.sub("", text)
    if not key:
        return False
    return key in NONE_WORDS or _DASHES.fullmatch(key) is not None


# ------------------------------------------------------------------------ numbers

_WORD_START = "A-Za-z\u0e01-\u0e3a\u0e3f-\u0e4e"
_UNIT_TOKEN = rf"(?:%|[{_WORD_START}][{_WORD_START}./\-]*+)"
_NUMBER_RE = re.compile(
    r"(?:(?:ร้อยละ|จำนวน|ประมาณ)\s*|฿\s*)?"
    r"(?P<sign>[+\-−])?\s*"
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?"
    r"(?:\.(?P<frac>[0-9]+))?"
    rf"(?:\s*(?P<unit>{_UNIT_TOKEN}(?:\s*{_UNIT_TOKEN})*))?"
)
_THAI_MULTIPLIERS = ("สิบ", "ร้อย", "พัน", "หมื่น", "แสน", "ล้าน")
_LATIN_MULTIPLIERS = frozenset(
    {
        "k",
        "m",
        "mn",
        "mil",
        "b",
        "bn",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "million",
        "millions",
        "billion",
        "billions",
    }
)
_MAX_DIGITS = 40
_COMMA_DECIMAL = re.compile(r"[+\-−]?[0-9]+,[0-9]{1,2}(?:\s*[^\s0-9,]\S*)?")
_N = TypeVar("_N", int, Decimal)


@dataclass(frozen=True)
class _Number:
    value: Decimal
    has_fraction: bool


def _is_multiplier(unit: str) -> bool:
    unit = unit.casefold()
    if unit.startswith("ร้อยละ"):
        return False
    if unit.startswith(_THAI_MULTIPLIERS):
        return True
    first = re.split(r"[\s%./\-]", unit, maxsplit=1)[0]
    return first in _LATIN_MULTIPLIERS


def _read_number(text: str) -> _Number:
    cleaned = _clean(text)
    if not cleaned:
        raise ValueProblem("empty")
    match = _NUMBER_RE.fullmatch(cleaned)
    if match is None:
        if _COMMA_DECIMAL.fullmatch(cleaned):
            raise ValueProblem("comma")
        raise ValueProblem("not_a_number")
    whole, frac, unit = match.group("int"), match.group("frac"), match.group("unit")
    if whole is None and frac is None:
        raise ValueProblem("not_a_number")
    if unit is not None and _is_multiplier(unit):
        raise ValueProblem("multiplier")
    digits = (whole or "0").replace(",", "")
    if len(digits) + len(frac or "") > _MAX_DIGITS:
        raise ValueProblem("not_a_number")
    sign = "-" if match.group("sign") in ("-", "−") else ""
    value = Decimal(f"{sign}{digits}.{frac}" if frac is not None else f"{sign}{digits}")
    if value.is_zero():
        value = abs(value)
    return _Number(value, frac is not None)


def _check_bounds(value: _N, minimum: int | Decimal | None, maximum: int | Decimal | None) -> _N:
    if minimum is not None and value < minimum:
        raise ValueProblem("below_min", min=minimum, max=maximum)
    if maximum is not None and value > maximum:
        raise ValueProblem("above_max", min=minimum, max=maximum)
    return value


def parse_integer(text: str, *, min: int | None = None, max: int | None = None) -> int:
    """Read a whole number (see the module docstring for what is accepted).

    Raises :class:`ValueProblem` ``empty``, ``not_a_number``, ``not_an_integer``
    (any decimal point, ``12.0`` included), ``below_min`` or ``above_max``.
    """
    number = _read_number(text)
    if number.has_fraction:
        raise ValueProblem("not_an_integer")
    return _check_bounds(int(number.value), min, max)


def parse_decimal(
    text: str,
    *,
    min: Decimal | int | None = None,
    max: Decimal | int | None = None,
) -> Decimal:
    """Read a number with an optional decimal fraction, as typed (``12.50`` keeps
    its two places). Raises :class:`ValueProblem` ``empty``, ``not_a_number``,
    ``below_min`` or ``above_max``.
    """
    return _check_bounds(_read_number(text).value, min, max)


# -------------------------------------------------------------------------- dates

_THAI_MONTHS_CASUAL = (
    ("มกรา",),
    ("กุมภา", "กุมภาพันธ"),
    ("มีนา",),
    ("เมษา",),
    ("พฤษภา",),
    ("มิถุนา",),
    ("กรกฎา", "กรกฏา", "กรกฏาคม"),
    ("สิงหา",),
    ("กันยา",),
    ("ตุลา",),
    ("พฤศจิกา",),
    ("ธันวา",),
)
_ENGLISH_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _month_key(token: str) -> str:
    return re.sub(r"[\s.,\-]", "", token.casefold())


def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for number in range(1, 13):
        names = [
            THAI_MONTHS_LONG[number - 1],
            THAI_MONTHS_SHORT[number - 1],
            *_THAI_MONTHS_CASUAL[number - 1],
            _ENGLISH_MONTHS[number - 1],
            _ENGLISH_MONTHS[number - 1][:3],
        ]
        for name in names:
            table[_month_key(name)] = number
    table["sept"] = 9
    return table


_MONTHS = _month_table()
_RELATIVE_DAYS = {
    "วันนี้": 0,
    "today": 0,
    "เมื่อวาน": -1,
    "เมื่อวานนี้": -1,
    "yesterday": -1,
    "พรุ่งนี้": 1,
    "tomorrow": 1,
}
_ERA_BE = re.compile(r"พ\.?\s*ศ\.?")
_ERA_CE = re.compile(r"ค\.?\s*ศ\.?")
_WEEKDAY_PREFIX = re.compile(
    r"^(?:วัน(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)?\s*ที่\s*"
    r"|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)"
)
_ISO = re.compile(r"([0-9]{4})\s*([-/.])\s*([0-9]{1,2})\s*\2\s*([0-9]{1,2})")
_DMY = re.compile(r"([0-9]{1,2})\s*[-/.]\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{4}|[0-9]{2})")
_DM = re.compile(r"([0-9]{1,2})\s*/\s*([0-9]{1,2})")
_D_MONTH_Y = re.compile(
    r"([0-9]{1,2})\s*-?\s*([^0-9\s/\-][^0-9]*?)\s*(?:[-,]\s*)?([0-9]{4}|[0-9]{2})?"
)
_MONTH_D_Y = re.compile(r"([a-z]+)\.?\s*([0-9]{1,2})(?:st|nd|rd|th)?\s*(?:,\s*)?([0-9]{4})?")
_MIN_YEAR_CE = 1800
_MAX_YEAR_CE = 2300
_BE_THRESHOLD = 2400

_Era = Literal["be", "ce"] | None


def _year_ce(raw: str | None, era: _Era, today: date) -> int:
    if raw is None:
        return today.year
    year = int(raw)
    if len(raw) == 2:
        if era is not None:
            return 2000 + year if era == "ce" else 2500 + year - BE_OFFSET
        be, ce = 2500 + year - BE_OFFSET, 2000 + year
        return min((be, ce), key=lambda y: abs(y - today.year))
    if era == "be" or (era is None and year >= _BE_THRESHOLD):
        return year - BE_OFFSET
    return year


def _make_date(year_raw: str | None, month: int, day: int, era: _Era, today: date) -> date:
    year = _year_ce(year_raw, era, today)
    if not _MIN_YEAR_CE <= year <= _MAX_YEAR_CE:
        raise ValueProblem("impossible_date")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueProblem("impossible_date") from None


@dataclass(frozen=True, slots=True)
class DateReading:
    """A date read from text, and whether its year was typed with two digits only."""

    value: date
    two_digit_year: bool


_TWO_DIGIT_YEAR = re.compile(r"(?:^|[^0-9])[0-9]{2}\s*$")


def read_date(text: str, *, today: date | None = None) -> DateReading:
    """:func:`parse_date`, also saying whether the year had two digits (to confirm it)."""
    value = parse_date(text, today=today)
    s = _clean(text).rstrip(". ")
    two = (
        bool(_TWO_DIGIT_YEAR.search(s))
        and not re.search(r"[0-9]{4}", s)
        and not _DM.fullmatch(s)
        and not s.isdigit()
    )
    return DateReading(value, two)


def parse_date(text: str, *, today: date | None = None) -> date:
    """Read a date (see the module docstring for the accepted forms).

    ``today`` (default: the system's date) supplies the year when none is typed and
    the meaning of วันนี้/เมื่อวาน/พรุ่งนี้. Raises :class:`ValueProblem` ``empty``,
    ``not_a_date`` or ``impossible_date``.
    """
    s = _clean(text).casefold().strip(" ,")
    if not s:
        raise ValueProblem("empty")
    today = today if today is not None else date.today()
    relative = _RELATIVE_DAYS.get(s.replace(" ", ""))
    if relative is not None:
        return today + timedelta(days=relative)

    era: _Era = None
    if _ERA_BE.search(s):
        era = "be"
        s = _ERA_BE.sub(" ", s)
    if _ERA_CE.search(s):
        if era is not None:
            raise ValueProblem("not_a_date")
        era = "ce"
        s = _ERA_CE.sub(" ", s)
    s = _SPACES.sub(" ", s).strip(" ,")
    s = _WEEKDAY_PREFIX.sub("", s).rstrip(".")

    if m := _ISO.fullmatch(s):
        return _make_date(m[1], int(m[3]), int(m[4]), era, today)
    if m := _DMY.fullmatch(s):
        return _make_date(m[3], int(m[2]), int(m[1]), era, today)
    if m := _DM.fullmatch(s):
        return _make_date(None, int(m[2]), int(m[1]), era, today)
    if (m := _D_MONTH_Y.fullmatch(s)) and (month := _MONTHS.get(_month_key(m[2]))):
        return _make_date(m[3], month, int(m[1]), era, today)
    if (m := _MONTH_D_Y.fullmatch(s)) and (month := _MONTHS.get(_month_key(m[1]))):
        return _make_date(m[3], month, int(m[2]), era, today)
    raise ValueProblem("not_a_date")
