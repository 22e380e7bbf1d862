"""Hypothesis strategies shared by forcast's tests (loading data so far)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from hypothesis import strategies as st

#: Frequencies a call-level export can be counted into, with those load_series can infer.
CALL_FREQUENCIES = st.sampled_from(["daily", "weekly", "monthly"])


@st.composite
def call_timestamps(draw, min_size: int = 1, max_size: int = 300, span_days: int = 120) -> list[datetime]:
    """Naive local times of calls, to the second, spread over up to ``span_days`` days from a random start."""
    start = draw(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2024, 12, 31)))
    offsets = draw(st.lists(st.integers(0, span_days * 86400 - 1), min_size=min_size, max_size=max_size))
    return [start.replace(microsecond=0) + timedelta(seconds=s) for s in offsets]


@st.composite
def monthly_counts(draw, min_size: int = 2, max_size: int = 40) -> pd.Series:
    """Counts per month from a random first month: a plain pandas Series with a monthly PeriodIndex."""
    n = draw(st.integers(min_size, max_size))
    first = draw(st.integers(2000 * 12, 2030 * 12))
    index = pd.period_range(pd.Period(year=first // 12, month=first % 12 + 1, freq="M"), periods=n, freq="M")
    values = draw(st.lists(st.integers(0, 2_000_000), min_size=n, max_size=n))
    return pd.Series(values, index=index)


#: How an analyst may write a month in a spreadsheet cell.
MONTH_STYLES = st.sampled_from([
    lambda p: p.strftime("%Y-%m"),
    lambda p: p.strftime("%b %Y"),
    lambda p: p.strftime("%B %Y"),
    lambda p: p.strftime("%b-%y"),
    lambda p: p.start_time.strftime("%Y-%m-%d"),
    lambda p: p.start_time.strftime("%d/%m/%Y"),
    lambda p: p.end_time.strftime("%d/%m/%Y"),
])
