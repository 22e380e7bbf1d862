"""Word fields and page furniture for the chapter's ``.docx``: caption numbers (``SEQ``), the table of contents
(``TOC``), page numbers (``PAGE``/``NUMPAGES``), the protective marking in the header and footer, alt text on
pictures, and opening a force's own template (``.docx`` or ``.dotx``).

A field is written as Word writes it: ``fldChar begin``, the instruction, ``fldChar separate``, a cached result
and ``fldChar end``. The cached result is what a reader sees before fields are updated (and what LibreOffice shows
when it converts to PDF); ``w:updateFields`` in the settings asks Word to refresh every field when the document is
opened, so the contents list gets its page numbers and captions renumber after an analyst's edits.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from ..errors import ParameterError

__all__ = ["add_caption", "add_field", "add_toc", "bookmark", "ensure_styles", "open_template", "set_alt_text",
           "set_page_furniture", "update_fields_on_open"]

_TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_TYPES = ("application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
                "application/vnd.ms-word.document.macroEnabled.main+xml")
#: Styles the chapter uses, with what to base each on when a template lacks it.
_NEEDED_STYLES = {"Title": "Normal", "Subtitle": "Normal", "Heading 1": "Normal", "Caption": "Normal",
                  "List Bullet": "Normal", "TOC Heading": "Heading 1", "toc 1": "Normal", "Header": "Normal",
                  "Footer": "Normal"}


def _fld_char(kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def add_field(paragraph: Paragraph, instruction: str, cached: str, bold: bool | None = None) -> None:
    """Append the field ``instruction`` (e.g. ``"SEQ Table \\* ARABIC"``) to ``paragraph``, showing ``cached``."""
    begin = paragraph.add_run()
    begin._r.append(_fld_char("begin"))
    instr = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    instr._r.append(text)
    paragraph.add_run()._r.append(_fld_char("separate"))
    result = paragraph.add_run(cached)
    result.bold = bold
    paragraph.add_run()._r.append(_fld_char("end"))


def add_caption(doc: DocxDocument, kind: str, number: int, text: str) -> Paragraph:
    """A *Caption* paragraph "Table 3: text" whose number is a ``SEQ Table`` field (``SEQ Figure`` for figures)."""
    para = doc.add_paragraph(style="Caption")
    para.add_run(f"{kind} ")
    add_field(para, f"SEQ {kind} \\* ARABIC", str(number))
    para.add_run(f": {text}")
    return para


def bookmark(paragraph: Paragraph, number: int) -> str:
    """Put ``paragraph`` (a section heading) inside the bookmark ``_Toc<number>``; returns the bookmark's name."""
    name = f"_Toc{number}"
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    if paragraph._p.pPr is not None:
        paragraph._p.pPr.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)
    return name


def add_toc(doc: DocxDocument, headings: list[str], title: str = "Contents") -> None:
    """A contents heading and a ``TOC`` field over *Heading 1*, its cached entries the section ``headings``, each a
    link to the bookmark ``_Toc<n>`` of its heading (:func:`bookmark`, numbered from 1), so they are links in a PDF
    too. Word adds the page numbers when it updates the field on opening; LibreOffice shows the cached entries as
    they are (a PAGEREF inside the field would stay blank there), so they carry no page numbers."""
    doc.add_paragraph(title, style="TOC Heading")
    entries = headings or [""]
    paragraphs = [doc.add_paragraph(style="toc 1") for _ in entries]
    first, last = paragraphs[0], paragraphs[-1]
    first.add_run()._r.append(_fld_char("begin"))
    instr = first.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = ' TOC \\o "1-1" \\h \\z \\u '
    instr._r.append(text)
    first.add_run()._r.append(_fld_char("separate"))
    for number, (para, heading) in enumerate(zip(paragraphs, entries), start=1):
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), f"_Toc{number}")
        link.set(qn("w:history"), "1")
        link.append(para.add_run(heading)._r)
        para._p.append(link)
    last.add_run()._r.append(_fld_char("end"))


