"""Reading date text with one rule for a whole column: ISO dates, day-first or month-first numeric dates, names.

Used by :mod:`forcast.data` (period dates) and :mod:`forcast.data.call_exports` (call timestamps). A column is never
read cell by cell with a guess per cell: numeric dates such as ``01/02/2016`` are read day first (UK) or month first
(US) for every cell alike. Day first is the default; when only the month-first reading works, or when both work
and give different data that both look right, :class:`~forcast.errors.AmbiguousDateError` says so with two rows
read both ways, and the caller's ``dayfirst=`` (``--dayfirst``/``--monthfirst`` on the command line) decides.
Nothing here reads files, prints or changes its inputs.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AmbiguousDateError
from .validation import plural

#: The years forcast reads in dates; a year outside is a typo or a placeholder (e.g. 0000 for "no date").
YEARS = (1900, 2100)

#: Numeric day-month-year (or month-day-year) dates with an optional time: 01/04/2018, 1-4-18 13:45, 01.04.2018.
_NUMERIC = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,9}))?)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?$"
)
#: Text that ends in a time zone: a clock time or a date followed by Z, an offset like -03:00, UTC, GMT or BST.
_ZONED = re.compile(r"(?:\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*|\d\s+)(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT|BST)$")
_LETTERS = re.compile(r"[A-Za-z]{3}")

#: The sentence every ambiguity message ends with: how to choose.
DAYFIRST_HELP = ("Pass dayfirst=True (day first, UK: 01/04/2018 is 1 April) or dayfirst=False (month first, US: "
                 "04/01/2018 is 1 April); on the command line, --dayfirst or --monthfirst.")


class ZonedText(Exception):
    """Internal: text timestamps carry a time zone; ``label`` is the index label of the first such cell."""

    def __init__(self, label: Any) -> None:
        super().__init__(label)
        self.label = label


def check_dayfirst(dayfirst: Any) -> bool | None:
    """Return ``dayfirst`` if it is True, False or None; else raise :class:`~forcast.errors.ParameterError`."""
    from ..errors import ParameterError

    if dayfirst is None or isinstance(dayfirst, bool | np.bool_):
        return None if dayfirst is None else bool(dayfirst)
    raise ParameterError(f"`dayfirst` must be True (day first, UK), False (month first, US) or None (day first "
                         f"unless the dates only read month first). Got {dayfirst!r}.")


def _numeric_readings(parts: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The day-first and month-first readings of numeric date parts (NaT where a reading is not a date)."""
    year = parts["y"].astype(int)
    year = year.where(parts["y"].str.len() == 4, np.where(year < 69, 2000 + year, 1900 + year))
    a, b = parts["a"].astype(int), parts["b"].astype(int)
    hour = parts["H"].fillna("0").astype(int)
    minute = parts["M"].fillna("0").astype(int)
    second = parts["S"].fillna("0").astype(int)
    fraction = parts["f"].fillna("0").map(lambda f: float(f"0.{f}"))
    ampm = parts["ampm"].fillna("").str.lower().str[:1]
    bad_clock = (minute > 59) | (second > 59) | np.where(ampm != "", (hour < 1) | (hour > 12), hour > 23)
    hour = np.where(ampm == "p", hour % 12 + 12, np.where(ampm == "a", hour % 12, hour))
    clock = pd.to_timedelta(hour * 3600 + minute * 60 + second + fraction, unit="s")
    in_range = (year >= YEARS[0]) & (year <= YEARS[1])

    def reading(day: pd.Series, month: pd.Series) -> pd.Series:
        ok = in_range & ~bad_clock & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
        frame = pd.DataFrame({"year": year.where(ok, 2000), "month": month.where(ok, 1), "day": day.where(ok, 1)})
        days = pd.to_datetime(frame, errors="coerce")
        days = days.where(ok & (days.dt.day == day))  # 31/02 is not a date
        return days + clock

    return reading(a, b), reading(b, a)


def _show(stamp: pd.Timestamp) -> str:
    if pd.isna(stamp):
        return "not a date"
    text = f"{stamp.day} {stamp:%b %Y}"
    return text if stamp == stamp.normalize() else f"{text} {stamp:%H:%M}"


