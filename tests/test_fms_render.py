"""Rendering FMS chapters to Markdown, HTML and Word, and writing them to a folder (forcast.fms renderers)."""

from __future__ import annotations

import base64
import html
import io
import re
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import docx  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from forcast.reporting import outputs  # noqa: E402
from forcast.errors import OutputError  # noqa: E402
from forcast.fms.document import BulletList, Chapter, Figure, Paragraph, Section, Table, clean_text  # noqa: E402
from forcast.fms.render_html import escape_html  # noqa: E402
from forcast.fms.render_markdown import escape_markdown  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EVIL = "<script>alert(1)</script>"

FRAME = pd.DataFrame(
    {
        "financial_year": ["2022/23", "2023/24", "2024/25"],
        "mean": [168704.6, 171250.2, 1234.0],
        "lower_80": [160000.4, 161020.9, 1000.0],
        "pct_change": [None, 1.51, -99.28],
    }
)
FORMATS = {"mean": "{:,.0f}", "lower_80": "{:,.0f}", "pct_change": "{:+.1f}%"}
EXPECTED_CELLS = [
    ["2022/23", "168,705", "160,000", "–"],
    ["2023/24", "171,250", "161,021", "+1.5%"],
    ["2024/25", "1,234", "1,000", "-99.3%"],
]


@pytest.fixture(scope="module")
def fan():
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot([1, 2, 3], [3, 1, 2])
    yield fig
    plt.close(fig)


def make_chapter(fan, paragraph="Recorded crime is expected to rise.", force="Kent", **table_kwargs):
    table = Table(FRAME, f"Financial-year totals for {force}", FORMATS, key="fy_forecast", **table_kwargs)
    return Chapter(
        f"Demand: {force}",
        [
            Section("Summary", [Paragraph(paragraph), BulletList([f"{force} first point", "second point"])]),
            Section("Outlook", [table, Figure(fan, f"Fan chart for {force}", "fan_chart.png")], key="outlook"),
            Section("Method", [Paragraph("Two models were combined.")]),
        ],
        subtitle="Force Management Statement",
        metadata={"Force": force, "Data to": "March 2024"},
    )


@pytest.fixture(scope="module")
def chapter(fan):
    return make_chapter(fan)


@pytest.fixture(scope="module")
def evil_chapter(fan):
    frame = pd.DataFrame({EVIL: [EVIL, "a|b"], "count": [1, 2]})
    return Chapter(
        EVIL,
        [
            Section(EVIL, [Paragraph(f"{EVIL}\n<img src=x onerror=alert(1)>"), BulletList([EVIL])]),
            Section("Tables", [Table(frame, EVIL), Figure(fan, EVIL, "fan.png")]),
        ],
        subtitle=EVIL,
        metadata={EVIL: EVIL},
    )


