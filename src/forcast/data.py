"""Loading users' data as demand series: period counts (:func:`load_series`); call-level exports
(:func:`load_calls`, :func:`count_calls`) live in :mod:`forcast.call_exports` and are re-exported here.

Sources are CSV files, Excel workbooks (``.xlsx``/``.xlsm`` via openpyxl), pandas DataFrames and, for
:func:`load_series`, pandas Series indexed by dates. The user's file or DataFrame is never changed. Everything is
checked once, here, with :mod:`forcast.validation`; a problem raises a named :mod:`forcast.errors` class whose
message quotes the offending cells by the row number you see in the file (the header being row 1) or, for a
DataFrame, by its index label.

Dates may be written as days (``2018-04-01``, or UK style ``01/04/2018``, read day first), months (``2018-04``,
``Apr 2018``, ``Apr-18``), quarters (``2018Q2``, ``2018 Q2``, ``Q2 2018``) or financial years (``2018/19``, only
with ``frequency="annual"``). A date stands for the period that contains it, so period starts (2018-04-01) and
period ends (2018-06-30 for a quarter) both work. Weeks run Monday to Sunday: weekly dates must all be Mondays
(week starts) or all Sundays (week ends).
"""

from __future__ import annotations

import calendar
import logging
import os
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import (ColumnError, DateParseError, FrequencyError, MissingValueError, ParameterError,
                     SourceNotFoundError, UnreadableSourceError)
from .series import FREQUENCIES, check_frequency_name, frequency_of, make_series
from .frequency import check_dates, check_steps
from .validation import (check_columns, check_counts, check_non_integer_option, check_not_empty, check_regular,
                         check_unique, listing, missing_mask, missing_periods, parse_number, plural, raise_timezone)

logger = logging.getLogger(__name__)

__all__ = ["SUPPORTED_EXTENSIONS", "count_calls", "load_calls", "load_series"]

#: File extensions forcast can read.
SUPPORTED_EXTENSIONS = (".csv", ".txt", ".xlsx", ".xlsm", ".xls")

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {"sept": 9}
_MONTH_NUM = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_MONTH_NAME = re.compile(r"^([A-Za-z]{3,9})\.?[\s\-/]*('?\d{2}|\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*[-/ ]?\s*Q([1-4])$|^Q([1-4])\s*[-/ ]?\s*(\d{4})$", re.IGNORECASE)
_FIN_YEAR = re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})$")
_ZONED = r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT|BST)$"
_DAY_FIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")
_DATE_HELP = (
    "Write days like 2018-04-01 or 01/04/2018 (day first), months like 2018-04 or Apr 2018, quarters like "
    "2018Q2. If these rows are totals or notes, delete them."
)


# --- reading ---------------------------------------------------------------------------------------
def _read(source: Any, sheet_name: str | int = 0) -> tuple[pd.DataFrame, str, str]:
    """Return ``(frame, row_word, source_name)``; a file's frame is indexed by the row numbers seen in the file."""
    if isinstance(source, pd.DataFrame):
        if source.index.is_unique:
            return source, "index", "DataFrame"
        return source.set_axis(pd.RangeIndex(len(source))), "position", "DataFrame"  # labels would be ambiguous
    if not isinstance(source, str | os.PathLike):
        raise ParameterError(
            f"source must be a file path, a pandas DataFrame or a pandas Series. Got {type(source).__name__}."
        )
    path = Path(source).expanduser()
    if not path.exists():
        folder = path.resolve().parent
        near = []
        if folder.is_dir():
            near = [p.name for p in folder.iterdir() if p.name.lower().startswith(path.stem.lower()[:3])][:5]
        hint = f" Files in that folder with similar names: {', '.join(near)}." if near else ""
        raise SourceNotFoundError(
            f"No file at {path.resolve()} (relative paths start from the working directory, {Path.cwd()}).{hint} "
            "Check the file name and folder, or give the full path."
        )
    if path.is_dir():
        raise UnreadableSourceError(f"{path.resolve()} is a folder, not a file. Give the path of the CSV or Excel "
                                    "file.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise UnreadableSourceError(
            f"Cannot read {path.name}: files ending {suffix or '(no extension)'!r} are not supported. forcast reads "
            f"{', '.join(SUPPORTED_EXTENSIONS)}; save the data from Excel as CSV or .xlsx."
        )
    frame = _read_excel(path, sheet_name) if suffix.startswith(".xl") else _read_csv(path)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame, "row", str(path.resolve())


