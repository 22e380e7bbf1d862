"""Loading users' data as demand series: period counts (:func:`load_series`); call-level exports
(:func:`load_calls`, :func:`count_calls`) live in :mod:`forcast.data.call_exports`; :mod:`forcast.data` exports
both.

Sources are CSV files, Excel workbooks (``.xlsx``/``.xlsm`` via openpyxl), pandas DataFrames and, for
:func:`load_series`, pandas Series indexed by dates. The user's file or DataFrame is never changed. Everything is
checked once, here, with :mod:`forcast.data.validation`; a problem raises a named :mod:`forcast.errors` class whose
message quotes the offending cells by the row number you see in the file (the header being row 1) or, for a
DataFrame, by its index label.

Dates may be written as days (``2018-04-01``, or UK style ``01/04/2018``, read day first), months (``2018-04``,
``Apr 2018``, ``Apr-18``), quarters (``2018Q2``, ``2018 Q2``, ``Q2 2018``), weeks as pandas writes them
(``2016-01-04/2016-01-10``) or financial years (``2018/19``, only with ``frequency="annual"``). Numeric dates are
read with one rule for the whole column (:mod:`forcast.data.dates`): a column that reads only month first, or both ways
with different results, is refused until ``dayfirst=`` says which. Years outside 1900-2100 are refused. A date stands
for the period that contains it, so period starts (2018-04-01) and period ends (2018-06-30 for a quarter) both work.
Weeks run Monday to Sunday: weekly dates must all be Mondays (week starts) or all Sundays (week ends).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from .cells import blank_cells, blank_rows, row_labels, share_numeric, without_blank_rows
from .date_cells import _classify, _year_note  # noqa: F401 - _year_note re-exported
from .dates import ZonedText as _ZonedText, check_dayfirst, parse_day_text
from .reading import (SUPPORTED_EXTENSIONS, _duplicate_columns, _header_hint, _read,  # noqa: F401
                      _sheet_hint)
from ..errors import (ColumnError, DateParseError, EmptyDataError, ForcastError, FrequencyError, MissingValueError,
                     NonNumericCountError, ParameterError)
from .series import check_frequency_name, frequency_of, make_series
from .frequency import check_dates, check_steps
from .validation import (PERIOD_WORDS, check_columns, check_counts, check_non_integer_option, check_not_empty,
                         check_regular, check_unique, listing, missing_mask, missing_periods,
                         period_label, plural, raise_timezone)

logger = logging.getLogger("forcast.data")  # one logger for all loading (call_exports uses it too)

__all__ = ["SUPPORTED_EXTENSIONS", "load_series"]


_DATE_HELP = (
    "Write days like 2018-04-01 or 01/04/2018 (day first), months like 2018-04 or Apr 2018, quarters like "
    "2018Q2. If these rows are totals or notes, delete them."
)


# --- reading ---------------------------------------------------------------------------------------
def _pick_columns(frame: pd.DataFrame, date_column: Any, value_column: Any) -> tuple[Any, Any]:
    columns = list(frame.columns)
    if date_column is not None and value_column is not None and date_column == value_column:
        raise ColumnError(
            f"date_column and value_column both name {date_column!r}, but the dates and the counts must be two "
            f"different columns. The columns are: {listing([repr(c) for c in columns], limit=30)}. Name the column "
            "of dates as date_column= and the column of counts as value_column= (--date-column, --value-column)."
        )
    duplicates = _duplicate_columns(columns)
    for name, positions in duplicates.items():
        group = [columns[i] for i in positions]
        if date_column is None or value_column is None or date_column in group or value_column in group:
            where = " and ".join(_letter(i) for i in positions)
            raise ColumnError(
                f"The header names {len(positions)} columns {name!r} (columns {where}), so forcast cannot tell which "
                "one is meant. Rename them so that each column has its own name, or delete the copies you do not need."
            )
    check_columns(columns, {"date_column": date_column, "value_column": value_column})
    if date_column is not None and value_column is not None:
        return date_column, value_column
    usable = [c for c in columns if not blank_cells(frame[c]).all() and c not in (date_column, value_column)]
    if date_column is not None and len(usable) == 1:
        return date_column, usable[0]
    if value_column is not None and len(usable) == 1:
        return usable[0], value_column
    if date_column is None and value_column is None and len(usable) == 2:
        numeric = [c for c in usable if share_numeric(frame[c]) >= 0.5]
        if len(numeric) == 1:
            return next(c for c in usable if c != numeric[0]), numeric[0]
    hint = ""
    if len(columns) == 1:
        hint = (" The data have one column only: if the file is separated by ';' or tabs, save it as comma-separated "
                "CSV.")
    elif any(str(c).startswith("Unnamed") for c in columns):
        hint = " Columns named 'Unnamed: ...' suggest title rows above the header: delete them so the header is row 1."
    raise ColumnError(
        f"Could not tell which column holds the dates and which the counts. The columns are: "
        f"{listing([repr(c) for c in columns], limit=30)}.{hint} Name them, e.g. "
        "load_series(source, date_column='Month', value_column='Crimes')."
    )


def _letter(position: int) -> str:
    """The spreadsheet letter of a column position: 0 -> A, 26 -> AA."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- dates to periods ------------------------------------------------------------------------------
