"""The chapter's Word document as a force submits it: caption fields, alt text, contents, header and footer with
page numbers and the protective marking, fitted column widths, landscape pages for wide tables, the force's own
template; read back with python-docx, and converted to PDF with LibreOffice (slow) to read what a reader sees."""

from __future__ import annotations

import io
import subprocess
import zipfile

import matplotlib

matplotlib.use("Agg")

import docx  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Pt, RGBColor  # noqa: E402

from forcast.errors import ParameterError  # noqa: E402
from forcast.fms import Chapter, Figure, Paragraph, Section, Table, build_chapter  # noqa: E402
from forcast.fms.docx_tables import text_width  # noqa: E402

from .fms_pdf import broken_across_lines, chapter_words, pdf_pages, tool  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
WIDE = pd.DataFrame({f"Column number {i}": [123_456_789 + i, 98_765_432] for i in range(10)})


@pytest.fixture(scope="module")
def fan():
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([1, 2, 3], [3, 1, 2])
    yield fig
    plt.close(fig)


def hand_chapter(fan, marking="OFFICIAL") -> Chapter:
    narrow = pd.DataFrame({"Financial year": ["2022/23", "2023/24"], "Quarters observed": [4, 0],
                           "Projected (mean)": [175_376.0, 171_250.4]})
    return Chapter("Demand: Kent", [
        Section("Summary", [Paragraph("Recorded crime is expected to rise."),
                            Table(narrow, "Headline", {"Projected (mean)": "{:,.0f}"}, key="headline")], key="s"),
        Section("Outlook", [Figure(fan, "Fan chart for Kent", "fan.png", alt_text="Line chart: crime falls then rises"),
                            Table(WIDE, "A very wide table", key="wide"), Paragraph("Back to portrait."),
                            Figure(fan, "Second chart", "fan2.png")], key="o"),
    ], metadata={"Force": "Kent"}, marking=marking)


def read(chapter: Chapter, **kwargs) -> docx.document.Document:
    return docx.Document(io.BytesIO(chapter.to_docx_bytes(**kwargs)))


def instructions(element) -> list[str]:
    return [t.text.strip() for t in element.iter(f"{W}instrText")]


@pytest.fixture(scope="module")
def lancashire():
    """Lancashire's chapter with the fast baselines and no backtest (the PDF test below builds the whole one)."""
    return build_chapter("Lancashire", models=("seasonal_naive", "drift"), n_paths=200, seed=1, backtest=False)


@pytest.fixture(scope="module")
def lancashire_docx(lancashire):
    return docx.Document(io.BytesIO(lancashire.to_docx_bytes()))


# ---------------------------------------------------------------------------------------------- fields
def test_captions_are_seq_fields_numbered_in_reading_order(lancashire, lancashire_docx):
    body = lancashire_docx.element.body
    fields = instructions(body)
    assert fields.count("SEQ Table \\* ARABIC") == len(lancashire.tables())
    assert fields.count("SEQ Figure \\* ARABIC") == len(lancashire.figures())
    captions = [p.text for p in lancashire_docx.paragraphs if p.style.name == "Caption" and p.text[:5] in
                ("Table", "Figur")]
    tables = [c for c in captions if c.startswith("Table ")]
    assert tables[0] == f"Table 1: {lancashire.tables()[0].caption}"
    assert [c.split(":")[0] for c in tables] == [f"Table {n}" for n in range(1, len(lancashire.tables()) + 1)]


def test_every_picture_has_alt_text(fan, lancashire, lancashire_docx):
    pictures = list(lancashire_docx.element.body.iter(f"{WP}docPr"))
    assert len(pictures) == len(lancashire.figures()) == 3
    for doc_pr, figure in zip(pictures, lancashire.figures()):
        assert doc_pr.get("descr") == figure.caption
    own = list(read(hand_chapter(fan)).element.body.iter(f"{WP}docPr"))
    assert [d.get("descr") for d in own] == ["Line chart: crime falls then rises", "Second chart"]
    assert [d.get("title") for d in own] == ["Figure 1", "Figure 2"]