class _Collector(HTMLParser):
    """Headings, table cells and image sources of an HTML page, in document order."""

    def __init__(self):
        super().__init__()
        self.headings, self.rows, self.images, self.tags = [], [], [], []
        self._text, self._in = [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("h1", "h2", "th", "td"):
            self._in, self._text = tag, []
        if tag == "tr":
            self.rows.append([])
        if tag == "img":
            self.images.append(dict(attrs)["src"])

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == self._in:
            text = "".join(self._text)
            if tag in ("h1", "h2"):
                self.headings.append(text)
            else:
                self.rows[-1].append(text)
            self._in = None


def parse_html(page):
    collector = _Collector()
    collector.feed(page)
    return collector


# --- Markdown --------------------------------------------------------------------------------------------
def test_markdown_structure(chapter):
    text = chapter.to_markdown()
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == ["# Demand: Kent", "## Summary", "## Outlook", "## Method"]
    assert "*Force Management Statement*" in text
    assert "- **Force:** Kent" in text
    assert "- Kent first point" in text
    assert "**Table 1:** Financial\\-year totals for Kent" not in text  # hyphens mid-text are not escaped
    assert "**Table 1:** Financial-year totals for Kent" in text
    assert "| financial\\_year | mean | lower\\_80 | pct\\_change |" in text
    assert "| :--- | ---: | ---: | ---: |" in text
    for row in EXPECTED_CELLS:
        assert "| " + " | ".join(row) + " |" in text
    assert "![Figure 1: Fan chart for Kent](figures/fan_chart.png)" in text
    assert text.endswith("\n") and not text.endswith("\n\n")


@pytest.mark.parametrize(
    ("raw", "inline", "escaped"),
    [
        ("a|b", True, "a\\|b"),
        ("<b>x</b>", True, "&lt;b&gt;x&lt;/b&gt;"),
        ("A&E &amp; more", True, "A&E &amp;amp; more"),
        ("*not bold* [link](x) _u_ #1", True, "\\*not bold\\* \\[link\\](x) \\_u\\_ \\#1"),
        ("two\nlines", True, "two lines"),
        ("# title\n- item\n1. first\n-5% change", False, "\\# title\n\\- item\n1\\. first\n\\-5% change"),
        ("-5% in a cell", True, "-5% in a cell"),
    ],
)
def test_escape_markdown(raw, inline, escaped):
    assert escape_markdown(raw, inline=inline) == escaped


# --- HTML ------------------------------------------------------------------------------------------------
def test_html_structure(chapter):
    page = chapter.to_html()
    parsed = parse_html(page)
    assert parsed.headings == ["Demand: Kent", "Summary", "Outlook", "Method"]
    assert parsed.rows == [list(FRAME.columns), *EXPECTED_CELLS]
    assert "<caption>Table 1: Financial-year totals for Kent</caption>" in page
    assert "<figcaption>Figure 1: Fan chart for Kent</figcaption>" in page
    assert '<section id="outlook">' in page
    assert '<td class="num">168,705</td>' in page and "<td>2022/23</td>" in page


def test_html_is_self_contained(chapter):
    page = chapter.to_html()
    parsed = parse_html(page)
    assert len(parsed.images) == 1 and parsed.images[0].startswith("data:image/png;base64,")
    assert base64.b64decode(parsed.images[0].split(",", 1)[1]).startswith(PNG_MAGIC)
    assert not {"script", "link", "iframe", "object"} & set(parsed.tags)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@media print" in page and "default-src 'none'" in page


# --- Word ------------------------------------------------------------------------------------------------
def test_docx_structure(chapter):
    document = docx.Document(io.BytesIO(chapter.to_docx_bytes()))
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    headings = [text for style, text in styled if style in ("Title", "Heading 1")]
    assert headings == ["Demand: Kent", "Summary", "Outlook", "Method"]
    assert ("Subtitle", "Force Management Statement") in styled
    assert ("List Bullet", "Kent first point") in styled
    assert ("Caption", "Table 1: Financial-year totals for Kent") in styled
    assert ("Caption", "Figure 1: Fan chart for Kent") in styled
    [table] = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == list(FRAME.columns)
    assert cells[1:] == EXPECTED_CELLS
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # header row repeats on each page
    assert len(document.inline_shapes) == 1
    assert document.core_properties.title == "Demand: Kent"
    assert document.core_properties.author == document.core_properties.last_modified_by == "Kent"  # the force


# --- escaping --------------------------------------------------------------------------------------------
def test_no_live_tags_in_html_or_markdown(evil_chapter):
    page = evil_chapter.to_html()
    markdown = evil_chapter.to_markdown()
    for text in (page, markdown):
        assert "<script" not in text.lower()
        assert "<img src=x" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    parsed = parse_html(page)
    assert parsed.headings == [EVIL, EVIL, "Tables"]  # shown as text, exactly as given
    assert parsed.rows[1] == [EVIL, "1"] and parsed.rows[2] == ["a|b", "2"]
    assert "script" not in parsed.tags and parsed.tags.count("img") == 1


@given(st.text())
def test_escape_html_leaves_no_markup_and_round_trips(text):
    escaped = escape_html(text)
    assert not set("<>\"'") & set(escaped)
    assert html.unescape(escaped) == clean_text(text)


@given(st.text(), st.booleans())
def test_escape_markdown_leaves_no_tags_or_cell_breaks(text, inline):
    escaped = escape_markdown(text, inline=inline)
    assert "<" not in escaped and ">" not in escaped
    assert not re.search(r"(?<!\\)\|", escaped)
    if inline:
        assert "\n" not in escaped


def test_markdown_table_rows_keep_their_columns(evil_chapter):
    rows = [line for line in evil_chapter.to_markdown().splitlines() if line.startswith("| ")]
    assert len(rows) == 4
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 3  # two columns, no extra cells from "a|b"


def test_docx_keeps_text_literal_and_drops_control_characters(fan):
    chapter = make_chapter(fan, paragraph="bell\x07 and <b>tags</b>", force=EVIL)
    document = docx.Document(io.BytesIO(chapter.to_docx_bytes()))
    texts = [p.text for p in document.paragraphs]
    assert f"Demand: {EVIL}" in texts and "bell and <b>tags</b>" in texts


# --- writing ---------------------------------------------------------------------------------------------
def test_write_all_formats(chapter, tmp_path):
    written = chapter.write(tmp_path)
    assert set(written) == {"md", "html", "docx", "tables/fy_forecast.csv", "figures/fan_chart.png"}
    assert written["md"] == tmp_path / "chapter.md"
    assert written["md"].read_text(encoding="utf-8") == chapter.to_markdown()
    assert written["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert len(docx.Document(str(written["docx"])).tables) == 1
    pd.testing.assert_frame_equal(pd.read_csv(written["tables/fy_forecast.csv"]), FRAME)
    assert written["figures/fan_chart.png"].read_bytes().startswith(PNG_MAGIC)
    assert not list(tmp_path.rglob("*.tmp"))


def test_write_one_format_keeps_tables_and_figures(chapter, tmp_path):
    written = chapter.write(tmp_path, formats="md")
    assert set(written) == {"md", "tables/fy_forecast.csv", "figures/fan_chart.png"}
    assert not (tmp_path / "chapter.html").exists() and not (tmp_path / "chapter.docx").exists()


def test_rerun_overwrites_own_files_and_leaves_others(fan, tmp_path):
    (tmp_path / "notes.txt").write_text("my notes")
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "my_chart.png").write_bytes(b"mine")
    make_chapter(fan, paragraph="First run.").write(tmp_path)
    make_chapter(fan, paragraph="Second run.").write(tmp_path)
    assert "Second run." in (tmp_path / "chapter.md").read_text(encoding="utf-8")
    assert "Second run." in (tmp_path / "chapter.html").read_text(encoding="utf-8")
    assert "Second run." in [p.text for p in docx.Document(str(tmp_path / "chapter.docx")).paragraphs]
    assert (tmp_path / "notes.txt").read_text() == "my notes"
    assert (tmp_path / "figures" / "my_chart.png").read_bytes() == b"mine"
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert names == [
        "chapter.docx", "chapter.html", "chapter.md", "figures/fan_chart.png", "figures/my_chart.png",
        "notes.txt", "tables/fy_forecast.csv",
    ]


def test_failed_write_keeps_previous_chapter(fan, tmp_path, monkeypatch):
    make_chapter(fan, paragraph="First run.").write(tmp_path)
    before = (tmp_path / "chapter.md").read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs.os, "replace", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        make_chapter(fan, paragraph="Second run.").write(tmp_path)
    monkeypatch.undo()
    assert (tmp_path / "chapter.md").read_bytes() == before
    assert not list(tmp_path.rglob("*.tmp"))


def test_rendering_failure_writes_nothing(fan, tmp_path, monkeypatch):
    chapter = make_chapter(fan)
    chapter.write(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr("forcast.fms.render_docx.render_docx", broken)
    with pytest.raises(RuntimeError, match="renderer failed"):
        make_chapter(fan, paragraph="Changed.").write(tmp_path)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_write_into_a_file_is_refused(chapter, tmp_path):
    clash = tmp_path / "out"
    clash.write_text("a file")
    with pytest.raises(OutputError, match="is an existing file"):
        chapter.write(clash)
