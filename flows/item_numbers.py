"""Item numbers named in free text: a certifier's "ข้อ 2.1.3 และ 3.4.2 ไม่ตรงกัน".

Item numbers are the form's (:func:`flows.form.number_form`: ``2``, ``2.1``,
``2.1.3``), so a number a person names points at exactly one question, whatever
was answered. :func:`item_numbers` finds them after ``ข้อ`` / ``ข้อที่`` (or
``item``, ``no.``, ``question``), in lists joined by commas, ``และ``, ``and`` or
spaces; Thai digits are read too.
"""

from __future__ import annotations

import re
from typing import Final

from tidtam.core.thai import thai_to_arabic_digits

__all__ = ["item_numbers"]

_NUMBER: Final = r"[0-9]+(?:\.[0-9]+)*"
_SEPARATOR: Final = r"(?:\s*(?:,|และ|and|&|/)\s*|\s+)"
_MENTION: Final = re.compile(
    rf"(?:ข้อ(?:ที่)?|items?|no\.?|questions?)\s*({_NUMBER}(?:{_SEPARATOR}{_NUMBER})*)",
    re.IGNORECASE,
)


def item_numbers(text: str) -> list[str]:
    """The item numbers named in ``text``, in order, each once: "ข้อ 3, 2.1.3 และ 7" ->
    ``["3", "2.1.3", "7"]``."""
    found: list[str] = []
    for match in _MENTION.finditer(thai_to_arabic_digits(text)):
        for number in re.findall(_NUMBER, match.group(1)):
            if number not in found:
                found.append(number)
    return found
