"""The blocks of a Force Management Statement chapter: :class:`Paragraph`, :class:`BulletList`, :class:`Table`,
:class:`Figure`, and the :class:`Section` that holds them; and :class:`ChapterContent`, what a renderer reads of a
chapter. The renderers (:mod:`forcast.fms.render_markdown`, :mod:`~forcast.fms.render_html`,
:mod:`~forcast.fms.render_docx`) import these and nothing of :mod:`forcast.fms.document`, whose
:class:`~forcast.fms.document.Chapter` calls them.

The objects are immutable and hold plain text, so the same chapter renders to Markdown, HTML and Word without any
renderer seeing anything the others do not. Numbers live in one place only: the :class:`pandas.DataFrame` of a
:class:`Table`. Renderers show :meth:`Table.formatted` (display strings). All text is treated as untrusted (a force
name may come from a user's file); each renderer escapes it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol, Union

import pandas as pd
from matplotlib.figure import Figure as MplFigure

from ..errors import ParameterError
from .formatting import display_frame, format_frame, is_number_column

__all__ = ["FIGURE_DPI", "Block", "BulletList", "ChapterContent", "Figure", "Paragraph", "Section", "Table",
           "clean_text"]

#: Resolution of figures in every output (PNG files, HTML data URIs, Word pictures).
FIGURE_DPI = 150

_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_FIGURE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\.png\Z")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """``text`` with control characters removed (they are invalid in XML) and line ends made ``"\\n"``."""
    return _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def require_text(value: Any, what: str, *, optional: bool = False) -> None:
    if not (isinstance(value, str) or (optional and value is None)):
        raise ParameterError(f"{what} must be a str. Got {type(value).__name__}: {value!r}. Pass the text as a string.")


def _require_key(value: Any, what: str, pattern: re.Pattern[str], example: str) -> None:
    if not isinstance(value, str) or not pattern.match(value):
        png = " and end in .png" if pattern is _FIGURE_NAME_RE else ""
        raise ParameterError(
            f"{what} must start with a letter or digit and contain only letters, digits, '_' and '-'{png}. "
            f"Got {value!r}. Use a name such as {example!r}."
        )


def as_tuple(values: Any, what: str, kinds: tuple[type, ...], hint: str) -> tuple[Any, ...]:
    """``values`` as a tuple after checking it is a list (not a single item) of ``kinds``."""
    if isinstance(values, (str, *kinds)) or not isinstance(values, Iterable):
        raise ParameterError(f"{what} must be a list. Got {type(values).__name__}. Wrap a single {hint} in a list.")
    items = tuple(values)
    bad = [f"{i}: {type(v).__name__}" for i, v in enumerate(items) if not isinstance(v, kinds)]
    if bad:
        allowed = f"a {kinds[0].__name__}" if len(kinds) == 1 else "one of " + ", ".join(k.__name__ for k in kinds)
        tip = " Wrap text in Paragraph('...')." if Paragraph in kinds else ""
        raise ParameterError(
            f"{what} hold {len(bad)} item(s) of the wrong type ({', '.join(bad)}); each must be {allowed}.{tip}"
        )
    return items


# --- blocks ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (renderers escape it; no markup is interpreted)."""

    text: str

    def __post_init__(self) -> None:
        require_text(self.text, "Paragraph text")


