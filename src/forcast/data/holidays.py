"""Bank-holiday regressors for call demand: an event that ARIMA takes as extra regressors.

:class:`BankHolidays` follows the regressor-event protocol of :mod:`forcast.models.events` (a ``label`` and a method
``regressors(index) -> DataFrame``), so it is declared like any other event::

    forcast.forecast(calls, until="2021/22", events=[BankHolidays()])

It gives one column, ``bank_holiday``:

* for a **daily** series, 1 on a bank holiday and 0 otherwise;
* for **weekly, monthly, quarterly** (and financial-year) series, the number of bank holidays in the period.

The dates come from the ``holidays`` package, which computes them for any year, so the regressor is known for past
**and** future periods (that is what lets ARIMA use it in a forecast). One-off holidays announced later (a
jubilee, a coronation, a state funeral) appear only once the package knows them: future years hold the regular
bank holidays only.

England and Wales share one list of bank holidays. The default ``subdiv="ENG"`` is England; ``"WLS"`` (Wales)
gives exactly the same dates — checked for 1990–2035 in ``tests/test_holidays.py`` — so a Welsh force can use
either.
Scotland (``"SCT"``) and Northern Ireland (``"NIR"``) have their own.

Which days count. The ``holidays`` package lists the holiday itself *and* its substitute day: Christmas Day 2022 (a
Sunday) and the substitute bank holiday on Tuesday 27 December are both listed. ``weekend_dates=True`` (default)
keeps both, because call demand responds to the festival as well as to the day off; ``weekend_dates=False`` keeps
only the weekday days off, which is exactly GOV.UK's list of bank holidays in England and Wales.

The stand-in call series in :mod:`forcast.data.datasets` are American: for them use the US calendar, e.g.
``BankHolidays("US holidays", country="US", subdiv="OR")`` for Eugene, not English bank holidays.

How models use it: ARIMA adds the column as a regressor and reports its estimated effect (calls per bank holiday);
ETS takes no regressors and ignores it (noted in its description and the log).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..errors import EventError

__all__ = ["BankHolidays", "COLUMN"]

#: Name of the regressor column (ARIMA reports it as ``"<label>: bank_holiday"``).
COLUMN = "bank_holiday"


@lru_cache(maxsize=64)
def _calendar(country: str, subdiv: str | None, first: int, last: int) -> tuple[tuple[_dt.date, str], ...]:
    import holidays as _holidays  # the PyPI package (absolute import), not this module

    try:
        found = _holidays.country_holidays(country, subdiv=subdiv, years=range(first, last + 1))
    except NotImplementedError:
        raise EventError(
            f"BankHolidays: the holidays package has no calendar for country={country!r}. Use an ISO country code "
            f"such as 'GB' (with subdiv='ENG' for England and Wales) or 'US'."
        ) from None
    return tuple(sorted(found.items()))


@dataclass(frozen=True)
class BankHolidays:
    """Bank holidays as a regressor event (see the module docstring).

    Parameters
    ----------
    label : how the event is named in model descriptions and tables.
    country, subdiv : the ``holidays`` package's calendar: ``"GB"`` with ``"ENG"`` (England; Wales is identical),
        ``"SCT"`` or ``"NIR"``; or another country, e.g. ``"US"`` with a state code.
    weekend_dates : keep holidays that fall on a Saturday or Sunday (True, default) or only the weekday days off
        (False: GOV.UK's bank holiday list for England and Wales).
    """

    label: str = "bank holidays"
    country: str = "GB"
    subdiv: str | None = "ENG"
    weekend_dates: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label.strip():
            raise EventError(f"BankHolidays needs a non-empty text label. Got {self.label!r}.")
        if not isinstance(self.country, str) or not self.country.strip():
            raise EventError(f"BankHolidays `country` must be an ISO code such as 'GB'. Got {self.country!r}.")
        import holidays as _holidays

        cls = _holidays.country_holidays  # validate the subdivision now, not at fit time
        try:
            cls(self.country, subdiv=self.subdiv, years=[2000])
        except NotImplementedError as exc:
            subdivs = getattr(getattr(_holidays, self.country.upper(), None), "subdivisions", ())
            hint = f" Subdivisions for {self.country}: {', '.join(subdivs)}." if subdivs else ""
            raise EventError(
                f"BankHolidays: no calendar for country={self.country!r}, subdiv={self.subdiv!r} ({exc}).{hint}"
            ) from None

    # ------------------------------------------------------------------ the dates
    def dates(self, start: Any, end: Any) -> pd.DataFrame:
        """The holidays from ``start`` to ``end`` (inclusive dates): columns ``date, name`` (one row per day)."""
        first, last = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
        if last < first:
            raise EventError(f"BankHolidays.dates: `end` ({last:%Y-%m-%d}) is before `start` ({first:%Y-%m-%d}).")
        rows = [(pd.Timestamp(d), name) for d, name in _calendar(self.country, self.subdiv, first.year, last.year)]
        frame = pd.DataFrame(rows, columns=["date", "name"])
        frame = frame[(frame["date"] >= first) & (frame["date"] <= last)]
        if not self.weekend_dates:
            frame = frame[frame["date"].dt.day_of_week < 5]
        return frame.reset_index(drop=True)

    # ------------------------------------------------------------------ the regressor
    def regressors(self, index: pd.PeriodIndex) -> pd.DataFrame:
        """``bank_holiday`` for each period of ``index`` (past or future): 0/1 for days, else the count."""
        if isinstance(index, pd.DatetimeIndex):
            index = index.to_period("D")
        if not isinstance(index, pd.PeriodIndex):
            raise EventError(
                f"BankHolidays.regressors needs a pandas PeriodIndex (the series' periods). Got "
                f"{type(index).__name__}."
            )
        if len(index) == 0:
            return pd.DataFrame({COLUMN: np.zeros(0)}, index=index)
        starts = index.start_time.normalize()
        ends = index.end_time.normalize()
        days = self.dates(starts.min(), ends.max())["date"].to_numpy(dtype="datetime64[ns]")
        counts = np.searchsorted(days, ends.to_numpy(), side="right") - np.searchsorted(
            days, starts.to_numpy(), side="left")
        return pd.DataFrame({COLUMN: counts.astype(float)}, index=index)