def _read_csv(path: Path) -> pd.DataFrame:
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK") or b"\x00" in head:
        raise UnreadableSourceError(
            f"Cannot read {path.resolve()} as CSV: it holds binary data, not text"
            f"{' (it looks like an Excel workbook; give it the .xlsx extension)' if head.startswith(b'PK') else ''}. "
            "Save the data as CSV (comma separated) or .xlsx."
        )
    last_error: Exception | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding=encoding)
        except UnicodeDecodeError as exc:
            last_error = exc
        except pd.errors.EmptyDataError:
            check_not_empty(0, f"the file {path.name}")
        except (pd.errors.ParserError, ValueError) as exc:
            last_error = exc
            break
    raise UnreadableSourceError(
        f"Cannot read {path.resolve()} as CSV ({last_error}). Open it in Excel and save it again as "
        "'CSV (Comma delimited)' or .xlsx."
    )


def _read_excel(path: Path, sheet_name: str | int) -> pd.DataFrame:
    try:
        with pd.ExcelFile(path) as book:
            sheets = list(book.sheet_names)
            if (isinstance(sheet_name, str) and sheet_name not in sheets) or (
                isinstance(sheet_name, int) and not -len(sheets) <= sheet_name < len(sheets)
            ):
                raise UnreadableSourceError(
                    f"sheet_name={sheet_name!r} is not a sheet of {path.name}. Its sheets are: "
                    f"{', '.join(repr(s) for s in sheets)}."
                )
            return pd.read_excel(book, sheet_name=sheet_name, dtype=object, keep_default_na=False)
    except UnreadableSourceError:
        raise
    except ImportError as exc:
        raise UnreadableSourceError(
            f"Cannot read {path.name}: old-style .xls workbooks need the extra package xlrd ({exc}). "
            "Open it in Excel and save it as .xlsx or CSV."
        ) from exc
    except Exception as exc:  # openpyxl and zipfile raise many kinds of error on damaged files
        raise UnreadableSourceError(
            f"Cannot read {path.resolve()} as an Excel workbook ({type(exc).__name__}: {exc}). The file may be "
            "damaged or not really a workbook; open it in Excel and save it again as .xlsx or CSV."
        ) from exc


def _labels(index: Sequence[Any], row_word: str) -> list[str]:
    return [f"{row_word} {i}" for i in index]


