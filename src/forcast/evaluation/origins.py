"""Where backtest folds go: origins as dates, the :class:`RollingOrigin` splitter, and which declared events were
observable at an origin (:func:`observable_events`). Used by :mod:`forcast.evaluation.backtesting` and
:mod:`forcast.evaluation.checking`;
see the :mod:`forcast.evaluation.backtesting` docstring for the rules."""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Iterator

import numpy as np
import pandas as pd

from ..forecasting import fiscal
from ..errors import ParameterError, SeriesTooShortError
from ..data.series import PERIODS_PER_YEAR, meta

_YEARS = re.compile(r"^\s*(\d+)\s*y\s*$", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------- settings
def _years_or_periods(value: Any, name: str, example: str) -> tuple[str, int]:
    """``"4y"`` -> ``("years", 4)``; ``8`` -> ``("periods", 8)``; anything else raises ParameterError."""
    if isinstance(value, str):
        match = _YEARS.match(value)
        if match and int(match.group(1)) > 0:
            return "years", int(match.group(1))
    elif isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) and value > 0:
        return "periods", int(value)
    raise ParameterError(
        f"`{name}` must be an integer greater than 0 or a string like {example!r}. Got {value!r}."
    )


def origin_end(value: Any) -> pd.Timestamp:
    """The last day an origin covers: ``"2018-09-30"`` and ``"2018Q3"`` and ``"2018-09"`` all give 30 Sep 2018."""
    try:
        if isinstance(value, pd.Period):
            return value.end_time.normalize()
        if isinstance(value, str):
            return pd.Period(value.strip()).end_time.normalize()
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise ParameterError(
            f"An origin must be a date such as '2018-03-31' (or a period such as '2018Q1'). Got {value!r}."
        ) from None


def origin_period(index: pd.PeriodIndex, value: Any) -> pd.Period | None:
    """The last period of ``index`` that ends on or before origin ``value`` (None if there is none)."""
    ends = index.end_time.normalize()
    before = np.flatnonzero(ends <= origin_end(value))
    return index[before[-1]] if before.size else None


