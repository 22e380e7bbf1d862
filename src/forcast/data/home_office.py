"""Read the Home Office's own "Police recorded crime and outcomes open data tables" (ODS or Excel).

The Home Office publishes recorded crime by force, offence and financial quarter as a workbook with one sheet per
financial year (``prc-pfa-mar2013-onwards-tables.ods``). :func:`read_home_office_tables` turns such a workbook
into one tidy frame, ``force, offence_group, period, count``, for the 43 territorial forces of England and Wales:

* ``period`` is the calendar quarter as a string: financial year 2017/18 quarter 1 (April–June 2017) is
  ``"2017Q2"``, its quarter 4 (January–March 2018) is ``"2018Q1"``;
* ``count`` is the sum of every row of that force, offence group and quarter, negative adjustment rows included;
* fraud is excluded (the offence group "Fraud offences", and the rows of Action Fraud, CIFAS, UK Finance and
  Financial Fraud Action UK), so totals are "total recorded crime excluding fraud";
* British Transport Police is not a territorial force and is left out (logged).

Sheets without the header row of the data columns (cover, notes, contents) are skipped. Everything else that
does not fit raises a :class:`~forcast.errors.HomeOfficeTableError` that says what is wrong and how to fix it.

>>> table = read_home_office_tables("prc-pfa-mar2013-onwards-tables.ods")  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from . import _datafiles
from ..errors import (HomeOfficeColumnError, HomeOfficeCountError, HomeOfficeEmptyError, HomeOfficeFileError,
                     HomeOfficeForceError, HomeOfficeMissingQuarterError, HomeOfficeOffenceGroupError,
                     HomeOfficePeriodError, UnknownForceError)

__all__ = ["COLUMNS", "FRAUD_BODIES", "OFFENCE_GROUPS", "TIDY_COLUMNS", "read_home_office_tables"]

#: The nine offence groups that make up total recorded crime excluding fraud (Home Office names), named once
#: for the package: recorded crime, the datasets and the readers of releases use these.
OFFENCE_GROUPS: tuple[str, ...] = (
    "Violence against the person",
    "Sexual offences",
    "Robbery",
    "Theft offences",
    "Criminal damage and arson",
    "Drug offences",
    "Possession of weapons offences",
    "Public order offences",
    "Miscellaneous crimes against society",
)

logger = logging.getLogger(__name__)

#: The columns of the open data tables, as the Home Office names them.
COLUMNS = ("Financial Year", "Financial Quarter", "Force Name", "Offence Description", "Offence Group",
           "Offence Subgroup", "Offence Code", "Number of Offences")
#: The columns the reader needs; the other three may be absent.
_REQUIRED = ("Financial Year", "Financial Quarter", "Force Name", "Offence Group", "Number of Offences")
#: The columns of the frame :func:`read_home_office_tables` returns.
TIDY_COLUMNS = ("force", "offence_group", "period", "count")
#: The nine offence groups of total recorded crime excluding fraud, as forcast names them.
#: Bodies that record fraud nationally; their rows are not a force's crime and are left out.
FRAUD_BODIES = ("Action Fraud", "CIFAS", "UK Finance", "Financial Fraud Action UK")
_FRAUD_GROUP = "fraud offences"
_NOT_TERRITORIAL = ("British Transport Police",)
#: Published spellings (normalised) of the nine groups.
_GROUP_VARIANTS = {**dict.fromkeys(("miscellaneous crimes", "misc crimes against society",
                                     "other crimes against society"), "Miscellaneous crimes against society"),
                   "drugs offences": "Drug offences", "possession of weapons": "Possession of weapons offences",
                   "public order": "Public order offences", "theft": "Theft offences",
                   "violence against the person offences": "Violence against the person"}
_HEADER_SCAN_ROWS = 30
_MIN_HEADER_MATCHES = 3
_MAX_QUOTED = 5


def _key(text: object) -> str:
    """Matching key: lower case, '&' as 'and', runs of punctuation and spaces as one space."""
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower().replace("&", " and ")).strip()


def _keys(values: pd.Series) -> pd.Series:
    """:func:`_key` of each value, computed once per distinct value."""
    return values.map({v: _key(v) for v in values.unique()})


_COLUMN_KEYS = {_key(c): c for c in COLUMNS}
_GROUP_KEYS = {**{_key(g): g for g in OFFENCE_GROUPS}, **_GROUP_VARIANTS}
_FRAUD_BODY_KEYS = {_key(b) for b in FRAUD_BODIES}


def read_home_office_tables(path, *, allow_missing_quarters: bool = False) -> pd.DataFrame:
    """Read a Home Office open data tables workbook (.ods, .xlsx or .xls) into ``force, offence_group, period, count``.

    The frame is sorted by force, offence group and period; ``period`` is a calendar-quarter label such as
    ``"2017Q2"`` (financial quarter 1 = April–June) and ``count`` an int64 summed over all rows (negative
    adjustments included). Every force has all nine :data:`OFFENCE_GROUPS` in each quarter it has rows for (a group
    with no rows counts 0). Each force must have every quarter from the first to the last quarter in the workbook;
    with ``allow_missing_quarters=True`` the missing quarters are left out of the frame and logged instead of
    raising :class:`~forcast.errors.HomeOfficeMissingQuarterError`.
    """
    path = Path(path)
    sheets = _open(path)
    found = {name: _sheet_rows(name, raw) for name, raw in sheets.items()}
    frames = [rows for rows in found.values() if rows is not None]
    skipped = [name for name, rows in found.items() if rows is None]
    if skipped:
        logger.info("%s: skipped sheets without the data columns: %s", path.name, ", ".join(skipped))
    if not frames:
        raise HomeOfficeEmptyError(
            f"{path.name} has no data sheet: none of its sheets ({', '.join(repr(s) for s in sheets)}) has a header "
            f"row with the columns {', '.join(_REQUIRED)}. Is it the Home Office 'Police recorded crime and "
            "outcomes open data tables' workbook (prc-pfa-mar2013-onwards-tables)?"
        )
    rows = pd.concat(frames, ignore_index=True)
    rows["period"] = _periods(rows)
    _check_sheets_do_not_overlap(rows)
    rows["count"] = _counts(rows)
    rows = _territorial(rows, path.name)
    if rows.empty:
        raise HomeOfficeEmptyError(
            f"{path.name} has no rows for the 43 territorial forces (only fraud bodies, fraud offences or British "
            "Transport Police). Import the workbook that covers all forces (prc-pfa-mar2013-onwards-tables)."
        )
    rows["offence_group"] = _groups(rows["group"])
    return _check_quarters(_tidy(rows), allow_missing_quarters)


# --- reading the workbook ------------------------------------------------------------------------------
def _open(path: Path) -> dict[str, pd.DataFrame]:
    if not path.is_file():
        where = f" (the folder {path.parent.resolve()} does not exist)" if not path.parent.is_dir() else ""
        raise HomeOfficeFileError(
            f"Home Office workbook not found: {path.resolve()}{where}. Download 'Police recorded crime and "
            "outcomes open data tables' (prc-pfa-mar2013-onwards-tables.ods) from gov.uk and give its path."
        )
    try:
        return pd.read_excel(path, sheet_name=None, header=None, engine="calamine", dtype=object,
                             na_filter=False)
    except Exception as exc:  # calamine raises its own errors on files that are not workbooks
        raise HomeOfficeFileError(
            f"Cannot read {path.name} as a workbook ({type(exc).__name__}: {exc}). The Home Office tables come as "
            ".ods or .xlsx; if you have a CSV, open it in a spreadsheet program and save it as .ods or .xlsx."
        ) from exc


def _sheet_rows(sheet: str, raw: pd.DataFrame) -> pd.DataFrame | None:
    """The data rows of one sheet (columns: sheet, row, year, quarter, force, group, raw_count); None if not data."""
    for i in range(min(len(raw), _HEADER_SCAN_ROWS)):
        found = {_COLUMN_KEYS[_key(v)]: j for j, v in enumerate(raw.iloc[i]) if _key(v) in _COLUMN_KEYS}
        if len(found) >= _MIN_HEADER_MATCHES:
            break
    else:
        return None
    missing = [c for c in _REQUIRED if c not in found]
    if missing:
        has = [str(v).strip() for v in raw.iloc[i] if str(v).strip()]
        raise HomeOfficeColumnError(
            f"Sheet {sheet!r} lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)} (header in spreadsheet row {i + 1}). Its columns are: "
            f"{', '.join(repr(c) for c in has)}. The open data tables have: {', '.join(COLUMNS)}; rename the "
            "columns or use the workbook as published."
        )
    body = raw.iloc[i + 1:]
    cells = {c: body.iloc[:, found[c]].map(lambda v: v.strip() if isinstance(v, str) else v) for c in _REQUIRED}
    data = pd.DataFrame({"year": cells["Financial Year"], "quarter": cells["Financial Quarter"],
                         "force": cells["Force Name"], "group": cells["Offence Group"],
                         "raw_count": cells["Number of Offences"]})
    data = data[(data != "").any(axis=1)]
    if data.empty:
        raise HomeOfficeEmptyError(
            f"Sheet {sheet!r} has the header row of the data columns (spreadsheet row {i + 1}) but no rows below it. "
            "Delete the sheet, or download the workbook again: a sheet of the open data tables holds a year of rows."
        )
    data.insert(0, "row", data.index + 1)  # raw row i is spreadsheet row i + 1 (calamine keeps empty rows)
    data.insert(0, "sheet", sheet)
    return data.reset_index(drop=True)


def _where(rows: pd.DataFrame, column: str) -> str:
    quoted = [f"sheet {s!r} row {r}: {v!r}" for s, r, v in rows[["sheet", "row", column]].head(_MAX_QUOTED)
              .itertuples(index=False)]
    more = f" and {len(rows) - _MAX_QUOTED} more" if len(rows) > _MAX_QUOTED else ""
    return "; ".join(quoted) + more


def _cells(bad: pd.Series, column: str) -> str:
    n = int(bad.sum())
    return f"{n} {column!r} cell{'s are' if n > 1 else ' is'}"


# --- columns to values ---------------------------------------------------------------------------------
def _periods(rows: pd.DataFrame) -> pd.Series:
    """Calendar-quarter labels ('2017Q2') from financial year and quarter cells."""
    year = rows["year"].astype(str).str.extract(r"^(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})$")
    start = pd.to_numeric(year[0], errors="coerce")
    end = pd.to_numeric(year[1], errors="coerce")
    end = end.where(end >= 100, start // 100 * 100 + end)  # '2017/18' -> 2018; '1999/00' -> 2000 below
    end = end.where(end >= start, end + 100)
    bad_year = start.isna() | (end != start + 1)
    if bad_year.any():
        raise HomeOfficePeriodError(
            f"{_cells(bad_year, 'Financial Year')} not financial years like '2017/18': "
            f"{_where(rows[bad_year], 'year')}. Correct them in the workbook or download it again."
        )
    quarter = pd.to_numeric(rows["quarter"].astype(str).str.upper().str.removeprefix("Q"), errors="coerce")
    bad_quarter = ~quarter.isin([1, 2, 3, 4])
    if bad_quarter.any():
        raise HomeOfficePeriodError(
            f"{_cells(bad_quarter, 'Financial Quarter')} not 1, 2, 3 or 4: "
            f"{_where(rows[bad_quarter], 'quarter')}. Quarter 1 is April–June; correct the cells."
        )
    # financial quarter q of the year starting in April of `start` is calendar quarter q + 1 (q = 4 -> next Q1)
    calendar_year = (start + (quarter == 4)).astype(int)
    calendar_quarter = (quarter % 4 + 1).astype(int)
    return calendar_year.astype(str) + "Q" + calendar_quarter.astype(str)


def _check_sheets_do_not_overlap(rows: pd.DataFrame) -> None:
    sheets = rows.groupby("period")["sheet"].unique()
    clash = sheets[sheets.map(len) > 1]
    if len(clash):
        where = "; ".join(f"{p} in {', '.join(repr(s) for s in names)}" for p, names in clash.items())
        raise HomeOfficePeriodError(
            f"The same quarters are in more than one sheet, so their rows would be counted twice: {where}. "
            "Keep one sheet per financial year (delete copies or revised duplicates) and import again."
        )


def _counts(rows: pd.DataFrame) -> pd.Series:
    """Whole-number counts from cells such as 66776, ' 66776 ', '1,234' or '-3'."""
    text = (rows["raw_count"].astype(str).str.replace(r"[\s,\u00a0\u202f]", "", regex=True)
            .str.replace("\u2212", "-", regex=False).str.removesuffix(".0"))
    bad = ~text.str.fullmatch(r"-?\d+")
    if bad.any():
        raise HomeOfficeCountError(
            f"{_cells(bad, 'Number of Offences')} not whole numbers: {_where(rows[bad], 'raw_count')}. "
            "Each cell must hold a count (spaces and thousands separators are fine); fix or delete those rows."
        )
    return text.astype("int64")


def _territorial(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """Drop fraud (bodies and the offence group) and British Transport Police; Home Office force spelling."""
    keep = ~_keys(rows["force"]).isin(_FRAUD_BODY_KEYS) & (_keys(rows["group"]) != _FRAUD_GROUP)
    rows = rows[keep].copy()
    names, unknown = {}, []
    for name in rows["force"].unique():
        try:
            names[name] = _datafiles.resolve(name)
        except UnknownForceError:
            unknown.append(name)
    if unknown:
        raise HomeOfficeForceError(
            f"{len(unknown)} force name{'s are' if len(unknown) > 1 else ' is'} not among the 43 territorial "
            f"forces of England and Wales: {', '.join(repr(n) for n in sorted(map(str, unknown)))}. Spell forces "
            "as the Home Office does (e.g. 'Avon and Somerset', 'London, City of', 'Dyfed-Powys'; "
            "forcast.data.datasets.forces() lists them) and delete rows of bodies that are not forces; rows of the "
            f"fraud bodies ({', '.join(FRAUD_BODIES)}) are left out by themselves."
        )
    rows["force"] = rows["force"].map(names)
    dropped = rows["force"].isin(_NOT_TERRITORIAL)
    if dropped.any():
        logger.info("%s: %d rows of %s left out (not a territorial force)", source, int(dropped.sum()),
                    ", ".join(sorted(rows.loc[dropped, "force"].unique())))
    return rows[~dropped]


def _groups(groups: pd.Series) -> pd.Series:
    mapped = _keys(groups).map(_GROUP_KEYS)
    if mapped.isna().any():
        unknown = sorted(set(map(str, groups[mapped.isna()])))
        raise HomeOfficeOffenceGroupError(
            f"Unknown offence group{'s' if len(unknown) > 1 else ''}: {', '.join(repr(g) for g in unknown)}. "
            f"forcast knows the nine groups of total recorded crime excluding fraud: {', '.join(OFFENCE_GROUPS)} "
            "(and 'Fraud offences', which is left out). Rename the group in the workbook to one of these."
        )
    return mapped


# --- the tidy frame ------------------------------------------------------------------------------------
def _tidy(rows: pd.DataFrame) -> pd.DataFrame:
    """Sum per force x group x quarter; every group present (0) in each quarter a force has rows for."""
    sums = rows.groupby(["force", "period", "offence_group"])["count"].sum()
    wide = sums.unstack("offence_group", fill_value=0).reindex(columns=list(OFFENCE_GROUPS), fill_value=0)
    long = wide.stack().rename("count").reset_index()
    table = long[list(TIDY_COLUMNS)].sort_values(["force", "offence_group", "period"], ignore_index=True)
    table["count"] = table["count"].astype("int64")
    return table


def _check_quarters(table: pd.DataFrame, allow: bool) -> pd.DataFrame:
    """Every force needs every quarter from the first to the last in the workbook."""
    first, last = pd.Period(table["period"].min(), "Q-DEC"), pd.Period(table["period"].max(), "Q-DEC")
    expected = {str(p) for p in pd.period_range(first, last, freq="Q-DEC")}
    gaps = {force: sorted(expected - set(periods)) for force, periods in table.groupby("force")["period"]}
    gaps = {force: missing for force, missing in gaps.items() if missing}
    if not gaps:
        return table
    listed = "; ".join(f"{force}: {', '.join(_describe_quarter(p) for p in missing)}"
                       for force, missing in gaps.items())
    n = sum(len(m) for m in gaps.values())
    if allow:
        logger.warning("%d force quarters missing from the workbook, left out: %s", n, listed)
        return table
    raise HomeOfficeMissingQuarterError(
        f"{len(gaps)} force{'s have' if len(gaps) > 1 else ' has'} no rows for quarters that the workbook covers "
        f"({first}–{last}), {n} quarter{'s' if n > 1 else ''} in all: {listed}. If the Home Office published the "
        "release this way (e.g. Devon and Cornwall has no data for October 2022 to March 2023), import it with "
        "allow_missing_quarters=True (CLI: --allow-missing-quarters) and those quarters are left out."
    )


def _describe_quarter(period: str) -> str:
    """'2022Q4' -> '2022Q4 (2022/23 Q3)'."""
    p = pd.Period(period, "Q-DEC")
    start = p.year if p.quarter > 1 else p.year - 1
    return f"{period} ({start}/{(start + 1) % 100:02d} Q{(p.quarter - 2) % 4 + 1})"
