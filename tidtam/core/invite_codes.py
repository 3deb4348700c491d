"""One-time invite codes: short enough to type from a printed letter, hard to guess.

A code is :data:`CODE_LENGTH` (10) characters drawn with :mod:`secrets` from
:data:`ALPHABET`, 30 symbols that cannot be confused with each other on paper or a
phone screen: the digits 2-9 and the upper-case letters without I, L, O and U
(0/O and 1/I/L look alike; U is left out so that U/V cannot be confused).
Printed as two groups of five, ``ABCDE-FGHJK`` (:func:`format_code`).

Entropy: 10 * log2(30) = 49.1 bits, about 5.9e14 codes. Guessing online is hopeless:
with 1,000 live codes and wrong guesses rate-limited per Telegram user, each guess
succeeds with probability about 1.7e-12.

Reading what a person typed (:func:`normalize_code`): surrounding and inner spaces,
dashes and underscores are dropped, letters are upper-cased, Thai digits and
full-width characters become ASCII, and ``U`` is read as ``V`` (the only look-alike
with a single plausible source, since U is never printed). ``0``, ``O``, ``1``,
``I`` and ``L`` are *not* mapped: none of them is ever printed, so they cannot be
told apart from a mistyped D, Q, 7 or T; such input is not a code and the person is
asked again.

Storage (:func:`hash_code`): only the SHA-256 hex digest of the normalized code is
stored, and the code is found by its digest. A fast unsalted hash is enough here
because codes are random (not chosen by people, so no dictionary applies), one-time
(a used code is worth nothing) and expiring (days or weeks). Be aware of the limit:
someone holding a leaked database could try all 5.9e14 codes against all digests at
once, a matter of hours on one modern GPU, and recover the codes that are still unused and
unexpired. Against that, give a per-install ``pepper`` kept outside the database
(e.g. in the environment): the digest becomes HMAC-SHA256(pepper, code) and a
database leak alone reveals nothing. With the default ``pepper=b""`` the digest is
plain SHA-256. Longer codes also help: 12 characters give 59 bits.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "MIN_CODE_LENGTH",
    "format_code",
    "hash_code",
    "new_code",
    "normalize_code",
]

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
MIN_CODE_LENGTH = 8
_GROUP = 5
_ALLOWED = frozenset(ALPHABET)
_DROP = re.compile(r"[\s\-_‐‑‒–—―−\u200b\u200c\u200d\ufeff]+")
_MAP = str.maketrans("๐๑๒๓๔๕๖๗๘๙U", "0123456789V")


def new_code(length: int = CODE_LENGTH) -> str:
    """A fresh random code of ``length`` characters from :data:`ALPHABET`.

    Raises ``ValueError`` below :data:`MIN_CODE_LENGTH` (8 characters, 39 bits).
    """
    if length < MIN_CODE_LENGTH:
        raise ValueError(f"invite codes need at least {MIN_CODE_LENGTH} characters")
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _canonical(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return _DROP.sub("", text).upper().translate(_MAP)


def normalize_code(text: str, *, length: int = CODE_LENGTH) -> str | None:
    """The code in ``text`` as stored, or None if it cannot be one.

    None when, after normalization (see the module docstring), the length is not
    ``length`` or a character is outside :data:`ALPHABET`.
    """
    code = _canonical(text)
    if len(code) != length or not _ALLOWED.issuperset(code):
        return None
    return code


def format_code(code: str) -> str:
    """``ABCDEFGHJK`` -> ``ABCDE-FGHJK``: groups of five for printing.

    Accepts a code in any typed form; raises ``ValueError`` if it has characters
    outside :data:`ALPHABET`.
    """
    canonical = _canonical(code)
    if not canonical or not _ALLOWED.issuperset(canonical):
        raise ValueError(f"not an invite code: {code!r}")
    groups = [canonical[i : i + _GROUP] for i in range(0, len(canonical), _GROUP)]
    return "-".join(groups)


def hash_code(code: str, pepper: bytes = b"") -> str:
    """The hex digest stored for ``code``: SHA-256 of the normalized code, or
    HMAC-SHA256 keyed with ``pepper`` when one is given.

    Typing variants of one code (case, spaces, dashes, Thai digits) hash alike.
    Raises ``ValueError`` if ``code`` has characters outside :data:`ALPHABET`.
    """
    canonical = _canonical(code)
    if not canonical or not _ALLOWED.issuperset(canonical):
        raise ValueError("not an invite code")
    data = canonical.encode("ascii")
    if pepper:
        return hmac.new(pepper, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()
