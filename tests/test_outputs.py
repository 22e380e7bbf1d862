"""Atomic writes, output folders and the owned-files rule (forcast.reporting.outputs)."""

from __future__ import annotations

import os
import stat

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from forcast.reporting import outputs  # noqa: E402
from forcast.errors import ForcastError, OutputError  # noqa: E402
from forcast.reporting.outputs import (  # noqa: E402
    OutputFolder,
    prepare_out_dir,
    save_figure_atomic,
    write_bytes_atomic,
    write_csv_atomic,
    write_text_atomic,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def leftovers(folder):
    """Temporary files forcast would have left behind."""
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


@pytest.fixture
def figure():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([1, 3, 2])
    yield fig
    plt.close(fig)


def boom(*args, **kwargs):
    raise OSError(28, "No space left on device")


# --- atomic writers --------------------------------------------------------------------------------------
def test_write_text_creates_parents_and_returns_path(tmp_path):
    target = tmp_path / "a" / "b" / "chapter.md"
    assert write_text_atomic(target, "héllo\n") == target
    assert target.read_text(encoding="utf-8") == "héllo\n"
    assert leftovers(tmp_path) == []


def test_write_bytes_overwrites_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "data.bin"
    write_bytes_atomic(target, b"old")
    write_bytes_atomic(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["data.bin"]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_write_keeps_previous_file_and_cleans_up(tmp_path, monkeypatch, failing):
    target = tmp_path / "chapter.md"
    target.write_text("previous version")
    monkeypatch.setattr(outputs.os, failing, boom)
    with pytest.raises(OutputError, match=r"Could not write .*chapter\.md.*No space left on device.*unchanged"):
        write_text_atomic(target, "new version")
    monkeypatch.undo()
    assert target.read_text() == "previous version"
    assert leftovers(tmp_path) == []


def test_failed_first_write_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs.os, "replace", boom)
    with pytest.raises(OutputError):
        write_bytes_atomic(tmp_path / "new.bin", b"x")
    assert list(tmp_path.iterdir()) == []


def test_output_error_is_a_value_error():
    assert issubclass(OutputError, ForcastError) and issubclass(OutputError, ValueError)


def test_write_bytes_rejects_text(tmp_path):
    with pytest.raises(OutputError, match="`data` must be bytes. Got str"):
        write_bytes_atomic(tmp_path / "x", "text")


def test_write_text_rejects_bytes(tmp_path):
    with pytest.raises(OutputError, match="`text` must be a str. Got bytes"):
        write_text_atomic(tmp_path / "x", b"bytes")


def test_writing_over_a_folder_is_refused(tmp_path):
    (tmp_path / "chapter.md").mkdir()
    with pytest.raises(OutputError, match="a folder of that name already exists"):
        write_text_atomic(tmp_path / "chapter.md", "x")


def test_new_file_mode_follows_umask_and_existing_mode_is_kept(tmp_path):
    mask = os.umask(0o022)
    os.umask(mask)
    fresh = write_text_atomic(tmp_path / "fresh.txt", "x")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~mask
    private = tmp_path / "private.txt"
    private.write_text("old")
    private.chmod(0o600)
    write_text_atomic(private, "new")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_save_figure_writes_png(tmp_path, figure):
    target = save_figure_atomic(figure, tmp_path / "figures" / "fan.png", dpi=50)
    assert target.read_bytes().startswith(PNG_MAGIC)


def test_save_figure_failure_while_drawing_keeps_previous_file(tmp_path, figure, monkeypatch):
    target = tmp_path / "fan.png"
    target.write_bytes(b"previous")

    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        save_figure_atomic(figure, target)
    assert target.read_bytes() == b"previous"
    assert leftovers(tmp_path) == []


def test_write_csv_round_trips_and_passes_options(tmp_path):
    frame = pd.DataFrame({"financial_year": ["2022/23", "2023/24"], "mean": [168704.5, 170001.25]})
    target = write_csv_atomic(frame, tmp_path / "tables" / "fy.csv", index=False)
    assert target.read_bytes().count(b"\r") == 0
    pd.testing.assert_frame_equal(pd.read_csv(target), frame)


def test_write_csv_failure_keeps_previous(tmp_path, monkeypatch):
    target = tmp_path / "fy.csv"
    target.write_text("a\n1\n")
    monkeypatch.setattr(outputs.os, "replace", boom)
    with pytest.raises(OutputError):
        write_csv_atomic(pd.DataFrame({"a": [2]}), target, index=False)
    monkeypatch.undo()
    assert target.read_text() == "a\n1\n"
    assert leftovers(tmp_path) == []


# --- output folders --------------------------------------------------------------------------------------
def test_prepare_out_dir_creates_nested_folder_and_keeps_contents(tmp_path):
    folder = tmp_path / "out" / "kent"
    assert prepare_out_dir(folder) == folder and folder.is_dir()
    (folder / "notes.txt").write_text("mine")
    assert prepare_out_dir(str(folder)) == folder
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_prepare_out_dir_refuses_a_file(tmp_path):
    clash = tmp_path / "out"
    clash.write_text("I am a file")
    with pytest.raises(OutputError, match=r"must be a folder, but .*out' is an existing file\. Choose another"):
        prepare_out_dir(clash)
    assert clash.read_text() == "I am a file"


def test_prepare_out_dir_refuses_path_through_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="Cannot create the output folder"):
        prepare_out_dir(tmp_path / "file" / "sub")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_prepare_out_dir_refuses_read_only_folder(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="is not writable.*choose another folder"):
            prepare_out_dir(locked)
    finally:
        locked.chmod(0o700)


