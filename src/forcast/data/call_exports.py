"""Loading control-room exports with one row per call: :func:`count_calls` and :func:`load_calls`.

An export holds a timestamp per call (naive local times), optionally the call type (999 / 101) and the handling
time. Calls are counted per day, week (Monday to Sunday) or month. The export is taken to cover whole days from
the first call's day to the last call's (or ``start`` to ``end``); partial first and last weeks or months are
dropped and logged; a day with no calls inside the span is a gap, refused unless ``allow_empty_periods=True``.
Reading files and quoting bad cells by their row work as in :mod:`forcast.data`, whose readers are used here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .cells import blank_cells, row_labels, share_numeric, without_blank_rows
from .date_cells import _year_note
from .reading import _read
from .dates import YEARS, ZonedText, check_dayfirst, parse_day_text
from ..errors import (DateParseError, EmptyDataError, MissingPeriodError, MissingValueError, NegativeCountError,
                     NonNumericCountError, NotCallLevelError, ParameterError)
from ..arguments import check_date
from .series import FREQUENCIES, check_frequency_name, make_series
from .validation import (PERIOD_WORDS, check_columns, check_naive, check_not_empty, listing, period_label, plural,
                         raise_timezone)

logger = logging.getLogger("forcast.data")  # one logger for all loading, as documented in forcast.data

__all__ = ["count_calls", "load_calls"]


def _parse_timestamps(column: pd.Series, row_word: str, name: str, dayfirst: bool | None = None) -> pd.Series:
    blank = blank_cells(column)
    if blank.any():
        rows = row_labels(column.index[blank], row_word)
        raise MissingValueError(
            f"{plural(len(rows), 'timestamp')} in column {name!r} {'is' if len(rows) == 1 else 'are'} blank: "
            f"{listing(rows)}. Every call needs its time; fill them in or delete those rows."
        )
    if pd.api.types.is_datetime64_any_dtype(column):
        check_naive(column, name)
        stamps, text = column, column.astype(str)
    else:
        text = column if pd.api.types.is_string_dtype(column) else column.astype(object).astype(str)
        try:
            stamps = parse_day_text(text, dayfirst, f"column {name!r}", lambda i: f"{row_word} {i}", _calls_reading)
        except ZonedText as exc:
            raise_timezone(f"column {name!r}", f"e.g. {row_word} {exc.label}: {text[exc.label]!r}", f"df[{name!r}]")
    bad = (stamps.isna() | (stamps.dt.year < YEARS[0]) | (stamps.dt.year > YEARS[1])).to_numpy()
    if bad.any():
        quoted = [f"{row_word} {i}: {text[i]!r}{_year_note(text[i])}" for i in text.index[bad][:10]]
        raise DateParseError(
            f"{plural(int(bad.sum()), 'cell')} in column {name!r} could not be read as date and time: "
            f"{listing(quoted, total=int(bad.sum()))}. Write them like 2018-04-01 13:45 or 01/04/2018 13:45 (day "
            "first); if these rows are totals or notes, delete them."
        )
    return stamps


def _calls_reading(reading: pd.Series) -> str | None:
    """For :func:`forcast.data.dates.parse_day_text`: calls read one way, if they fill their days (at most 5% of the
    days from the first call to the last without calls), as ``"calls on 12 days, 2018-04-01 to 2018-04-12"``."""
    if reading.isna().any():
        return None
    days = reading.dt.normalize().unique()
    first, last = days.min(), days.max()
    span = (last - first).days + 1
    if span - len(days) > 0.05 * span:
        return None
    return f"calls on {plural(len(days), 'day')}, {first.date()} to {last.date()}"


def _refuse_period_counts(frame: pd.DataFrame, stamps: pd.Series, name: str, used: list[Any]) -> None:
    """Raise :class:`NotCallLevelError` when the rows look like counts per period rather than one row per call:
    every timestamp a different midnight, and another column of numbers beside them."""
    if len(stamps) < 3 or not (stamps == stamps.dt.normalize()).all() or not stamps.is_unique:
        return
    numbers = [c for c in frame.columns if c not in used and not blank_cells(frame[c]).all()
               and share_numeric(frame[c]) >= 0.9]
    if not numbers:
        return
    raise NotCallLevelError(
        f"Column {name!r} has one row per date ({len(stamps)} rows from {stamps.min().date()} to "
        f"{stamps.max().date()}, every one at midnight and none repeated) and column {numbers[0]!r} holds numbers: "
        "these look like counts per period, not one row per call. Load counts per period with "
        f"forcast.load_series(source, date_column={name!r}, value_column={numbers[0]!r}) (forcast forecast --csv "
        "on the command line). If each row really is one call, the timestamps need their times of day."
    )


def _handling_seconds(column: pd.Series, row_word: str, name: str) -> pd.Series:
    """Handling times as seconds: numbers of seconds, or durations like ``0:03:25`` (h:mm:ss)."""
    if pd.api.types.is_timedelta64_dtype(column):
        seconds = column.dt.total_seconds()
    elif pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        seconds = column.astype(float)
    else:
        text = column.astype(object).where(~blank_cells(column), "").astype(str).str.strip()
        seconds = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        clock = seconds.isna() & text.str.contains(":", regex=False)
        seconds[clock] = pd.to_timedelta(text[clock], errors="coerce").dt.total_seconds()
        bad = seconds.isna() & (text != "")
        if bad.any():
            quoted = [f"{row_word} {i}: {text[i]!r}" for i in text.index[bad][:10]]
            raise NonNumericCountError(
                f"Handling times in column {name!r} must be seconds (e.g. 205) or h:mm:ss (e.g. 0:03:25). "
                f"{plural(int(bad.sum()), 'cell')} could not be read: {listing(quoted)}. Correct or delete them."
            )
    blank = seconds.isna()
    if blank.any():
        raise MissingValueError(
            f"{plural(int(blank.sum()), 'handling time')} in column {name!r} {'is' if blank.sum() == 1 else 'are'} "
            f"blank: {listing(row_labels(seconds.index[blank], row_word))}. Fill them in (0 for calls that were not "
            "handled) or delete those rows."
        )
    negative = seconds < 0
    if negative.any():
        raise NegativeCountError(
            f"Handling times cannot be negative, but column {name!r} has "
            f"{plural(int(negative.sum()), 'negative value')}: "
            f"{listing(row_labels(seconds.index[negative], row_word))}. "
            "Correct those cells."
        )
    return seconds


def _as_text(values: pd.Series) -> pd.Series:
    """Call types as text, with whole numbers read from Excel (999.0) written as 999 (each distinct value once)."""
    codes, uniques = pd.factorize(values)
    text = [str(int(u)) if isinstance(u, float) and u.is_integer() else str(u).strip() for u in uniques]
    return pd.Series(np.array(text + ["nan"], dtype=object)[codes], index=values.index)


def count_calls(source: Any, timestamp_column: Any, frequency: str = "daily", call_type_column: Any = None,
                call_type: Any = None, handling_time_column: Any = None, start: Any = None, end: Any = None,
                allow_empty_periods: bool = False, dayfirst: bool | None = None) -> pd.DataFrame:
    """Count a call-level export (one row per call) into periods; return ``period, calls, handling_seconds``.

    Timestamps are naive local times (zone-aware ones raise :class:`~forcast.errors.TimezoneError`). The export is
    taken to cover whole days, from the day of its first call to the day of its last (or from ``start`` to ``end``,
    both inclusive dates, when given; calls outside them are left out). Only complete periods are counted: a first or
    last week or month that the export covers only in part is dropped, with a message on the ``forcast.data``
    logger (level INFO). A complete period with no calls is a gap: :class:`~forcast.errors.MissingPeriodError`,
    unless ``allow_empty_periods=True`` (then it counts as 0). ``call_type`` (one value or a list, compared as
    text, e.g. ``"999"``) keeps only calls of that type in ``call_type_column``. ``handling_seconds`` is the total
    of ``handling_time_column`` (seconds, or h:mm:ss) per period, and NaN throughout when no column is given.
    Numeric dates (``01/04/2018 13:45``) are read day first unless ``dayfirst=False``; an export that reads only
    month first, or both ways with calls that fill their days, raises :class:`~forcast.errors.AmbiguousDateError`.
    A file of counts per period (one row per date, and a column of numbers) raises
    :class:`~forcast.errors.NotCallLevelError`: load it with :func:`forcast.load_series`.
    """
    check_frequency_name(frequency)
    dayfirst = check_dayfirst(dayfirst)
    start, end = check_date(start, "start"), check_date(end, "end")
    if start is not None and end is not None and end < start:
        raise ParameterError(f"`end` must not be before `start`. Got start={start:%Y-%m-%d} and end={end:%Y-%m-%d}; "
                             f"swap them, or leave either out to use the first or last call.")
    if call_type is not None and call_type_column is None:
        raise ParameterError(f"call_type={call_type!r} needs call_type_column=, the column that holds the call types.")
    frame, row_word, _ = _read(source)
    wanted = {"timestamp_column": timestamp_column, "call_type_column": call_type_column,
              "handling_time_column": handling_time_column}
    check_columns(list(frame.columns), wanted)
    raw, frame = frame, without_blank_rows(frame, list(dict.fromkeys(c for c in wanted.values() if c is not None)))
    check_not_empty(len(frame), "the call data")
    if call_type is not None:
        types = _as_text(frame[call_type_column])
        keep = set(_as_text(pd.Series(list(call_type) if isinstance(call_type, list | tuple | set) else [call_type])))
        if not types.isin(keep).any():
            raise EmptyDataError(
                f"No calls have call_type {', '.join(sorted(keep))} in column {call_type_column!r}. The values there "
                f"are: {listing(sorted(types.unique()), limit=15)}. Pick one of these."
            )
        frame = frame[types.isin(keep)]
    stamps = _parse_timestamps(frame[timestamp_column], row_word, str(timestamp_column), dayfirst)
    _refuse_period_counts(raw.loc[frame.index], stamps, str(timestamp_column),
                          [c for c in wanted.values() if c is not None])
    day = pd.Timedelta(days=1)
    first_call, last_call = stamps.min(), stamps.max()
    window_start = pd.Timestamp(start).normalize() if start is not None else first_call.normalize()
    window_end = (pd.Timestamp(end).normalize() if end is not None else last_call.normalize()) + day
    inside = (stamps >= window_start) & (stamps < window_end)
    if (~inside).any():
        logger.info("Left out %d calls outside %s to %s.", int((~inside).sum()), window_start.date(),
                    (window_end - day).date())

    code, word = FREQUENCIES[frequency], PERIOD_WORDS[frequency]
    first, last = window_start.to_period(code), (window_end - day).to_period(code)
    if first.start_time < window_start:
        logger.info("Dropped the first %s, %s: the data start part-way through it, on %s.", word,
                    period_label(first), window_start.date())
        first += 1
    if (last + 1).start_time > window_end:
        logger.info("Dropped the last %s, %s: the data end part-way through it, on %s.", word,
                    period_label(last), (window_end - day).date())
        last -= 1
    if first > last:
        raise EmptyDataError(
            f"The calls run from {first_call} to {last_call}, which holds no complete {word}. Load a longer "
            f"export or choose a shorter frequency."
        )
    periods = pd.period_range(first, last, freq=code)
    counted = (stamps >= periods[0].start_time) & (stamps < (periods[-1] + 1).start_time)
    position = stamps[counted].dt.to_period(code).array.asi8 - periods[0].ordinal
    calls = np.bincount(position, minlength=len(periods))
    # gaps are found day by day whatever the frequency: an empty day inside a week or month would otherwise
    # lower that period's count without a word
    days = pd.period_range(periods[0].start_time, periods[-1].end_time, freq="D")
    day_position = stamps[counted].dt.to_period("D").array.asi8 - days[0].ordinal
    empty = days[np.bincount(day_position, minlength=len(days)) == 0]
    if len(empty) and not allow_empty_periods:
        raise MissingPeriodError(
            f"{plural(len(empty), 'day')} between {days[0]} and {days[-1]} "
            f"{'has' if len(empty) == 1 else 'have'} no calls at all: {listing([str(p) for p in empty])}. "
            f"The calls run from {first_call} to {last_call}. An empty day usually means the export missed "
            f"data: export it again. If there really were no calls, pass allow_empty_periods=True to count 0."
        )
    handling = np.full(len(periods), np.nan)
    if handling_time_column is not None:
        seconds = _handling_seconds(frame[handling_time_column][counted], row_word, str(handling_time_column))
        handling = np.bincount(position, weights=seconds.to_numpy(dtype=float), minlength=len(periods))
    return pd.DataFrame({"period": periods, "calls": calls.astype("int64"), "handling_seconds": handling})


def load_calls(source: Any, timestamp_column: Any, frequency: str = "daily", call_type_column: Any = None,
               call_type: Any = None, start: Any = None, end: Any = None, allow_empty_periods: bool = False,
               measure: str | None = None, name: str | None = None, force: str | None = None,
               dayfirst: bool | None = None) -> pd.Series:
    """Count a call-level export (one row per call) into a demand series of calls per period.

    Counting follows :func:`count_calls` (whole days, partial first and last periods dropped, gaps raise unless
    ``allow_empty_periods=True``); use :func:`count_calls` itself for handling times. ``measure`` defaults to
    ``"calls_999"`` or ``"calls_101"`` when ``call_type`` is one of those, else ``"calls"``; ``name`` defaults to
    ``measure``.
    """
    table = count_calls(source, timestamp_column, frequency, call_type_column, call_type, None, start, end,
                        allow_empty_periods, dayfirst)
    if measure is None:
        single = call_type is not None and not isinstance(call_type, list | tuple | set)
        text = _as_text(pd.Series([call_type], dtype=object)).iloc[0] if single else ""
        measure = f"calls_{text}" if text in ("999", "101") else "calls"
    source_name = "DataFrame" if isinstance(source, pd.DataFrame) else str(Path(source).expanduser().resolve())
    return make_series(table["calls"], pd.PeriodIndex(table["period"]), name=name or measure, measure=measure,
                       unit="calls", force=force, source=source_name)
