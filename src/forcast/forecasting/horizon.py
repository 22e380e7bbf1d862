"""How far to forecast: the last financial year from ``until`` or ``h``, its default, and horizon years.

``until`` defaults to the fourth financial year after the last complete one in the series (data to March 2023 ->
2026/27). ``h`` is a number of periods (``16``) or of financial years after the last complete one (``"4y"``).
The *horizon year* of a forecast period is 1 for the financial year of the first forecast period, and so on.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import fiscal
from ..errors import FinancialYearError, ParameterError

__all__ = ["MAX_HORIZON_YEARS", "default_until", "horizon_until", "horizon_years", "resolve_until"]

#: Furthest a forecast goes, in financial years after the last complete one, unless a long horizon is asked for
#: (``allow_long_horizon=True``, command line ``--allow-long-horizon``): intervals further out say little.
MAX_HORIZON_YEARS = 10


def default_until(index: pd.PeriodIndex) -> pd.Period:
    """The fourth financial year after the last complete one in ``index`` (data to March 2023 -> 2026/27)."""
    last = index[-1]
    fy = fiscal.financial_year(last)
    complete = fy if last.end_time.normalize() >= fy.end_time.normalize() else fy - 1
    return complete + 4


def _check_h(h: Any) -> tuple[str, int]:
    """``h`` as ("periods", n) for an integer or ("years", n) for ``"4y"``/``"4 years"``."""
    if isinstance(h, (int, np.integer)) and not isinstance(h, bool) and h > 0:
        return "periods", int(h)
    if isinstance(h, str):
        text = h.strip().lower().replace(" ", "")
        for suffix in ("years", "year", "y"):
            if text.endswith(suffix) and text[: -len(suffix)].isdigit() and int(text[: -len(suffix)]) > 0:
                return "years", int(text[: -len(suffix)])
    raise ParameterError(
        f"`h` must be a positive whole number of periods (e.g. 16) or of financial years (e.g. '4y'). Got {h!r}."
    )


def resolve_until(index: pd.PeriodIndex, until: Any = None, h: Any = None,
                  allow_long: bool = False) -> tuple[pd.Period, int]:
    """The last financial year and the number of periods to forecast after ``index``, from ``until`` (a financial
    year), ``h`` (periods, or financial years as ``"4y"``) or, when both are None, :func:`default_until`.

    A last financial year more than :data:`MAX_HORIZON_YEARS` after the last complete one is refused unless
    ``allow_long``."""
    if until is not None and h is not None:
        raise ParameterError(
            f"Give `until` or `h`, not both. Got until={until!r} and h={h!r}."
        )
    last = index[-1]
    complete = default_until(index) - 4
    try:
        if h is not None:
            kind, n = _check_h(h)
            if kind == "years":
                fy = complete + n
            else:
                if not allow_long and n > (MAX_HORIZON_YEARS + 1) * _per_year(last):
                    _too_far("h", h, fiscal.financial_year(last) + MAX_HORIZON_YEARS + 1, complete)
                fy = fiscal.financial_year(last + n)
                _check_far("h", h, fy, complete, allow_long)
                fy.end_time  # noqa: B018 - raises if pandas cannot hold the date
                return fy, n
        else:
            fy = default_until(index) if until is None else fiscal.parse_financial_year(until)
        _check_far("h" if h is not None else "until", h if h is not None else until, fy, complete, allow_long)
        return horizon_until(last, fy)
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        given = f"h={h!r}" if h is not None else f"until={until!r}"
        raise FinancialYearError(
            f"The forecast would end beyond the year 2261, the last date forcast can hold. Got {given}. Choose a "
            f"nearer financial year."
        ) from None


def _per_year(period: pd.Period) -> int:
    return int((pd.Period(period.start_time + pd.DateOffset(years=1), freq=period.freq) - period).n)


def _check_far(name: str, given: Any, fy: pd.Period, complete: pd.Period, allow_long: bool) -> None:
    if not allow_long and (fy - complete).n > MAX_HORIZON_YEARS:
        _too_far(name, given, fy, complete)


def _too_far(name: str, given: Any, fy: pd.Period, complete: pd.Period) -> None:
    ahead = (fy - complete).n
    raise FinancialYearError(
        f"`{name}` must end at most {MAX_HORIZON_YEARS} financial years after the last complete one in the data "
        f"({fiscal.label(complete)}), so {fiscal.label(complete + MAX_HORIZON_YEARS)} at the latest. Got {given!r}, "
        f"{'more than ' if name == 'h' and not isinstance(given, str) else ''}{ahead} years ahead. Intervals that "
        f"far ahead say little; choose a nearer year, or pass allow_long_horizon=True to forcast.forecast "
        f"(`forcast forecast --allow-long-horizon`) to forecast that far anyway."
    )


def horizon_until(last: pd.Period, until) -> tuple[pd.Period, int]:
    """Financial year ``until`` and the number of periods after ``last`` needed to reach its end."""
    fy = fiscal.parse_financial_year(until)
    end = fy.end_time
    if end <= last.end_time:
        raise FinancialYearError(
            f"`until` must be a financial year that ends after the last observation ({last}). "
            f"Got {fiscal.label(fy)}, which ends on {end:%d %B %Y}. Leave it out for the default (the fourth "
            f"financial year after the last complete one)."
        )
    target = pd.Period(end, freq=last.freq)
    return fy, int((target - last).n)


def horizon_years(index: pd.PeriodIndex) -> np.ndarray:
    """Horizon year of each forecast period: 1 for the financial year of the first forecast period, and so on."""
    fys = np.array([fiscal.financial_year(p).ordinal for p in index])
    return fys - fys[0] + 1 if len(fys) else fys
