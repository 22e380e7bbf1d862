"""The cells of a table read from a user's file: blank cells, blank rows, how numeric a column is, row labels.

Shared by the two loaders of users' data, :mod:`forcast.data.loading` (period counts) and
:mod:`forcast.data.call_exports` (call-level exports), which look at what they read the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .validation import missing_mask, parse_number


def row_labels(index: Sequence[Any], row_word: str) -> list[str]:
    """``["row 2", "row 3", ...]``: how messages name the rows of ``index`` (``row_word`` is "row" or "index")."""
    return [f"{row_word} {i}" for i in index]


def blank_cells(column: pd.Series) -> np.ndarray:
    """:func:`forcast.data.validation.missing_mask` for a column, looking at each distinct value once."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return np.array(column.isna(), dtype=bool)
    codes, uniques = pd.factorize(column)
    return np.append(missing_mask(uniques), True)[codes]


def blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """The rows of ``frame`` that are blank in every column."""
    return (np.logical_and.reduce([blank_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]) if frame.shape[1]
            else np.zeros(0, bool))  # by position: a repeated label would pick a frame, not a column


def without_blank_rows(frame: pd.DataFrame, columns: list[Any]) -> pd.DataFrame:
    """``frame[columns]`` without the rows that are blank in every column of ``frame`` (a new frame)."""
    rows = blank_rows(frame[columns])
    if rows.any():
        rows[rows] = blank_rows(frame[rows])
    return frame.loc[~rows, columns]


def share_numeric(column: pd.Series) -> float:
    """The share of the non-blank cells of ``column`` that read as numbers."""
    cells = [c for c in column if not missing_mask([c])[0]]
    return sum(parse_number(c) is not None for c in cells) / max(len(cells), 1)
