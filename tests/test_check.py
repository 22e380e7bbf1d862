"""forcast.check: our forecast of one financial year from one origin, beside the actual and a reported forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forcast.evaluation.checking import check
from forcast.errors import ParameterError
from forcast.models.events import LevelShift
from forcast.models.base import Model
from forcast.data.series import make_series

TABLE_COLUMNS = ["forecast", "model", "origin", "financial_year", "observed_part", "predicted", "lower_80",
                 "upper_80", "lower_95", "upper_95", "actual", "actual_source", "error", "pct_error", "inside_80",
                 "inside_95"]


class LastValue(Model):
    """Exact fake: the last value carried forward with a fixed spread of +-1,000 per period (two paths)."""

    name = "last_value"

    def _fit(self, y, events):
        self.last_ = float(y.iloc[-1])
        self.events_seen_ = events

    def _simulate(self, horizon, n_paths, rng):
        spread = np.where(np.arange(n_paths) % 2 == 0, -1000.0, 1000.0)[:, None]
        return self.last_ + spread + np.zeros((1, horizon))


def quarterly() -> pd.Series:
    """2010Q2-2016Q1 (six whole financial years): 30,000 + 100 per quarter."""
    index = pd.period_range("2010Q2", periods=24, freq="Q-DEC")
    return make_series(30000 + 100 * np.arange(24), index, name="crime", measure="recorded_crime",
                       force="Testshire", source="Test source (synthetic)")


def run(**kwargs):
    options = dict(financial_year="2015/16", origin="2015-09-30", models=[LastValue()], baselines=False,
                   n_paths=100, calibration=None)  # the fake's own intervals, known by hand
    options.update(kwargs)
    return check(quarterly(), **options)


def test_table_by_hand_with_the_series_own_actual():
    result = run()
    t = result.table()
    assert list(t.columns) == TABLE_COLUMNS
    row = t.iloc[0]
    # 2015/16 = 2015Q2..2016Q1 = quarters 20..23: 32,000 + 32,100 observed; last value 32,100 carried twice
    assert row["observed_part"] == 2 and row["predicted"] == 32000 + 32100 + 2 * 32100
    assert row["actual"] == 32000 + 32100 + 32200 + 32300 and row["actual_source"] == "series"
    assert row["error"] == 300 and row["pct_error"] == pytest.approx(300 / 128600 * 100)
    # two quarters of paths at -1,000 or +1,000 together: totals 128,300 -/+ 2,000 (half the paths each)
    assert row["lower_95"] == pytest.approx(128300 - 2000, abs=0.1) and row["upper_95"] == pytest.approx(130300,
                                                                                                    abs=0.1)
    assert bool(row["inside_95"])


def test_statement_holds_the_numbers_of_the_table():
    result = run(actual=129000, reported_forecast=131000)
    t = result.table()
    ours, reported = t.iloc[0], t.iloc[1]
    text = result.statement()
    for value in (ours["predicted"], ours["lower_95"], ours["upper_95"], 129000, 131000, abs(ours["error"]),
                  abs(reported["error"])):
        assert f"{value:,.0f}" in text
    assert "At origin 30 Sep 2015 (2 of 4 quarters of 2015/16 observed)" in text
    assert "The actual used is 129,000 (given by the user; the series (Test source) gives 128,600)" in text
    assert "lies outside our 95% interval" in text  # 131,000 > 130,300
    assert reported["forecast"] == "reported" and pd.isna(reported["inside_95"])
    assert reported["error"] == 129000 - 131000


def test_incomplete_year_needs_a_given_actual_and_says_how_much_the_series_holds():
    short = quarterly().iloc[:-1]  # ends 2015Q4: 3 of the 4 quarters of 2015/16
    with pytest.raises(ParameterError, match=r"does not hold all of 2015/16 .* Give the actual total"):
        check(short, "2015/16", "2015-09-30", models=[LastValue()], baselines=False, n_paths=100)
    result = check(short, "2015/16", "2015-09-30", actual=128000, models=[LastValue()], baselines=False,
                   n_paths=100)
    assert "the series holds 3 of the 4 quarters of 2015/16, so it cannot give one" in result.statement()


def test_origin_must_lie_within_the_data_and_before_the_year_ends():
    with pytest.raises(ParameterError, match="after the last observation"):
        run(origin="2016-06-30")
    with pytest.raises(ParameterError, match="at or after the end of 2014/15"):
        run(financial_year="2014/15", origin="2015-03-31")


def test_events_apply_only_when_observable_at_the_origin():
    shift = LevelShift("2015-10", "recording change")
    later = run(events=[shift])
    assert later.forecast.fitted["last_value"].events_seen_ == ()
    assert "not applied: it starts after the origin" in later.statement()
    earlier = run(events=[LevelShift("2015-04", "recording change")])
    assert len(earlier.forecast.fitted["last_value"].events_seen_) == 1
    assert "The recording change from 2015Q2 is modelled as a level shift" in earlier.statement()


# ---------------------------------------------------------------------------------------------- known events
def test_2018_19_check_on_the_derived_series_declares_its_known_break():
    """What was known in 2018/19: the derived series (to December 2018) carries the April 2018 recording change only
    (the January 2019 fall and COVID-19 lie after it); the force's own actual is judged."""
    from forcast import datasets

    derived = datasets.recorded_crime_derived("Lancashire")
    assert [e.key for e in derived.attrs["known_events"]] == ["lancashire_cdi_2018"]
    result = check(derived, "2018/19", "2018-09-30", actual=167436, models=[LastValue()], baselines=False,
                   n_paths=100)
    seen = result.forecast.fitted["last_value"].events_seen_
    assert [(type(e).__name__, str(e.start)) for e in seen] == [("LevelShift", "2018Q2")]
    text = result.statement()
    assert "The recording change (crime data integrity), April 2018 from 2018Q2 is modelled as a level shift" in text
    assert "The actual used is 167,436 (given by the user; the series holds 3 of the 4 quarters" in text
    # 2018Q2 + 2018Q3 observed, the 2018Q3 value carried twice
    q2, q3 = derived.loc["2018Q2"], derived.loc["2018Q3"]
    assert result.table().iloc[0]["predicted"] == q2 + q3 + 2 * q3
    none = check(derived, "2018/19", "2018-09-30", actual=167436, models=[LastValue()], baselines=False,
                 n_paths=100, known_events="none")
    assert none.forecast.fitted["last_value"].events_seen_ == () and "level shift" not in none.statement()


def test_known_events_after_the_origin_are_listed_as_not_applied():
    from forcast import datasets

    published = datasets.recorded_crime("Lancashire")
    result = check(published, "2018/19", "2018-09-30", models=[LastValue()], baselines=False, n_paths=100)
    assert result.actual == 166_292 and result.actual_source == "series"  # shared/data/ho_open_data, 2018/19
    text = result.statement()
    assert "Level shift 'new recording system (November 2018)' at 2019Q1 not applied: it starts after the origin" \
        in text
    assert "'COVID-19 lockdowns (from 23 March 2020)' (2020Q2–2021Q1) not applied: after the origin" in text


def test_progress_bar_only_when_asked(capsys):
    from .conftest import seasonal_series

    series = seasonal_series()
    check(series, "2017/18", "2017-09-30", models=["naive"], n_paths=100, calibration=None)
    assert capsys.readouterr().err == ""
    check(series, "2017/18", "2017-09-30", models=["naive"], n_paths=100, calibration=None, progress=True)
    assert "forecast Testshire" in capsys.readouterr().err
