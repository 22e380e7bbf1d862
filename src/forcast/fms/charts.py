"""The chapter's own chart: financial-year totals of the recent past. Other charts come from :mod:`forcast.plotting`.

Drawn on a :class:`matplotlib.figure.Figure` (never through pyplot), so building a chapter leaves no open windows
and no global figure state behind.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

BAR_COLOUR = "#1f5fa8"


def trend_chart(shown: pd.DataFrame, values: pd.Series, title: str, ylabel: str, footnote: str | None = None):
    """Bars of financial-year totals labelled with the change on the year before, as the table shows it.

    ``shown`` is the displayed trend table (``Table.formatted()``) with columns "Financial year" and
    "Change (%)"; ``values`` the totals drawn. Returns the figure.
    """
    fig = Figure(figsize=(8, 3.8), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(values))
    heights = values.to_numpy(dtype=float)
    ax.bar(x, heights, color=BAR_COLOUR, width=0.6)
    for xi, h, change in zip(x, heights, shown["Change (%)"]):
        label = f"{h:,.0f}" + ("" if change == "–" else f"\n{change}")
        ax.annotate(label, (xi, h), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                    fontsize=8)
    ax.set_xticks(x, list(shown["Financial year"]))
    ax.set_ylim(0, heights.max() * 1.22 if len(heights) else 1)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    if footnote:
        fig.text(0.01, 0.005, "\n".join(textwrap.wrap(footnote, 140)), fontsize=7, color="dimgrey",
                 ha="left", va="bottom")
    return make_room_for_footnotes(fig)


def make_room_for_footnotes(fig):
    """Keep the axes clear of footnotes drawn with ``fig.text`` at the bottom edge (source and caveat lines).

    The charts of :mod:`forcast.plotting` put the series' caveat there; under constrained layout the axes would
    otherwise run into it. Returns the figure.
    """
    lines = sum(t.get_text().count("\n") + 1 for t in fig.texts if t.get_position()[1] < 0.05 and t.get_text())
    engine = fig.get_layout_engine()
    if lines and engine is not None and hasattr(engine, "set"):
        height = fig.get_size_inches()[1]
        bottom = min(0.4, (lines * 7 * 1.3 / 72 + 0.05) / height)  # 7-point text, 1.3 line spacing
        engine.set(rect=(0, bottom, 1, 1 - bottom))
    return fig