def _describe_reading(kinds: list[Any], frequency: str | None, labels: list[str], months_only: bool):
    """For :func:`forcast.data.dates.parse_day_text`: what the column gives when its numeric dates are read one way
    (``"12 days, 2017-01-01 to 2017-01-12"``), or None when that reading is not a regular series whose dates all
    sit at the same place in their periods (all starts or all ends of months, quarters, years)."""
    def describe(reading: pd.Series) -> str | None:
        stamps = list(kinds)
        for i, value in reading.items():
            stamps[i] = value
        if not all(isinstance(k, pd.Timestamp) and not pd.isna(k) for k in stamps):
            return None
        index = pd.DatetimeIndex(stamps)
        try:
            periods = check_dates(index, frequency, "the dates", labels, months_only)
            check_unique(periods)
            check_steps(periods, "the dates")
            check_regular(periods)
        except ForcastError:
            return None
        found = frequency_of(periods)
        day = index.normalize()
        if found in ("monthly", "quarterly", "annual") and not (
                (day == periods.start_time).all() or (day == periods.end_time.normalize()).all()):
            return None
        word = PERIOD_WORDS[found]
        first, last = periods.min(), periods.max()
        return f"{plural(len(periods), word)}, {period_label(first)} to {period_label(last)}"

    return describe


