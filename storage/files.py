"""The file store: uploaded files kept under the data folder, named by their sha256.

Storing is idempotent (the same bytes land at the same key), so a retried upload or a
crash between storing and recording never leaves two copies or a half-written file:
bytes go to a temporary file first and are renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    key: str
    size: int


class FileStore:
    """Content-addressed files under ``root``: ``ab/cd/abcd...``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def key_for(sha256: str) -> str:
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def path(self, key: str) -> Path:
        if ".." in key or key.startswith("/"):
            raise ValueError(f"bad storage key {key!r}")
        return self.root / key

    def put(self, data: bytes) -> StoredFile:
        """Store ``data``; return its hash, key and size."""
        sha256 = hashlib.sha256(data).hexdigest()
        key = self.key_for(sha256)
        target = self.path(key)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        return StoredFile(sha256=sha256, key=key, size=len(data))

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()
