"""Checks on users' data: pure functions that return cleaned values or raise a named :mod:`forcast.errors` class.

Used by :mod:`forcast.data` when loading and by models before fitting. Every message says four things: which data
or argument, the rule, what was got (quoting the offending cells or periods, first ten and a count), and how to fix
it. Nothing here reads files, prints or changes its inputs.
"""

from __future__ import annotations

import difflib
from decimal import Decimal, InvalidOperation
import math
import numbers
import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from ..errors import (ColumnError, ConstantSeriesError, CountTooLargeError, DuplicatePeriodError, EmptyDataError,
                     FrequencyError, MissingPeriodError, MissingValueError, NegativeCountError, NonIntegerCountError,
                     NonIntegerCountWarning, NonNumericCountError, ParameterError, SeriesTooShortError, TimezoneError)
from .series import PERIODS_PER_YEAR, frequency_of

#: What one period is called in messages, per forcast frequency name.
PERIOD_WORDS: dict[str, str] = {
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "quarterly": "quarter",
    "annual": "financial year",
}

#: The choices of ``non_integer``: what to do with counts that have a fractional part.
NON_INTEGER_OPTIONS = ("error", "warn", "round")

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_SPACED_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+$")  # 10 038 (also with no-break spaces)
_DOTTED_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")  # 10.038: European thousands, or a decimal?

#: The largest count held exactly (a float holds every whole number up to 2**53).
MAX_COUNT = 2**53
_MISSING_TEXT = {"", "nan"}
_SHOW = 10


# --- formatting helpers used in messages -------------------------------------------------------
def listing(items: Sequence[str], limit: int = _SHOW, total: int | None = None) -> str:
    """``"a, b, c"``, or ``"a, b, ... (first 10 of 23)"`` when there are more than ``limit`` items.

    ``total`` is how many there are in all, when ``items`` holds only the first few.
    """
    items = [str(item) for item in items]
    total = len(items) if total is None else total
    if total <= limit and len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", ... (first {min(limit, len(items))} of {total})"


