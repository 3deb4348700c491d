"""The status chart: horizontal stacked bars per agency or unit, Thai text in a Thai font.

The text is drawn in TLWG Laksaman (a free font in the style of TH Sarabun, shipped
in :mod:`reports.fonts`), registered with matplotlib on first use, so no missing-glyph
boxes appear whatever fonts the machine has. The figure is built without pyplot on
the Agg canvas (no display, no global state).

:func:`status_figure` builds the figure from a :func:`reports.completion.completion`
frame; :func:`status_chart` renders it to PNG bytes; :func:`drawn_texts` lists every
string a figure draws (the font-coverage test checks them against the font).

Each bar is a group's target units, as percentages of them, split into: certified,
submitted, in progress (returned ones included), not started, overdue (not done after
the deadline; those are taken out of in progress and not started); next to it
"done/total (percent)". Bars in percent keep a small agency readable beside a big
one. With more than ``max_rows`` groups, the ``max_rows - 1`` furthest behind (lowest
share done) are shown, in the frame's order, and the others are added up into one
bar "อื่น ๆ อีก N หน่วยงาน".
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import cache
from typing import Final

import pandas as pd
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from reports.fonts import FONT_FILES
from reports.labels import OTHERS_TH, OVERDUE_TH, STATE_TH, short_name

__all__ = [
    "FONT_FAMILY",
    "FONT_FILES",
    "SEGMENTS",
    "drawn_texts",
    "register_fonts",
    "status_chart",
    "status_figure",
]

FONT_FAMILY: Final = "Laksaman"
LABEL_LIMIT: Final = 38

SEGMENTS: Final = (
    ("certified", STATE_TH["certified"], "#2e7d32"),
    ("submitted", STATE_TH["submitted"], "#81c784"),
    ("in_progress", STATE_TH["in_progress"], "#ffb74d"),
    ("not_started", STATE_TH["not_started"], "#cfd8dc"),
    ("overdue", OVERDUE_TH, "#e53935"),
)
"""(column of the segment frame, Thai label, colour), in bar order."""


@cache
def register_fonts() -> str:
    """Make the shipped Laksaman fonts known to matplotlib; the family name to use."""
    for path in FONT_FILES:
        font_manager.fontManager.addfont(str(path))
    return FONT_FAMILY


def _segments(frame: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    """Per bar: label, total and the five segment counts (which add up to total)."""
    rows = frame[frame["name"] != ""].copy() if "name" in frame else frame.copy()
    rows = rows[rows["code"] != ""] if "code" in rows else rows
    data = pd.DataFrame(
        {
            "label": [short_name(str(n), LABEL_LIMIT) for n in rows["name"]],
            "total": rows["total"].astype(int),
            "certified": rows["certified"].astype(int),
            "submitted": rows["submitted"].astype(int),
            "in_progress": (rows["in_progress"] + rows["returned"]).astype(int),
            "not_started": rows["not_started"].astype(int),
            "overdue": rows["overdue"].astype(int),
        }
    ).reset_index(drop=True)
    late_from_not_started = data[["overdue", "not_started"]].min(axis=1)
    data["not_started"] -= late_from_not_started
    data["in_progress"] -= (data["overdue"] - late_from_not_started).clip(upper=data["in_progress"])
    if len(data) > max_rows:
        share = (data["certified"] + data["submitted"]) / data["total"].where(data["total"] > 0)
        behind = share.fillna(0).sort_values(kind="stable").index[: max_rows - 1]
        chosen = data.index.isin(behind)
        kept, rest = data[chosen], data[~chosen]
        summed = rest.drop(columns=["label"]).sum()
        other = {"label": OTHERS_TH.format(count=len(rest)), **summed.astype(int).to_dict()}
        data = pd.concat([kept, pd.DataFrame([other])], ignore_index=True)
    return data


def status_figure(frame: pd.DataFrame, title: str, *, max_rows: int = 20) -> Figure:
    """The chart of a completion frame (a total row, if any, is left out)."""
    family = register_fonts()
    data = _segments(frame, max_rows)
    title_lines = title.count("\n") + 1  # e.g. the period, then "ข้อมูล ณ วันที่ ..."
    top = 0.55 + 0.3 * (title_lines - 1)
    height = 1.7 + 0.3 * (title_lines - 1) + 0.4 * max(len(data), 1)
    figure = Figure(figsize=(9.0, height), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(data)))[::-1]
    totals = [int(t) for t in data["total"]]
    left = [0.0] * len(data)
    for column, label, colour in SEGMENTS:
        values = [v * 100 / t if t else 0.0 for v, t in zip(data[column], totals, strict=True)]
        axes.barh(positions, values, left=left, color=colour, label=label, height=0.7)
        left = [a + b for a, b in zip(left, values, strict=True)]
    done_counts = [
        int(c) + int(s) for c, s in zip(data["certified"], data["submitted"], strict=True)
    ]
    for y, total, done in zip(positions, totals, done_counts, strict=True):
        share = f"{done * 100 / total:.0f}%" if total else "-"
        axes.text(
            101,
            y,
            f"{done}/{total} ({share})",
            va="center",
            fontsize=9,
            family=family,
        )
    # parse_math=False: a name with "$" is text, never matplotlib's mathtext.
    axes.set_yticks(
        positions,
        [str(label) for label in data["label"]],
        family=family,
        fontsize=10,
        parse_math=False,
    )
    for tick in axes.get_xticklabels():
        tick.set_fontfamily(family)
    axes.set_xlim(0, 122)
    axes.set_xticks([0, 25, 50, 75, 100])
    for tick in axes.get_xticklabels():
        tick.set_fontfamily(family)
    axes.set_xlabel("ร้อยละของหน่วยงานที่ต้องรายงาน", family=family)
    axes.set_title(title, family=family, fontsize=13, weight="bold", parse_math=False)
    figure.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 0.05 / height),
        ncol=len(SEGMENTS),
        frameon=False,
        prop={"family": family, "size": 9},
    )
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    # Fixed margins (inches), not tight_layout: laying out twice doubles the time.
    figure.subplots_adjust(left=3.0 / 9.0, right=0.97, top=1 - top / height, bottom=1.05 / height)
    return figure


def drawn_texts(figure: Figure) -> Iterator[Text]:
    """Every visible, non-empty text artist of ``figure`` (titles, ticks, labels, legend)."""
    figure.canvas.draw()
    for artist in figure.findobj(Text):
        if artist.get_visible() and artist.get_text():
            yield artist


def status_chart(frame: pd.DataFrame, title: str, *, max_rows: int = 20) -> bytes:
    """The chart (see :func:`status_figure`) as PNG bytes."""
    figure = status_figure(frame, title, max_rows=max_rows)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 3})
    return buffer.getvalue()
