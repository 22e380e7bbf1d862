"""Checks on users' data: pure functions that return cleaned values or raise a named :mod:`forcast.errors` class.

Used by :mod:`forcast.data` when loading and by models before fitting. Every message says four things: which data
or argument, the rule, what was got (quoting the offending cells or periods, first ten and a count), and how to fix
it. Nothing here reads files, prints or changes its inputs.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from .errors import (ColumnError, DuplicatePeriodError, EmptyDataError, FrequencyError, MissingPeriodError,
                     MissingValueError, NegativeCountError, NonIntegerCountError, NonIntegerCountWarning,
                     NonNumericCountError, ParameterError, SeriesTooShortError, TimezoneError)
from .series import frequency_of

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
    """Read one cell as a finite number, accepting thousands separators (``"1,234"``); ``None`` if it is not one."""
    if isinstance(cell, bool | np.bool_):
        return None
    if isinstance(cell, numbers.Real):
        value = float(cell)
        return value if math.isfinite(value) else None
    if isinstance(cell, str):
        text = cell.strip()
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            value = float(text)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    return None


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
    bad = [i for i, value in enumerate(parsed) if value is None]
    if bad:
        quoted = [f"{labels[i]}: {cells[i]!r}" for i in bad]
        raise NonNumericCountError(
            f"{where[0].upper() + where[1:]} must hold numbers, but {plural(len(bad), 'cell')} "
            f"{'is' if len(bad) == 1 else 'are'} not: {listing(quoted)}. Correct or delete these cells; thousands "
            "separators like '1,234' are fine, but notes, dashes or 'n/a' are not."
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
        detail = f"{where} has {plural(fractional.size, 'value')} with a fractional part: {listing(quoted)}."
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
