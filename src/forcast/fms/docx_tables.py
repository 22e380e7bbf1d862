"""Tables in the chapter's ``.docx``: column widths fitted to their content, landscape pages for tables wider than
a portrait page, numbers that never break across lines and header rows that repeat on every page.

Widths are measured with the metrics of DejaVu Sans (shipped with matplotlib), which is wider than Arial, Calibri
or Carlito, so a column measured here holds its text in any of them. A number, a date or any short cell is never
wrapped: its column is at least as wide as the cell (and the cell carries ``w:noWrap``). A column header may wrap,
but only between words: its column is at least as wide as its longest word. When the table does not fit the text
width at 9 pt, it is set at 8 pt, then on a landscape page at 9 pt and 8 pt, then at 7 pt.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from .blocks import Table, clean_text

__all__ = ["Layout", "layout", "write_table", "set_orientation"]

_HEADER_FILL = "E8E8E8"
#: Left and right padding inside each cell, in points (set on every table, so a template cannot change it).
_PADDING = 3.5
_SAFETY = 2.0
#: Cells up to this many characters that hold a digit are never wrapped (numbers, dates, periods).
_SHORT = 16
_TRIALS = ((9, "portrait"), (8, "portrait"), (9, "landscape"), (8, "landscape"), (7, "landscape"))
_EMU_PER_PT = 12700


@lru_cache(maxsize=None)
def _font_path(bold: bool) -> str:
    from matplotlib import font_manager

    return font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans",
                                                             weight="bold" if bold else "normal"))


@lru_cache(maxsize=20000)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in points at ``size`` points (DejaVu Sans metrics)."""
    from matplotlib.ft2font import FT2Font

    if not text:
        return 0.0
    font = FT2Font(_font_path(bold))
    font.set_size(size, 72)
    font.set_text(text, 0.0)
    return font.get_width_height()[0] / 64


def _unbreakable(text: str) -> bool:
    """Single words, and short cells with a digit in them (numbers, dates, "2018/19"), are kept on one line."""
    return " " not in text.strip() or (len(text) <= _SHORT and any(ch.isdigit() for ch in text))


def _column_needs(header: str, cells: list[str], size: float) -> tuple[float, float]:
    """(least, natural) width of a column's text in points: the least keeps numbers, short cells and words whole."""
    words = header.split() or [""]
    least = max(text_width(w, size, True) for w in words)
    natural = text_width(header, size, True)
    for cell in cells:
        whole = text_width(cell, size)
        natural = max(natural, whole)
        if _unbreakable(cell):
            least = max(least, whole)
        else:
            least = max(least, *(text_width(w, size) for w in cell.split()))
    pad = 2 * _PADDING + _SAFETY
    return least + pad, natural + pad


@dataclass(frozen=True)
class Layout:
    """How a table is set: font size in points, page orientation and each column's width in points."""

    size: float
    orientation: str
    widths: tuple[float, ...]


def layout(table: Table, portrait_width: float, landscape_width: float) -> Layout:
    """The first of 9 pt portrait, 8 pt portrait, 9 pt landscape, 8 pt landscape in which every column gets at
    least its least width; spare width goes to the columns that would otherwise wrap. 7 pt landscape otherwise."""
    shown = table.formatted()
    headers = [clean_text(str(c)) for c in shown.columns]
    columns = [[clean_text(v) for v in shown.iloc[:, i]] for i in range(shown.shape[1])]
    for size, orientation in _TRIALS:
        available = portrait_width if orientation == "portrait" else landscape_width
        needs = [_column_needs(h, cells, size) for h, cells in zip(headers, columns)]
        least = [n[0] for n in needs]
        natural = [max(n) for n in needs]
        if sum(least) <= available or (size, orientation) == _TRIALS[-1]:
            break
    if sum(natural) <= available:
        widths = natural
    elif sum(least) >= available:
        widths = least
    else:
        spare = (available - sum(least)) / (sum(natural) - sum(least))
        widths = [lo + (hi - lo) * spare for lo, hi in zip(least, natural)]
    return Layout(size, orientation, tuple(widths))


def set_orientation(doc: DocxDocument, orientation: str) -> None:
    """Start a new section on a new page in ``orientation`` (``"portrait"`` or ``"landscape"``); the header and
    footer carry on from the section before."""
    previous = doc.sections[-1]
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    short, long = sorted((previous.page_width, previous.page_height))
    if orientation == "landscape":
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = long, short
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = short, long


def write_table(doc: DocxDocument, table: Table, plan: Layout) -> None:
    """The table as a Word table set by ``plan``: fixed column widths, a bold shaded header row that repeats on
    each page and never splits, number columns right-aligned, short cells never wrapped."""
    shown = table.formatted()
    numeric = set(table.numeric_columns())
    right = [col in numeric for col in shown.columns]
    grid = doc.add_table(rows=1 + len(shown), cols=shown.shape[1])
    if "Table Grid" in {s.name for s in doc.styles}:
        grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    grid.autofit = False
    _table_properties(grid, plan)
    size = Pt(plan.size)
    for column, width in zip(grid.columns, plan.widths):
        column.width = Emu(int(width * _EMU_PER_PT))
    rows = grid.rows
    _header_row(rows[0])
    for cell, column, align_right, width in zip(rows[0].cells, shown.columns, right, plan.widths):
        _fill(cell, clean_text(str(column)), align_right, size, width, bold=True, wrap=True)
        _shade(cell, _HEADER_FILL)
    for row, values in zip(rows[1:], shown.itertuples(index=False, name=None)):
        _keep_row_whole(row)
        for cell, value, align_right, width in zip(row.cells, values, right, plan.widths):
            text = clean_text(value)
            _fill(cell, text, align_right, size, width, wrap=not _unbreakable(text))


def _table_properties(grid, plan: Layout) -> None:  # noqa: ANN001 - python-docx table
    """Borders and cell padding, in the element order the schema wants (around the ``tblLayout`` that
    ``autofit = False`` wrote)."""
    tbl_pr = grid._tbl.tblPr
    fixed = tbl_pr.find(qn("w:tblLayout"))
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "999999")):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(int(_PADDING * 20)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    fixed.addprevious(borders)
    fixed.addnext(margins)


def _fill(cell, text: str, align_right: bool, size, width: float, bold: bool = False,  # noqa: ANN001
          wrap: bool = True) -> None:
    cell.width = Emu(int(width * _EMU_PER_PT))
    para = cell.paragraphs[0]
    para.paragraph_format.space_before = para.paragraph_format.space_after = Pt(0)
    run = para.add_run(text)
    run.font.size = size
    run.bold = bold or None
    if align_right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if not wrap:
        cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _shade(cell, fill: str) -> None:  # noqa: ANN001 - python-docx cell
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _header_row(row) -> None:  # noqa: ANN001 - python-docx row
    _keep_row_whole(row)
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _keep_row_whole(row) -> None:  # noqa: ANN001 - python-docx row
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
