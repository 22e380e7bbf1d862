"""The fan chart: dates on the x axis, declared events drawn (a line at a level shift, a band over excluded periods)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from forcast.models.events import ExcludedPeriod, LevelShift  # noqa: E402
from forcast.forecasting.forecast import forecast  # noqa: E402

from .conftest import seasonal_series  # noqa: E402


@pytest.fixture(scope="module")
def chart():
    """A fan chart of a synthetic series (2006Q2-2018Q4) with a level shift and an excluded year declared."""
    fc = forecast(seasonal_series(), until="2021/22", models=("naive", "drift"), n_paths=200, seed=1,
                  events=[LevelShift("2012-04", "new system"), ExcludedPeriod("2015-01", "2015-12", "outage")])
    fig = fc.plot()
    yield fig, fig.axes[0]
    plt.close(fig)


def test_x_axis_runs_over_the_dates_of_the_history_and_forecast(chart):
    # the x values are dates: numpy 2.4 / matplotlib 3.11 once turned them into integers and the axis started
    # in the year -847
    _, ax = chart
    first, last = (mdates.num2date(v).replace(tzinfo=None) for v in ax.get_xlim())
    assert pd.Timestamp("2005-01-01") <= first <= pd.Timestamp("2006-04-01")
    assert pd.Timestamp("2022-01-01") <= last <= pd.Timestamp("2023-06-30")
    history = next(line for line in ax.get_lines() if line.get_label() == "Recorded (history)")
    xs = pd.DatetimeIndex(mdates.num2date(history.get_xdata(orig=False))).tz_localize(None)
    assert xs.min().year == 2006 and xs.max().year == 2018


def test_fan_starts_at_the_last_observation(chart):
    _, ax = chart
    mean = next(line for line in ax.get_lines() if line.get_label() == "Naive (mean)")
    history = next(line for line in ax.get_lines() if line.get_label() == "Recorded (history)")
    assert mean.get_xdata(orig=False)[0] == history.get_xdata(orig=False)[-1]
    assert mean.get_ydata()[0] == history.get_ydata()[-1]


def test_excluded_period_is_shaded_and_level_shift_is_marked(chart):
    _, ax = chart
    bands = [p for p in ax.patches if p.get_label() == "Treated as missing: outage"]
    assert len(bands) == 1
    band = bands[0]  # a Rectangle (matplotlib >= 3.9) or a Polygon: its x extent in date numbers
    xs = [band.get_x(), band.get_x() + band.get_width()] if hasattr(band, "get_width") else \
        [x for x, _ in band.get_xy()]
    left, right = (mdates.num2date(v).replace(tzinfo=None) for v in (min(xs), max(xs)))
    assert left == pd.Timestamp("2015-01-01")  # 2015Q1 starts
    assert pd.Timestamp("2015-12-31") <= right <= pd.Timestamp("2016-01-01")  # 2015Q4 ends
    assert "new system" in [t.get_text() for t in ax.texts]
    shift = pd.Timestamp("2012-04-01")
    assert any(list(line.get_xdata(orig=False)) == [mdates.date2num(shift)] * 2 for line in ax.get_lines())


def test_title_names_the_last_financial_year(chart):
    _, ax = chart
    assert ax.get_title().endswith("forecast to 2021/22")


# ---------------------------------------------------------------------------------- drawing into the caller's axes
def _state(fig, axes):
    """What a plot must not change: every other axes' artists and labels, and the figure's own texts."""
    from matplotlib.text import Text

    def axes_state(ax):
        legend = ax.get_legend()
        return (len(ax.get_lines()), len(ax.patches), len(ax.collections), [t.get_text() for t in ax.texts],
                ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), ax.get_xlim(), ax.get_ylim(),
                None if legend is None else [t.get_text() for t in legend.get_texts()])

    figure_texts = [(t.get_text(), t.get_position()) for t in fig.findobj(Text)
                    if not any(t in a.findobj(Text) for a in fig.axes)]
    return [axes_state(a) for a in axes], figure_texts, (fig.texts[:], fig.get_suptitle(), fig.get_supxlabel(),
                                                         fig.get_supylabel(), fig.get_size_inches().tolist())


def _with_caveat(text):
    series = seasonal_series()
    series.attrs["caveat"] = text
    return series


def _grid():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 8), layout="constrained")
    axes = fig.subplots(2, 2).ravel()
    for k, ax in enumerate(axes[1:]):
        ax.plot([1, 2, 3], [3, 1, k], label=f"mine {k}")
        ax.set_title(f"panel {k}")
        ax.set_xlabel(f"x {k}")
        ax.text(0.5, 0.5, f"note {k}", transform=ax.transAxes)
        ax.legend()
    fig.suptitle("the user's own title")
    fig.text(0.01, 0.01, "the user's own footnote")
    return fig, axes


def test_fan_chart_in_a_grid_leaves_the_other_axes_and_the_figure_texts_alone():
    series = _with_caveat("Synthetic series: a caveat every reader must see.")
    fc = forecast(series, until="2021/22", models=("naive", "drift"), n_paths=200, seed=1)
    fig, axes = _grid()
    before = _state(fig, axes[1:])
    assert fc.plot(ax=axes[0]) is fig  # the figure the axes belong to, as before
    assert _state(fig, axes[1:]) == before
    assert "a caveat every reader must see" in axes[0].get_xlabel()  # the note is in the axes drawn into
    fig.draw_without_rendering()  # and it lays out: the note stays inside the figure
    box = axes[0].xaxis.label.get_window_extent()
    assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= fig.bbox.width


def test_a_fan_chart_of_its_own_carries_its_note_in_the_axes():
    series = _with_caveat("Synthetic series: read with care.")
    fig = forecast(series, until="2021/22", models=("naive",), n_paths=100, seed=1).plot()
    assert fig.get_supxlabel() == "" and not fig.texts
    assert fig.axes[0].get_xlabel() == "Synthetic series: read with care."


def test_comparison_chart_in_a_grid_leaves_the_other_axes_and_the_figure_texts_alone():
    from forcast import comparison

    c = comparison.compare("Lancashire")
    fig, axes = _grid()
    before = _state(fig, axes[1:3])
    assert c.plot(ax=axes[3]) is fig
    assert _state(fig, axes[1:3]) == before
    source = str(c.table().attrs["source"])
    assert any(source.split()[0] in t.get_text() for t in axes[3].texts)  # the source is said in its own axes
