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


# --- fuzzing the loaders (tests/test_fuzz.py) -------------------------------------------------------
#: Characters that matter to a CSV reader and a date parser, plus some that do not.
_CSV_ALPHABET = st.sampled_from(list("0123456789,;/-.: \t\n\r\"'QWMTZ+eE£€\u00a0") + ["Jan", "Apr", "BST", "nan"])

#: Random text, as if any file were handed to forcast.
random_text = st.one_of(
    st.text(max_size=400),
    st.lists(_CSV_ALPHABET, max_size=200).map("".join),
)

#: Random bytes, including what is not text at all.
random_bytes = st.binary(max_size=600)

#: How a date may be written in a cell, from a Timestamp.
DATE_STYLES = st.sampled_from([
    lambda t: t.strftime("%Y-%m-%d"),
    lambda t: t.strftime("%d/%m/%Y"),
    lambda t: t.strftime("%m/%d/%Y"),
    lambda t: t.strftime("%d/%m/%y"),
    lambda t: t.strftime("%d.%m.%Y"),
    lambda t: t.strftime("%Y-%m"),
    lambda t: t.strftime("%b %Y"),
    lambda t: t.strftime("%d %B %Y"),
    lambda t: t.strftime("%Y-%m-%d %H:%M"),
    lambda t: t.strftime("%d/%m/%Y %H:%M:%S"),
    lambda t: t.strftime("%Y-%m-%dT%H:%M:%S") + "Z",
    lambda t: t.strftime("%Y-%m-%d") + " -03:00",
    lambda t: f"{t.year}Q{t.quarter}",
    lambda t: f"{t.year}/{(t.year + 1) % 100:02d}",
    lambda t: f"{t.strftime('%Y-%m-%d')}/{(t + pd.Timedelta(days=6)).strftime('%Y-%m-%d')}",
])

_YEARS = st.one_of(st.integers(1995, 2030), st.sampled_from([0, 1, 1677, 1899, 2101, 2262, 9999]))


@st.composite
def timestamps(draw) -> pd.Timestamp:
    """A Timestamp, mostly in plausible years, sometimes at the edges pandas can hold."""
    year = draw(_YEARS)
    year = min(max(year, 1678), 2261)
    return pd.Timestamp(year=year, month=draw(st.integers(1, 12)), day=draw(st.integers(1, 28)),
                        hour=draw(st.integers(0, 23)), minute=draw(st.integers(0, 59)))


#: Cells a count column may hold: counts, thousands in several styles, fractions, huge, negative, junk, blanks.
COUNT_CELLS = st.one_of(
    st.integers(0, 50_000).map(str),
    st.integers(0, 5_000_000).map(lambda n: f"{n:,}"),
    st.integers(1_000, 99_999).map(lambda n: f"{n // 1000}.{n % 1000:03d}"),
    st.integers(1_000, 99_999).map(lambda n: f"{n // 1000} {n % 1000:03d}"),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "-", "n/a", "1e300", "9007199254740993", "-5", "1.5", "0", "NaN", "inf", "=SUM(B2:B9)",
                     "10**400", "1" * 400, "\"3\"", "0x10", "1_000"]),
)

#: Cells a date column may hold: dates in many styles, junk and blanks.
DATE_CELLS = st.one_of(
    st.builds(lambda style, t: style(t), DATE_STYLES, timestamps()),
    st.sampled_from(["", "Total", "0000-01-01", "31/02/2018", "2018-13", "Q5 2018", "2018/2020", "12:00", "NaT",
                     "2016-01-04/2016-01-11", "1900-01-01", "2100-12-31", "-2018-01-01", "2018-W05"]),
    st.text(max_size=12),
)

_NAMES = st.sampled_from(["Month", "Crimes", "date", "n", "Opened", "", "Calls", "Unnamed: 1", "a,b", "Crimes"])


def _csv_cell(text: str, quote: bool) -> str:
    if quote or any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


