"""A submission as printed: plain data, the same for every channel and file type.

:mod:`reports.submission_data` builds it from the stored answers;
:mod:`reports.submission_pdf` draws it. Nothing here imports a PDF library, so
what only passes documents around (the snapshot, the use cases) stays light.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime

__all__ = [
    "FileEntry",
    "Heading",
    "ItemEntry",
    "Signed",
    "SubmissionDoc",
    "file_size",
    "fingerprint",
    "pdf_file_name",
]


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A file given as an answer: its name, size in bytes and SHA-256 (if stored)."""

    name: str
    size: int | None
    sha256: str | None


@dataclass(frozen=True, slots=True)
class Heading:
    """A strategy (``level`` 1) or an indicator (``level`` 2) row."""

    no: str
    title: str
    level: int


@dataclass(frozen=True, slots=True)
class ItemEntry:
    """An applicable question and its answer as printed (files listed apart)."""

    no: str
    text: str
    answer: str
    files: tuple[FileEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class Signed:
    """Who did something (display name; "" when unknown) and when (local time)."""

    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SubmissionDoc:
    """Everything printed on a submission's PDF, in words (see the module docstring)."""

    province: str
    form_title: str
    period: str
    unit_name: str
    unit_code: str
    agency_name: str
    state: str
    rows: tuple[Heading | ItemEntry, ...]
    generated_at: datetime
    last_answer: Signed | None = None
    submitted: Signed | None = None
    certified: Signed | None = None
    returned: Signed | None = None
    returned_reason: str | None = None


_UNDATED = datetime(2000, 1, 1, tzinfo=UTC)


def fingerprint(doc: SubmissionDoc) -> str:
    """A SHA-256 of everything ``doc`` prints but the moment it was made.

    Two documents with the same fingerprint make the same PDF but for the footer's
    "made on" line, so a PDF kept of one serves for the other
    (:mod:`storage.submission_pdfs`). Built from the dataclasses' ``repr``: every
    field, nested rows included, in a fixed order.
    """
    return hashlib.sha256(repr(replace(doc, generated_at=_UNDATED)).encode()).hexdigest()


def file_size(size: int | None) -> str:
    """``12.3 KB``, ``1.2 MB``, ``850 ไบต์`` (no-break spaces): a file size people read."""
    if size is None:
        return "ไม่ทราบขนาด"
    if size < 1024:
        return f"{size:,}\u00a0ไบต์"
    if size < 1024 * 1024:
        return f"{size / 1024:,.1f}\u00a0KB"
    return f"{size / (1024 * 1024):,.1f}\u00a0MB"


def pdf_file_name(unit_code: str) -> str:
    """``PBN-S001.pdf``: the unit's code, any character unsafe in a file name as ``_``."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in unit_code)
    return f"{safe.strip('.') or 'unit'}.pdf"


def render(doc: SubmissionDoc) -> bytes:
    """The submission's PDF bytes; what the bot's document worker runs.

    Here, in a module that imports no PDF library, so that naming it costs the bot
    nothing: fpdf2, HarfBuzz and PyThaiNLP are imported by the worker, on its first
    document.
    """
    from reports.submission_pdf import submission_pdf

    return submission_pdf(doc)
