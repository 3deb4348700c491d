"""Short names of agencies, for charts, tables and short messages (every layer may use them)."""

from __future__ import annotations

from typing import Final

__all__ = ["ABBREVIATIONS", "KIND_TH", "kind_name", "short_name"]

ABBREVIATIONS: Final = (
    ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา", "สพป."),
    ("สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา", "สพม."),
    ("สำนักงานศึกษาธิการจังหวัด", "ศธจ."),
    ("สำนักงานอาชีวศึกษาจังหวัด", "อศจ."),
    ("สำนักงานส่งเสริมการเรียนรู้ประจำจังหวัด", "สกร.จังหวัด"),
    ("สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด", "สถ.จ."),
    ("กลุ่มส่งเสริมการศึกษาเอกชน", "กลุ่มเอกชน"),
    ("มหาวิทยาลัยราชภัฏ", "มรภ."),
)
"""Usual short forms of long agency names, for charts and short messages."""


def short_name(name: str, limit: int = 40) -> str:
    """A unit's name for a chart label: usual abbreviations, then cut in the middle.

    ``สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเพชรบูรณ์ เขต 1`` → ``สพป.เพชรบูรณ์ เขต 1``;
    a name still longer than ``limit`` keeps its start and end around "…", so that
    names differing only at the end ("เขต 1", "เขต 2") stay apart.
    """
    text = " ".join(name.split())
    for long, short in ABBREVIATIONS:
        text = text.replace(long, short)
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    tail = limit - 1 - head
    return text[:head].rstrip() + "…" + text[-tail:].lstrip()


#: Unit kinds (the codes of units files) named for people, for sheets and tables:
#: no code such as "esa" on a Thai screen. A kind not listed is shown as its code.
KIND_TH: Final[dict[str, str]] = {
    "province": "สำนักงานศึกษาธิการจังหวัด",
    "esa": "สำนักงานเขตพื้นที่การศึกษา",
    "school": "สถานศึกษา",
    "vocational": "อาชีวศึกษา",
    "higher": "อุดมศึกษา",
    "nfe": "ส่งเสริมการเรียนรู้ (สกร.)",
    "local": "องค์กรปกครองส่วนท้องถิ่น",
    "private": "เอกชน",
}


def kind_name(kind: str) -> str:
    """A unit kind's Thai name (``esa`` -> ``สำนักงานเขตพื้นที่การศึกษา``), or the code."""
    return KIND_TH.get(kind, kind)
