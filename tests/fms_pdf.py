"""Helpers for the tests that turn a chapter into PDF (LibreOffice for the docx, Chromium for the HTML) and read the
PDF's text back with pdftotext: where the tools are, and what "a number or header broken across lines" means."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

NUMBER_CELL = re.compile(r"[+\-\u2212]?\d[\d,]*(?:\.\d+)?%?\u2020?")


def tool(*names: str) -> str | None:
    """The first of ``names`` on PATH, or None."""
    return next((path for path in map(shutil.which, names) if path), None)


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext, reading order)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          timeout=120).stdout.decode("utf-8")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def chapter_words(chapter) -> tuple[set[str], set[str]]:
    """(number cells, header words) of every table as displayed: what must never be broken across lines."""
    numbers, headers = set(), set()
    for table in chapter.tables():
        shown = table.formatted()
        for value in shown.to_numpy().ravel().tolist():
            if NUMBER_CELL.fullmatch(str(value)) and len(str(value)) >= 3:
                numbers.add(str(value))
        for column in shown.columns:
            headers.update(w for w in str(column).split() if len(w) >= 4)
    return numbers, headers


def broken_across_lines(text: str, words: set[str]) -> list[tuple[str, str, str]]:
    """Each place where a line ends with the start of one of ``words`` and the next line carries on with the rest
    of it: ``(word, end of line, start of next line)``."""
    found = []
    lines = [line.split() for line in text.splitlines()]
    for here, after in zip(lines, lines[1:]):
        if not here or not after:
            continue
        end, start = here[-1], after[0]
        for word in words:
            if 0 < len(end) < len(word) and word.startswith(end) \
                    and (end + start).startswith(word):
                found.append((word, end, start))
    return found
