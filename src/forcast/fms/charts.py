"""The chapter's own charts: financial-year totals of the recent past, and the forecast made on 31 March 2019 against
what was recorded (:func:`hindsight_chart`, for :mod:`forcast.fms.hindsight`). Other charts come from
:mod:`forcast.reporting.plotting`.

Drawn on a :class:`matplotlib.figure.Figure` (never through pyplot), so building a chapter leaves no open windows
and no global figure state behind.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..reporting.plotting import add_footnote

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


def hindsight_chart(h: Any, history: int | None = None, ax=None, title: str | None = None):
    """Fan chart of the forecast made at the origin (mean, 80% and 95% bands per period) against what was recorded
    before and after it, with the declared excluded periods after the origin shaded. ``history``: periods of
    history shown (default five years). Draws into ``ax`` when given, else a new figure; returns the figure."""
    from matplotlib.ticker import FuncFormatter

    from ..models.events import ExcludedPeriod
    from ..reporting.plotting import measure_name
    from ..data.series import PERIODS_PER_YEAR, meta
    from .formatting import day_words
    from .phrasing import model_label, per_period, unit_words

    bt, series = h.backtest, h.backtest.series
    m = meta(series)
    if ax is None:
        fig = Figure(figsize=(9, 4.8), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    per_year = int(round(PERIODS_PER_YEAR[m["frequency"]]))
    train = bt.training(h.origin)
    train = train.iloc[-(history or 5 * per_year):]
    table = bt.table()
    own = table[table["model"] == h.model]
    x_hist = train.index.to_timestamp(how="start")
    x = pd.PeriodIndex(own["date"]).to_timestamp(how="start")
    x0 = x_hist[-1:].append(x)
    last = float(train.iloc[-1])
    for level, alpha in zip(sorted(bt.levels, reverse=True), (0.18, 0.32, 0.45)):
        lo = np.concatenate([[last], own[f"lower_{level:g}"].to_numpy()])
        hi = np.concatenate([[last], own[f"upper_{level:g}"].to_numpy()])
        ax.fill_between(x0, lo, hi, color="#1f5fa8", alpha=alpha, lw=0, label=f"{level:g}% interval")
    ax.plot(x0, np.concatenate([[last], own["mean"].to_numpy()]), color="#1f5fa8", lw=2,
            label=f"Forecast made on {day_words(h.origin)} ({model_label(h.model)})")
    ax.plot(x_hist, train.to_numpy(), color="black", lw=1.6, label="Recorded, known at the time")
    ax.plot(x0, np.concatenate([[last], own["actual"].to_numpy()]), color="#b2182b",
            lw=1.6, marker="o", ms=3, label="Recorded later")
    for e in h.declared_periods():
        if isinstance(e, ExcludedPeriod) and e.start > h.fold.origin:
            ax.axvspan(e.start.start_time, e.end.end_time, color="grey", alpha=0.15, lw=0, label=e.label)
    ax.axvline(x_hist[-1], color="grey", lw=1, ls="--")
    who = f"{m['force']}: " if m["force"] else ""
    ax.set_title(title or f"{who}{measure_name(series)}, forecast made on {day_words(h.origin)} against what was "
                          f"recorded")
    units = unit_words(series)
    ax.set_ylabel(f"{units[:1].upper() + units[1:]} per {per_period(series)}")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    return fig
