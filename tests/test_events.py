"""Declared events: date mapping, validation against the series, helpers for models, and the text grammar."""

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forcast.errors import EventError
from forcast.models.events import (
    ExcludedPeriod,
    LevelShift,
    Outlier,
    check_events,
    clip_events,
    excluded_mask,
    extra_regressors,
    format_event,
    level_shift_regressors,
    parse_event,
    regressor_events,
    to_period,
)

QUARTERS = pd.period_range("2006Q2", "2018Q4", freq="Q-DEC", name="period")
MONTHS = pd.period_range("2015-01", "2019-12", freq="M", name="period")


# ---------------------------------------------------------------------------------------------- dates
@pytest.mark.parametrize("value", ["2018-04", "2018-04-01", "2018-06-30", "2018Q2", pd.Timestamp("2018-05-17"),
                                   dt.date(2018, 4, 1), pd.Period("2018-05", freq="M"), np.datetime64("2018-06-01")])
def test_a_date_maps_to_the_quarter_that_contains_it(value):
    (event,) = check_events([LevelShift(value)], QUARTERS)
    assert event.start == pd.Period("2018Q2", freq="Q-DEC")


def test_a_coarser_period_starts_at_its_first_day_and_ends_at_its_last():
    shift, excl = check_events([LevelShift("2018Q2"), ExcludedPeriod("2018Q2", "2019Q1")], MONTHS)
    assert shift.start == pd.Period("2018-04", freq="M")
    assert (excl.start, excl.end) == (pd.Period("2018-04", freq="M"), pd.Period("2019-03", freq="M"))


def test_weekly_and_financial_year_series_map_by_containment():
    weeks = pd.period_range("2018-01-01", periods=60, freq="W-SUN")
    assert check_events(["2018-04-01"], weeks)[0].start == pd.Period("2018-04-01", freq="W-SUN")
    years = pd.period_range("2010", "2020", freq="Y-MAR")
    assert check_events(["2018-04"], years)[0].start == pd.Period("2019", freq="Y-MAR")  # FY 2018/19


@given(st.dates(min_value=dt.date(2006, 4, 1), max_value=dt.date(2018, 12, 31)))
def test_the_mapped_period_always_contains_the_date(day):
    period = to_period(day, "Q-DEC")
    assert period.start_time <= pd.Timestamp(day) <= period.end_time


def test_resolved_events_are_the_same_classes_and_resolving_again_changes_nothing():
    events = check_events(["2018-04:recording change", ExcludedPeriod("2008-01-05", "2008-08"),
                           Outlier("2011-03", "outage")], QUARTERS)
    assert [type(e) for e in events] == [LevelShift, ExcludedPeriod, Outlier]
    assert events[1] == ExcludedPeriod(pd.Period("2008Q1", "Q-DEC"), pd.Period("2008Q3", "Q-DEC"), "excluded")
    assert check_events(events, QUARTERS) == events
    assert check_events(None, QUARTERS) == ()
    assert check_events(LevelShift("2018-04"), QUARTERS) == (LevelShift(pd.Period("2018Q2", "Q-DEC")),)


# ---------------------------------------------------------------------------------------------- validation
@pytest.mark.parametrize("event, message", [
    (LevelShift("2006-05"), r"starts at 2006Q2, at or before the first period of the series; .* The series runs "
                            r"2006Q2–2018Q4\. Remove the event or move its start\."),
    (LevelShift("2019-01"), r"starts at 2019Q1, after the last observation; .* Remove the event until data"),
    (ExcludedPeriod("2010", "2009"), r"ends \(2009Q4\) before it starts \(2010Q1\)\. Swap the dates\."),
    (ExcludedPeriod("2018", "2019"), r"covers 2018Q1–2019Q4, which runs outside the series\. .* end it at 2018Q4"),
    (Outlier("2005-01"), r"is at 2005Q1, outside the series\."),
    (LevelShift("covid"), r"An event date in LevelShift\(start='covid'.* could not be read: 'covid'"),
    (LevelShift("2018-13"), r"could not be read: '2018-13'"),
    (LevelShift("2018-04", label=""), r"An event label must be non-empty text\. Got ''"),
    (42, r"must be LevelShift, ExcludedPeriod or Outlier objects .* Got int: 42\."),
])
def test_bad_events_are_rejected_with_what_rule_got_and_fix(event, message):
    with pytest.raises(EventError, match=message):
        check_events([event], QUARTERS)


def test_events_must_be_a_list():
    with pytest.raises(EventError, match=r"events must be a list .* Got int: 5\."):
        check_events(5, QUARTERS)


def test_two_shifts_in_one_period_cannot_be_told_apart():
    with pytest.raises(EventError, match=r"Two or more level shifts start in the same period \(2018Q2\)"):
        check_events(["2018-04", "2018-05:again"], QUARTERS)


def test_a_shift_needs_kept_observations_on_both_sides():
    with pytest.raises(EventError, match=r"Every observation in 2018Q2–2018Q4 is excluded .* level shift at 2018Q2"):
        check_events(["2018-04", "2018-04:2018-12:lost"], QUARTERS)
    with pytest.raises(EventError, match=r"Every observation in 2006Q2–2007Q4 is excluded"):
        check_events(["2008-01", "2006Q2:2007Q4"], QUARTERS)