def parse_day_text(text: pd.Series, dayfirst: bool | None = None, column: str = "the column",
                   label: Callable[[Any], str] = str,
                   describe: Callable[[pd.Series], str | None] | None = None) -> pd.Series:
    """Parse date text with one rule for the column; return datetimes (NaT where a cell is not a date).

    ISO dates (``2018-04-01``, ``2018-04``, ``2018-04-01 13:45``) are read as such; numeric dates with ``/``, ``-`` or
    ``.`` (``01/04/2018``) day first when ``dayfirst`` is True, month first when False; with None, day first unless
    only the month-first reading works or both work and ``describe`` (a reading of the numeric cells -> a short
    description of the data it gives, or None when that reading does not look like a usable series) accepts both
    or only month first: then :class:`~forcast.errors.AmbiguousDateError`. Text with month names
    (``1 April 2018``) is read by pandas. Years outside :data:`YEARS` are NaT. ``label`` names a cell by its index
    label in messages (e.g. ``"row 5"``).

    Raises :class:`ZonedText` when cells carry a time zone (``Z``, ``-03:00``, ``BST``...).
    """
    text = text.astype(str).str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if text.empty:
        return out
    zoned = text.str.contains(_ZONED)
    if zoned.any():
        raise ZonedText(text.index[zoned.to_numpy()][0])
    parts = text.str.extract(_NUMERIC)
    numeric = parts["a"].notna().to_numpy()
    if numeric.any():
        day_first, month_first = _numeric_readings(parts[numeric])
        if dayfirst is None:
            dayfirst = _choose_order(text[numeric], day_first, month_first, column, label, describe)
        out[text.index[numeric]] = day_first if dayfirst else month_first
    rest = text[~numeric]
    if not rest.empty:
        out[rest.index] = _parse_iso(rest)
    names = text[out.isna().to_numpy() & ~numeric]
    names = names[names.str.contains(_LETTERS)]
    if not names.empty:
        out[names.index] = _parse_names(names, dayfirst is not False)
    return out


def _in_years(stamps: pd.Series) -> pd.Series:
    return stamps.where((stamps.dt.year >= YEARS[0]) & (stamps.dt.year <= YEARS[1]))


def _parse_iso(text: pd.Series) -> pd.Series:
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except (ValueError, OverflowError, TypeError):  # mixed offsets and the like: read one cell at a time
        parsed = pd.Series([_one_iso(t) for t in text], index=text.index, dtype="datetime64[ns]")
    if getattr(parsed.dt, "tz", None) is not None:
        raise ZonedText(text.index[0])
    return _in_years(parsed.astype("datetime64[ns]"))


def _one_iso(cell: str) -> pd.Timestamp:
    try:
        stamp = pd.to_datetime(cell, format="ISO8601")
    except (ValueError, OverflowError, TypeError):
        return pd.NaT
    return pd.NaT if stamp.tzinfo is not None else stamp


def _parse_names(text: pd.Series, dayfirst: bool) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(text, format="mixed", dayfirst=dayfirst, errors="coerce")
        except (ValueError, OverflowError, TypeError):
            return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if not pd.api.types.is_datetime64_any_dtype(parsed) or getattr(parsed.dt, "tz", None) is not None:
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")  # zones read out of words: not dates
    return _in_years(parsed.astype("datetime64[ns]"))


def _choose_order(text: pd.Series, day_first: pd.Series, month_first: pd.Series, column: str,
                  label: Callable[[Any], str], describe: Callable[[pd.Series], str | None] | None) -> bool:
    """True (day first) unless the column reads only month first or both ways alike; then refuse."""
    ok_day, ok_month = day_first.notna(), month_first.notna()
    differ = ok_day & ok_month & (day_first != month_first)
    if not ok_month.all() and ok_day.all() or not differ.any() and ok_day.all():
        return True
    if not ok_day.all() and not ok_month.all():
        return True  # neither reading works: the cells that are not dates day first are quoted by the caller
    if ok_day.all():  # both readings work, and they differ
        day_text = describe(day_first) if describe else None
        month_text = describe(month_first) if describe else None
        if month_text is None:
            return True
        if day_text is None:
            why = f"Read day first they do not make a regular series; read month first they are {month_text}."
        else:
            why = f"Read day first they are {day_text}; read month first they are {month_text}."
        examples = [differ[differ].index[0], differ[differ].index[-1]]
    else:
        n = int((~ok_day).sum())
        why = (f"{plural(n, 'cell')} {'is' if n == 1 else 'are'} not a date day first, but every cell is a date "
               "month first: the column looks month first (US).")
        examples = [differ[differ].index[0] if differ.any() else ok_day[~ok_day].index[0], ok_day[~ok_day].index[0]]
    examples = list(dict.fromkeys(examples))
    shown = "; ".join(f"{label(i)}: {text[i]!r} is {_show(day_first[i])} day first, {_show(month_first[i])} month "
                      "first" for i in examples)
    raise AmbiguousDateError(
        f"The dates in {column} can be read day first or month first, and the two readings give different data: "
        f"{shown}. {why} forcast reads one rule for the whole column and will not guess. {DAYFIRST_HELP}"
    )