@st.composite
def structured_csvs(draw) -> str:
    """CSV text with a header and rows of date-like and count-like cells: sometimes ragged, quoted, with title
    rows, blank lines or stray quotes."""
    width = draw(st.integers(1, 4))
    header = [draw(_NAMES) for _ in range(width)]
    kinds = [draw(st.sampled_from(["date", "count", "any"])) for _ in range(width)]
    lines = []
    if draw(st.booleans()) and draw(st.booleans()):
        lines += [draw(st.sampled_from(["Recorded crime by month", "Title,", "Source: police"])), ""]
    lines.append(",".join(_csv_cell(h, draw(st.booleans()) and draw(st.booleans())) for h in header))
    for _ in range(draw(st.integers(0, 25))):
        n = width if draw(st.integers(0, 9)) else draw(st.integers(0, width + 2))
        cells = []
        for i in range(n):
            kind = kinds[i] if i < width else "any"
            cell = draw(DATE_CELLS if kind == "date" else COUNT_CELLS if kind == "count"
                        else st.one_of(DATE_CELLS, COUNT_CELLS))
            cells.append(_csv_cell(cell, draw(st.integers(0, 9)) == 0))
        line = ",".join(cells)
        if draw(st.integers(0, 30)) == 0:
            line = '"' + line  # a stray quote
        lines.append(line)
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n", "\n\n"]))


#: A regular run of periods: pandas frequency, how many, and the styles a cell may be written in.
_RUNS = st.sampled_from([
    ("D", lambda p: p.start_time), ("W-SUN", lambda p: p.start_time), ("W-SUN", lambda p: p.end_time),
    ("M", lambda p: p.start_time), ("M", lambda p: p.end_time), ("Q-DEC", lambda p: p.start_time),
    ("Q-DEC", lambda p: p.end_time),
])


@st.composite
def date_runs(draw) -> str:
    """CSV text of a regular run of periods with counts, then a few mutations: a row dropped, repeated, swapped
    or made junk, a count made junk, a blank line, the run's style switched part-way."""
    freq, at = draw(_RUNS)
    n = draw(st.integers(1, 60))
    start = draw(st.integers(1998, 2025))
    periods = pd.period_range(pd.Timestamp(year=start, month=draw(st.integers(1, 12)), day=1), periods=n, freq=freq)
    style = draw(DATE_STYLES)
    counts = draw(st.lists(st.integers(0, 100_000), min_size=n, max_size=n))
    rows = [[style(at(p)), str(c)] for p, c in zip(periods, counts)]
    if draw(st.booleans()):
        rows = [[str(p), r[1]] for p, r in zip(periods, rows)]  # pandas' own labels, as to_csv writes them
    for _ in range(draw(st.integers(0, 3))):
        if not rows:
            break
        i = draw(st.integers(0, len(rows) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "swap", "junk date", "junk count", "blank", "restyle"]))
        if action == "drop":
            rows.pop(i)
        elif action == "repeat":
            rows.insert(i, list(rows[i]))
        elif action == "swap":
            j = draw(st.integers(0, len(rows) - 1))
            rows[i], rows[j] = rows[j], rows[i]
        elif action == "junk date":
            rows[i][0] = draw(DATE_CELLS)
        elif action == "junk count":
            rows[i][1] = draw(COUNT_CELLS)
        elif action == "blank":
            rows.insert(i, ["", ""])
        else:
            other = draw(DATE_STYLES)
            rows[i:] = [[other(at(p)), r[1]] for p, r in zip(periods[i:], rows[i:])]
    header = draw(st.sampled_from([["Month", "Crimes"], ["date", "n"], ["Opened", "Calls"]]))
    return "\n".join(",".join(_csv_cell(c, False) for c in row) for row in [header, *rows]) + "\n"


#: Any of the CSV-like inputs above, as text.
csv_texts = st.one_of(random_text, structured_csvs(), date_runs())
