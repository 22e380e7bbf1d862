"""The fan chart: dates on the x axis, declared events drawn (a line at a level shift, a band over excluded periods)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from forcast.events import ExcludedPeriod, LevelShift  # noqa: E402
from forcast.forecast import forecast  # noqa: E402

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
