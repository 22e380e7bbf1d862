"""Charts: fan charts of forecasts and financial-year comparisons. Draw into an Axes, return the Figure.

Given ``ax=``, a chart draws into that axes only: notes (a series' caveat, a source) go in the axes itself (its
x-label, or a text under its legend), never on the figure, so a chart in one panel of a grid leaves the other
panels, the figure's title and its footnotes as they were. The figure the axes belong to is returned (a new one
when no ``ax`` is given). Nothing here calls ``plt.show()``; in a notebook the returned figure displays itself.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from ..data.series import meta

BAND_COLOUR = "#1f5fa8"
PER = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter", "annual": "year"}
MEMBER_STYLES = {"ets": ("#d9730d", "--"), "arima": ("#2e8540", ":")}
#: How models and measures are named in legends and titles (never by their internal keys).
MODEL_NAMES = {"combination": "Combination", "ets": "Exponential smoothing", "arima": "ARIMA", "naive": "Naive",
               "seasonal_naive": "Seasonal naive", "drift": "Drift", "no_change": "No change",
               "same_as_last_year": "Same as last year"}
MEASURE_NAMES = {"recorded_crime": "recorded crime", "calls_999": "999 calls", "calls_101": "101 calls",
                 "calls_for_service": "calls for service", "calls_911": "911 calls"}


def model_name(model: str) -> str:
    """A model key as a reader reads it: ``"ets"`` -> ``"Exponential smoothing"``, ``"my_model"`` -> ``"My model"``."""
    if model in MODEL_NAMES:
        return MODEL_NAMES[model]
    text = str(model).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def measure_name(series) -> str:
    """The measure of ``series`` in words: ``"calls_999"`` -> ``"999 calls"``; other measures with spaces."""
    measure = str(meta(series)["measure"] or series.name or "demand")
    return MEASURE_NAMES.get(measure, measure.replace("_", " "))


class Forecasted(Protocol):
    """What :func:`fan_chart` reads of a forecast (a :class:`forcast.Forecast` is one): the history, the forecast
    periods, the models in table order, the interval levels, the declared events and the two tables."""

    series: pd.Series
    index: pd.PeriodIndex
    levels: tuple
    events: tuple

    @property
    def model_names(self) -> list[str]:
        """The models, the one drawn with its bands first."""

    def table(self) -> pd.DataFrame:
        """Per period and model: ``mean`` and ``lower_<level>`` / ``upper_<level>``."""

    def financial_years(self) -> pd.DataFrame:
        """Per financial year: the ``financial_year`` labels, the last of which the title names."""


def _axes(ax):
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9, 4.8), layout="constrained")
        return fig, fig.add_subplot()
    return ax.figure, ax


def _x(index: pd.PeriodIndex):
    return index.to_timestamp(how="start")


def fan_chart(fc: Forecasted, ax=None, model: str | None = None, history: int | None = None):
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
    x0 = x.insert(0, _x(hist.index)[-1])  # a DatetimeIndex (np.concatenate would mix Timestamps and integers)
    last = float(hist.iloc[-1])
    for level, alpha in zip(sorted(fc.levels, reverse=True), (0.18, 0.32, 0.45)):  # widest band first
        lo = np.concatenate([[last], own[f"lower_{level:g}"].to_numpy()])
        hi = np.concatenate([[last], own[f"upper_{level:g}"].to_numpy()])
        ax.fill_between(x0, lo, hi, color=BAND_COLOUR, alpha=alpha, lw=0,
                        label=f"{level:g}% interval ({model_name(model)})")
    ax.plot(x0, np.concatenate([[last], own["mean"].to_numpy()]), color=BAND_COLOUR, lw=2,
            label=f"{model_name(model)} (mean)")
    for name in fc.model_names:
        if name == model:
            continue
        colour, style = MEMBER_STYLES.get(name, ("grey", "-."))
        other = table[table["model"] == name]
        ax.plot(x0, np.concatenate([[last], other["mean"].to_numpy()]), color=colour, ls=style, lw=1.2,
                label=f"{model_name(name)} (mean)")
    from ..models.events import ExcludedPeriod, LevelShift, to_period

    for event in fc.events:
        if isinstance(event, ExcludedPeriod):
            freq = fc.series.index.freq
            ax.axvspan(to_period(event.start, freq).start_time, to_period(event.end, freq, "end").end_time,
                       color="grey", alpha=0.12, lw=0, label=f"Treated as missing: {event.label}")
        if isinstance(event, LevelShift):
            when = to_period(event.start, fc.series.index.freq).start_time
            ax.axvline(when, color="grey", lw=1, ls="--")
            ax.annotate(event.label, (when, ax.get_ylim()[1]), fontsize=8, color="grey", ha="left", va="top",
                        rotation=90, xytext=(3, -3), textcoords="offset points")
    who = f"{m['force']}: " if m["force"] else ""
    what = measure_name(fc.series)
    ax.set_title(f"{who}{what if who else what[:1].upper() + what[1:]} per {PER[m['frequency']]}, forecast to "
                 f"{fc.financial_years()['financial_year'].iloc[-1]}")
    unit = str(m["unit"] or "count")
    ax.set_ylabel(f"{unit[:1].upper() + unit[1:]} per {PER[m['frequency']]}")
    ax.yaxis.set_major_formatter(_thousands())
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    if m.get("caveat"):
        add_note(ax, str(m["caveat"]))
    return fig


def add_note(ax, text: str, width: int | None = None) -> None:
    """Put ``text`` (wrapped to the axes' width, or to ``width`` characters) under ``ax`` as its x-label, in small
    grey type: it belongs to that axes alone, and constrained layout leaves room for it."""
    if width is None:  # about 4 points a character at 7 points (DejaVu Sans)
        width = max(40, int(ax.get_position().width * ax.figure.get_figwidth() * 72 / 4.2))
    ax.set_xlabel(_wrap(text, width), fontsize=7, color="dimgrey", loc="left")


def add_footnote(fig, text: str, width: int = 150) -> None:
    """Put ``text`` (wrapped) under every axes as the figure's x-label, so constrained layout leaves room for it.

    Figure-wide: for figures you made yourself (the charts here use :func:`add_note`, which stays in one axes)."""
    fig.supxlabel(_wrap(text, width), fontsize=7, color="dimgrey", x=0.01, ha="left")


def _thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:,.0f}")


def _wrap(text: str, width: int = 150) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def backtest_chart(backtest, model: str | None = None, ax=None, title: str | None = None, legend: bool = True):
    """Backtest of financial-year totals: actuals (black) and, for each origin, the predicted totals of ``model``
    with their 95% intervals (one colour per origin). ``backtest`` is a
    :class:`~forcast.evaluation.backtesting.Backtest` or its
    :meth:`~forcast.evaluation.backtesting.Backtest.financial_years` frame. ``model`` defaults to the combination when
    present. Draws into ``ax`` when given, else a new figure; returns the figure."""
    from matplotlib import colormaps

    fy = backtest.financial_years() if hasattr(backtest, "financial_years") else backtest
    fig, ax = _axes(ax)
    if model is None:
        models = list(dict.fromkeys(fy["model"]))
        model = "combination" if "combination" in models else (models[0] if models else "")
    own = fy[fy["model"] == model]
    top = max((int(c.split("_")[1]) for c in fy.columns if c.startswith("upper_")), default=95)
    years = sorted(set(fy["financial_year"]))
    pos = {label: i for i, label in enumerate(years)}
    actual = fy.drop_duplicates("financial_year").set_index("financial_year")["actual"].reindex(years)
    ax.plot(range(len(years)), actual.to_numpy(), color="black", lw=2, marker="o", label="Actual", zorder=5)
    origins = sorted(set(own["origin"]))
    colours = colormaps["viridis"](np.linspace(0, 0.9, max(len(origins), 1)))
    for k, (origin, colour) in enumerate(zip(origins, colours)):
        rows = own[own["origin"] == origin]
        x = np.array([pos[y] for y in rows["financial_year"]]) + (k - (len(origins) - 1) / 2) * 0.07
        mid = rows["predicted"].to_numpy()
        err = [mid - rows[f"lower_{top}"].to_numpy(), rows[f"upper_{top}"].to_numpy() - mid]
        ax.errorbar(x, mid, yerr=err, color=colour, lw=1.2, capsize=2, marker=".",
                    label=f"From {pd.Timestamp(origin):%b %Y}")
    ax.set_xticks(range(len(years)), years, rotation=45 if len(years) > 6 else 0, fontsize=8)
    ax.set_ylabel(f"Financial-year total (mean and {top}% interval)")
    ax.yaxis.set_major_formatter(_thousands())
    if title is None:
        names = sorted(set(fy["series"])) if "series" in fy.columns else []
        if not names and hasattr(backtest, "series"):  # a Backtest: its force, else its series' name
            names = [str(meta(backtest.series)["force"] or backtest.series.name or "")]
            names = [n for n in names if n]
        title = f"{names[0] + ': b' if len(names) == 1 else 'B'}acktest of financial-year totals, {model_name(model)}"
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if legend:
        ax.legend(fontsize=7, loc="best", frameon=False, ncol=2)
    return fig


def comparison_chart(comparison, ax=None):
    """Horizontal bars of crimes per 1,000 people: the force (highlighted), each member of its most similar group,
    the group's rate and England and Wales, with the all-forces mean (solid line) and +/-1 standard deviation
    (dashed lines, shaded) -- the inspectorate's "significantly different" band. Reads only ``comparison.table()``.
    """
    fig, ax = _axes(ax)
    table = comparison.table()
    info = table.attrs
    mean, sd = info["mean"], info["sd"]
    bars = table[table["kind"] != "all_forces_mean"].iloc[::-1]
    colours = {"force": BAND_COLOUR, "msg_member": "#9aa5b1", "msg": "#d9730d", "england_and_wales": "#2e8540"}
    y = np.arange(len(bars))
    ax.barh(y, bars["rate_per_1000"].to_numpy(dtype=float), color=[colours[k] for k in bars["kind"]],
            edgecolor="none")
    for yi, rate in zip(y, bars["rate_per_1000"].to_numpy(dtype=float)):
        ax.annotate(f"{rate:.1f}", (rate, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(y, bars["area"].to_list(), fontsize=8)
    for label in ax.get_yticklabels():
        if label.get_text() == info["force"]:
            label.set_fontweight("bold")
    ax.axvspan(mean - sd, mean + sd, color="grey", alpha=0.12, lw=0)
    ax.axvline(mean, color="black", lw=1.2, label=f"Mean of {info['n_forces']} forces ({mean:.1f})")
    for edge in (mean - sd, mean + sd):
        ax.axvline(edge, color="black", lw=0.9, ls="--")
    ax.plot([], [], color="black", lw=0.9, ls="--", label=f"Mean \u00b1 1 standard deviation ({sd:.1f})")
    ax.set_xlim(0, max(float(bars["rate_per_1000"].max()), mean + sd) * 1.12)
    ax.set_xlabel(f"Recorded crimes (excluding fraud) per 1,000 people, mid-{info['population_year']} population")
    ax.set_title(f"{info['force']}: recorded crime rate, {info['window']}")
    ax.grid(axis="x", alpha=0.3)
    legend = ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.14), ncol=2, frameon=False)
    # the source under the legend, from the left of the area names: in this axes, not on the figure
    width = max(40, int(ax.get_position().width * fig.get_figwidth() * 72 / 4.2))
    ax.annotate(_wrap(str(info["source"]), width), (0, 0), xycoords=(lambda r: ax.yaxis.get_tightbbox(r), legend),
                xytext=(0, -4), textcoords="offset points", ha="left", va="top", fontsize=7, color="dimgrey",
                annotation_clip=False)
    return fig
