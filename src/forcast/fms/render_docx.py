"""Render a :class:`~forcast.fms.document.Chapter` as a Word document with python-docx.

The document is A4 with 25 mm margins. The chapter title uses Word's *Title* style, sections *Heading 1*, lists
*List Bullet*, and captions *Caption* (tables captioned above, figures below, as is usual in UK reports).
Tables are real Word tables: the header row is bold, shaded and repeats on every page, and number columns are
right-aligned. Figures are inline pictures no wider than the text. Text is inserted as text (never parsed), with
characters that XML forbids removed.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..reproducible import build_timestamp, normalise_zip
from .document import FIGURE_DPI, BulletList, Chapter, Figure, Paragraph, Table, clean_text

__all__ = ["render_docx"]

_PAGE_WIDTH, _PAGE_HEIGHT, _MARGIN = Mm(210), Mm(297), Mm(25)
_TEXT_WIDTH = _PAGE_WIDTH - 2 * _MARGIN
_TABLE_FONT = Pt(9)
_HEADER_FILL = "E8E8E8"


def render_docx(chapter: Chapter, images: Mapping[str, bytes] | None = None) -> bytes:
    """The chapter as the bytes of a ``.docx`` file.

    ``images`` maps figure file names to PNG bytes already drawn; figures missing from it are drawn here.
    """
    images = images or {}
    doc = Document()
    _page_setup(doc)
    _properties(doc, chapter)
    doc.add_heading(clean_text(chapter.title), level=0)
    if chapter.subtitle:
        doc.add_paragraph(clean_text(chapter.subtitle), style="Subtitle")
    for label, value in chapter.metadata_items():
        para = doc.add_paragraph()
        para.add_run(f"{clean_text(label)}: ").bold = True
        para.add_run(clean_text(value))
    for section, blocks in chapter.labelled_blocks():
        doc.add_heading(clean_text(section.title), level=1)
        for block, block_label in blocks:
            if isinstance(block, Paragraph):
                doc.add_paragraph(clean_text(block.text))
            elif isinstance(block, BulletList):
                for item in block.items:
                    doc.add_paragraph(clean_text(item), style="List Bullet")
            elif isinstance(block, Table):
                _table(doc, block, block_label or "Table")
            elif isinstance(block, Figure):
                png = images.get(block.filename)
                _figure(doc, block, block_label or "Figure", png if png is not None else block.png_bytes(FIGURE_DPI))
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())  # python-docx dates each zip entry with the clock


def _page_setup(doc: DocxDocument) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = _PAGE_WIDTH, _PAGE_HEIGHT
        section.left_margin = section.right_margin = _MARGIN
        section.top_margin = section.bottom_margin = _MARGIN


def _properties(doc: DocxDocument, chapter: Chapter) -> None:
    props = doc.core_properties
    props.title = clean_text(chapter.title)[:255]
    props.subject = clean_text(chapter.subtitle or "")[:255]
    props.author = props.last_modified_by = "forcast"
    props.comments = ""
    props.created = props.modified = build_timestamp()  # SOURCE_DATE_EPOCH or fixed: same chapter, same bytes
    props.revision = 1


def _table(doc: DocxDocument, table: Table, label: str) -> None:
    caption = doc.add_paragraph(clean_text(f"{label}: {table.caption}"), style="Caption")
    caption.paragraph_format.keep_with_next = True
    shown = table.formatted()
    numeric = set(table.numeric_columns())
    right = [col in numeric for col in shown.columns]
    grid = doc.add_table(rows=1 + len(shown), cols=shown.shape[1])
    grid.style = "Table Grid"
    rows = grid.rows
    header = rows[0]
    _repeat_as_header(header)
    for cell, column, align_right in zip(header.cells, shown.columns, right):
        _fill(cell, str(column), align_right, bold=True)
        _shade(cell, _HEADER_FILL)
    for row, values in zip(rows[1:], shown.itertuples(index=False, name=None)):
        for cell, value, align_right in zip(row.cells, values, right):
            _fill(cell, value, align_right)


def _fill(cell, text: str, align_right: bool, bold: bool = False) -> None:  # noqa: ANN001 - python-docx cell
    para = cell.paragraphs[0]
    run = para.add_run(clean_text(text))
    run.font.size = _TABLE_FONT
    run.bold = bold or None
    if align_right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _shade(cell, fill: str) -> None:  # noqa: ANN001 - python-docx cell
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_as_header(row) -> None:  # noqa: ANN001 - python-docx row
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _figure(doc: DocxDocument, figure: Figure, label: str, png: bytes) -> None:
    width = min(_TEXT_WIDTH, int(figure.width_inches * 914400))  # 914,400 EMU per inch
    doc.add_picture(io.BytesIO(png), width=width)
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    doc.add_paragraph(clean_text(f"{label}: {figure.caption}"), style="Caption")