# ---------------------------------------------------------------------------------------------- for models
def test_level_shift_regressors_are_steps_that_continue_into_the_future():
    events = check_events(["2018-04:a", "2012-01:b"], QUARTERS)
    steps = level_shift_regressors(events, QUARTERS)
    assert list(steps.columns) == ["level_shift_2012Q1", "level_shift_2018Q2"]  # date order
    assert steps["level_shift_2018Q2"].tolist() == [0.0] * 48 + [1.0] * 3
    future = pd.period_range("2019Q1", periods=3, freq="Q-DEC")
    assert level_shift_regressors(events, future).to_numpy().tolist() == [[1.0, 1.0]] * 3
    assert level_shift_regressors((), QUARTERS).shape == (51, 0)


def test_excluded_mask_marks_exclusions_and_outliers_only():
    mask = excluded_mask(["2008Q1:2008Q3", "outlier:2011-02", "2018-04"], QUARTERS)
    assert QUARTERS[mask].astype(str).tolist() == ["2008Q1", "2008Q2", "2008Q3", "2011Q1"]


def test_clip_events_keeps_what_a_shorter_history_can_honour():
    short = QUARTERS[:20]  # 2006Q2-2011Q1
    kept = clip_events(["2018-04", "2008-01:2012-12:covid", "outlier:2015Q1", "2008Q4:x"], short)
    assert kept == (ExcludedPeriod(pd.Period("2008Q1", "Q-DEC"), pd.Period("2011Q1", "Q-DEC"), "covid"),)
    # the 2008Q4 shift was dropped: every period after it is excluded


@dataclass(frozen=True)
class Campaign:
    """A regressor event: 1 in the given quarters (past or future)."""

    quarters: tuple = ("2010Q4", "2014Q4")
    label: str = "campaign"

    def regressors(self, index):
        return pd.DataFrame({"on": np.isin(index.astype(str), self.quarters).astype(float)}, index=index)


def test_regressor_events_follow_the_protocol():
    events = check_events([Campaign(), "2018-04"], QUARTERS)
    assert regressor_events(events) == [Campaign()]
    extra = extra_regressors(events, QUARTERS)
    assert list(extra.columns) == ["campaign: on"] and extra.to_numpy().sum() == 2
    assert extra_regressors((), QUARTERS).shape == (51, 0)


def test_a_regressor_event_must_return_one_finite_row_per_period():
    @dataclass(frozen=True)
    class Broken:
        label: str = "broken"

        def regressors(self, index):
            return pd.DataFrame({"x": np.full(len(index) - 1, 1.0)})

    with pytest.raises(EventError, match=r"Event 'broken': regressors\(index\) must return a DataFrame with one row"):
        check_events([Broken()], QUARTERS)


# ---------------------------------------------------------------------------------------------- text
@pytest.mark.parametrize("text, expected", [
    ("2018-04:recording change", LevelShift("2018-04", "recording change")),
    ("2018-04", LevelShift("2018-04")),
    ("shift:2018Q2:new system", LevelShift("2018Q2", "new system")),
    ("2020-03:2021-06:covid", ExcludedPeriod("2020-03", "2021-06", "covid")),
    ("exclude:2020-04", ExcludedPeriod("2020-04", "2020-04")),
    ("outlier:2011-03:system outage", Outlier("2011-03", "system outage")),
    ("Outlier:2011-03-30:note: with colon", Outlier("2011-03-30", "note: with colon")),
    (" 2018-04 : recording change ", LevelShift("2018-04", "recording change")),
])
def test_parse_event_grammar(text, expected):
    assert parse_event(text) == expected


@pytest.mark.parametrize("text, message", [
    ("covid", r"Cannot read the event 'covid': expected \[shift\|exclude\|outlier:\]DATE\[:DATE\]\[:LABEL\].*no date"),
    ("shift:2018-04:2019-01", r"Cannot read the event 'shift:2018-04:2019-01'"),
    ("outlier:", r"Cannot read the event 'outlier:'"),
    ("2018-13:foo", r"An event date in '2018-13:foo' could not be read: '2018-13'"),
    ("", r"An event must be text such as '2018-04:recording change'\. Got ''"),
])
def test_parse_event_quotes_bad_text(text, message):
    with pytest.raises(EventError, match=message):
        parse_event(text)


def test_format_event_is_the_inverse_of_parse_event():
    events = check_events(["2018-04:recording change", "2008-01:2008-08:covid", "outlier:2011-03:x:y"], QUARTERS)
    texts = [format_event(e) for e in events]
    assert texts == ["shift:2018Q2:recording change", "exclude:2008Q1:2008Q3:covid", "outlier:2011Q1:x:y"]
    assert check_events([parse_event(t) for t in texts], QUARTERS) == events
    assert format_event(LevelShift(pd.Timestamp("2018-04-01"))) == "shift:2018-04-01:level shift"
