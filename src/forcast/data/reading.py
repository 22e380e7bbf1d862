"""Reading a user's CSV file or Excel workbook into a DataFrame, with messages that point at the real problem: the
file or folder that is not there, an unknown extension, ragged rows and unclosed quotes by their line, a title row
above the header, data on another sheet, repeated column names. Used by :mod:`forcast.data` and
:mod:`forcast.data.call_exports`; the frame is then checked there.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .date_cells import _classify
from ..errors import ParameterError, SourceNotFoundError, UnreadableSourceError
from .validation import check_not_empty, missing_mask, parse_number, plural

#: File extensions forcast can read.
SUPPORTED_EXTENSIONS = (".csv", ".txt", ".xlsx", ".xlsm", ".xls")


def _read(source: Any, sheet_name: str | int | None = None, header: int = 1) -> tuple[pd.DataFrame, str, str]:
    """Return ``(frame, row_word, source_name)``; a file's frame is indexed by the row numbers seen in the file.

    ``header`` is the row of the file that holds the column names (1 = the first). A workbook's frame carries
    its sheet names in ``frame.attrs["sheets"]`` and the sheet read in ``frame.attrs["sheet"]``.
    """
    if isinstance(source, pd.DataFrame):
        if source.index.is_unique:
            return source, "index", "DataFrame"
        return source.set_axis(pd.RangeIndex(len(source))), "position", "DataFrame"  # labels would be ambiguous
    if not isinstance(source, str | os.PathLike):
        raise ParameterError(
            f"source must be a file path, a pandas DataFrame or a pandas Series. Got {type(source).__name__}."
        )
    if isinstance(header, bool) or not isinstance(header, int | np.integer) or header < 1:
        raise ParameterError(f"`header` must be the row number of the column names, 1 or more (1 = the first "
                             f"row). Got {header!r}.")
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
    if suffix.startswith(".xl"):
        frame = _read_excel(path, sheet_name, int(header))
    else:
        if sheet_name is not None:
            raise ParameterError(f"sheet_name={sheet_name!r} was given, but {path.name} is a CSV file, which has no "
                                 "sheets. Leave sheet_name out (--sheet) for CSV files.")
        frame = _read_csv(path, int(header))
    frame.index = pd.RangeIndex(int(header) + 1, len(frame) + int(header) + 1)
    return frame, "row", str(path.resolve())


def _read_csv(path: Path, header: int = 1) -> pd.DataFrame:
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
            return pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding=encoding,
                               header=header - 1)
        except UnicodeDecodeError as exc:
            last_error = exc
        except pd.errors.EmptyDataError:
            check_not_empty(0, f"the file {path.name}" + (f" from row {header} on" if header > 1 else ""))
        except (pd.errors.ParserError, ValueError, OverflowError, csv.Error) as exc:
            problem = _csv_problem(path, encoding, header)
            if problem:
                raise UnreadableSourceError(f"Cannot read {path.resolve()} as CSV: {problem}") from exc
            last_error = exc
            break
    raise UnreadableSourceError(
        f"Cannot read {path.resolve()} as CSV ({last_error}). Open it in Excel and save it again as "
        "'CSV (Comma delimited)' or .xlsx."
    )


def _csv_problem(path: Path, encoding: str, header: int) -> str | None:
    """Why pandas could not read a CSV, by the file's own line numbers: an unclosed quote, a row with more cells
    than the header, or title rows above the header. None when none of these is found."""
    try:
        text = path.read_text(encoding=encoding)
    except (UnicodeDecodeError, OSError):
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []  # (first line of the row, cells)
    line = 1
    try:
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        start = text.splitlines()[line - 1] if line - 1 < len(text.splitlines()) else ""
        if "quote" in str(exc) or "end of data" in str(exc) or "field larger" in str(exc) or '"' in start:
            return (f"line {line} opens a quote (\") that is never closed, so everything after it would be one cell: "
                    f"{_short(start)!r}. Remove the stray quote or close it, then save the file again.")
        return f"line {line} cannot be read ({exc}): {_short(start)!r}. Correct that line and save the file again."
    body = rows[header - 1:]
    if len(body) < 2:
        return None
    width = len(body[0][1])
    wider = [(n, cells) for n, cells in body[1:] if len(cells) > width and any(c.strip() for c in cells[width:])]
    if not wider:
        return None
    widths = Counter(len(cells) for _, cells in body[1:] if any(c.strip() for c in cells))
    usual = widths.most_common(1)[0][0]
    if usual > width:
        below = next(i for i, (_, cells) in enumerate(rows) if len(cells) == usual)
        return (f"row {header} (the header) has {plural(width, 'cell')} but most rows below have {usual}, as if "
                f"title rows were above the header: the header seems to be on row {below + 1}; pass "
                f"header={below + 1} (--header {below + 1} on the command line), or delete the rows above it.")
    n, cells = wider[0]
    return (f"line {n} has {plural(len(cells), 'cell')} but the header (row {header}) has {width}: "
            f"{_short(','.join(cells))!r}. A comma inside a number or a note (e.g. 1,234 without quotes) splits a "
            "cell in two: remove it or put that cell in quotes, then save the file again.")


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _read_excel(path: Path, sheet_name: str | int | None, header: int = 1) -> pd.DataFrame:
    try:
        with pd.ExcelFile(path) as book:
            sheets = list(book.sheet_names)
            chosen = 0 if sheet_name is None else sheet_name
            if isinstance(chosen, bool) or not isinstance(chosen, str | int) or (
                    isinstance(chosen, str) and chosen not in sheets) or (
                    isinstance(chosen, int) and not -len(sheets) <= chosen < len(sheets)):
                raise UnreadableSourceError(
                    f"sheet_name={sheet_name!r} is not a sheet of {path.name}. Its sheets are: "
                    f"{', '.join(repr(s) for s in sheets)}. Pass one of these names (--sheet NAME on the command "
                    "line)."
                )
            frame = pd.read_excel(book, sheet_name=chosen, dtype=object, keep_default_na=False, header=header - 1)
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
    frame.attrs["sheets"] = sheets
    frame.attrs["sheet"] = sheets[chosen] if isinstance(chosen, int) else chosen
    return frame


def _sheet_hint(frame: pd.DataFrame, sheet_name: Any) -> str:
    """A sentence naming the other sheets of a workbook when the figures may be on one of them."""
    sheets = frame.attrs.get("sheets") or []
    if sheet_name is not None or len(sheets) < 2:
        return ""
    others = [s for s in sheets if s != frame.attrs.get("sheet")]
    return (f" This is the first sheet, {frame.attrs.get('sheet')!r}; the workbook's sheets are "
            f"{', '.join(repr(s) for s in sheets)}. If the figures are on another sheet, pass "
            f"sheet_name={others[0]!r} (--sheet {others[0]!r} on the command line).")


def _header_hint(frame: pd.DataFrame, header: int) -> str:
    """A sentence saying where the header seems to be when the column names look like a title row above it."""
    columns = [str(c) for c in frame.columns]
    if not columns or not any(c.startswith("Unnamed:") for c in columns):
        return ""
    for position, (label, row) in enumerate(frame.head(30).iterrows()):
        cells = [c for c in row if not missing_mask([c])[0]]
        names = [c for c in cells if isinstance(c, str) and parse_number(c) is None and isinstance(_classify(c), str)
                 and not re.match(r"^\d", c.strip())]
        if len(cells) >= 2 and len(names) == len(cells) and position + 1 < len(frame):
            return (f"the header seems to be on row {label}; pass header={label} (--header {label} on the command "
                    "line), or delete the rows above it.")
    return ""


def _duplicate_columns(columns: Sequence[Any]) -> dict[str, list[int]]:
    """Header names that appear more than once, as name -> column positions: repeated labels of a DataFrame, or
    the copies pandas renames when reading a file ('n' again becomes 'n.1', 'n.2')."""
    names = [str(c) for c in columns]
    groups: dict[str, list[int]] = {}
    for position, name in enumerate(names):
        m = re.match(r"^(.*)\.(\d+)$", name)
        groups.setdefault(m.group(1) if m and m.group(1) in names else name, []).append(position)
    return {name: positions for name, positions in groups.items() if len(positions) > 1}
