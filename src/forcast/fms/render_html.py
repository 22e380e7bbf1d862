"""Render a :class:`~forcast.fms.document.Chapter` as one self-contained HTML page.

The page needs nothing but itself: figures are embedded as ``data:image/png;base64,`` URIs and a short,
print-friendly style sheet is inline. A Content-Security-Policy forbids scripts and every external resource, and
all text (titles, force names, captions, cells) goes through :func:`html.escape`, so a force named
``<script>alert(1)</script>`` shows as that text and never runs.

Wide tables scroll sideways inside the text column on screen (a ``div.table-wrap``), so the page itself never
scrolls sideways; numbers never wrap, and column headers wrap only between words. In print, the page is A4, tables
may run over a page break (row by row, the header repeating) instead of leaving half a page empty, figures and rows
are kept whole, and the protective marking (``chapter.marking``) is printed at the top and bottom.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping

from .blocks import FIGURE_DPI, BulletList, ChapterContent, Figure, Paragraph, Table, clean_text

__all__ = ["escape_html", "render_html"]

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_CSS = """
body { font-family: Arial, Helvetica, sans-serif; color: #1a1a1a; line-height: 1.45; margin: 2em auto;
       max-width: 52em; padding: 0 1em; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; }
h2 { font-size: 1.35em; margin-top: 1.8em; border-bottom: 1px solid #bbb; padding-bottom: 0.15em; }
.subtitle { font-size: 1.1em; color: #444; margin-top: 0; }
dl.metadata { display: grid; grid-template-columns: max-content auto; gap: 0.15em 1em; color: #444; }
dl.metadata dt { font-weight: bold; }
dl.metadata dd { margin: 0; }
.marking { text-align: center; font-weight: bold; letter-spacing: 0.05em; margin: 0.3em 0; }
nav.contents ol { padding-left: 1.4em; }
.table-wrap { max-width: 100%; overflow-x: auto; margin: 1em 0; }
table { border-collapse: collapse; margin: 0; font-size: 0.92em; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.4em; }
th, td { border: 1px solid #999; padding: 0.25em 0.6em; vertical-align: top; }
th { background: #e8e8e8; text-align: left; hyphens: none; overflow-wrap: normal; word-break: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.table-note { font-size: 0.85em; margin: 0.3em 0 0; }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; height: auto; }
figcaption { font-style: italic; font-size: 0.92em; margin-top: 0.3em; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 1.2em; }
  caption, .table-wrap + .table-note { break-after: avoid; }
  .table-wrap { overflow: visible; }
  table { font-size: 8pt; width: 100%; break-inside: auto; }
  tr, figure, img { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  th { background: #e8e8e8 !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  figure img { max-height: 120mm; width: auto; }
  p { orphans: 3; widows: 3; }
}
""".strip()


def escape_html(text: str) -> str:
    """``text`` escaped for HTML text and attribute values (quotes included), control characters removed."""
    return html.escape(clean_text(text), quote=True)


def render_html(chapter: ChapterContent, images: Mapping[str, bytes] | None = None) -> str:
    """The chapter as a complete HTML page.

    ``images`` maps figure file names to PNG bytes already drawn (as :meth:`Chapter.write` does, to draw each
    figure once); figures missing from it are drawn here at :data:`~forcast.fms.document.FIGURE_DPI`.
    """
    images = images or {}
    title = escape_html(chapter.title)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="forcast">',
        f"<title>{title}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
    ]
    marking = f'<p class="marking">{escape_html(chapter.marking)}</p>' if chapter.marking else ""
    if marking:
        out.append(marking)
    out += ["<main>", "<header>", f"<h1>{title}</h1>"]
    if chapter.subtitle:
        out.append(f'<p class="subtitle">{escape_html(chapter.subtitle)}</p>')
    items = chapter.metadata_items()
    if items:
        out.append('<dl class="metadata">')
        out.extend(f"<dt>{escape_html(k)}</dt><dd>{escape_html(v)}</dd>" for k, v in items)
        out.append("</dl>")
    out.append("</header>")
    out.append('<nav class="contents" aria-label="Contents"><p><strong>Contents</strong></p><ol>')
    out.extend(f'<li><a href="#{escape_html(s.key)}">{escape_html(s.title)}</a></li>' if s.key
               else f"<li>{escape_html(s.title)}</li>" for s in chapter.sections)
    out.append("</ol></nav>")
    for section, blocks in chapter.labelled_blocks():
        anchor = f' id="{escape_html(section.key)}"' if section.key else ""
        out.append(f"<section{anchor}>")
        out.append(f"<h2>{escape_html(section.title)}</h2>")
        for block, label in blocks:
            out.append(_block(block, label, images))
        out.append("</section>")
    out.append("</main>")
    if marking:
        out.append(marking)
    out.extend(["</body>", "</html>"])
    return "\n".join(out) + "\n"


def _block(block: object, label: str | None, images: Mapping[str, bytes]) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{escape_html(block.text)}</p>"
    if isinstance(block, BulletList):
        items = "".join(f"<li>{escape_html(item)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, Table):
        return _table(block, label or "Table")
    if isinstance(block, Figure):
        png = images.get(block.filename)
        if png is None:
            png = block.png_bytes(FIGURE_DPI)
        data = base64.b64encode(png).decode("ascii")
        caption = escape_html(f"{label or 'Figure'}: {block.caption}")
        alt = escape_html(block.alt_text) if block.alt_text else caption
        return (
            f'<figure><img src="data:image/png;base64,{data}" alt="{alt}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    raise TypeError(f"Unknown block type {type(block).__name__}")  # pragma: no cover - Section validates blocks


def _table(table: Table, label: str) -> str:
    shown = table.formatted()
    numeric = set(table.numeric_columns())
    cls = [' class="num"' if col in numeric else "" for col in shown.columns]
    head = "".join(f'<th scope="col"{c}>{escape_html(str(col))}</th>' for col, c in zip(shown.columns, cls))
    rows = [
        "<tr>" + "".join(f"<td{c}>{escape_html(cell)}</td>" for cell, c in zip(row, cls)) + "</tr>"
        for row in shown.itertuples(index=False, name=None)
    ]
    caption = escape_html(f"{label}: {table.caption}")
    note = f'\n<p class="table-note">{escape_html(table.note)}</p>' if table.note else ""
    return (
        f'<div class="table-wrap">\n<table>\n<caption>{caption}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n</div>"
        + note
    )