def test_contents_field_lists_the_sections_and_fields_update_on_opening(lancashire, lancashire_docx):
    assert any(i.startswith('TOC \\o "1-1"') for i in instructions(lancashire_docx.element.body))
    entries = [p.text for p in lancashire_docx.paragraphs if p.style.name == "toc 1"]
    assert entries == [s.title for s in lancashire.sections]
    anchors = [link.get(qn("w:anchor")) for p in lancashire_docx.paragraphs if p.style.name == "toc 1"
               for link in p._p.iter(qn("w:hyperlink"))]
    headings = [p for p in lancashire_docx.paragraphs if p.style.name == "Heading 1"]
    marks = [b.get(qn("w:name")) for p in headings for b in p._p.iter(qn("w:bookmarkStart"))]
    assert anchors == marks == [f"_Toc{n}" for n in range(1, len(lancashire.sections) + 1)]
    assert lancashire_docx.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_header_and_footer_carry_the_marking_and_page_numbers(fan, lancashire_docx):
    section = lancashire_docx.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL"
    assert [p.text for p in section.footer.paragraphs] == ["Page 1 of 1", "OFFICIAL"]  # cached field results
    assert instructions(section.footer._element) == ["PAGE", "NUMPAGES"]
    for later in lancashire_docx.sections[1:]:
        assert later.header.is_linked_to_previous and later.footer.is_linked_to_previous
    sensitive = read(hand_chapter(fan, marking="OFFICIAL-SENSITIVE")).sections[0]
    assert sensitive.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    unmarked = read(hand_chapter(fan, marking=None)).sections[0]
    assert unmarked.header.paragraphs[0].text == ""
    assert [p.text for p in unmarked.footer.paragraphs] == ["Page 1 of 1"]


def test_marking_is_checked_and_chosen_through_build_chapter():
    with pytest.raises(ParameterError, match="marking"):
        Chapter("T", [], marking="OFFICIAL\nSENSITIVE")
    with pytest.raises(ParameterError, match="`marking` must be one line"):
        build_chapter("Lancashire", marking=["OFFICIAL"])
    assert "<p class=\"marking\">OFFICIAL</p>" in Chapter("T", []).to_html()
    assert Chapter("T", [], marking="OFFICIAL-SENSITIVE").to_markdown().startswith("**OFFICIAL-SENSITIVE**")


# ---------------------------------------------------------------------------------------------- tables
def test_columns_fit_their_content_and_numbers_never_wrap(lancashire, lancashire_docx):
    for table, grid in zip(lancashire.tables(), lancashire_docx.tables):
        shown = table.formatted()
        size = next(r.font.size for r in grid.rows[1].cells[0].paragraphs[0].runs).pt
        for i, column in enumerate(shown.columns):
            width = grid.columns[i].width.pt
            for value in shown.iloc[:, i]:
                if any(ch.isdigit() for ch in value) and len(value) <= 16:
                    assert text_width(value, size) < width, (table.key, column, value, width)
            assert max(text_width(w, size, True) for w in str(column).split()) < width, (table.key, column)
        header = grid.rows[0]._tr.trPr
        assert header.find(qn("w:tblHeader")) is not None and header.find(qn("w:cantSplit")) is not None
        numeric = [str(c) for c in table.numeric_columns()]
        for row in grid.rows[1:]:
            for cell, column in zip(row.cells, shown.columns):
                if str(column) in numeric:
                    assert cell._tc.tcPr.find(qn("w:noWrap")) is not None, (table.key, column)


