"""Render a :class:`~forcast.fms.document.Chapter` as a Word document with python-docx.

The document is A4 with 25 mm margins, or takes the page setup, styles, theme and numbering of the force's own
template (``template=``, a ``.docx`` or ``.dotx``; its body is not copied). The chapter title uses Word's *Title*
style, the contents list *TOC Heading* and *toc 1*, sections *Heading 1*, lists *List Bullet*, and captions
*Caption* (tables captioned above, figures below, as is usual in UK reports); styles a template lacks are added.

Word furniture (:mod:`forcast.fms.docx_fields`): a table of contents field, caption numbers that are ``SEQ Table``
and ``SEQ Figure`` fields, "Page N of M" in the footer and the protective marking (``chapter.marking``, default
OFFICIAL) at the top and bottom of every page; Word updates the fields when the document is opened. Pictures carry
alt text. Tables (:mod:`forcast.fms.docx_tables`) have column widths fitted to their content, numbers never
wrapped, a header row that repeats on every page, and a landscape page of their own when they are wider than a
portrait page. Text is inserted as text (never parsed), with characters that XML forbids removed.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from ..reproducible import build_timestamp, normalise_zip
from .docx_fields import (add_caption, add_toc, bookmark, ensure_styles, open_template, set_alt_text,
                          set_page_furniture, update_fields_on_open)
from .docx_tables import layout, set_orientation, write_table
from .blocks import FIGURE_DPI, BulletList, ChapterContent, Figure, Paragraph, Table, clean_text

__all__ = ["render_docx"]

_PAGE_WIDTH, _PAGE_HEIGHT, _MARGIN = Mm(210), Mm(297), Mm(25)
_EMU_PER_PT = 12700


def render_docx(chapter: ChapterContent, images: Mapping[str, bytes] | None = None,
                template: str | Path | None = None) -> bytes:
    """The chapter as the bytes of a ``.docx`` file.

    ``images`` maps figure file names to PNG bytes already drawn; figures missing from it are drawn here.
    ``template`` is the force's Word template (``.docx`` or ``.dotx``) whose styles and page setup to use.
    """
    images = images or {}
    if template is None:
        doc = Document()
        _page_setup(doc)
    else:
        doc = open_template(template)
    ensure_styles(doc)
    _properties(doc, chapter)
    marking = clean_text(chapter.marking) if chapter.marking else None
    set_page_furniture(doc.sections[0], marking)
    update_fields_on_open(doc)
    doc.add_paragraph(clean_text(chapter.title), style="Title")
    if chapter.subtitle:
        doc.add_paragraph(clean_text(chapter.subtitle), style="Subtitle")
    for label, value in chapter.metadata_items():
        para = doc.add_paragraph()
        para.add_run(f"{clean_text(label)}: ").bold = True
        para.add_run(clean_text(value))
    add_toc(doc, [clean_text(s.title) for s in chapter.sections])
    portrait, landscape = _text_widths(doc)
    orientation = "portrait"
    for number, (section, blocks) in enumerate(chapter.labelled_blocks(), start=1):
        if orientation != "portrait":
            set_orientation(doc, orientation := "portrait")
        bookmark(doc.add_heading(clean_text(section.title), level=1), number)  # what the contents entries link to
        for block, block_label in blocks:
            plan = layout(block, portrait, landscape) if isinstance(block, Table) else None
            wanted = plan.orientation if plan is not None else "portrait"
            if wanted != orientation:
                set_orientation(doc, orientation := wanted)
            if isinstance(block, Paragraph):
                doc.add_paragraph(clean_text(block.text))
            elif isinstance(block, BulletList):
                for item in block.items:
                    doc.add_paragraph(clean_text(item), style="List Bullet")
            elif isinstance(block, Table):
                kind, number = _label(block_label, "Table")
                add_caption(doc, kind, number, clean_text(block.caption)).paragraph_format.keep_with_next = True
                write_table(doc, block, plan)
                if block.note:
                    doc.add_paragraph(clean_text(block.note), style="Caption")
            elif isinstance(block, Figure):
                png = images.get(block.filename)
                _figure(doc, block, block_label or "Figure", png if png is not None else block.png_bytes(FIGURE_DPI),
                        portrait)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())  # python-docx dates each zip entry with the clock


def _label(label: str | None, kind: str) -> tuple[str, int]:
    """("Table", 3) from "Table 3"."""
    name, _, number = (label or f"{kind} 1").partition(" ")
    return name, int(number or 1)


def _text_widths(doc: DocxDocument) -> tuple[float, float]:
    """Text width in points of a portrait page and of the same page turned to landscape."""
    section = doc.sections[-1]
    short, long = sorted((section.page_width, section.page_height))
    margins = section.left_margin + section.right_margin
    return (short - margins) / _EMU_PER_PT, (long - margins) / _EMU_PER_PT


def _page_setup(doc: DocxDocument) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = _PAGE_WIDTH, _PAGE_HEIGHT
        section.left_margin = section.right_margin = _MARGIN
        section.top_margin = section.bottom_margin = _MARGIN


def _properties(doc: DocxDocument, chapter: ChapterContent) -> None:
    props = doc.core_properties
    props.title = clean_text(chapter.title)[:255]
    props.subject = clean_text(chapter.subtitle or "")[:255]
    # the force is the author of its statement (Word's File > Info shows it); the tool is named in the method section
    props.author = props.last_modified_by = clean_text(str((chapter.metadata or {}).get("Force", "")))[:255]
    props.comments = ""
    props.created = props.modified = build_timestamp()  # SOURCE_DATE_EPOCH or fixed: same chapter, same bytes
    props.revision = 1


def _figure(doc: DocxDocument, figure: Figure, label: str, png: bytes, text_width: float) -> None:
    width = min(int(text_width * _EMU_PER_PT), int(figure.width_inches * 914400))  # 914,400 EMU per inch
    shape = doc.add_picture(io.BytesIO(png), width=width)
    kind, number = _label(label, "Figure")
    set_alt_text(shape, clean_text(figure.alt_text or figure.caption), title=f"{kind} {number}")
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    add_caption(doc, kind, number, clean_text(figure.caption))
