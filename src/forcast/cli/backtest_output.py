"""What ``forcast backtest`` writes, for one series or (``--all-forces``) many: its files and its chart."""

from __future__ import annotations

import math

FILES = ("backtest_periods.csv", "backtest_financial_years.csv", "backtest_metrics.csv", "backtest_chart.png")


def chart(results: list[dict]):
    """The backtest chart of one series, or a grid of small charts (six a row) of many, each titled by its name."""
    from matplotlib.figure import Figure

    from ..reporting.plotting import backtest_chart

    if len(results) == 1:
        return backtest_chart(results[0]["financial_years"])
    cols = 6
    rows = math.ceil(len(results) / cols)
    fig = Figure(figsize=(3.2 * cols, 2.6 * rows), layout="constrained")
    for k, result in enumerate(results):
        ax = fig.add_subplot(rows, cols, k + 1)
        backtest_chart(result["financial_years"], ax=ax, title=result["name"], legend=False)
        ax.set_ylabel("")
        ax.tick_params(labelsize=6)
        ax.title.set_fontsize(8)
    return fig
