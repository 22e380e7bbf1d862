"""Byte-identical files (issue 15, item 6): the same chapter gives the same chapter.docx, whenever it is built."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import datetime

import docx
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from forcast.errors import ParameterError  # noqa: E402
from forcast.fms.document import Chapter, Figure, Paragraph, Section, Table  # noqa: E402
from forcast.reproducible import FIXED_TIMESTAMP, build_timestamp, normalise_zip  # noqa: E402


@pytest.fixture(scope="module")
def chapter():
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([1, 2, 3], [3, 1, 2])
    frame = pd.DataFrame({"financial_year": ["2022/23", "2023/24"], "mean": [168704.6, 171250.0]})
    yield Chapter("Demand: Kent", [Section("Outlook", [Paragraph("Up."), Table(frame, "Totals", key="fy"),
                                                       Figure(fig, "Fan chart", "fan.png")])])
    plt.close(fig)


def _clock(monkeypatch, start: float):
    """Make the wall clock read ``start`` and jump an hour at every reading (zipfile dates entries with it)."""
    state = {"now": start}

    def fake_time() -> float:
        state["now"] += 3600.0
        return state["now"]

    monkeypatch.setattr(time, "time", fake_time)


def test_same_chapter_gives_byte_identical_docx_at_different_times(chapter, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _clock(monkeypatch, 1.7e9)
    first = chapter.to_docx_bytes()
    _clock(monkeypatch, 1.8e9)
    assert chapter.to_docx_bytes() == first


def test_written_docx_is_byte_identical(chapter, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _clock(monkeypatch, 1.7e9)
    chapter.write(tmp_path / "a", formats=["docx"])
    _clock(monkeypatch, 1.75e9)
    chapter.write(tmp_path / "b", formats=["docx"])
    assert (tmp_path / "a" / "chapter.docx").read_bytes() == (tmp_path / "b" / "chapter.docx").read_bytes()


def test_fixed_timestamp_in_core_properties_and_zip_entries(chapter, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = chapter.to_docx_bytes()
    props = docx.Document(io.BytesIO(data)).core_properties
    assert props.created.replace(tzinfo=None) == FIXED_TIMESTAMP
    assert props.modified.replace(tzinfo=None) == FIXED_TIMESTAMP
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_source_date_epoch_dates_the_docx(chapter, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 14 November 2023 22:13:20 UTC
    data = chapter.to_docx_bytes()
    assert docx.Document(io.BytesIO(data)).core_properties.created.replace(tzinfo=None) == \
        datetime(2023, 11, 14, 22, 13, 20)
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {(2023, 11, 14, 22, 13, 20)}


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5e9", "99999999999"])
def test_bad_source_date_epoch_is_refused(value, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(ParameterError, match=r"^`SOURCE_DATE_EPOCH` must be a whole number of seconds since 1 "
                       rf"January 1970 \(up to the year 2107\)\. Got '{value}'\."):
        build_timestamp()


def test_normalise_zip_keeps_content_and_order():
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as z:
        z.writestr("b.txt", "second")
        z.writestr("a.txt", "first")
    out = zipfile.ZipFile(io.BytesIO(normalise_zip(raw.getvalue())))
    assert out.namelist() == ["b.txt", "a.txt"]
    assert out.read("a.txt") == b"first" and out.read("b.txt") == b"second"


def test_same_seed_gives_byte_identical_chapter_docx(tmp_path):
    from forcast.fms import build_chapter
    from forcast.models.registry import BASELINES

    from .conftest import seasonal_series

    def build(folder):
        chapter = build_chapter("Testshire", measures=[seasonal_series()], models=BASELINES, n_paths=200,
                                backtest=False, seed=7)
        chapter.write(folder, formats=["docx"])
        return (folder / "chapter.docx").read_bytes()

    assert build(tmp_path / "a") == build(tmp_path / "b")
