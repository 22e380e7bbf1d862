"""Charts: fan charts of forecasts and financial-year comparisons. Draw into an Axes, return the Figure.

Nothing here calls ``plt.show()``; in a notebook the returned figure displays itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .series import meta

if TYPE_CHECKING:  # pragma: no cover
    from .forecast import Forecast

BAND_COLOUR = "#1f5fa8"
PER = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter", "annual": "year"}
MEMBER_STYLES = {"ets": ("#d9730d", "--"), "arima": ("#2e8540", ":")}


def _axes(ax):
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9, 4.8), layout="constrained")
        return fig, fig.add_subplot()
    return ax.figure, ax


def _x(index: pd.PeriodIndex):
    return index.to_timestamp(how="start")


def fan_chart(fc: "Forecast", ax=None, model: str | None = None, history: int | None = None):
    """History, the mean of ``model`` with its 80% and 95% bands (shaded), other models' means as lines."""
    fig, ax = _axes(ax)
    model = model or fc.model_names[0]
    m = meta(fc.series)
    hist = fc.series if history is None else fc.series.iloc[-history:]
    ax.plot(_x(hist.index), hist.to_numpy(), color="black", lw=1.6, label="Recorded (history)")
    table = fc.table()
    own = table[table["model"] == model]
    x = _x(fc.index)
    # connect the forecast to the last observation so the fan starts where the history ends
    x0 = np.concatenate([[_x(hist.index)[-1]], x])
    last = float(hist.iloc[-1])
    for level, alpha in sorted(((lv, a) for lv, a in zip(sorted(fc.levels, reverse=True), (0.18, 0.32, 0.45))),
                               key=lambda t: -t[0]):
        lo = np.concatenate([[last], own[f"lower_{level:g}"].to_numpy()])
        hi = np.concatenate([[last], own[f"upper_{level:g}"].to_numpy()])
        ax.fill_between(x0, lo, hi, color=BAND_COLOUR, alpha=alpha, lw=0, label=f"{level:g}% interval ({model})")
    ax.plot(x0, np.concatenate([[last], own["mean"].to_numpy()]), color=BAND_COLOUR, lw=2,
            label=f"Mean ({model})")
    for name in fc.model_names:
        if name == model:
            continue
        colour, style = MEMBER_STYLES.get(name, ("grey", "-."))
        other = table[table["model"] == name]
        ax.plot(x0, np.concatenate([[last], other["mean"].to_numpy()]), color=colour, ls=style, lw=1.2,
                label=f"Mean ({name})")
    for event in fc.events:
        start = getattr(event, "start", None)
        if start is not None and type(event).__name__ == "LevelShift":
            when = pd.Period(pd.Timestamp(str(start)) if not isinstance(start, pd.Period) else start.start_time,
                             freq=fc.series.index.freq).start_time
            ax.axvline(when, color="grey", lw=1, ls="--")
            ax.annotate(getattr(event, "label", "level shift"), (when, ax.get_ylim()[1]), fontsize=8,
                        color="grey", ha="left", va="top", rotation=90, xytext=(3, -3),
                        textcoords="offset points")
    who = f"{m['force']}: " if m["force"] else ""
    ax.set_title(f"{who}{m['measure'].replace('_', ' ')} ({m['frequency']}), forecast to "
                 f"{fc.financial_years()['financial_year'].iloc[-1]}")
    ax.set_ylabel(f"{m['unit']} per {PER[m['frequency']]}")
    ax.yaxis.set_major_formatter(_thousands())
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    if m.get("caveat"):
        fig.text(0.01, 0.005, _wrap(str(m["caveat"])), fontsize=7, color="dimgrey", ha="left", va="bottom")
    return fig


def _thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:,.0f}")


def _wrap(text: str, width: int = 150) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