@dataclass(frozen=True)
class BulletList:
    """A list of plain-text items shown as bullets."""

    items: Sequence[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", as_tuple(self.items, "BulletList items", (str,), "item"))


@dataclass(frozen=True, eq=False)
class Table:
    """A table whose :class:`pandas.DataFrame` is the single source of every number it shows.

    ``number_format`` maps a column to a :meth:`str.format` pattern, e.g. ``{"mean": "{:,.0f}",
    "pct_change": "{:+.1f}%"}``. Other columns are shown with thousands separators: integers (and floats that
    are all whole numbers) as ``168,705``, other floats with one decimal, booleans as ``Yes``/``No``, missing
    values as ``–``. A *named* index is shown (and saved) as leading column(s); an unnamed index is dropped.
    ``key`` names the CSV file (``tables/<key>.csv``); tables without one are saved as ``table_<n>.csv``.
    ``marks`` maps ``(row position, column)`` to a mark added to that displayed cell (e.g. ``"*"`` for a change
    that is not like for like) and ``note`` is a line shown under the table that says what the marks mean.
    The frame is copied, so changing the caller's frame later does not change the table.
    """

    frame: pd.DataFrame
    caption: str
    number_format: Mapping[str, str] | None = None
    key: str | None = None
    marks: Mapping[tuple[int, str], str] | None = None
    note: str | None = None
    _formatted: pd.DataFrame = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.frame, pd.DataFrame):
            raise ParameterError(
                f"Table frame must be a pandas DataFrame. Got {type(self.frame).__name__}. "
                "Convert a Series with .to_frame()."
            )
        require_text(self.caption, "Table caption")
        if self.key is not None:
            _require_key(self.key, "Table key", _KEY_RE, "fy_forecast")
        frame = display_frame(self.frame)
        formats = dict(self.number_format or {})
        labels = {str(c) for c in frame.columns}
        unknown = [c for c in formats if c not in labels]
        if unknown:
            raise ParameterError(
                f"number_format names {len(unknown)} column(s) the table does not have: {unknown}. "
                f"The columns are {[str(c) for c in frame.columns]}; fix the names or drop them from number_format."
            )
        for column, pattern in formats.items():
            require_text(pattern, f"number_format[{column!r}]")
        require_text(self.note, "Table note", optional=True)
        shown = format_frame(frame, formats)
        marks = dict(self.marks or {})
        for (row, column), mark in marks.items():
            if column not in labels or not isinstance(row, int) or not 0 <= row < len(frame):
                raise ParameterError(f"marks names a cell the table does not have: ({row!r}, {column!r}). Give "
                                     f"(row position, column name) with a row from 0 to {len(frame) - 1}.")
            require_text(mark, f"marks[({row!r}, {column!r})]")
            position = [str(c) for c in frame.columns].index(column)
            shown.iat[row, position] = f"{shown.iat[row, position]}{mark}"
        object.__setattr__(self, "frame", frame)
        object.__setattr__(self, "number_format", MappingProxyType(formats))
        object.__setattr__(self, "marks", MappingProxyType(marks))
        object.__setattr__(self, "_formatted", shown)

    def formatted(self) -> pd.DataFrame:
        """The table as display strings: same columns and rows as :attr:`frame`, every cell a ``str``."""
        return self._formatted.copy()

    def __repr__(self) -> str:
        return f"Table({self.caption!r}, {self.frame.shape[0]} rows x {self.frame.shape[1]} columns, key={self.key!r})"

    def numeric_columns(self) -> tuple[Any, ...]:
        """Columns holding numbers (not booleans); renderers right-align them."""
        return tuple(c for i, c in enumerate(self.frame.columns) if is_number_column(self.frame.iloc[:, i]))


@dataclass(frozen=True, eq=False)
class Figure:
    """A matplotlib figure with its caption; ``filename`` (e.g. ``"fan_chart.png"``) names the PNG file.

    ``alt_text`` is what a screen reader says instead of the picture (HTML ``alt``, Word's alt text); default:
    the caption."""

    figure: MplFigure
    caption: str
    filename: str
    alt_text: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.figure, MplFigure):
            raise ParameterError(
                f"Figure figure must be a matplotlib Figure. Got {type(self.figure).__name__}. "
                "Pass the figure (e.g. ax.figure), not the axes."
            )
        require_text(self.caption, "Figure caption")
        require_text(self.alt_text, "Figure alt_text", optional=True)
        _require_key(self.filename, "Figure filename", _FIGURE_NAME_RE, "fan_chart.png")

    def __repr__(self) -> str:
        return f"Figure({self.caption!r}, filename={self.filename!r})"

    def png_bytes(self, dpi: int = FIGURE_DPI) -> bytes:
        """The figure drawn as PNG."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()

    @property
    def width_inches(self) -> float:
        """The figure's width in inches, as drawn."""
        return float(self.figure.get_size_inches()[0])


#: Anything a section may hold.
Block = Union[Paragraph, BulletList, Table, Figure]
_BLOCK_TYPES = (Paragraph, BulletList, Table, Figure)


# --- sections and chapters -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    """A titled part of a chapter; ``key`` (letters, digits, ``_``, ``-``) becomes the HTML anchor."""

    title: str
    blocks: Sequence[Block]
    key: str | None = None

    def __post_init__(self) -> None:
        require_text(self.title, "Section title")
        if self.key is not None:
            _require_key(self.key, "Section key", _KEY_RE, "demand_outlook")
        blocks = as_tuple(self.blocks, f"The blocks of section {self.title!r}", _BLOCK_TYPES, "block")
        object.__setattr__(self, "blocks", blocks)

    def __repr__(self) -> str:
        return f"Section({self.title!r}, {len(self.blocks)} blocks, key={self.key!r})"


class ChapterContent(Protocol):
    """What a renderer reads of a chapter (:class:`forcast.fms.document.Chapter` is one)."""

    title: str
    subtitle: str | None
    marking: str | None
    sections: Sequence[Section]

    def metadata_items(self) -> list[tuple[str, str]]: ...

    def labelled_blocks(self) -> list[tuple[Section, list[tuple[Block, str | None]]]]: ...