def test_output_folder_owned_files_rule(tmp_path):
    (tmp_path / "notes.txt").write_text("user's notes")
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "mine.csv").write_text("user,table\n")
    for run in ("first", "second"):
        out = OutputFolder(tmp_path)
        out.write_text("chapter.md", f"{run} run")
        out.write_csv("tables/fy.csv", pd.DataFrame({"run": [run]}), index=False)
        assert list(out.written) == ["chapter.md", "tables/fy.csv"]
    assert (tmp_path / "chapter.md").read_text() == "second run"
    assert (tmp_path / "notes.txt").read_text() == "user's notes"
    assert (tmp_path / "tables" / "mine.csv").read_text() == "user,table\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["chapter.md", "fy.csv", "mine.csv", "notes.txt", "tables"]


@pytest.mark.parametrize("bad", ["../escape.txt", "tables/../../escape.txt", "/etc/passwd", "", "C:evil.txt"])
def test_output_folder_refuses_paths_outside(tmp_path, bad):
    out = OutputFolder(tmp_path / "out")
    with pytest.raises(OutputError, match="(stay inside the output folder|non-empty relative path)"):
        out.write_text(bad, "x")
    assert not (tmp_path / "escape.txt").exists()


def test_output_folder_refuses_writing_a_file_twice(tmp_path, figure):
    out = OutputFolder(tmp_path)
    out.save_figure("figures/fan.png", figure, dpi=40)
    with pytest.raises(OutputError, match="Two outputs of this run both write 'figures/fan.png'"):
        out.write_bytes("figures/fan.png", b"x")
    assert (tmp_path / "figures" / "fan.png").read_bytes().startswith(PNG_MAGIC)


def test_prepare_out_dir_reports_unwritable_folder(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match=r"is not writable: Permission denied\. Change its permissions"):
        prepare_out_dir(tmp_path)


# --- spreadsheet safety (issue 15, item 5) ---------------------------------------------------------------
EVIL = ["=HYPERLINK(\"http://x\",\"y\")", "+SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "=1"]


def test_csv_text_cells_that_start_a_formula_are_escaped(tmp_path):
    frame = pd.DataFrame({"series": [*EVIL, "Lancashire", "-3.5"], "mean": [-3.5, 1, 2, 3, 4, 5, 6, 7]})
    path = outputs.write_csv_atomic(frame, tmp_path / "t.csv", index=False)
    back = pd.read_csv(path, keep_default_na=False, dtype={"series": str})
    assert back["series"].tolist() == ["'" + text for text in EVIL] + ["Lancashire", "-3.5"]
    assert back["mean"].tolist() == [-3.5, 1, 2, 3, 4, 5, 6, 7]  # numbers stay numbers, negatives included
    assert frame["series"].iloc[0] == EVIL[0]  # the caller's frame is not changed


def test_csv_column_names_and_category_cells_are_escaped(tmp_path):
    frame = pd.DataFrame({"=1+1": [1], "kind": pd.Categorical(["@x"]), "n": [-2]})
    text = outputs.write_csv_atomic(frame, tmp_path / "t.csv", index=False).read_text()
    assert text == "'=1+1,kind,n\n1,'@x,-2\n"


def test_plain_numbers_written_as_text_are_left_alone():
    for text in ["-3.5", "+1.2%", "-1,234", "-.5", "-1e5", "12"]:
        assert outputs.escape_formula(text) == text
    for value in [-3.5, -1, None]:
        assert outputs.escape_formula(value) is value
    assert outputs.escape_formula("\r=1") == "'\r=1"
    assert outputs.escape_formula("-") == "'-"


def test_output_folder_csv_is_escaped(tmp_path):
    out = OutputFolder(tmp_path)
    out.write_csv("tables/x.csv", pd.DataFrame({"measure": ["=cmd()"], "mean": [-1.5]}), index=False)
    assert (tmp_path / "tables" / "x.csv").read_text() == "measure,mean\n'=cmd(),-1.5\n"


def test_cli_backtest_of_a_series_named_like_a_formula_writes_it_as_text(tmp_path):
    from forcast.cli import main

    name = '=HYPERLINK("http://example.com","x")'
    csv = tmp_path / "mine.csv"
    pd.DataFrame({"month": pd.period_range("2012-01", periods=84, freq="M").astype(str),
                  name: [100 + i % 12 for i in range(84)]}).to_csv(csv, index=False)
    assert main(["backtest", "--csv", str(csv), "--date-column", "month", "--value-column", name, "--models", "naive",
                 "--n-paths", "100", "--no-baselines", "--origins", "2017-03-31", "--horizon", "1y",
                 "--out", str(tmp_path / "out")]) == 0
    periods = pd.read_csv(tmp_path / "out" / "backtest_periods.csv")
    assert set(periods["series"]) == {"'" + name}
    assert pd.api.types.is_float_dtype(periods["mean"])  # the numbers are still numbers
