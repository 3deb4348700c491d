"""The status chart: a PNG, Thai text drawn only with characters the shipped font has."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from matplotlib import font_manager

from reports.chart import FONT_FILES, drawn_texts, register_fonts, status_chart, status_figure
from reports.completion import COMPLETION_COLUMNS
from reports.labels import short_name

NAMES = [
    "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเพชรบูรณ์ เขต 1",
    "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาเพชรบูรณ์",
    "สำนักงานส่งเสริมการเรียนรู้ประจำจังหวัดเพชรบูรณ์",
    "โรงเรียนบ้านน้ำเต๋ย (ผู้อำนวยการ: นายปั้น ฤๅษี) ๑๒๓ ฯลฯ",
    "กลุ่มส่งเสริมการศึกษาเอกชน สำนักงานศึกษาธิการจังหวัดเพชรบูรณ์",
]


def frame_of(names: list[str], *, overdue: bool = False) -> pd.DataFrame:
    rows = []
    for i, name in enumerate(names):
        total = 10 + i
        states = {"not_started": 3, "in_progress": 2, "returned": 1, "submitted": 2}
        states["certified"] = total - sum(states.values())
        done = states["submitted"] + states["certified"]
        late = total - done if overdue else 0
        rows.append(
            {
                "key": i,
                "code": f"U{i}",
                "name": name,
                "total": total,
                **states,
                "done": done,
                "overdue": late,
                "unreachable": 0,
                "done_pct": done * 100 / total,
                "certified_pct": 0.0,
                "overdue_pct": 0.0,
            }
        )
    return pd.DataFrame(rows, columns=list(COMPLETION_COLUMNS))


def cmap_of(path: Path) -> set[int]:
    with TTFont(path) as font:
        return set(font.getBestCmap())


def test_the_font_is_the_shipped_laksaman() -> None:
    family = register_fonts()
    for path, weight in zip(FONT_FILES, ("normal", "bold"), strict=True):
        assert path.is_file()
        found = font_manager.findfont(
            font_manager.FontProperties(family=family, weight=weight), fallback_to_default=False
        )
        assert Path(found) == path


@pytest.mark.parametrize("overdue", [False, True])
def test_every_drawn_character_is_in_the_font(overdue: bool) -> None:
    figure = status_figure(frame_of(NAMES, overdue=overdue), "สถานะการรายงาน ปีงบประมาณ พ.ศ. 2567")
    covered = {Path(p): cmap_of(Path(p)) for p in FONT_FILES}
    texts = list(drawn_texts(figure))
    drawn = "".join(t.get_text() for t in texts)
    assert "สถานะการรายงาน" in drawn and "เกินกำหนด" in drawn and "สพป.เพชรบูรณ์ เขต 1" in drawn
    for text in texts:
        path = Path(font_manager.findfont(text.get_fontproperties(), fallback_to_default=False))
        assert path in covered, (text.get_text(), path)
        missing = {ch for ch in text.get_text() if ord(ch) not in covered[path] and ch != "\n"}
        assert not missing, (text.get_text(), missing)


def test_png_and_many_rows_are_summed_up() -> None:
    names = [f"โรงเรียนบ้านทดสอบที่ {i}" for i in range(40)]
    png = status_chart(frame_of(names), "ทดสอบ", max_rows=10)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    labels = [
        t.get_text() for t in drawn_texts(status_figure(frame_of(names), "ทดสอบ", max_rows=10))
    ]
    assert "อื่น ๆ อีก 31 หน่วยงาน" in labels
    assert "โรงเรียนบ้านทดสอบที่ 8" in labels and "โรงเรียนบ้านทดสอบที่ 9" not in labels


def test_a_total_row_is_not_drawn() -> None:
    frame = frame_of(NAMES[:2])
    total = frame.sum(numeric_only=True).to_dict() | {"key": "", "code": "", "name": "รวม"}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    labels = [t.get_text() for t in drawn_texts(status_figure(frame, "ทดสอบ"))]
    assert "รวม" not in labels


def test_short_names() -> None:
    assert short_name(NAMES[0]) == "สพป.เพชรบูรณ์ เขต 1"
    assert short_name("สำนักงานศึกษาธิการจังหวัดเพชรบูรณ์") == "ศธจ.เพชรบูรณ์"
    cut = short_name("ก" * 30 + " เขต 2", limit=20)
    assert len(cut) == 20 and cut.endswith("เขต 2") and "…" in cut


def test_names_and_titles_are_drawn_as_written_never_as_mathtext() -> None:
    """A "$" in a unit's name is text: mathtext would garble it, or fail on "$^$"."""
    names = ["<b>& โรงเรียน $^$", "งบ $5,000$ บาท \\alpha_1"]
    title = "สถานะการรายงาน <b>& $x^$ · ปีงบประมาณ พ.ศ. 2567"
    figure = status_figure(frame_of(names), title)
    texts = {t.get_text(): t for t in drawn_texts(figure)}  # draws: raises on bad mathtext
    for written in (*names, title):
        assert written in texts
        assert texts[written].get_parse_math() is False
    assert status_chart(frame_of(names), title).startswith(b"\x89PNG")
