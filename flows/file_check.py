"""Whether an uploaded file may answer a question: :func:`check_file`.

The adapter calls it with what it knows of an upload (name, size, the type
recognised from the content) before it records the file as an attachment; a
refusal is a :class:`~flows.problems.Rejected` (``empty_file``, ``too_large``,
``wrong_type``), which the adapter passes to the walk as
:class:`flows.inputs.Files` ``problem`` and ``params``.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Final

from flows.form import Question
from flows.problems import Rejected

__all__ = ["check_file"]

_EXT_ALIASES: Final = {"jpeg": "jpg", "jpe": "jpg", "tiff": "tif", "htm": "html"}
_ZIP_BASED: Final = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"})
_OLE: Final = frozenset({"doc", "xls", "ppt"})
_DETECTABLE: Final = frozenset(
    {"pdf", "jpg", "png", "gif", "webp", "heic", "bmp", "tif", "zip", "rar", "7z"}
    | {"mp4", "mov", "mp3", "m4a"}
    | _ZIP_BASED
    | _OLE
)
"""Formats whose content a type sniffer recognises: a file named so must look so."""
_MB: Final = Decimal(1024 * 1024)


def _norm_ext(ext: str) -> str:
    ext = ext.strip().lstrip(".").casefold()
    return _EXT_ALIASES.get(ext, ext)


def _name_ext(name: str | None) -> str | None:
    if not name or "." not in name.strip().rstrip("."):
        return None
    return _norm_ext(name.strip().rsplit(".", 1)[1])


def _megabytes(size: int, rounding: str) -> int | Decimal:
    value = (Decimal(size) / _MB).quantize(Decimal("0.1"), rounding=rounding)
    return int(value) if value == value.to_integral_value() else value


def check_file(
    question: Question,
    name: str | None,
    size: int,
    detected_ext: str | None,
    limit_bytes: int,
) -> Rejected | None:
    """Whether an uploaded file may answer ``question``: ``None`` if so, else the problem.

    ``name`` is the file's name (``None`` for a photo sent as a photo),
    ``detected_ext`` the type recognised from its content (e.g. by ``filetype``;
    ``None`` if unknown). When the question has ``accept``, both the name's
    extension and the detected type must be in it (``jpg`` and ``jpeg`` alike; a
    docx/xlsx detected as ``zip`` passes); a name whose format is recognisable
    but whose content is not recognised is refused. Problems: ``empty_file``,
    ``too_large`` (``size``, ``limit`` in MB), ``wrong_type`` (``ext``, ``accept``).
    """
    if size <= 0:
        return Rejected("empty_file")
    if size > limit_bytes:
        return Rejected(
            "too_large",
            size=_megabytes(size, ROUND_UP),
            limit=_megabytes(limit_bytes, ROUND_DOWN),
        )
    accept = {_norm_ext(a) for a in question.accept}
    if not accept:
        return None
    shown = ", ".join(question.accept)
    named = _name_ext(name)
    detected = _norm_ext(detected_ext) if detected_ext else None
    if named is not None and named not in accept:
        return Rejected("wrong_type", ext=named, accept=shown)
    if detected is None:
        if named is None or named in _DETECTABLE:
            return Rejected("wrong_type", ext=named or "?", accept=shown)
        return None
    ok = detected in accept or (
        named is not None
        and ((detected == "zip" and named in _ZIP_BASED) or (detected in _OLE and named in _OLE))
    )
    return None if ok else Rejected("wrong_type", ext=detected, accept=shown)
