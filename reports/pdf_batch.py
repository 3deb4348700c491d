"""Many submission PDFs at once (``tidtam export --pdf``): one file per unit, on every core.

Rendering a PDF is CPU-bound Python (shaping, font subsetting), so a round's PDFs
are split among worker processes, each writing its own files; the parent only hands
out the documents (plain, picklable data) and counts. PDFs made already (the bot
keeps the one it sends on submit and certification: :mod:`storage.submission_pdfs`)
are copied, not drawn again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from reports.submission_doc import SubmissionDoc, pdf_file_name
from reports.submission_pdf import submission_pdf

__all__ = ["write_submission_pdfs", "zip_submission_pdfs"]


def _write(docs: Sequence[SubmissionDoc], folder: str) -> int:
    for doc in docs:
        (Path(folder) / pdf_file_name(doc.unit_code)).write_bytes(submission_pdf(doc))
    return len(docs)


def write_submission_pdfs(
    docs: Sequence[SubmissionDoc],
    folder: Path,
    *,
    workers: int | None = None,
    made: Mapping[str, Path] | None = None,
) -> int:
    """Write each document as ``folder/<unit code>.pdf``; how many were written.

    ``workers``: processes to use (default: the machine's cores; 1 renders here).
    ``made``: the PDF already made of a document, by unit code: copied as it is.
    """
    folder.mkdir(exist_ok=True)
    made = made or {}
    copied = 0
    for doc in docs:
        if doc.unit_code in made:
            shutil.copyfile(made[doc.unit_code], folder / pdf_file_name(doc.unit_code))
            copied += 1
    docs = [doc for doc in docs if doc.unit_code not in made]
    if not docs:
        return copied
    workers = max(1, min(workers or os.cpu_count() or 1, len(docs)))
    if workers == 1:
        return copied + _write(docs, str(folder))
    size = max(1, min(50, len(docs) // (workers * 4) or 1))
    chunks = [docs[i : i + size] for i in range(0, len(docs), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return copied + sum(pool.map(_write, chunks, [str(folder)] * len(chunks)))


def zip_submission_pdfs(
    docs: Sequence[SubmissionDoc],
    target: Path,
    *,
    workers: int | None = None,
    made: Mapping[str, Path] | None = None,
) -> int:
    """Write every document into one zip archive ``target``; how many were written.

    The PDFs are rendered into a scratch folder beside ``target`` and stored flat in
    the archive under their safe names (:func:`pdf_file_name`: no folders, nothing
    that could escape where the archive is unpacked). The archive appears whole or
    not at all: it is written under a temporary name and renamed when complete.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".pdfs-") as scratch:
        folder = Path(scratch) / "pdfs"
        written = write_submission_pdfs(docs, folder, workers=workers, made=made)
        partial = Path(scratch) / "archive.zip"
        # PDFs are compressed already: stored as they are, the archive costs no CPU.
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, arcname=path.name)
        os.replace(partial, target)
    return written
