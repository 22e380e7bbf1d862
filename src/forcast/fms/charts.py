"""The chapter's own chart: financial-year totals of the recent past. Other charts come from :mod:`forcast.plotting`.

Drawn on a :class:`matplotlib.figure.Figure` (never through pyplot), so building a chapter leaves no open windows
and no global figure state behind.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..plotting import add_footnote

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
        add_footnote(fig, footnote, width=140)
    return fig
