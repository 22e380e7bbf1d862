"""The demand series: the one data shape every part of forcast reads.

A *demand series* is a plain :class:`pandas.Series` of non-negative counts with a regular
:class:`pandas.PeriodIndex` (one period per count: a day, a week, a month, a quarter or a financial year) and a
``name``. Its metadata travel in :attr:`pandas.Series.attrs` under these keys:

``measure``   ``"recorded_crime"``, ``"calls_999"``, ``"calls_101"`` or free text
``unit``      what one count is, e.g. ``"crimes"``, ``"calls"``
``force``     the police force (or area) the series describes, or ``None``
``frequency`` one of :data:`FREQUENCIES` (``"daily"``, ``"weekly"``, ``"monthly"``, ``"quarterly"``, ``"annual"``)
``source``    where the figures come from (with licence where it applies)
``caveat``    anything a reader must know (e.g. "derived from rolling 12-month totals"), or ``None``

Use :func:`make_series` to build one and :func:`meta` to read the metadata back with defaults filled in; pandas
keeps ``attrs`` through slicing (``s.loc["2018"]``) but not through every operation, so library code reads them with
:func:`meta` and carries them on with :func:`with_meta`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import FrequencyError

#: forcast's frequency names mapped to pandas period frequencies. Weeks run Monday to Sunday (ISO weeks).
#: Annual periods are financial years (April to March), labelled by the year in which they end.
FREQUENCIES: dict[str, str] = {
    "daily": "D",
    "weekly": "W-SUN",
    "monthly": "M",
    "quarterly": "Q-DEC",
    "annual": "Y-MAR",
}

#: Length of the main seasonal cycle for each frequency (1 = no seasonal cycle is modelled).
SEASON_LENGTH: dict[str, int] = {"daily": 7, "weekly": 52, "monthly": 12, "quarterly": 4, "annual": 1}

#: Number of periods in one year, used for "years of history" and horizon arithmetic.
PERIODS_PER_YEAR: dict[str, float] = {
    "daily": 365.25,
    "weekly": 365.25 / 7,
    "monthly": 12,
    "quarterly": 4,
    "annual": 1,
}

_UNITS = {"recorded_crime": "crimes", "calls_999": "calls", "calls_101": "calls"}
META_KEYS = ("measure", "unit", "force", "frequency", "source", "caveat")


def frequency_of(index: pd.PeriodIndex) -> str:
    """Return forcast's frequency name (``"monthly"``, ...) for a PeriodIndex."""
    freqstr = index.freqstr
    for name, code in FREQUENCIES.items():
        if pd.Period("2000-01-01", freq=code).freqstr == freqstr:
            return name
    raise FrequencyError(
        f"Period frequency {freqstr!r} is not supported; forcast works with "
        f"{', '.join(FREQUENCIES)} series. Resample the data to one of these first."
    )


def check_frequency_name(frequency: str) -> str:
    """Return ``frequency`` if it is one of :data:`FREQUENCIES`, else raise :class:`FrequencyError`."""
    if frequency not in FREQUENCIES:
        raise FrequencyError(
            f"frequency must be one of {', '.join(repr(f) for f in FREQUENCIES)}. Got {frequency!r}."
        )
    return frequency


def make_series(
    values: Any,
    index: pd.PeriodIndex,
    *,
    name: str,
    measure: str,
    unit: str | None = None,
    force: str | None = None,
    source: str | None = None,
    caveat: str | None = None,
) -> pd.Series:
    """Build a demand series from counts and a PeriodIndex, with its metadata in ``attrs``.

    Counts are stored as ``int64`` when every value is a whole number, otherwise as ``float64`` (kept as given).
    """
    if not isinstance(index, pd.PeriodIndex):
        raise FrequencyError(f"index must be a pandas PeriodIndex. Got {type(index).__name__}.")
    arr = np.asarray(values, dtype=float)
    if arr.size and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        arr = arr.astype("int64")
    s = pd.Series(arr, index=index.rename("period"), name=name)
    s.attrs.update(
        measure=measure,
        unit=unit or _UNITS.get(measure, "count"),
        force=force,
        frequency=frequency_of(index),
        source=source,
        caveat=caveat,
    )
    return s


