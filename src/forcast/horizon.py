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
from .errors import FinancialYearError, ParameterError

__all__ = ["default_until", "horizon_until", "horizon_years", "resolve_until"]


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


def resolve_until(index: pd.PeriodIndex, until: Any = None, h: Any = None) -> tuple[pd.Period, int]:
    """The last financial year and the number of periods to forecast after ``index``, from ``until`` (a financial
    year), ``h`` (periods, or financial years as ``"4y"``) or, when both are None, :func:`default_until`."""
    if until is not None and h is not None:
        raise ParameterError(
            f"Give `until` or `h`, not both. Got until={until!r} and h={h!r}."
        )
    last = index[-1]
    if h is not None:
        kind, n = _check_h(h)
        if kind == "years":
            return horizon_until(last, default_until(index) - 4 + n)
        final = last + n
        return fiscal.financial_year(final), n
    return horizon_until(last, default_until(index) if until is None else until)


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