def test_a_table_wider_than_portrait_gets_a_landscape_page_of_its_own(fan):
    doc = read(hand_chapter(fan))
    orientations = [s.orientation for s in doc.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    landscape = doc.sections[1]
    assert landscape.page_width > landscape.page_height
    text = landscape.page_width - landscape.left_margin - landscape.right_margin
    wide = doc.tables[1]
    assert sum(c.width for c in wide.columns) <= text
    assert sum(c.width for c in doc.tables[0].columns) < doc.sections[0].page_width  # the narrow one stays


# ---------------------------------------------------------------------------------------------- templates
def force_template(tmp_path, suffix: str, drop_caption: bool = False):
    """A force's template: Georgia body text, dark blue headings, Letter paper; saved as .docx or .dotx."""
    doc = docx.Document()
    doc.styles["Normal"].font.name = "Georgia"
    doc.styles["Heading 1"].font.color.rgb = RGBColor(0x00, 0x20, 0x60)
    doc.sections[0].page_width, doc.sections[0].page_height = Pt(612), Pt(792)
    doc.add_paragraph("Boilerplate that must not appear in the chapter")
    if drop_caption:
        caption = doc.styles["Caption"].element
        caption.getparent().remove(caption)
    buffer = io.BytesIO()
    doc.save(buffer)
    path = tmp_path / f"force{suffix}"
    if suffix == ".docx":
        path.write_bytes(buffer.getvalue())
        return path
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(item, data)
    return path


@pytest.mark.parametrize("suffix", [".docx", ".dotx"])
def test_template_gives_the_force_styles_and_page_setup(fan, tmp_path, suffix):
    path = force_template(tmp_path, suffix)
    if suffix == ".dotx":
        with pytest.raises(ValueError):  # python-docx alone refuses a template part
            docx.Document(str(path))
    doc = read(hand_chapter(fan), template=path)
    assert doc.styles["Normal"].font.name == "Georgia"
    assert doc.styles["Heading 1"].font.color.rgb == RGBColor(0x00, 0x20, 0x60)
    assert doc.sections[0].page_width == Pt(612)
    texts = [p.text for p in doc.paragraphs]
    assert "Boilerplate that must not appear in the chapter" not in texts
    assert texts[0] == "Demand: Kent" and doc.paragraphs[0].style.name == "Title"
    written = hand_chapter(fan).write(tmp_path / "out", formats="docx", template=path)
    with zipfile.ZipFile(written["docx"]) as archive:
        assert b"wordprocessingml.document.main+xml" in archive.read("[Content_Types].xml")


def test_template_without_a_caption_style_still_works(fan, tmp_path):
    doc = read(hand_chapter(fan), template=force_template(tmp_path, ".docx", drop_caption=True))
    assert [p.text for p in doc.paragraphs if p.style.name == "Caption"][0] == "Table 1: Headline"


def test_a_missing_or_bad_template_is_refused(fan, tmp_path):
    with pytest.raises(ParameterError, match="does not exist"):
        hand_chapter(fan).to_docx_bytes(template=tmp_path / "missing.dotx")
    bad = tmp_path / "bad.dotx"
    bad.write_text("not a zip")
    with pytest.raises(ParameterError, match="not a Word document"):
        hand_chapter(fan).to_docx_bytes(template=bad)


# ---------------------------------------------------------------------------------------------- as a PDF
@pytest.mark.slow
@pytest.mark.skipif(tool("libreoffice", "soffice") is None or tool("pdftotext") is None,
                    reason="LibreOffice and pdftotext (poppler-utils) are needed to read the docx as a PDF")
def test_docx_as_pdf_keeps_numbers_and_headers_whole_and_shows_contents_pages_and_marking(tmp_path):
    lancashire = build_chapter("Lancashire", models=("seasonal_naive", "drift"), n_paths=300, seed=1)
    assert len(lancashire.tables()) >= 11  # with the backtest: the 10- and 13-column tables, set on landscape pages
    written = lancashire.write(tmp_path, formats="docx")
    profile = tmp_path / "lo-profile"
    subprocess.run([tool("libreoffice", "soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(written["docx"])],
                   check=True, capture_output=True, timeout=300)
    pages = pdf_pages(tmp_path / "chapter.pdf")
    text = "\n".join(pages)
    numbers, headers = chapter_words(lancashire)
    assert len(numbers) > 100 and "Projected" in headers
    assert broken_across_lines(text, numbers | headers) == []
    tokens = set(text.split())
    missing = sorted(n for n in numbers if n not in tokens)
    assert missing == [], missing[:10]
    contents = " ".join(pages[0][pages[0].index("Contents"):].split())
    assert all(s.title in contents for s in lancashire.sections)
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in page, n
        assert page.count("OFFICIAL") >= 2, n  # header and footer