def meta(series: pd.Series) -> dict[str, Any]:
    """Return the series' metadata, filling any key pandas dropped from what the index and name tell."""
    attrs = dict(series.attrs)
    out: dict[str, Any] = {key: attrs.get(key) for key in META_KEYS}
    if out["frequency"] is None and isinstance(series.index, pd.PeriodIndex):
        out["frequency"] = frequency_of(series.index)
    if out["measure"] is None:
        out["measure"] = str(series.name) if series.name is not None else "demand"
    if out["unit"] is None:
        out["unit"] = _UNITS.get(out["measure"], "count")
    return out


def with_meta(series: pd.Series, like: pd.Series, **changes: Any) -> pd.Series:
    """Copy ``like``'s metadata onto ``series`` (applying ``changes``) and return ``series``."""
    series.attrs.update(meta(like))
    series.attrs.update(changes)
    return series


def describe_series(series: pd.Series) -> str:
    """One line for people: ``"Lancashire recorded_crime, quarterly, 2006Q2–2018Q4 (51 periods)"``."""
    m = meta(series)
    who = f"{m['force']} " if m["force"] else ""
    group = series.attrs.get("offence_group")
    what = f"{m['measure']} ({group})" if group else m["measure"]  # one offence group, not the total
    if len(series) == 0:
        return f"{who}{what}, {m['frequency']}, empty"
    return (
        f"{who}{what}, {m['frequency']}, {series.index[0]}–{series.index[-1]} "
        f"({len(series)} periods)"
    )


def check_demand_series(series: Any, purpose: str = "forecasting") -> pd.Series:
    """Check that ``series`` is a demand series forcast can model, and return it (metadata completed).

    The rules: a pandas Series; a PeriodIndex of a supported frequency with no gaps or repeats (build one with
    :func:`forcast.load_series` from a DataFrame or file); finite, non-negative counts. ``purpose`` names what the
    series is for in the error message.
    """
    from ..errors import DuplicatePeriodError, MissingPeriodError, MissingValueError, NegativeCountError, ParameterError

    if not isinstance(series, pd.Series):
        raise ParameterError(
            f"{purpose} needs a pandas Series of counts (a demand series). Got {type(series).__name__}. "
            f"Load data with forcast.load_series(...) or forcast.datasets.recorded_crime(...)."
        )
    if not isinstance(series.index, pd.PeriodIndex):
        raise FrequencyError(
            f"{purpose} needs a series indexed by periods (a pandas PeriodIndex). Got a "
            f"{type(series.index).__name__}. Use forcast.load_series(series) to convert dates to periods."
        )
    frequency_of(series.index)
    if series.index.has_duplicates:
        dups = series.index[series.index.duplicated()].unique()
        raise DuplicatePeriodError(
            f"{purpose} needs each period once; {len(dups)} repeated: {', '.join(map(str, dups[:10]))}."
        )
    if len(series) > 1:
        expected = pd.period_range(series.index.min(), series.index.max(), freq=series.index.freq)
        if len(expected) != len(series) or not series.index.is_monotonic_increasing:
            missing = expected.difference(series.index)
            if len(missing):
                raise MissingPeriodError(
                    f"{purpose} needs a complete run of periods; {len(missing)} missing: "
                    f"{', '.join(map(str, missing[:10]))}{' ...' if len(missing) > 10 else ''}. "
                    f"Fill them from the source system, or declare them with ExcludedPeriod."
                )
            series = series.sort_index()
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        where = ", ".join(str(p) for p in series.index[bad][:10])
        raise MissingValueError(
            f"{purpose} needs a count in every period; {int(bad.sum())} missing or not numeric: {where}. "
            f"Declare periods to ignore with ExcludedPeriod rather than leaving them blank."
        )
    if (values < 0).any():
        neg = series[values < 0]
        shown = ", ".join(f"{p}: {v}" for p, v in list(neg.items())[:10])
        raise NegativeCountError(f"{purpose} needs counts of zero or more; {len(neg)} negative: {shown}.")
    out = series.copy()
    out.attrs.update(meta(series))
    return out


def stand_in_note(series: pd.Series) -> str | None:
    """The first sentence of a stand-in series' caveat ("Stand-in: ... — not UK police 999/101 data."), else None.

    Series from :func:`forcast.data.datasets.calls` carry it in ``attrs["caveat"]``; a user's own data return None.
    """
    caveat = meta(series).get("caveat") or ""
    if not caveat.lstrip().lower().startswith("stand-in"):
        return None
    first = caveat.split(". ")[0].strip()
    return first if first.endswith(".") else first + "."
