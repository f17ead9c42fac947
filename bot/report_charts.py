"""The charts of the reports, as PNG bytes: commitments by theme and status, and by region.

Arabic labels are given to matplotlib in their logical order, as stored: since 3.11 it
lays text out with libraqm, which joins the letters and orders a right-to-left run
itself. Shaping them beforehand (arabic_reshaper) and reordering them (python-bidi's
get_display), as older matplotlib needed, now prints every label backwards: checked on
the pictures, and by tests/test_reports.py on the glyphs. DejaVu Sans, shipped with
matplotlib, has the Arabic letters.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from bot.report_words import status as status_word
from bot.report_words import word

COLOURS = {
    "open": "#9e9e9e",
    "in_progress": "#1e88e5",
    "done": "#43a047",
    "blocked": "#e53935",
    "dropped": "#6d4c41",
    "withdrawn": "#d7ccc8",
}


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    return buffer.getvalue()


def _figure(rows: int, per_row: float, margin: float):
    """A figure (not pyplot's: nothing global, nothing to close) and its axes."""
    figure = Figure(figsize=(9, per_row * rows + margin))
    return figure, figure.subplots()


def by_theme_and_status(
    counts: Mapping[str, Mapping[str, int]], statuses: Sequence[str], language: str
) -> Figure:
    """Horizontal stacked bars: one bar per theme label, one colour per status."""
    themes = list(counts)
    figure, axes = _figure(len(themes), 0.5, 1.8)
    left = [0] * len(themes)
    labels = list(themes)
    for status in statuses:
        values = [counts[theme].get(status, 0) for theme in themes]
        if not any(values):
            continue
        axes.barh(
            labels,
            values,
            left=left,
            color=COLOURS.get(status),
            label=status_word(status, language),
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_title(word("by_theme_and_status", language))
    axes.set_xlabel(word("count", language))
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return figure


def by_region(counts: Mapping[str, int], language: str) -> Figure:
    regions = list(counts)
    figure, axes = _figure(len(regions), 0.45, 1.5)
    axes.barh(regions, list(counts.values()))
    axes.invert_yaxis()
    axes.set_title(word("by_region", language))
    axes.set_xlabel(word("count", language))
    return figure
