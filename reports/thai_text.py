"""Thai line breaking: lines end between words, never inside a character cluster.

Thai is written without spaces between words, so a line breaker that only breaks at
spaces either overflows or, forced, cuts a word (or worse a cluster: a consonant
torn from its vowel or tone mark). :func:`wrap` breaks between the words PyThaiNLP's
dictionary segmenter (``newmm``) finds; a single word wider than the line is cut
between Thai character clusters (``tcc``), which keep every mark with its base.

The width of a piece of text is measured by the caller (``measure``), so the same
code serves the PDF (fpdf2's shaped width) and tests (any function).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Final

from pythainlp.tokenize import subword_tokenize, word_tokenize

__all__ = ["NBSP", "clusters", "words", "wrap"]

Measure = Callable[[str], float]


NBSP: Final = "\u00a0"


_GLUED: Final = re.compile("[^ \t\n]*\u00a0[^ \t\n]*")


@lru_cache(maxsize=65_536)
def words(text: str) -> tuple[str, ...]:
    """``text`` cut into words and runs of white space (concatenated: ``text``).

    A run of characters containing a no-break space (U+00A0) is kept whole: write a
    person's name as ``นายสมชาย\u00a0รักเรียน`` to keep it on one line.
    """
    pieces: list[str] = []
    at = 0
    for glued in _GLUED.finditer(text):
        if glued.start() > at:
            pieces.extend(
                word_tokenize(text[at : glued.start()], engine="newmm", keep_whitespace=True)
            )
        pieces.append(glued.group())
        at = glued.end()
    if at < len(text):
        pieces.extend(word_tokenize(text[at:], engine="newmm", keep_whitespace=True))
    return tuple(_attach_punctuation(pieces))


_CLOSING: Final = frozenset(")]}>,.;:!?%ๆฯ”’»")
_OPENING: Final = frozenset("([{<“‘«")


def _attach_punctuation(pieces: list[str]) -> list[str]:
    """Keep ``(`` with the word after it and ``)``, ``,``, ``ๆ`` with the word before it."""
    out: list[str] = []
    for piece in pieces:
        joins = piece[0] in _CLOSING or (bool(out) and out[-1][-1] in _OPENING)
        if out and joins and not piece.isspace() and not out[-1].isspace():
            out[-1] += piece
            continue
        out.append(piece)
    return out


@lru_cache(maxsize=65_536)
def clusters(word: str) -> tuple[str, ...]:
    """``word`` cut into Thai character clusters (concatenated: ``word``)."""
    return tuple(subword_tokenize(word, engine="tcc")) or (word,)


def _fit(pieces: list[str], width: float, measure: Measure) -> list[str]:
    """Greedy lines of ``pieces`` (words and spaces) no wider than ``width``.

    A line's width is the sum of its pieces' widths (each measured once), which is
    exact for Thai and Latin text without kerning across words.
    """
    lines: list[str] = []
    line, used = "", 0.0
    space = measure(" ")
    for piece in pieces:
        if piece.isspace() and NBSP not in piece:
            if line and not line.endswith(" "):
                line, used = line + " ", used + space
            continue
        size = measure(piece)
        if used + size <= width:
            line, used = line + piece, used + size
            continue
        if line.strip():
            lines.append(line.rstrip())
        line, used = "", 0.0
        if size <= width:
            line, used = piece, size
            continue
        for cluster in clusters(piece):  # a word wider than the line
            part = measure(cluster)
            if line and used + part > width:
                lines.append(line)
                line, used = "", 0.0
            line, used = line + cluster, used + part
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def wrap(text: str, width: float, measure: Measure) -> list[str]:
    """The lines of ``text`` no wider than ``width`` (by ``measure``), breaking between words.

    Line breaks in ``text`` are kept; runs of spaces become one space; a line never
    starts or ends with a space. A cluster wider than ``width`` gets a line of its own.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(_fit(list(words(paragraph.strip())), width, measure))
    return lines