def _blank(column: pd.Series) -> np.ndarray:
    """:func:`forcast.validation.missing_mask` for a column, looking at each distinct value once."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return np.array(column.isna(), dtype=bool)
    codes, uniques = pd.factorize(column)
    return np.append(missing_mask(uniques), True)[codes]


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    return np.logical_and.reduce([_blank(frame[c]) for c in frame.columns]) if frame.shape[1] else np.zeros(0, bool)


def _without_blank_rows(frame: pd.DataFrame, columns: list[Any]) -> pd.DataFrame:
    """``frame[columns]`` without the rows that are blank in every column of ``frame`` (a new frame)."""
    blank = _blank_rows(frame[columns])
    if blank.any():
        blank[blank] = _blank_rows(frame[blank])
    return frame.loc[~blank, columns]


def _pick_columns(frame: pd.DataFrame, date_column: Any, value_column: Any) -> tuple[Any, Any]:
    columns = list(frame.columns)
    check_columns(columns, {"date_column": date_column, "value_column": value_column})
    if date_column is not None and value_column is not None:
        return date_column, value_column
    usable = [c for c in columns if not _blank(frame[c]).all() and c not in (date_column, value_column)]
    if date_column is not None and len(usable) == 1:
        return date_column, usable[0]
    if value_column is not None and len(usable) == 1:
        return usable[0], value_column
    if date_column is None and value_column is None and len(usable) == 2:
        numeric = [c for c in usable if _share_numeric(frame[c]) >= 0.5]
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


def _share_numeric(column: pd.Series) -> float:
    cells = [c for c in column if not missing_mask([c])[0]]
    return sum(parse_number(c) is not None for c in cells) / max(len(cells), 1)


# --- dates to periods ------------------------------------------------------------------------------
def _classify(cell: Any) -> pd.Period | pd.Timestamp | str | None:
    """A cell as a Period (quarter, financial year), a Timestamp (day or month), text for pandas, or None."""
    if isinstance(cell, pd.Period):
        return cell
    if isinstance(cell, datetime | date | np.datetime64):
        return pd.Timestamp(cell)
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    if m := _FIN_YEAR.match(text):
        start, end = int(m.group(1)), int(m.group(2))
        if end % 100 == (start + 1) % 100 and (end < 100 or end == start + 1):
            return pd.Period(year=start + 1, freq=FREQUENCIES["annual"])
    if m := _MONTH_NUM.match(text):
        return pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=1) if 1 <= int(m.group(2)) <= 12 else None
    if (m := _MONTH_NAME.match(text)) and m.group(1).lower() in _MONTHS:
        year = m.group(2).lstrip("'")
        year = int(year) if len(year) == 4 else 2000 + int(year)
        return pd.Timestamp(year=year, month=_MONTHS[m.group(1).lower()], day=1)
    if m := _QUARTER.match(text):
        year, quarter = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        return pd.Period(f"{year}Q{quarter}", freq=FREQUENCIES["quarterly"])
    return text


class _ZonedText(Exception):
    """Internal: text timestamps carry a time zone; ``label`` is the index of the first such cell."""

    def __init__(self, label: Any) -> None:
        super().__init__(label)
        self.label = label


def _parse_day_text(text: pd.Series) -> pd.Series:
    """Parse text dates: ISO first, then UK day-first formats, then anything pandas reads day first; NaT if none.

    Raises :class:`_ZonedText` when the text carries time zones (``Z``, ``+01:00``, ``BST``...).
    """
    def zoned(cells: pd.Series) -> None:
        found = cells.astype(str).str.contains(_ZONED, regex=True)
        if found.any():
            raise _ZonedText(cells.index[found.to_numpy()][0])

    try:
        out = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except ValueError:  # several UTC offsets
        zoned(text)
        raise
    if out.dt.tz is not None:
        zoned(text)
        raise _ZonedText(text.index[0])
    todo = text[out.isna().to_numpy()].astype(str).str.strip()  # the cells not read yet
    if not todo.empty:
        zoned(todo)
    for fmt in ("ISO8601", *_DAY_FIRST, "mixed"):
        todo = todo[out[todo.index].isna().to_numpy()]
        if todo.empty:
            break
        extra = {"dayfirst": True} if fmt == "mixed" else {}
        out[todo.index] = pd.to_datetime(todo, format=fmt, errors="coerce", **extra)
    return out


def _parse_periods(cells: list[Any], labels: list[str], frequency: str | None, column: str,
                   target: str) -> pd.PeriodIndex:
    blank = missing_mask(cells)
    if blank.any():
        rows = [labels[i] for i in np.flatnonzero(blank)]
        raise MissingValueError(
            f"{plural(len(rows), 'date')} in {column} {'is' if len(rows) == 1 else 'are'} blank: {listing(rows)}. "
            "Fill them in, or delete those rows."
        )
    kinds = [_classify(cell) for cell in cells]
    text = {i: k for i, k in enumerate(kinds) if isinstance(k, str)}
    try:
        parsed = _parse_day_text(pd.Series(text, dtype=object)) if text else pd.Series()
    except _ZonedText as exc:
        got = f"e.g. {labels[exc.label]}: {cells[exc.label]!r}"
    else:
        got = "dates with a time zone" if any(isinstance(k, pd.Timestamp) and k.tz for k in kinds) else None
    if got:
        raise_timezone(column, got, target, "" if target == "series.index" else ".dt")
    months_only = all(isinstance(k, pd.Timestamp) and not isinstance(c, datetime | date | np.datetime64)
                      for k, c in zip(kinds, cells))
    for i, value in parsed.items():
        kinds[i] = None if pd.isna(value) else value
    bad = [i for i, k in enumerate(kinds) if k is None]
    if bad:
        quoted = [f"{labels[i]}: {cells[i]!r}" for i in bad]
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
                sheet_name: str | int = 0, non_integer: str = "error", missing: str = "error") -> pd.Series:
    """Load counts per period (one row per day, week, month, quarter or financial year) as a demand series.

    ``source`` is a path to a CSV or Excel file, a DataFrame, or a Series whose index holds the dates. With no
    ``date_column``/``value_column``, a table of exactly two filled columns is read as dates plus counts (the
    numeric one is the counts). ``frequency`` (``"daily"``, ``"weekly"``, ``"monthly"``, ``"quarterly"``,
    ``"annual"``) is inferred from the dates when left out; ``"annual"`` (financial years) must be asked for.
    Rows may come in any order; fully blank rows are skipped. ``non_integer`` says what to do with fractional
    counts: ``"error"`` (default) raises, ``"warn"`` keeps them with a warning, ``"round"`` rounds halves up with a
    warning.

    ``missing`` says what to do with periods absent from the data: ``"error"`` (default) raises
    :class:`~forcast.errors.MissingPeriodError` listing them; ``"exclude"`` keeps the series by **declaring them
    excluded**: they are added with a placeholder (linear interpolation between their neighbours, never zero),
    listed in ``attrs["missing_periods"]``, and :func:`forcast.forecast` treats them as missing (an
    :class:`~forcast.events.Outlier` each), so no model reads the placeholder as demand.

    Returns a series made by :func:`forcast.series.make_series`: sorted PeriodIndex, counts, and the metadata in
    ``attrs`` (``source`` is the file's full path, ``"DataFrame"`` or ``"Series"``). ``name`` defaults to the
    counts column's name.
    """
    check_non_integer_option(non_integer)
    if frequency is not None:
        check_frequency_name(frequency)
    if isinstance(source, pd.Series):
        cells, values = list(source.index), list(source.to_numpy(dtype=object))
        labels = [str(c) for c in cells]
        date_name, value_name, source_name, target = "the Series index", source.name, "Series", "series.index"
        check_not_empty(len(values), "the Series")
    else:
        frame, row_word, source_name = _read(source, sheet_name)
        check_not_empty((~_blank_rows(frame)).sum(), "the data")
        date_column, value_column = _pick_columns(frame, date_column, value_column)
        frame = _without_blank_rows(frame, [date_column, value_column])
        cells, values = list(frame[date_column]), list(frame[value_column])
        labels = _labels(frame.index, row_word)
        date_name, value_name, target = f"column {date_column!r}", value_column, f"df[{date_column!r}]"
    periods = _parse_periods(cells, labels, frequency, date_name, target)
    check_unique(periods, labels)
    check_steps(periods, date_name)
    if missing not in ("error", "exclude"):
        raise ParameterError(f"`missing` must be 'error' or 'exclude'. Got {missing!r}.")
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


from .call_exports import count_calls, load_calls  # noqa: E402  (re-exported; that module reuses the readers above)
