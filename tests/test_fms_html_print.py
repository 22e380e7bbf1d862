"""The chapter's HTML in a real browser (headless Chromium): wide tables stay inside the text column on a narrow
screen, and printed to PDF no number or header is broken across lines and no page is left half empty. Slow; skipped
where Chromium or pdftotext is absent (CI installs both in .ci/run)."""

from __future__ import annotations

import subprocess

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from forcast.fms import build_chapter  # noqa: E402

from .fms_pdf import broken_across_lines, chapter_words, pdf_pages, tool  # noqa: E402

CHROMIUM = tool("chromium", "chromium-browser", "google-chrome")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None or tool("pdftotext") is None,
                                 reason="headless Chromium and pdftotext (poppler-utils) are needed")]
WIDTH = 700


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    chapter = build_chapter("Lancashire", models=("seasonal_naive", "drift"), n_paths=300, seed=1)
    out = tmp_path_factory.mktemp("html")
    return chapter, out, chapter.write(out, formats="html")["html"]


def chromium(out, *args) -> None:
    profile = out / f"profile-{len(list(out.glob('profile-*')))}"
    profile.mkdir()
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={profile}", *args], check=True, capture_output=True, timeout=180)


def test_wide_tables_stay_inside_the_text_column_on_a_narrow_screen(page):
    from PIL import Image

    chapter, out, html = page
    shot = out / "narrow.png"
    chromium(out, "--hide-scrollbars", f"--screenshot={shot}", f"--window-size={WIDTH},6000", html.as_uri())
    image = Image.open(shot).convert("L")
    assert image.size[0] == WIDTH
    # body: padding 1em (16 px) either side; the text column ends 16 px from the right edge. Nothing is drawn
    # right of it (a table wider than the column would run on to the edge of the window).
    margin = image.crop((WIDTH - 12, 0, WIDTH, image.size[1]))
    assert margin.getextrema()[0] >= 245, "something is drawn outside the text column"
    column = image.crop((16, 0, WIDTH - 16, image.size[1]))
    assert column.getextrema()[0] < 100  # and the column itself holds the chapter


def test_printed_html_keeps_numbers_and_headers_whole_without_half_empty_pages(page):
    chapter, out, html = page
    pdf = out / "printed.pdf"
    chromium(out, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    pages = pdf_pages(pdf)
    text = "\n".join(pages)
    numbers, headers = chapter_words(chapter)
    assert broken_across_lines(text, numbers | headers) == []
    tokens = set(text.split())
    assert sorted(n for n in numbers if n not in tokens) == []
    assert text.count("OFFICIAL") >= 2  # top and bottom of the chapter
    # every page but the last is filled at least to the half: the lowest text on it is below the middle
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          timeout=120).stdout.decode("utf-8")
    lows = []
    for block in bbox.split("<page ")[1:]:
        height = float(block.split('height="')[1].split('"')[0])
        ys = [float(part.split('"')[0]) for part in block.split('yMax="')[1:]]
        lows.append(max(ys, default=0) / height)
    assert len(lows) == len(pages) and len(pages) >= 4
    assert [round(low, 2) for low in lows[:-1] if low < 0.5] == []
