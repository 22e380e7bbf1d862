"""Display strings for the cells of an FMS table (:class:`forcast.fms.document.Table`): numbers with thousands
separators, whole numbers without decimals, booleans as Yes/No, missing values as a dash, and the user's own
``number_format`` patterns, which are checked with a message naming the column and the value that failed.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..errors import ParameterError

#: What a missing value shows as.
MISSING = "–"
#: Number formats of the chapter's tables: counts with thousands separators, changes with a sign and one decimal.
COUNT = "{:,.0f}"
PCT = "{:+.1f}%"
#: The heading of the financial-year column.
FY = "Financial year"


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with a named index moved into columns and multi-level column labels joined."""
    out = frame.reset_index(drop=all(name is None for name in frame.index.names))  # a copy
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" ".join(str(p) for p in col if str(p) != "") for col in out.columns]
    if out.shape[1] == 0:
        raise ParameterError("A Table needs at least one column. Got a frame with none.")
    return out


def is_number_column(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def format_frame(frame: pd.DataFrame, formats: Mapping[str, str]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for position, column in enumerate(frame.columns):
        values = frame.iloc[:, position]
        pattern = formats.get(str(column))
        if pattern is not None:
            formatter = _pattern_formatter(pattern, str(column))
        else:
            formatter = _default_formatter(values)
        out[position] = [MISSING if _is_missing(v) else formatter(v) for v in values]
    out.columns = frame.columns
    return out


def _pattern_formatter(pattern: str, column: str) -> Callable[[Any], str]:
    def apply(value: Any) -> str:
        try:
            return pattern.format(value)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise ParameterError(
                f"number_format[{column!r}] = {pattern!r} cannot format the value {value!r} of column {column!r}: "
                f"{exc}. Use a pattern with one field, such as '{{:,.0f}}' or '{{:+.1f}}%'."
            ) from exc

    return apply


def _default_formatter(values: pd.Series) -> Callable[[Any], str]:
    if pd.api.types.is_float_dtype(values):
        finite = [float(v) for v in values if not _is_missing(v) and math.isfinite(float(v))]
        whole = all(v == round(v) for v in finite)
        return "{:,.0f}".format if whole else "{:,.1f}".format
    return _format_value


def _format_value(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        number = float(value)
        return f"{number:,.0f}" if math.isfinite(number) and number == round(number) else f"{number:,.1f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(sep=" ")
    return str(value)


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like cell values
        return False


def percent(values) -> np.ndarray:
    """Percentages rounded to the one decimal the chapter shows (and never "-0.0")."""
    return np.round(np.asarray(values, dtype=float), 1) + 0.0


def when(start: Any, frequency: str, edge: str = "start") -> str:
    """A period or date as a reader says it: "April 2018" (or "1 April 2018" for daily and weekly series);
    ``edge="end"`` says where a period ends (2021Q1: "March 2021"), for the last period of a span."""
    if isinstance(start, pd.Period):
        stamp = start.start_time if edge == "start" else start.end_time
    else:
        try:
            period = pd.Period(str(start))
            stamp = period.start_time if edge == "start" else period.end_time
        except ValueError:
            stamp = pd.Timestamp(start)
    return f"{stamp.day} {stamp:%B %Y}" if frequency in ("daily", "weekly") else f"{stamp:%B %Y}"


def day_words(stamp: pd.Timestamp) -> str:
    """A day as a reader says it: "31 March 2023"."""
    return f"{stamp.day} {stamp:%B %Y}"