def plural(n: int, word: str) -> str:
    """``plural(1, "month") == "1 month"``; ``plural(3, "month") == "3 months"``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def period_label(period: pd.Period) -> str:
    """A period as analysts write it: ``2018-04``, ``2018Q2``, ``w/c 2018-04-02`` or ``2018/19``."""
    name = frequency_of(pd.PeriodIndex([period]))
    if name == "weekly":
        return f"w/c {period.start_time.date()}"
    if name == "annual":
        return f"{period.year - 1}/{period.year % 100:02d}"
    return str(period)


def _is_missing(cell: Any) -> bool:
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return True
    if isinstance(cell, str):
        return cell.strip().lower() in _MISSING_TEXT
    if isinstance(cell, float | np.floating):
        return math.isnan(cell)
    return False


def missing_mask(values: Iterable[Any]) -> np.ndarray:
    """Boolean array: True where a cell is blank (``None``, NaN, NaT, empty or whitespace text, ``"nan"``)."""
    return np.fromiter((_is_missing(cell) for cell in values), dtype=bool)


def parse_number(cell: Any) -> float | None:
    """Read one cell as a finite number, accepting thousands separators (``"1,234"``, ``"1 234"``); ``None`` if it
    is not one."""
    if isinstance(cell, bool | np.bool_):
        return None
    if isinstance(cell, numbers.Real):
        try:
            value = float(cell)
        except (OverflowError, ValueError):  # an int too large for a float
            return None
        return value if math.isfinite(value) else None
    if isinstance(cell, str):
        text = cell.strip()
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        elif _SPACED_THOUSANDS.match(text):
            text = re.sub(r"[ \u00a0\u202f]", "", text)
        try:
            value = float(text)
        except (ValueError, OverflowError):
            return None
        return value if math.isfinite(value) else None
    return None


def _too_large(cell: Any) -> bool:
    """True when a cell is a number (finite) whose size is above :data:`MAX_COUNT`, e.g. ``1e300`` or 2**53 + 1."""
    if isinstance(cell, bool | np.bool_):
        return False
    text = str(cell).strip()
    if isinstance(cell, str):
        text = text.replace(",", "") if _THOUSANDS.match(text) else re.sub(r"[ \u00a0\u202f]", "", text) \
            if _SPACED_THOUSANDS.match(text) else text
    try:
        value = Decimal(int(cell)) if isinstance(cell, numbers.Integral) else Decimal(text)
    except (InvalidOperation, ValueError, TypeError, OverflowError):
        return False
    return value.is_finite() and abs(value) > MAX_COUNT


def _european_hint(cells: Sequence[Any]) -> str:
    """A sentence when every cell looks like a whole number with '.' between thousands (``10.038``)."""
    if cells and all(isinstance(c, str) and _DOTTED_THOUSANDS.match(c.strip()) for c in cells):
        return (f" They look like whole numbers written with '.' between the thousands (European style: "
                f"{cells[0].strip()!r} for {cells[0].strip().replace('.', ',')}): if so, save the file again with no "
                "thousands separator, or with commas, and load it again.")
    return ""


# --- columns and emptiness -------------------------------------------------------------------------
def check_columns(columns: Sequence[Any], wanted: dict[str, Any]) -> None:
    """Raise :class:`ColumnError` if a named column is not among ``columns``.

    ``wanted`` maps the argument name (e.g. ``"value_column"``) to the column the user asked for.
    """
    available = [str(c) for c in columns]
    for argument, column in wanted.items():
        if column is None or column in list(columns):
            continue
        close = difflib.get_close_matches(str(column), available, n=3, cutoff=0.6)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ColumnError(
            f"{argument}={column!r} is not a column of the data. The columns are: "
            f"{listing([repr(c) for c in available], limit=30)}.{hint} Column names must match exactly, "
            "including capitals and spaces."
        )


def check_not_empty(n_rows: int, what: str = "the data") -> None:
    """Raise :class:`EmptyDataError` when there are no rows."""
    if n_rows == 0:
        raise EmptyDataError(
            f"No rows of figures were found in {what} (only a header, blank rows, or nothing at all). "
            "Check that you picked the right file or sheet and that the figures start right below the header."
        )


# --- counts --------------------------------------------------------------------------------------
def check_non_integer_option(non_integer: str) -> str:
    """Return ``non_integer`` if it is one of :data:`NON_INTEGER_OPTIONS`, else raise :class:`ParameterError`."""
    if non_integer not in NON_INTEGER_OPTIONS:
        raise ParameterError(
            f"non_integer must be one of {', '.join(repr(o) for o in NON_INTEGER_OPTIONS)}. Got {non_integer!r}."
        )
    return non_integer


def check_counts(values: Sequence[Any], index_labels: Sequence[Any], *, non_integer: str = "error",
                 column: str | None = None) -> np.ndarray:
    """Read raw cells as non-negative whole-number counts and return them as a float array.

    ``index_labels`` name each cell for the user (``"row 5"`` for a file, the date for a Series). Text such as
    ``"1,234"`` is read as 1234. Raises, in this order: :class:`MissingValueError` (blank cells),
    :class:`NonNumericCountError`, :class:`NegativeCountError`, and for fractional counts, depending on
    ``non_integer``: ``"error"`` raises :class:`NonIntegerCountError`; ``"warn"`` keeps them and warns
    :class:`NonIntegerCountWarning`; ``"round"`` rounds halves up (2.5 -> 3) and warns.
    """
    check_non_integer_option(non_integer)
    cells = list(values)
    labels = [str(label) for label in index_labels]
    if len(cells) != len(labels):
        raise ParameterError(f"check_counts needs one label per value. Got {len(cells)} values, {len(labels)} labels.")
    where = f"column {column!r}" if column is not None else "the counts"

    missing = missing_mask(cells)
    if missing.any():
        rows = [labels[i] for i in np.flatnonzero(missing)]
        raise MissingValueError(
            f"{plural(len(rows), 'count')} in {where} {'is' if len(rows) == 1 else 'are'} blank: {listing(rows)}. "
            "Every period needs a count. Fill them in (0 only if there really was no demand) or delete those rows."
        )
    parsed = [parse_number(cell) for cell in cells]
    huge = [i for i, value in enumerate(parsed) if (value is None or abs(value) >= MAX_COUNT) and _too_large(cells[i])]
    if huge:
        quoted = [f"{labels[i]}: {cells[i]!r}" for i in huge]
        raise CountTooLargeError(
            f"Counts must be at most 2**53 ({MAX_COUNT:,}), the largest whole number held exactly, but {where} has "
            f"{plural(len(huge), 'larger value')}: {listing(quoted)}. No count of demand is that large: it is "
            "likely a typo, an error value or a cell in scientific notation. Correct these cells or delete those rows."
        )
    bad = [i for i, value in enumerate(parsed) if value is None]
    if bad:
        quoted = [f"{labels[i]}: {cells[i]!r}" for i in bad]
        raise NonNumericCountError(
            f"{where[0].upper() + where[1:]} must hold numbers, but {plural(len(bad), 'cell')} "
            f"{'is' if len(bad) == 1 else 'are'} not: {listing(quoted)}. Correct or delete these cells; thousands "
            "separators like '1,234' are fine, as are spaces ('1 234'), but notes, dashes or 'n/a' are not."
            f"{_european_hint([cells[i] for i in bad])}"
        )
    counts = np.array(parsed, dtype=float)

    negative = np.flatnonzero(counts < 0)
    if negative.size:
        quoted = [f"{labels[i]}: {cells[i]!r}" for i in negative]
        raise NegativeCountError(
            f"Counts cannot be negative, but {where} has {plural(negative.size, 'negative value')}: "
            f"{listing(quoted)}. Correct these cells; if they are adjustments (e.g. reclassified crimes), apply "
            "them to the month they belong to so that every count is zero or more."
        )

    fractional = np.flatnonzero(counts != np.round(counts))
    if fractional.size:
        quoted = [f"{labels[i]}: {cells[i]!r}" for i in fractional]
        detail = (f"{where} has {plural(fractional.size, 'value')} with a fractional part: {listing(quoted)}."
                  f"{_european_hint([cells[i] for i in fractional])}")
        if non_integer == "error":
            raise NonIntegerCountError(
                f"Counts must be whole numbers, but {detail} If these are averages or rates, load the underlying "
                "counts instead; to keep them pass non_integer='warn', to round them pass non_integer='round'."
            )
        if non_integer == "round":
            counts = np.floor(counts + 0.5)
            warnings.warn(f"Rounded to whole numbers (halves up): {detail}", NonIntegerCountWarning, stacklevel=3)
        else:
            warnings.warn(f"Kept as given although counts should be whole: {detail}", NonIntegerCountWarning,
                          stacklevel=3)
    return counts


# --- timestamps ----------------------------------------------------------------------------------
def check_naive(timestamps: pd.Series, column: str) -> None:
    """Raise :class:`TimezoneError` if ``timestamps`` (a datetime Series) carry a time zone."""
    tz = getattr(timestamps.dt, "tz", None) if pd.api.types.is_datetime64_any_dtype(timestamps) else None
    if tz is not None:
        raise_timezone(f"column {column!r}", f"time zone {tz}", f"df[{column!r}]")


def raise_timezone(where: str, got: str, target: str = "df[column]", accessor: str = ".dt") -> NoReturn:
    """Raise the :class:`TimezoneError` every time-zone problem shares; ``target`` names the data in the fix."""
    raise TimezoneError(
        f"Timestamps in {where} must be local times without a time zone (as the control room records them). "
        f"Got {got}. Convert them to UK local time and drop the zone first, e.g. {target} = "
        f'{target}{accessor}.tz_convert("Europe/London"){accessor}.tz_localize(None) (after pd.to_datetime(..., '
        "utc=True) if they are text)."
    )


# --- periods -------------------------------------------------------------------------------------
def check_unique(index: pd.PeriodIndex, row_labels: Sequence[Any] | None = None) -> None:
    """Raise :class:`DuplicatePeriodError` listing every period that appears more than once, with its count."""
    counts = pd.Series(1, index=index).groupby(level=0).size()
    dups = counts[counts > 1]
    if dups.empty:
        return
    name = frequency_of(index)
    items = []
    for period, n in dups.items():
        item = f"{period_label(period)} ({n} times"
        if row_labels is not None:
            rows = [str(row_labels[i]) for i in np.flatnonzero(index == period)]
            item += f": {', '.join(rows[:5])}"
        items.append(item + ")")
    raise DuplicatePeriodError(
        f"Each {PERIOD_WORDS[name]} must appear once, but {plural(len(dups), PERIOD_WORDS[name])} "
        f"{'appears' if len(dups) == 1 else 'appear'} more than once: {listing(items)}. Remove repeated rows, or "
        "if the rows are parts of one period (e.g. by district) add them up first."
    )


def missing_periods(index: pd.PeriodIndex) -> pd.PeriodIndex:
    """The periods between the first and last of ``index`` that ``index`` lacks (sorted)."""
    if len(index) == 0:
        return index
    full = pd.period_range(index.min(), index.max(), freq=index.freq)
    return full.difference(index).sort_values()


def check_regular(index: pd.PeriodIndex, row_labels: Sequence[Any] | None = None) -> pd.PeriodIndex:
    """Check a PeriodIndex has each period once and none missing; return it sorted.

    Unsorted input is fine. Raises :class:`DuplicatePeriodError` or :class:`MissingPeriodError` (listing the first
    ten missing periods and how many there are); a non-PeriodIndex or an unsupported frequency raises
    :class:`FrequencyError`. ``row_labels`` (one per period) let the duplicate message say where each repeat is.
    """
    if not isinstance(index, pd.PeriodIndex):
        raise FrequencyError(
            f"The index must be a pandas PeriodIndex. Got a {type(index).__name__}; load the data with "
            "forcast.data.load_series, which turns dates into periods (or use index.to_period('M'), 'D', 'W-SUN', "
            "'Q-DEC')."
        )
    name = frequency_of(index)
    check_unique(index, row_labels)
    gaps = missing_periods(index)
    if len(gaps):
        word = PERIOD_WORDS[name]
        first, last = index.min(), index.max()
        raise MissingPeriodError(
            f"{plural(len(gaps), word)} {'is' if len(gaps) == 1 else 'are'} missing: "
            f"{listing([period_label(p) for p in gaps])}. Every {word} between the first ({period_label(first)}) "
            f"and the last ({period_label(last)}) needs a count. Add the missing {word}s (with 0 only if there "
            f"really was no demand), or use only the data after the last gap."
        )
    return index.sort_values()


def check_min_length(series: pd.Series, minimum: int, purpose: str) -> None:
    """Raise :class:`SeriesTooShortError` if ``series`` has fewer than ``minimum`` periods for ``purpose``.

    ``purpose`` completes the sentence "... is needed for ___", e.g. ``"a seasonal model"``.
    """
    n = len(series)
    if n >= minimum:
        return
    word = "period"
    span = ""
    if isinstance(series.index, pd.PeriodIndex):
        try:
            word = PERIOD_WORDS[frequency_of(series.index)]
        except ValueError:
            pass
        if n:
            span = f" ({period_label(series.index.min())} to {period_label(series.index.max())})"
    raise SeriesTooShortError(
        f"At least {plural(minimum, word)} of data {'is' if minimum == 1 else 'are'} needed for {purpose}. "
        f"Got {plural(n, word)}{span}. Load a longer history, or choose something that needs less data."
    )


def _span(series: pd.Series) -> tuple[str, str]:
    word = PERIOD_WORDS[frequency_of(series.index)]
    return word, f"{period_label(series.index.min())} to {period_label(series.index.max())}"


def check_not_constant(series: pd.Series) -> None:
    """Raise :class:`ConstantSeriesError` when every count of a demand series is the same (all zero, say)."""
    values = np.asarray(series, dtype=float)
    if len(values) < 2 or not (values == values[0]).all():
        return
    word, span = _span(series)
    value = f"{values[0]:,.0f}" if float(values[0]).is_integer() else f"{values[0]:,}"
    what = ("every count is 0: there is no demand to forecast" if values[0] == 0 else
            f"every count is {value}: a series that never changes gives the models nothing to learn from, and any "
            "interval would have no width")
    raise ConstantSeriesError(
        f"The series {series.name!r} is constant: all {plural(len(values), word)} ({span}) are {value}, so "
        f"{what}. Check that the counts column is the right one (value_column=, --value-column); if the figures "
        "really never change, the figure itself is the forecast."
    )


def check_history_for_horizon(series: pd.Series, horizon: int, allow_short_history: bool = False) -> None:
    """Refuse (:class:`SeriesTooShortError`) a forecast more than a year ahead from under two years of data, unless
    ``allow_short_history``: with fewer than two yearly cycles the models cannot tell a season from a trend."""
    if allow_short_history:
        return
    name = frequency_of(series.index)
    per_year = PERIODS_PER_YEAR[name]
    need = int(round(2 * per_year))
    if len(series) >= need or horizon <= per_year:
        return
    word, span = _span(series)
    raise SeriesTooShortError(
        f"A forecast {plural(horizon, word)} ahead (more than a year) needs at least two years of data "
        f"({plural(need, word)}), so that the models can tell the yearly pattern from a trend. Got "
        f"{plural(len(series), word)} ({span}). Load a longer history, forecast at most a year ahead (e.g. "
        "h='1y'), or pass allow_short_history=True (--allow-short-history) to forecast anyway."
    )