def _parse_periods(cells: list[Any], labels: list[str], frequency: str | None, column: str,
                   target: str, dayfirst: bool | None = None) -> pd.PeriodIndex:
    blank = missing_mask(cells)
    if blank.any():
        rows = [labels[i] for i in np.flatnonzero(blank)]
        raise MissingValueError(
            f"{plural(len(rows), 'date')} in {column} {'is' if len(rows) == 1 else 'are'} blank: {listing(rows)}. "
            "Fill them in, or delete those rows."
        )
    kinds = [_classify(cell) for cell in cells]
    text = {i: k for i, k in enumerate(kinds) if isinstance(k, str)}
    months_only = all(isinstance(k, pd.Timestamp) and not isinstance(c, datetime | date | np.datetime64)
                      for k, c in zip(kinds, cells))
    got = "dates with a time zone" if any(isinstance(k, pd.Timestamp) and k.tz for k in kinds) else None
    parsed = pd.Series(dtype="datetime64[ns]")
    if text and not got:
        try:
            parsed = parse_day_text(pd.Series(text, dtype=object), dayfirst, column, lambda i: labels[i],
                                    _describe_reading(kinds, frequency, labels, months_only))
        except _ZonedText as exc:
            got = f"e.g. {labels[exc.label]}: {cells[exc.label]!r}"
    if got:
        raise_timezone(column, got, target, "" if target == "series.index" else ".dt")
    for i, value in parsed.items():
        kinds[i] = None if pd.isna(value) else value
    bad = [i for i, k in enumerate(kinds) if k is None]
    if bad:
        quoted = [f"{labels[i]}: {cells[i]!r}{_year_note(cells[i])}" for i in bad]
        raise DateParseError(
            f"{plural(len(bad), 'cell')} in {column} could not be read as dates: {listing(quoted)}. {_DATE_HELP}"
        )
    periods = [k for k in kinds if isinstance(k, pd.Period)]
    if periods:
        freqs = {p.freqstr for p in periods}
        if len(periods) < len(kinds) or len(freqs) > 1:
            raise FrequencyError(
                f"{column} mixes different kinds of period label (quarters, financial years and dates, e.g. "
                f"{listing(sorted({str(c) for c in cells})[:4])}). Use one kind throughout."
            )
        index = pd.PeriodIndex(periods)
        found = frequency_of(index)
        if frequency is None and found == "annual" and not all(isinstance(c, pd.Period) for c in cells):
            raise FrequencyError(
                f"{column} holds financial-year labels such as {cells[0]!r}. Annual series are short and easy to "
                "load by mistake, so say so: pass frequency='annual'."
            )
        if frequency is not None and frequency != found:
            raise FrequencyError(
                f"frequency={frequency!r} was given, but {column} holds {found} periods (e.g. {cells[0]!r}). "
                f"Pass frequency={found!r} or leave it out."
            )
        return index
    return check_dates(pd.DatetimeIndex(kinds), frequency, column, labels, months_only)


# --- period counts -----------------------------------------------------------------------------------
def load_series(source: Any, date_column: Any = None, value_column: Any = None, frequency: str | None = None,
                measure: str = "demand", name: str | None = None, force: str | None = None, unit: str | None = None,
                sheet_name: str | int | None = None, non_integer: str = "error", missing: str = "error",
                dayfirst: bool | None = None, header: int = 1) -> pd.Series:
    """Load counts per period (one row per day, week, month, quarter or financial year) as a demand series.

    ``source`` is a path to a CSV or Excel file, a DataFrame, or a Series whose index holds the dates. With no
    ``date_column``/``value_column``, a table of exactly two filled columns is read as dates plus counts (the
    numeric one is the counts). ``frequency`` (``"daily"``, ``"weekly"``, ``"monthly"``, ``"quarterly"``,
    ``"annual"``) is inferred from the dates when left out; ``"annual"`` (financial years) must be asked for.
    Rows may come in any order; fully blank rows are skipped. ``non_integer`` says what to do with fractional
    counts: ``"error"`` (default) raises, ``"warn"`` keeps them with a warning, ``"round"`` rounds halves up with a
    warning.

    Numeric dates such as ``01/02/2016`` are read with one rule for the whole column: day first (UK) by default, or
    as ``dayfirst`` says (``True`` day first, ``False`` month first). A column that reads only month first, or both
    ways with different results, raises :class:`~forcast.errors.AmbiguousDateError` showing rows read both ways;
    pass ``dayfirst`` to choose. ``sheet_name`` picks a workbook's sheet (by name or position; the first when left
    out). ``header`` is the row that holds the column names (1, the first, by default): a title above them needs
    e.g. ``header=3``.

    ``missing`` says what to do with periods absent from the data: ``"error"`` (default) raises
    :class:`~forcast.errors.MissingPeriodError` listing them; ``"exclude"`` keeps the series by **declaring them
    excluded**: they are added with a placeholder (linear interpolation between their neighbours, never zero),
    listed in ``attrs["missing_periods"]``, and :func:`forcast.forecast` treats them as missing (an
    :class:`~forcast.models.events.Outlier` each), so no model reads the placeholder as demand.

    Returns a series made by :func:`forcast.data.series.make_series`: sorted PeriodIndex, counts, and the metadata in
    ``attrs`` (``source`` is the file's full path, ``"DataFrame"`` or ``"Series"``). ``name`` defaults to the
    counts column's name.
    """
    check_non_integer_option(non_integer)
    dayfirst = check_dayfirst(dayfirst)
    if frequency is not None:
        check_frequency_name(frequency)
    if missing not in ("error", "exclude"):
        raise ParameterError(f"`missing` must be 'error' or 'exclude'. Got {missing!r}.")
    if isinstance(source, pd.Series):
        return _load(source, None, None, frequency, measure, name, force, unit, non_integer, missing, dayfirst)
    frame, row_word, source_name = _read(source, sheet_name, header)
    title = _header_hint(frame, header) if header == 1 and row_word == "row" else ""
    if title and not (date_column in frame.columns and value_column in frame.columns):
        raise ColumnError(f"The column names ({listing([repr(str(c)) for c in frame.columns], limit=5)}) look like a "
                          f"title above the header, not the header: {title}")
    try:
        return _load((frame, row_word, source_name), date_column, value_column, frequency, measure, name, force,
                     unit, non_integer, missing, dayfirst)
    except (ColumnError, DateParseError, EmptyDataError, NonNumericCountError, MissingValueError) as exc:
        hint = _sheet_hint(frame, sheet_name)
        if not hint:
            raise
        raise type(exc)(f"{exc}{hint}") from exc


