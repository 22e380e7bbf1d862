"""``forcast fms``: the command line for the FMS demand chapter."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import docx  # noqa: E402
import pytest  # noqa: E402

from forcast import datasets  # noqa: E402
from forcast.cli import build_parser, main  # noqa: E402

FAST = ["--models", "seasonal_naive,drift", "--n-paths", "200", "--no-backtest", "--no-progress"]


@pytest.fixture(scope="module")
def calls_csv(tmp_path_factory):
    """A user's monthly call file: two columns, dates and counts."""
    series = datasets.calls("nhs_england_999_monthly")
    path = tmp_path_factory.mktemp("data") / "calls999.csv"
    frame = series.rename("calls").to_frame()
    frame.index = frame.index.to_timestamp()
    frame.index.name = "month"
    frame.to_csv(path)
    return path


def test_fms_is_a_subcommand_with_help():
    parser = build_parser()
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["fms", "--help"])
    assert exit_info.value.code == 0


def test_fms_help_documents_the_measure_option(capsys):
    with pytest.raises(SystemExit):
        main(["fms", "--help"])
    text = capsys.readouterr().out
    assert "--measure" in text and "NAME FILE [DATE_COLUMN VALUE_COLUMN]" in text
    assert "--no-backtest" in text and "--seed" in text and "--until" in text


def test_fms_writes_the_chapter_and_prints_where_and_the_summary(tmp_path, calls_csv, capsys):
    out = tmp_path / "fms"
    code = main(["fms", "--force", "Lancashire", "--out", str(out), *FAST,
                 "--measure", "999 calls", str(calls_csv), "month", "calls"])
    printed = capsys.readouterr().out
    assert code == 0
    assert f"to {out}" in printed and "chapter.md, chapter.html, chapter.docx" in printed
    assert re.search(r"Recorded crime: if the factors behind demand stay broadly the same, we expect about "
                     r"[\d,]+ recorded crimes in 2022/23", printed)
    assert re.search(r"999 calls: if the factors .* we expect about [\d,]+ 999 calls in 2022/23", printed)
    for name in ("chapter.md", "chapter.html", "chapter.docx", "tables/headline.csv",
                 "tables/999_calls_projection.csv", "figures/comparison.png", "figures/999_calls_fan_chart.png"):
        assert (out / name).exists(), name
    headings = [p.text for p in docx.Document(str(out / "chapter.docx")).paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Summary" and len(headings) == 6


def test_fms_measure_without_columns_and_without_recorded_crime(tmp_path, calls_csv, capsys):
    code = main(["fms", "--force", "My Force", "--no-recorded-crime", "--out", str(tmp_path), *FAST,
                 "--formats", "md", "--measure", "999 calls", str(calls_csv)])
    assert code == 0
    assert (tmp_path / "chapter.md").exists() and not (tmp_path / "chapter.html").exists()
    assert "999 calls" in (tmp_path / "chapter.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("argv, message", [
    (["--measure", "999 calls"], "--measure takes NAME FILE, or NAME FILE DATE_COLUMN VALUE_COLUMN"),
    (["--no-recorded-crime"], "Nothing to write about"),
    (["--formats", "pdf"], "--formats must list one or more of md, html, docx"),
])
def test_fms_bad_options_exit_2_with_a_message(tmp_path, argv, message, capsys):
    code = main(["fms", "--force", "Lancashire", "--out", str(tmp_path), *FAST, *argv])
    assert code == 2
    assert message in capsys.readouterr().err


def test_fms_unknown_force_suggests_no_recorded_crime(tmp_path, capsys):
    code = main(["fms", "--force", "Lancashir", "--out", str(tmp_path), *FAST])
    assert code == 2
    err = capsys.readouterr().err
    assert "Did you mean 'Lancashire'" in err and "--no-recorded-crime" in err


@pytest.mark.slow
def test_fms_lancashire_full_run(tmp_path, capsys):
    code = main(["fms", "--force", "Lancashire", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0
    assert "we expect about" in captured.out and "2017/18" in captured.out
    assert "FMS chapter" in captured.err  # the progress bar
    assert (tmp_path / "tables" / "recorded_crime_check.csv").exists()
    assert (tmp_path / "figures" / "recorded_crime_backtest.png").exists()
