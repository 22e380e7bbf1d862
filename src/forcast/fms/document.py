"""The document model of a Force Management Statement chapter, shared by every renderer.

A :class:`Chapter` holds :class:`Section` objects; a section holds *blocks*: :class:`Paragraph`,
:class:`BulletList`, :class:`Table` and :class:`Figure`. The objects are immutable and hold plain text, so the
same chapter renders to Markdown, HTML and Word without any renderer seeing anything the others do not.

Numbers live in one place only: the :class:`pandas.DataFrame` of a :class:`Table`. Renderers show
:meth:`Table.formatted` (display strings) and :meth:`Chapter.write` saves the raw frame as ``tables/<key>.csv``,
so every number in a chapter can be traced back to a file. Tables and figures are numbered in reading order
("Table 1", "Figure 1") by :meth:`Chapter.labelled_blocks`, which every renderer uses.

All text is treated as untrusted (a force name may come from a user's file); each renderer escapes it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Union

import pandas as pd
from matplotlib.figure import Figure as MplFigure

from ..errors import ParameterError
from ..reporting.outputs import OutputFolder, PathLike
from .formatting import display_frame, format_frame, is_number_column

__all__ = [
    "DEFAULT_MARKING",
    "FIGURE_DPI",
    "FORMATS",
    "Block",
    "BulletList",
    "Chapter",
    "Figure",
    "Paragraph",
    "Section",
    "Table",
    "clean_text",
]

#: Output formats :meth:`Chapter.write` knows, in the order it writes them.
FORMATS: tuple[str, ...] = ("md", "html", "docx")
#: Resolution of figures in every output (PNG files, HTML data URIs, Word pictures).
FIGURE_DPI = 150
#: The protective marking of a chapter unless another is given (Government Security Classifications).
DEFAULT_MARKING = "OFFICIAL"

_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_FIGURE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\.png\Z")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """``text`` with control characters removed (they are invalid in XML) and line ends made ``"\\n"``."""
    return _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _require_text(value: Any, what: str, *, optional: bool = False) -> None:
    if not (isinstance(value, str) or (optional and value is None)):
        raise ParameterError(f"{what} must be a str. Got {type(value).__name__}: {value!r}. Pass the text as a string.")


def _require_key(value: Any, what: str, pattern: re.Pattern[str], example: str) -> None:
    if not isinstance(value, str) or not pattern.match(value):
        png = " and end in .png" if pattern is _FIGURE_NAME_RE else ""
        raise ParameterError(
            f"{what} must start with a letter or digit and contain only letters, digits, '_' and '-'{png}. "
            f"Got {value!r}. Use a name such as {example!r}."
        )


def _as_tuple(values: Any, what: str, kinds: tuple[type, ...], hint: str) -> tuple[Any, ...]:
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
        _require_text(self.text, "Paragraph text")


@dataclass(frozen=True)
class BulletList:
    """A list of plain-text items shown as bullets."""

    items: Sequence[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", _as_tuple(self.items, "BulletList items", (str,), "item"))


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
        _require_text(self.caption, "Table caption")
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
            _require_text(pattern, f"number_format[{column!r}]")
        _require_text(self.note, "Table note", optional=True)
        shown = format_frame(frame, formats)
        marks = dict(self.marks or {})
        for (row, column), mark in marks.items():
            if column not in labels or not isinstance(row, int) or not 0 <= row < len(frame):
                raise ParameterError(f"marks names a cell the table does not have: ({row!r}, {column!r}). Give "
                                     f"(row position, column name) with a row from 0 to {len(frame) - 1}.")
            _require_text(mark, f"marks[({row!r}, {column!r})]")
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
        _require_text(self.caption, "Figure caption")
        _require_text(self.alt_text, "Figure alt_text", optional=True)
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
        _require_text(self.title, "Section title")
        if self.key is not None:
            _require_key(self.key, "Section key", _KEY_RE, "demand_outlook")
        blocks = _as_tuple(self.blocks, f"The blocks of section {self.title!r}", _BLOCK_TYPES, "block")
        object.__setattr__(self, "blocks", blocks)

    def __repr__(self) -> str:
        return f"Section({self.title!r}, {len(self.blocks)} blocks, key={self.key!r})"


@dataclass(frozen=True, eq=False)
class Chapter:
    """The demand chapter of a Force Management Statement, renderable to Markdown, HTML and Word.

    ``metadata`` (e.g. ``{"Force": "Kent", "Data to": "March 2024"}``) is shown under the title as
    label/value pairs, in the order given. Table keys and figure file names must be unique in a chapter.
    ``marking`` is the protective marking shown at the top and bottom of every page (Government Security
    Classifications: ``"OFFICIAL"`` by default, e.g. ``"OFFICIAL-SENSITIVE"``); None or ``""`` shows none.
    """

    title: str
    sections: Sequence[Section]
    subtitle: str | None = None
    metadata: Mapping[str, Any] | None = None
    marking: str | None = DEFAULT_MARKING

    def __post_init__(self) -> None:
        _require_text(self.title, "Chapter title")
        _require_text(self.subtitle, "Chapter subtitle", optional=True)
        _require_text(self.marking, "Chapter marking", optional=True)
        if self.marking is not None and "\n" in clean_text(self.marking):
            raise ParameterError(f"Chapter marking must be one line, such as 'OFFICIAL'. Got {self.marking!r}.")
        object.__setattr__(self, "sections", _as_tuple(self.sections, "Chapter sections", (Section,), "section"))
        if self.metadata is not None:
            if not isinstance(self.metadata, Mapping):
                raise ParameterError(f"Chapter metadata must be a dict. Got {type(self.metadata).__name__}.")
            object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))
        _check_unique([f.filename for f in self.figures()], "figure file name", "filename")
        _check_unique(self._table_keys(), "table key", "key")

    def __repr__(self) -> str:
        return (f"Chapter({self.title!r}, {len(self.sections)} sections, {len(self.tables())} tables, "
                f"{len(self.figures())} figures, marking={self.marking!r})")

    # --- what the chapter holds
    def tables(self) -> list[Table]:
        """Every table, in reading order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        """Every figure, in reading order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]

    def tables_by_key(self) -> dict[str, Table]:
        """Every table under the key its CSV file is saved with (``table_<n>`` for tables without a key)."""
        return dict(zip(self._table_keys(), self.tables()))

    def _table_keys(self) -> list[str]:
        return [t.key or f"table_{n}" for n, t in enumerate(self.tables(), start=1)]

    def metadata_items(self) -> list[tuple[str, str]]:
        """``metadata`` as (label, value) text pairs, in order; empty when there is none."""
        return [(str(k), "" if v is None else str(v)) for k, v in (self.metadata or {}).items()]

    def labelled_blocks(self) -> list[tuple[Section, list[tuple[Block, str | None]]]]:
        """Each section with its blocks, tables and figures labelled in reading order ("Table 1", "Figure 2")."""
        counts = {"Table": 0, "Figure": 0}
        result = []
        for section in self.sections:
            blocks: list[tuple[Block, str | None]] = []
            for block in section.blocks:
                label = None
                if isinstance(block, (Table, Figure)):
                    kind = type(block).__name__
                    counts[kind] += 1
                    label = f"{kind} {counts[kind]}"
                blocks.append((block, label))
            result.append((section, blocks))
        return result

    # --- renderings
    def to_markdown(self) -> str:
        """The chapter as Markdown; figures are referenced as ``figures/<filename>``."""
        from .render_markdown import render_markdown

        return render_markdown(self)

    def to_html(self) -> str:
        """The chapter as one self-contained HTML page (figures embedded, no external resources)."""
        from .render_html import render_html

        return render_html(self)

    def to_docx_bytes(self, template: PathLike | None = None) -> bytes:
        """The chapter as a Word document (``.docx``), as bytes; ``template``: the force's ``.docx``/``.dotx``."""
        from .render_docx import render_docx

        return render_docx(self, template=template)

    def write(self, out_dir: PathLike, formats: str | Iterable[str] = FORMATS,
              template: PathLike | None = None) -> dict[str, Path]:
        """Write the chapter into ``out_dir`` in each of ``formats`` (``"md"``, ``"html"``, ``"docx"``).

        Writes ``chapter.md``, ``chapter.html`` and ``chapter.docx`` as asked, and always every table as
        ``tables/<key>.csv`` (the raw numbers) and every figure as ``figures/<filename>``. Everything is
        rendered in memory before the first file is written, each file is written atomically, and only these
        files are touched: anything else in ``out_dir`` is left alone, and a re-run overwrites them.

        ``template`` is the force's Word template (``.docx`` or ``.dotx``): ``chapter.docx`` is built on its
        styles and page setup instead of Word's defaults.

        Returns the paths written: the chapter files under their format (``"md"``, ``"html"``, ``"docx"``),
        tables and figures under their relative path (``"tables/fy_forecast.csv"``, ``"figures/fan.png"``).
        """
        from .render_docx import render_docx
        from .render_html import render_html
        from .render_markdown import FIGURE_FOLDER, render_markdown

        wanted = _check_formats(formats)
        images = {f.filename: f.png_bytes() for f in self.figures()}
        renderers: dict[str, Callable[[], bytes]] = {
            "md": lambda: render_markdown(self).encode("utf-8"),
            "html": lambda: render_html(self, images=images).encode("utf-8"),
            "docx": lambda: render_docx(self, images=images, template=template),
        }
        documents = {fmt: renderers[fmt]() for fmt in wanted}  # all rendered before the first file is written

        out = out_dir if isinstance(out_dir, OutputFolder) else OutputFolder(out_dir)
        extras: dict[str, Path] = {}
        for key, table in self.tables_by_key().items():
            extras[f"tables/{key}.csv"] = out.write_csv(f"tables/{key}.csv", table.frame, index=False)
        for filename, png in images.items():
            extras[f"{FIGURE_FOLDER}/{filename}"] = out.write_bytes(f"{FIGURE_FOLDER}/{filename}", png)
        written = {fmt: out.write_bytes(f"chapter.{fmt}", content) for fmt, content in documents.items()}
        return {**written, **extras}


# --- helpers ---------------------------------------------------------------------------------------------
def _check_formats(formats: str | Iterable[str]) -> list[str]:
    given = [formats] if isinstance(formats, str) else list(formats)
    unknown = [f for f in given if f not in FORMATS]
    if unknown or not given:
        got = f"unknown format(s) {unknown}" if unknown else "no formats"
        raise ParameterError(
            f"`formats` must name one or more of {', '.join(repr(f) for f in FORMATS)}. Got {got}. "
            "Use for example formats=('md', 'html')."
        )
    return list(dict.fromkeys(given))


def _check_unique(names: list[str], what: str, argument: str) -> None:
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ParameterError(
            f"Each {what} must be unique in a chapter, but {len(repeated)} appear more than once: {repeated}. "
            f"Give those blocks different `{argument}` values."
        )
