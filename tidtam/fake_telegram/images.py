"""Image sizes from the first bytes, for the ``photo`` field of a sent photo.

Telegram reports a photo's width and height; reading them from the header keeps the
fake Telegram free of an imaging library.
"""

from __future__ import annotations

import struct

__all__ = ["image_size"]


def image_size(data: bytes, default: tuple[int, int] = (1280, 960)) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG image (``default`` for anything else)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 <= len(data) and data[i] == 0xFF:
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in _JPEG_FRAMES:
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return default


_JPEG_FRAMES = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)