def set_page_furniture(section, marking: str | None) -> None:  # noqa: ANN001 - python-docx section
    """Header: the protective marking. Footer: "Page N of M" (``PAGE``/``NUMPAGES`` fields) and the marking."""
    section.different_first_page_header_footer = False
    header, footer = section.header, section.footer
    header.is_linked_to_previous = footer.is_linked_to_previous = False
    _clear(header)
    _clear(footer)
    top = header.paragraphs[0]
    top.style = "Header"
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if marking:
        top.add_run(marking).bold = True
    pages = footer.paragraphs[0]
    pages.style = "Footer"
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pages.add_run("Page ")
    add_field(pages, "PAGE", "1")
    pages.add_run(" of ")
    add_field(pages, "NUMPAGES", "1")
    if marking:
        bottom = footer.add_paragraph(style="Footer")
        bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
        bottom.add_run(marking).bold = True


def _clear(part) -> None:  # noqa: ANN001 - header or footer
    """Remove every paragraph and table of a header or footer but one empty paragraph."""
    element = part._element
    for child in list(element):
        element.remove(child)
    element.append(OxmlElement("w:p"))


def _names(doc: DocxDocument) -> set[str]:
    return {s.name for s in doc.styles}


def set_alt_text(inline_shape, text: str, title: str = "") -> None:  # noqa: ANN001 - python-docx InlineShape
    """Alt text of a picture (``wp:docPr/@descr``, what a screen reader says; ``@title`` its short name)."""
    doc_pr = inline_shape._inline.docPr
    doc_pr.set("descr", text)
    if title:
        doc_pr.set("title", title)


def update_fields_on_open(doc: DocxDocument) -> None:
    """Ask Word to update every field (contents, caption numbers, page counts) when the document is opened."""
    settings = doc.settings.element
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    flag = OxmlElement("w:updateFields")
    flag.set(qn("w:val"), "true")
    settings.append(flag)


def ensure_styles(doc: DocxDocument) -> None:
    """Add the styles the chapter uses that ``doc`` (a force's template) lacks, so it never fails on a missing
    style; styles the template has are used as they are."""
    names = _names(doc)
    for name, base in _NEEDED_STYLES.items():
        if name in names:
            continue
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if base in names:
            style.base_style = doc.styles[base]
        if name == "Caption":
            style.font.italic = True
            style.font.size = Pt(9)
        elif name in ("Title", "Heading 1", "TOC Heading"):
            style.font.bold = True
            style.font.size = Pt({"Title": 24, "Heading 1": 14, "TOC Heading": 14}[name])
        names.add(name)
    toc = doc.styles["toc 1"]
    if not toc.paragraph_format.tab_stops:
        section = doc.sections[-1]
        width = section.page_width - section.left_margin - section.right_margin
        toc.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def open_template(path: str | Path) -> DocxDocument:
    """The force's Word template (``.docx``, ``.dotx``; also ``.docm``/``.dotm``) opened as a new document with
    its body emptied: its styles, page setup, theme and numbering are kept. A ``.dotx`` is a template part, which
    python-docx does not open, so its content type is switched to a document's in memory first."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"`template` must be an existing .docx or .dotx file. Got {str(path)!r}, which does not "
                             f"exist. Give the path of the force's Word template.")
    try:
        with zipfile.ZipFile(path) as source:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
                for item in source.infolist():
                    data = source.read(item.filename)
                    if item.filename == "[Content_Types].xml":
                        text = data.decode("utf-8").replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE)
                        for macro in _MACRO_TYPES:
                            text = text.replace(macro, _DOCUMENT_TYPE)
                        data = text.encode("utf-8")
                    target.writestr(item, data)
        doc = Document(io.BytesIO(buffer.getvalue()))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ParameterError(f"`template` {str(path)!r} is not a Word document or template ({exc}). Give a .docx or "
                             f".dotx file saved by Word.") from None
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    doc.settings.odd_and_even_pages_header_footer = False  # one header and footer on every page
    return doc
