"""Render a :class:`~forcast.fms.document.Chapter` as Markdown (GitHub-flavoured pipe tables).

All text is escaped so that it reads as the same plain text in any Markdown viewer: ``<``, ``>`` (and ``&``
when it would start an entity) become HTML entities, so no viewer can turn a force name into a live tag;
Markdown punctuation (``*``, ``_``, ``[``, ``|`` ...) is backslash-escaped; and characters that would start a
heading, a list or a quote at the beginning of a line are escaped too. Text placed in a heading, a table cell,
a caption or a list item is kept on one line.

Figures are referenced as ``figures/<filename>``; :meth:`Chapter.write` saves them there.
"""

from __future__ import annotations

import re

from .blocks import BulletList, ChapterContent, Figure, Paragraph, Table, clean_text

__all__ = ["FIGURE_FOLDER", "escape_markdown", "render_markdown"]

#: Folder, relative to ``chapter.md``, that figures are referenced from.
FIGURE_FOLDER = "figures"

_ENTITY_AMP_RE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_PUNCTUATION_RE = re.compile(r"([\\`*_\[\]|~#])")
_LINE_START_RE = re.compile(r"^(\s*)([#+=-])", re.MULTILINE)
_ORDERED_RE = re.compile(r"^(\s*\d+)([.)])(?=\s|$)", re.MULTILINE)


def escape_markdown(text: str, inline: bool = True) -> str:
    """``text`` escaped for Markdown.

    ``inline=True`` (headings, table cells, captions) folds line breaks into spaces. ``inline=False`` (a
    paragraph) keeps the lines and also escapes what would start a heading, list or rule at a line start.
    """
    text = clean_text(text)
    if inline:
        text = " ".join(text.split())
    else:
        text = "\n".join(line.strip() for line in text.split("\n"))
    text = _ENTITY_AMP_RE.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _PUNCTUATION_RE.sub(r"\\\1", text)
    return text if inline else _guard_line_start(text)


def _guard_line_start(text: str) -> str:
    """Escape characters that would make a line a heading, a list item or a rule."""
    text = _LINE_START_RE.sub(r"\1\\\2", text)
    return _ORDERED_RE.sub(r"\1\\\2", text)


def render_markdown(chapter: ChapterContent) -> str:
    """The chapter as a Markdown document (ends with a newline)."""
    marking = f"**{escape_markdown(chapter.marking)}**" if chapter.marking else ""
    parts = [marking, f"# {escape_markdown(chapter.title)}"]
    if chapter.subtitle:
        parts.append(f"*{escape_markdown(chapter.subtitle)}*")
    items = chapter.metadata_items()
    if items:
        parts.append("\n".join(f"- **{escape_markdown(k)}:** {escape_markdown(v)}" for k, v in items))
    for section, blocks in chapter.labelled_blocks():
        parts.append(f"## {escape_markdown(section.title)}")
        for block, label in blocks:
            parts.append(_block(block, label))
    parts.append(marking)
    return "\n\n".join(p for p in parts if p) + "\n"


def _block(block: object, label: str | None) -> str:
    if isinstance(block, Paragraph):
        return escape_markdown(block.text, inline=False)
    if isinstance(block, BulletList):
        return "\n".join(f"- {_guard_line_start(escape_markdown(item))}" for item in block.items)
    if isinstance(block, Table):
        return _table(block, label or "Table")
    if isinstance(block, Figure):
        caption = f"{label or 'Figure'}: {escape_markdown(block.caption)}"
        alt = escape_markdown(block.alt_text) if block.alt_text else caption
        return f"![{alt}]({FIGURE_FOLDER}/{block.filename})\n\n*{caption}*"
    raise TypeError(f"Unknown block type {type(block).__name__}")  # pragma: no cover - Section validates blocks


def _table(table: Table, label: str) -> str:
    shown = table.formatted()
    numeric = {str(c) for c in table.numeric_columns()}
    header = [escape_markdown(str(c)) for c in shown.columns]
    rule = ["---:" if str(c) in numeric else ":---" for c in shown.columns]
    lines = [f"**{label}:** {escape_markdown(table.caption)}", "", _row(header), _row(rule)]
    lines.extend(_row([escape_markdown(cell) for cell in row]) for row in shown.itertuples(index=False, name=None))
    if table.note:
        lines += ["", f"*{escape_markdown(table.note)}*"]
    return "\n".join(lines)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