class RollingOrigin:
    """Expanding-window splits at chosen origins: train on everything up to the origin, test on what follows.

    ``origins``: dates (``"2015-03-31"``), or None for every financial-year end (31 March) with enough history.
    ``horizon``: ``"4y"`` (to the end of the 4th financial year counted from the one the first forecast period
    falls in) or a number of periods. ``min_history``: ``"3y"`` or a number of periods each training set needs.
    Folds (``o`` = origin, the last training period; the test is cut where the data end)::

        series   |-------------------------------------------------------------------------|
        fold 1   |=== train (>= min_history) ===|o|---- test (horizon) ----|
        fold 2   |============= train ====================|o|---- test (horizon) ----|
        fold 3   |======================= train ==========================|o|--- test ---|  (cut)

    Every fold's training data end exactly at its origin and its test starts at the next period, so no value
    after the origin is ever seen by the model fitted there.
    """

    def __init__(self, origins: Iterable[Any] | None = None, horizon: int | str = "4y",
                 min_history: int | str = "3y") -> None:
        self.origins = origins
        self.horizon = horizon
        self.min_history = min_history
        self._horizon = _years_or_periods(horizon, "horizon", "4y")
        self._min_history = _years_or_periods(min_history, "min_history", "3y")
        if origins is not None:
            if isinstance(origins, (str, pd.Timestamp, pd.Period)):
                origins = [origins]
            self._origin_ends = sorted({origin_end(o) for o in origins})
            if not self._origin_ends:
                raise ParameterError("`origins` must hold at least one date, or be None for the defaults. Got [].")
        else:
            self._origin_ends = None

    def __repr__(self) -> str:
        return f"RollingOrigin(origins={self.origins!r}, horizon={self.horizon!r}, min_history={self.min_history!r})"

    # ------------------------------------------------------------------ per series
    def min_history_periods(self, series: pd.Series) -> int:
        kind, n = self._min_history
        return n if kind == "periods" else math.ceil(n * PERIODS_PER_YEAR[meta(series)["frequency"]] - 1e-9)

    def horizon_for(self, origin: pd.Period) -> int:
        """Number of periods forecast from ``origin`` (the last training period)."""
        kind, n = self._horizon
        if kind == "periods":
            return n
        last_fy = fiscal.financial_year((origin + 1).start_time) + (n - 1)
        return int((pd.Period(last_fy.end_time, freq=origin.freq) - origin).n)

    def origins_for(self, series: pd.Series) -> list[pd.Period]:
        """The origins (as last training periods) for ``series``; explicit origins are checked, defaults filtered."""
        index = series.index
        need = self.min_history_periods(series)
        if self._origin_ends is None:
            years = range(index[0].start_time.year, index[-1].end_time.year + 1)
            candidates = {origin_period(index, pd.Timestamp(year=y, month=3, day=31)) for y in years}
            keep = [p for p in candidates if p is not None and p < index[-1]
                    and index.get_loc(p) + 1 >= need]
            if not keep:
                raise SeriesTooShortError(
                    f"No financial-year end in {index[0]}–{index[-1]} leaves {need} periods of history and an "
                    f"actual after it, so there is nothing to backtest. Use a longer series, or give `origins` "
                    f"and a smaller `min_history`."
                )
            return sorted(keep)
        out = []
        for end in self._origin_ends:
            p = origin_period(index, end)
            have = 0 if p is None else index.get_loc(p) + 1
            if have < need:
                raise SeriesTooShortError(
                    f"Origin {end:%d %b %Y} leaves {have} periods of history; each origin needs at least {need} "
                    f"(`min_history`={self.min_history!r}). The series starts {index[0]}. Choose a later origin."
                )
            if p >= index[-1]:
                raise ParameterError(
                    f"Origin {end:%d %b %Y} has no actual after it (the series ends {index[-1]}), so nothing can "
                    f"be checked. Choose an origin before {index[-1].start_time:%d %b %Y}."
                )
            out.append(p)
        return sorted(set(out))

    def split(self, series: pd.Series) -> Iterator[tuple[pd.Series, pd.Series]]:
        """Yield ``(train, test)`` for each origin; ``test`` holds at most ``horizon`` periods."""
        for origin in self.origins_for(series):
            stop = series.index.get_loc(origin) + 1
            yield series.iloc[:stop], series.iloc[stop:stop + self.horizon_for(origin)]

    def get_n_splits(self, series: pd.Series) -> int:
        return len(self.origins_for(series))


# ---------------------------------------------------------------------------------------------- events
def observable_events(events: Iterable[Any], index: pd.PeriodIndex,
                      min_after_shift: int = 1) -> tuple[tuple, list[str]]:
    """The declared ``events`` that can be honoured on training periods ``index``, and notes on the others.

    An event that starts after the last training period is dropped; an excluded period running past it is cut at
    it; a level shift is kept only when at least ``min_after_shift`` periods from its start were observed. The
    rest goes through :func:`forcast.models.events.clip_events`. Returns ``(events, notes)``, the notes in words.
    """
    from ..models.events import ExcludedPeriod, LevelShift, Outlier, _as_tuple, _resolve, clip_events

    last = index[-1]
    keep, notes = [], []
    for event in (_resolve(e, index.freq) for e in _as_tuple(events)):
        if isinstance(event, LevelShift):
            after = int((last - event.start).n) + 1
            if after < min_after_shift:
                why = "it starts after the origin" if after <= 0 else (
                    f"only {after} period(s) on the new basis observed by {last}, {min_after_shift} needed")
                notes.append(f"level shift {event.label!r} at {event.start} not applied: {why}")
                continue
        elif isinstance(event, ExcludedPeriod) and event.start > last:
            notes.append(f"excluded period {event.label!r} ({event.start}–{event.end}) not applied: after the origin")
            continue
        elif isinstance(event, ExcludedPeriod) and event.end > last:
            notes.append(f"excluded period {event.label!r} cut at the origin ({event.start}–{last})")
        elif isinstance(event, Outlier) and event.period > last:
            notes.append(f"outlier {event.label!r} at {event.period} not applied: after the origin")
            continue
        keep.append(event)
    kept = clip_events(keep, index)
    for event in keep:
        if isinstance(event, LevelShift) and event not in kept:
            notes.append(f"level shift {event.label!r} at {event.start} not applied: it cannot be estimated "
                         f"from the history up to {last}")
    return kept, notes