def _load(source: Any, date_column: Any, value_column: Any, frequency: str | None, measure: str, name: str | None,
          force: str | None, unit: str | None, non_integer: str, missing: str, dayfirst: bool | None) -> pd.Series:
    """:func:`load_series` once the source is read: a Series, or ``(frame, row_word, source_name)``."""
    if isinstance(source, pd.Series):
        cells, values = list(source.index), list(source.to_numpy(dtype=object))
        labels = [str(c) for c in cells]
        date_name, value_name, source_name, target = "the Series index", source.name, "Series", "series.index"
        check_not_empty(len(values), "the Series")
    else:
        frame, row_word, source_name = source
        check_not_empty((~blank_rows(frame)).sum(), "the data")
        date_column, value_column = _pick_columns(frame, date_column, value_column)
        frame = without_blank_rows(frame, [date_column, value_column])
        cells, values = list(frame[date_column]), list(frame[value_column])
        labels = row_labels(frame.index, row_word)
        date_name, value_name, target = f"column {date_column!r}", value_column, f"df[{date_column!r}]"
    periods = _parse_periods(cells, labels, frequency, date_name, target, dayfirst)
    check_unique(periods, labels)
    check_steps(periods, date_name)
    gaps = missing_periods(periods) if missing == "exclude" else periods[:0]
    if not len(gaps):
        check_regular(periods)
    counts = check_counts(values, labels, non_integer=non_integer,
                          column=None if value_name is None else str(value_name))
    order = np.argsort(periods.asi8, kind="stable")
    name = name or (str(value_name) if value_name is not None else measure)
    series = make_series(counts[order], periods[order], name=name, measure=measure, unit=unit, force=force,
                         source=source_name)
    if len(gaps):
        series = _exclude_gaps(series, gaps)
    return series


def _exclude_gaps(series: pd.Series, gaps: pd.PeriodIndex) -> pd.Series:
    """Insert ``gaps`` with interpolated placeholders and list them in ``attrs["missing_periods"]``."""
    attrs = dict(series.attrs)
    full = pd.period_range(series.index[0], series.index[-1], freq=series.index.freq, name=series.index.name)
    filled = series.astype(float).reindex(full).interpolate().round()
    out = make_series(filled.to_numpy(), full, name=str(series.name), measure=attrs["measure"], unit=attrs["unit"],
                      force=attrs["force"], source=attrs["source"], caveat=attrs.get("caveat"))
    out.attrs["missing_periods"] = [str(p) for p in gaps]
    logger.info("%s missing from the data, declared excluded: %s", plural(len(gaps), "period"),
                listing([str(p) for p in gaps]))
    return out


# --- call-level exports ------------------------------------------------------------------------------
