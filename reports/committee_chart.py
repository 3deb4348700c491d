"""A bar chart of one choice question's answers, in the Thai font (for the committee report)."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reports.chart import register_fonts
from reports.committee import QuestionSummary
from reports.labels import short_name

__all__ = ["choice_chart"]


def choice_chart(question: QuestionSummary) -> bytes:
    """PNG: one horizontal bar per choice, its count and percentage written beside it."""
    family = register_fonts()
    choices = question.choices
    height = 1.0 + 0.5 * max(len(choices), 1)
    figure = Figure(figsize=(7.0, height), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(choices)))[::-1]
    counts = [c.count for c in choices]
    axes.barh(positions, counts, color="#1565c0", height=0.65)
    top = max(counts, default=0) or 1
    for y, choice in zip(positions, choices, strict=True):
        axes.text(
            choice.count + top * 0.02,
            y,
            f"{choice.count:,} ({choice.percent:.1f}%)",
            va="center",
            family=family,
            fontsize=13,
        )
    labels = [short_name(c.label, 30) for c in choices]
    axes.set_yticks(positions, labels, family=family, fontsize=14)
    axes.set_xlim(0, top * 1.35)
    for tick in axes.get_xticklabels():
        tick.set_fontfamily(family)
    axes.set_xlabel("จำนวนหน่วยงาน (แห่ง)", family=family, fontsize=12)
    axes.tick_params(axis="x", labelsize=11)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.subplots_adjust(left=0.36, right=0.97, top=1 - 0.2 / height, bottom=0.6 / height)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 3})
    return buffer.getvalue()
