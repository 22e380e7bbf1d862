"""The document model of a Force Management Statement chapter: a :class:`Chapter` of :class:`Section` objects,
each holding *blocks* (:class:`Paragraph`, :class:`BulletList`, :class:`Table`, :class:`Figure`; defined in
:mod:`forcast.fms.blocks` and exported here too), and its renderings.

Numbers live in one place only: the :class:`pandas.DataFrame` of a :class:`Table`. Renderers show
:meth:`Table.formatted` (display strings) and :meth:`Chapter.write` saves the raw frame as ``tables/<key>.csv``,
so every number in a chapter can be traced back to a file. Tables and figures are numbered in reading order
("Table 1", "Figure 1") by :meth:`Chapter.labelled_blocks`, which every renderer uses.

All text is treated as untrusted (a force name may come from a user's file); each renderer escapes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable

from ..errors import ParameterError
from ..reporting.outputs import OutputFolder, PathLike
from .blocks import (FIGURE_DPI, Block, BulletList, Figure, Paragraph, Section, Table, as_tuple, clean_text,
                     require_text)

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
#: The protective marking of a chapter unless another is given (Government Security Classifications).
DEFAULT_MARKING = "OFFICIAL"

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
        require_text(self.title, "Chapter title")
        require_text(self.subtitle, "Chapter subtitle", optional=True)
        require_text(self.marking, "Chapter marking", optional=True)
        if self.marking is not None and "\n" in clean_text(self.marking):
            raise ParameterError(f"Chapter marking must be one line, such as 'OFFICIAL'. Got {self.marking!r}.")
        object.__setattr__(self, "sections", as_tuple(self.sections, "Chapter sections", (Section,), "section"))
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
        from .render_docx import render_docx  # local: python-docx is loaded only when a Word file is made

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
        from .render_docx import render_docx  # local: python-docx is loaded only when a Word file is made
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
