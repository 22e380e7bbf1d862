"""One date cell of a user's file read as a period or a day: the labels forcast understands (``2018-04``, ``Apr 2018``,
``2018Q2``, ``2018/19``, pandas' week labels ``2016-01-04/2016-01-10``) and the year range it accepts. Used by
:mod:`forcast.data` (period counts), :mod:`forcast.data.reading` (finding the header row) and
:mod:`forcast.data.call_exports`; whole columns are read with one rule by :mod:`forcast.data.dates`.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from .dates import YEARS
from .series import FREQUENCIES

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {"sept": 9}
_MONTH_NUM = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_MONTH_NAME = re.compile(r"^([A-Za-z]{3,9})\.?[\s\-/]*('?\d{2}|\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*[-/ ]?\s*Q([1-4])$|^Q([1-4])\s*[-/ ]?\s*(\d{4})$", re.IGNORECASE)
_FIN_YEAR = re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*/\s*(\d{4}-\d{2}-\d{2})$")  # a pandas Period label: 2016-01-04/2016-01-10
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")

def _in_years(year: int) -> bool:
    return YEARS[0] <= year <= YEARS[1]


def _classify(cell: Any) -> pd.Period | pd.Timestamp | str | None:
    """A cell as a Period (week range, quarter, financial year), a Timestamp (day or month), text for
    :func:`forcast.data.dates.parse_day_text`, or None (not a date, or a year outside
    :data:`forcast.data.dates.YEARS`)."""
    if isinstance(cell, pd.Period):
        return cell if _in_years(cell.start_time.year) else None
    if isinstance(cell, datetime | date | np.datetime64):
        try:
            stamp = pd.Timestamp(cell)
        except (ValueError, OverflowError):  # beyond what pandas holds, e.g. datetime(1, 1, 1)
            return None
        return stamp if not pd.isna(stamp) and _in_years(stamp.year) else None
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    if (m := _YEAR.search(text)) and not _in_years(int(m.group(1))):
        return None
    if m := _RANGE.match(text):
        return _range_period(m.group(1), m.group(2))
    if m := _FIN_YEAR.match(text):
        start, end = int(m.group(1)), int(m.group(2))
        if end % 100 == (start + 1) % 100 and (end < 100 or end == start + 1):
            return pd.Period(year=start + 1, freq=FREQUENCIES["annual"])
    if m := _MONTH_NUM.match(text):
        return pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=1) if 1 <= int(m.group(2)) <= 12 else None
    if (m := _MONTH_NAME.match(text)) and m.group(1).lower() in _MONTHS:
        year = m.group(2).lstrip("'")
        year = int(year) if len(year) == 4 else 2000 + int(year)
        return pd.Timestamp(year=year, month=_MONTHS[m.group(1).lower()], day=1) if _in_years(year) else None
    if m := _QUARTER.match(text):
        year, quarter = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        return pd.Period(f"{year}Q{quarter}", freq=FREQUENCIES["quarterly"])
    return text


def _range_period(first: str, last: str) -> pd.Period | pd.Timestamp | None:
    """The period a ``start/end`` label spans (what pandas writes for a week: ``2016-01-04/2016-01-10``)."""
    try:
        start, end = pd.Timestamp(first), pd.Timestamp(last)
    except (ValueError, OverflowError):
        return None
    if not (_in_years(start.year) and _in_years(end.year)):
        return None
    if start == end:
        return start
    for name in ("weekly", "monthly", "quarterly", "annual"):
        period = start.to_period(FREQUENCIES[name])
        if period.start_time == start and period.end_time.normalize() == end:
            return period
    return None


def _year_note(cell: Any) -> str:
    """`` (year 0000: forcast reads years 1900 to 2100)`` when a cell's year is out of range, else ``""``."""
    if isinstance(cell, str) and (m := _YEAR.search(cell)) and not _in_years(int(m.group(1))):
        return f" (year {m.group(1)}: forcast reads years {YEARS[0]} to {YEARS[1]})"
    year = getattr(cell, "year", None)
    if isinstance(cell, datetime | date) and isinstance(year, int) and not _in_years(year):
        return f" (year {year}: forcast reads years {YEARS[0]} to {YEARS[1]})"
    return ""
