"""Database ids as people and buttons give them: checked before any query sees them.

An id from a command argument (``/status 3``) or a button's data is a row number of a
32-bit integer column. Text that is not one (``²`` and ``٣`` pass ``str.isdigit``;
``int`` also reads ``+3``, `` 3`` and ``3_0``) or a number too large for the column
(``99999999999``: PostgreSQL refuses it with an error) names no row, and is answered
like any stale button.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["MAX_ID", "parse_id"]

#: The largest id a row can have (PostgreSQL's ``integer``).
MAX_ID: Final = 2**31 - 1
_DIGITS: Final = re.compile(r"[0-9]{1,10}")


def parse_id(text: str) -> int | None:
    """The id ``text`` names (ASCII digits, 1 to :data:`MAX_ID`), else None."""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
