"""The forecast made on 31 March 2019, judged (forcast.fms.hindsight): numbers from the backtest, words from the table,
and the chapter's past-accuracy section holding it only when the data reach past the origin."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from forcast import datasets  # noqa: E402
from forcast.evaluation.backtesting import backtest  # noqa: E402
from forcast.forecasting.intervals import default_method as default_calibration  # noqa: E402
from forcast.fms import Paragraph, build_chapter  # noqa: E402
from forcast.fms.hindsight import ORIGIN, hindsight_chart, hindsight_table, hindsight_words, judge  # noqa: E402

from .conftest import seasonal_series  # noqa: E402

BASELINES = ("seasonal_naive", "drift")
YEARS = ["2019/20", "2020/21", "2021/22", "2022/23"]
#: Published Home Office totals for Lancashire, years ending March 2020-2023 (the embedded annual series).
PUBLISHED = [142_253, 118_910, 137_188, 131_321]
KEY = "recorded_crime_forecast_2019_03"
COUNT_OR_PCT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+\.\d%")


@pytest.fixture(scope="module")
def crime():
    return datasets.recorded_crime("Lancashire")


@pytest.fixture(scope="module")
def calibration():
    cal = default_calibration()
    if cal is None:  # pragma: no cover - the calibration ships with forcast
        pytest.skip("no default calibration installed")
    return cal


@pytest.fixture(scope="module")
def judged(crime, calibration):
    """The default models (the combination of ETS and ARIMA) from 31 March 2019, calibrated as the chapter is."""
    bt = backtest(crime, origins=[ORIGIN], horizon="4y", n_paths=500, seed=7)
    h = judge(bt, calibration=calibration)
    return h, hindsight_table(h, "Recorded crime", "t")


@pytest.fixture(scope="module")
def chapter():
    return build_chapter("Lancashire", models=BASELINES, n_paths=300, seed=1)


def section(chapter, key):
    return next(s for s in chapter.sections if s.key == key)


def paragraphs(sec) -> list[str]:
    return [b.text for b in sec.blocks if isinstance(b, Paragraph)]


# ---------------------------------------------------------------------------------------------- numbers
def test_recorded_figures_are_the_published_annual_totals(judged):
    _, table = judged
    annual = datasets.recorded_crime("Lancashire", frequency="annual")
    published = [int(annual[pd.Period(f"{y[:2]}{y[-2:]}", freq=annual.index.freq)]) for y in YEARS]
    assert published == PUBLISHED
    assert table.frame["Financial year"].tolist() == YEARS
    assert table.frame["Recorded"].tolist() == PUBLISHED


def test_changes_and_differences_follow_from_the_table_by_hand(judged):
    _, table = judged
    frame = table.frame
    recorded = np.array(PUBLISHED, dtype=float)
    before = np.concatenate([[166_292], recorded[:-1]])  # 2018/19: the published year ending March 2019
    assert frame["Change in recorded (%)"].tolist() == np.round(100 * (recorded / before - 1), 1).tolist()
    assert frame["Change in recorded (%)"].iloc[1] == -16.4  # the lockdowns: 118,910 against 142,253
    expected = np.round(100 * (recorded - frame["Forecast"].to_numpy()) / recorded, 1) + 0.0
    assert frame["Difference (%)"].tolist() == expected.tolist()
    inside = (frame["95% low"] <= frame["Recorded"]) & (frame["Recorded"] <= frame["95% high"])
    assert frame["Inside 95%"].tolist() == inside.tolist()


def test_the_forecast_is_what_a_direct_backtest_gives_for_the_same_seed(crime, calibration):
    """Taken from a backtest with several origins and widened afterwards, it equals one backtest call at the origin
    with the calibration: the chapter reuses its backtest without refitting."""
    several = backtest(crime, origins=["2018-03-31", ORIGIN], horizon="4y", models=BASELINES, n_paths=300, seed=3,
                       baselines=False)
    direct = backtest(crime, origins=[ORIGIN], horizon="4y", models=BASELINES, n_paths=300, seed=3, baselines=False,
                      calibration=calibration)
    h = judge(several, model="drift", calibration=calibration)
    fy = direct.financial_years()
    fy = fy[fy["model"] == "drift"].reset_index(drop=True)
    mine = h.years()
    assert h.origin == pd.Timestamp(ORIGIN) and len(h.backtest.folds) == 1
    for column in ("predicted", "lower_80", "upper_80", "lower_95", "upper_95", "actual", "pct_error"):
        np.testing.assert_array_equal(mine[column].to_numpy(), fy[column].to_numpy(), err_msg=column)
    table = hindsight_table(h, "Recorded crime").frame
    np.testing.assert_array_equal(table["Forecast"].to_numpy(), fy["predicted"].to_numpy())
    np.testing.assert_array_equal(table["95% high"].to_numpy(), fy["upper_95"].to_numpy())


def test_known_events_as_observable_on_31_march_2019(judged):
    h, _ = judged
    applied = {e.label: str(e.start) for e in h.applied}
    assert applied == {"recording change (crime data integrity), April 2018": "2018Q2",
                       "new recording system (November 2018)": "2019Q1"}  # one quarter seen: min_after_shift=1
    assert [e.label for e in h.not_applied()] == ["COVID-19 lockdowns (from 23 March 2020)"]


def test_none_without_the_origin_or_a_complete_year_after_it(crime):
    bt = backtest(crime.loc[:"2019Q4"], origins=["2018-03-31", ORIGIN], models=BASELINES, n_paths=200, seed=1,
                  baselines=False)
    assert judge(bt) is None  # 2019/20 is not complete in the data
    assert judge(bt, origin="2017-03-31") is None  # no such origin
    assert judge(bt, origin="2018-03-31") is not None


# ---------------------------------------------------------------------------------------------- words
def test_words_quote_the_table_and_say_why(judged):
    h, table = judged
    how_far, why = hindsight_words(h, table)
    shown = table.formatted()
    cells = {c.lstrip("+-") for c in shown.to_numpy().ravel().tolist()}
    quoted = COUNT_OR_PCT.findall(how_far + " " + why)
    assert quoted and set(quoted) <= cells, set(quoted) - cells
    assert (f"it forecast {shown.at[0, 'Forecast']} recorded crimes for 2019/20 (95% interval "
            f"{shown.at[0, '95% low']}–{shown.at[0, '95% high']}); 142,253 were recorded") in how_far
    assert "31 March 2019" in how_far and "2019/20 to 2022/23" in how_far
    assert ("only one quarter on the new basis had been recorded when it was made" in why
            and "new recording system (November 2018) from January 2019" in why)
    lockdown = shown.at[1, "Change in recorded (%)"].lstrip("-")
    assert (f"The forecast could not know of the COVID-19 lockdowns (from 23 March 2020): recorded crime fell "
            f"{lockdown} in 2020/21") in why
    assert "treats April 2020 to March 2021 as missing" in why
    assert f"recovered in 2021/22, rising {shown.at[2, 'Change in recorded (%)'].lstrip('+')}" in why
    assert "It did not use the COVID-19 lockdowns (from 23 March 2020), which came later." in why


def test_direction_words_follow_the_sign_of_the_difference(judged):
    h, table = judged
    how_far, _ = hindsight_words(h, table)
    first = table.frame.at[0, "Difference (%)"]
    assert f"so the forecast was {abs(first):.1f}% too {'high' if first < 0 else 'low'}" in how_far


def test_chart_draws_the_fan_history_and_actuals(judged):
    h, _ = judged
    fig = hindsight_chart(h)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Recorded later" in labels and "95% interval" in labels
    assert "COVID-19 lockdowns (from 23 March 2020)" in labels


# ---------------------------------------------------------------------------------------------- chapter
def test_chapter_shows_the_forecast_beside_the_2018_19_check(chapter, crime, calibration):
    tables = chapter.tables_by_key()
    assert KEY in tables
    frame = tables[KEY].frame
    assert frame["Recorded"].tolist() == PUBLISHED
    assert tables[KEY].caption.startswith("Forecast made on 31 March 2019 against recorded crime")
    direct = backtest(crime, origins=[ORIGIN], horizon="4y", models=BASELINES, n_paths=300, seed=1,
                      calibration=calibration)
    fy = direct.financial_years()
    fy = fy[fy["model"] == "seasonal_naive"]
    np.testing.assert_allclose(frame["Forecast"].to_numpy(), fy["predicted"].to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(frame["95% low"].to_numpy(), fy["lower_95"].to_numpy())
    accuracy = section(chapter, "accuracy")
    keys = [getattr(b, "key", None) for b in accuracy.blocks]
    assert keys.index("recorded_crime_check") < keys.index(KEY)
    text = " ".join(paragraphs(accuracy))
    assert "The forecast could not know of the COVID-19 lockdowns" in text
    assert "ignores them, as a baseline does" in text  # the seasonal naive model is the main one here
    assert any(getattr(b, "filename", "") == f"{KEY}.png" for b in accuracy.blocks)


@pytest.mark.parametrize("series", [seasonal_series(), "ends_2019q4"], ids=["synthetic_2006_2018", "crime_to_2019q4"])
def test_the_section_is_left_out_quietly_when_the_data_end_too_early(series, crime):
    if isinstance(series, str):
        series = crime.loc[:"2019Q4"]
    seen = []
    chapter = build_chapter("Testshire", measures={"Recorded crime": series}, models=BASELINES, n_paths=200, seed=1,
                            progress=lambda done, total, what: seen.append(what))
    assert "Recorded crime: forecast made in March 2019" in seen  # the step runs, and finds nothing to judge
    assert not [k for k in chapter.tables_by_key() if "_forecast_2019" in k]
    assert "31 March 2019" not in " ".join(paragraphs(section(chapter, "accuracy")))


def test_no_backtest_no_judgement():
    chapter = build_chapter("Lancashire", models=BASELINES, n_paths=200, backtest=False)
    assert KEY not in chapter.tables_by_key()
