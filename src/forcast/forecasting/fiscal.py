"""Financial years (April to March), calendar years and rolling 12-month windows.

A financial year runs from 1 April to 31 March and is labelled ``"2018/19"`` (April 2018 – March 2019). In pandas
it is the period ``pd.Period("2019", freq="Y-MAR")``, named by the year in which it ends.

Totals over any grouping are computed as ``values @ weights``: :func:`group_weights` returns, for a PeriodIndex, a
matrix whose entry ``[i, j]`` is the fraction of period ``i``'s days that fall in group ``j``. For days, months and
quarters the fractions are 0 or 1; a week that straddles 31 March is split between the two years by its days, so
totals are preserved exactly (every row of the matrix sums to 1).
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import FinancialYearError

Grouping = Literal["financial_year", "calendar_year", "month"]

_LABEL = re.compile(r"^\s*(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})\s*$")


def label(period: pd.Period) -> str:
    """``Period("2019", "Y-MAR")`` -> ``"2018/19"``."""
    end = period.end_time.year if period.freqstr != "Y-MAR" else period.year
    start = end - 1
    return f"{start}/{end % 100:02d}"


def financial_year(date) -> pd.Period:
    """The financial year (a ``Y-MAR`` Period) containing ``date`` (a date string, Timestamp or Period start)."""
    if isinstance(date, pd.Period):
        date = date.start_time
    return pd.Timestamp(date).to_period("Y-MAR")


def financial_year_label(date) -> str:
    """The label of the financial year containing ``date``: ``financial_year_label("2018-06-30") == "2018/19"``."""
    return label(financial_year(date))


def parse_financial_year(value) -> pd.Period:
    """Read a financial year given as ``"2022/23"``, ``"2022-23"``, ``"2022/2023"`` or a ``Y-MAR`` Period.

    A bare year such as ``2023`` is refused: people use it for both 2022/23 and 2023/24.
    """
    if isinstance(value, pd.Period):
        if value.freqstr != "Y-MAR":
            raise FinancialYearError(
                f"A financial year must be a 'Y-MAR' period (April–March). Got a {value.freqstr} period {value}."
            )
        return value
    text = str(value)
    match = _LABEL.match(text)
    if match is None:
        hint = ""
        if re.fullmatch(r"\s*\d{4}\s*", text):
            y = int(text)
            hint = f" A bare year is ambiguous: write '{y - 1}/{y % 100:02d}' or '{y}/{(y + 1) % 100:02d}'."
        raise FinancialYearError(
            f"A financial year must be written like '2022/23' (April 2022 to March 2023). Got {value!r}.{hint}"
        )
    start = int(match.group(1))
    end_text = match.group(2)
    end = int(end_text) if len(end_text) == 4 else (start + 1) // 100 * 100 + int(end_text)
    if end != start + 1:
        raise FinancialYearError(
            f"A financial year spans two consecutive years, like '2022/23'. Got {value!r} "
            f"({start} to {end})."
        )
    return pd.Period(str(end), freq="Y-MAR")


def _group_periods(start: pd.Timestamp, end: pd.Timestamp, grouping: Grouping) -> pd.PeriodIndex:
    freq = {"financial_year": "Y-MAR", "calendar_year": "Y-DEC", "month": "M"}[grouping]
    return pd.period_range(start.to_period(freq), end.to_period(freq), freq=freq)


def group_weights(index: pd.PeriodIndex, grouping: Grouping = "financial_year") -> pd.DataFrame:
    """Fraction of each period's days falling in each group (rows: ``index``; columns: group Periods)."""
    if len(index) == 0:
        return pd.DataFrame(index=index)
    starts = index.start_time.normalize()
    ends = index.end_time.normalize()  # last day of each period
    groups = _group_periods(starts.min(), ends.max(), grouping)
    g_start = groups.start_time.normalize().to_numpy()
    g_end = groups.end_time.normalize().to_numpy()
    p_start = starts.to_numpy()[:, None]
    p_end = ends.to_numpy()[:, None]
    lo = np.maximum(p_start, g_start[None, :])
    hi = np.minimum(p_end, g_end[None, :])
    one_day = np.timedelta64(1, "D")
    overlap = np.clip((hi - lo) / one_day + 1, 0, None)
    days = ((p_end - p_start) / one_day + 1)
    weights = overlap / days
    return pd.DataFrame(weights, index=index, columns=groups)


def group_coverage(index: pd.PeriodIndex, grouping: Grouping = "financial_year") -> pd.Series:
    """Fraction of each group's days covered by ``index`` (1.0 = the group is complete)."""
    weights = group_weights(index, grouping)
    if weights.empty:
        return pd.Series(dtype=float)
    days = (index.end_time.normalize() - index.start_time.normalize()).days.to_numpy() + 1
    covered = (weights.to_numpy() * days[:, None]).sum(axis=0)
    groups = weights.columns
    group_days = (groups.end_time.normalize() - groups.start_time.normalize()).days.to_numpy() + 1
    return pd.Series(covered / group_days, index=groups)


def periods_in_group(index: pd.PeriodIndex, group: pd.Period) -> int:
    """How many periods of ``index`` fall (wholly or partly) in ``group``."""
    weights = group_weights(index, _grouping_of(group))
    if group not in weights.columns:
        return 0
    return int((weights[group].to_numpy() > 0).sum())


def _grouping_of(group: pd.Period) -> Grouping:
    return {"Y-MAR": "financial_year", "Y-DEC": "calendar_year", "M": "month"}[group.freqstr]


def group_label(group: pd.Period) -> str:
    """Label a group for tables: ``"2018/19"`` for financial years, ``"2018"`` for calendar years."""
    if group.freqstr == "Y-MAR":
        return label(group)
    return str(group)


def rolling_12_month_weights(index: pd.PeriodIndex) -> pd.DataFrame:
    """Weights for rolling 12-month totals: one column per month end from the first complete window.

    Column ``m`` (a monthly Period) holds the weights of the 12 months ending with month ``m``. A window is kept
    only when it is fully covered and, except for weekly series (whose weeks are split by days), when its ends fall
    on period boundaries: a quarterly series has windows ending in March, June, September and December only.
    """
    monthly = group_weights(index, "month")
    coverage = group_coverage(index, "month")
    months = monthly.columns
    complete = coverage.to_numpy() >= 1 - 1e-9
    m = monthly.to_numpy()
    cols, mats = [], []
    for j in range(11, len(months)):
        if complete[j - 11 : j + 1].all():
            window = m[:, j - 11 : j + 1].sum(axis=1)
            aligned = np.all((np.abs(window) < 1e-9) | (np.abs(window - 1) < 1e-9))
            if aligned or index.freqstr.startswith("W"):
                cols.append(months[j])
                mats.append(window)
    if not cols:
        return pd.DataFrame(index=index)
    return pd.DataFrame(np.column_stack(mats), index=index, columns=pd.PeriodIndex(cols, freq="M"))


def fy_totals(series: pd.Series) -> pd.DataFrame:
    """Totals of the complete financial years in ``series``: ``financial_year, total, change, pct_change``."""
    weights = group_weights(series.index)
    coverage = group_coverage(series.index)
    complete = [g for g in weights.columns if coverage.get(g, 0) >= 1 - 1e-9]
    totals = series.to_numpy(dtype=float) @ weights[complete].to_numpy() if complete else []
    out = pd.DataFrame({"financial_year": [label(g) for g in complete], "total": totals})
    out["change"] = out["total"].diff()
    out["pct_change"] = 100 * out["change"] / out["total"].shift(1)
    return out
