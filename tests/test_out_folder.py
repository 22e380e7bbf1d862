"""Never lose the user's data (issue 15, item 2): the output folder of a run (forcast.reporting.out_folder.OutputRun)
and the commands that write into one. Every test takes a snapshot (hashes and modification times) of the user's own
files before a run and checks them after."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from forcast.cli import main
from forcast.errors import EditedOutputError, InterruptedRunWarning, OutputError, UnownedFilesError
from forcast.reporting.out_folder import OutputRun, read_manifest
from forcast.reporting.outputs import INTERRUPTED_MARKER, MANIFEST, OutputFolder

QUICK = ["--force", "Lancashire", "--models", "seasonal_naive", "--n-paths", "100"]


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every file under ``folder``: (sha256, size, mtime in ns)."""
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size,
                                               p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def mine(folder: Path, name: str = "notes.txt", text: str = "my own notes\n") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def write_run(folder: Path, files: dict[str, str], command: str = "forecast", **kwargs) -> OutputRun:
    with OutputRun(folder, command, **kwargs) as run:
        for name, text in files.items():
            run.write_text(name, text)
    return run


# --- the folder itself ------------------------------------------------------------------------------------
@pytest.mark.parametrize("out", ["", "   "])
def test_empty_out_is_refused(out):
    with pytest.raises(OutputError) as info:
        OutputRun(out, "forecast")
    assert type(info.value) is OutputError
    assert str(info.value) == f"`--out` must name a folder, e.g. --out out/forecast. Got {out!r}."


def test_folder_holding_the_input_is_refused(tmp_path):
    data = mine(tmp_path / "data", "calls.csv", "month,calls\n")
    before = snapshot(tmp_path)
    for out in (tmp_path / "data", tmp_path):
        with pytest.raises(OutputError, match=r"^The output folder '.*' holds the input file\(s\) "
                           + repr(str(data)).replace("\\", "\\\\").replace(".", r"\.")):
            OutputRun(out, "forecast", inputs=[data])
    assert snapshot(tmp_path) == before


def test_folder_with_files_forcast_did_not_write_is_refused_and_they_are_named(tmp_path):
    mine(tmp_path)
    mine(tmp_path, "tables/my_table.csv", "a,b\n")
    before = snapshot(tmp_path)
    with pytest.raises(UnownedFilesError) as info:
        OutputRun(tmp_path, "fms")
    assert str(info.value).startswith(f"The output folder {str(tmp_path)!r} holds 2 file(s) forcast did not write "
                                      f"there: 'notes.txt', 'tables/my_table.csv'. ")
    assert snapshot(tmp_path) == before


def test_a_subfolder_that_is_an_output_folder_of_its_own_is_forcast_s(tmp_path):
    write_run(tmp_path / "out" / "vap", {"forecast_periods.csv": "x\n"})
    (tmp_path / "out" / "vap" / ".forecast_periods.csv.forcast-abcd1234.tmp").write_text("a live run's")
    write_run(tmp_path / "out", {"chapter.md": "#\n"}, command="fms")  # not refused, and vap is left alone
    assert sorted(p.name for p in (tmp_path / "out" / "vap").iterdir()) == [
        MANIFEST, ".forecast_periods.csv.forcast-abcd1234.tmp", "forecast_periods.csv"]


def test_nothing_is_created_until_the_first_file_is_written(tmp_path):
    run = OutputRun(tmp_path / "new", "forecast")
    assert not (tmp_path / "new").exists()
    with run:
        pass
    assert not (tmp_path / "new").exists()


# --- the manifest, edits and --overwrite ------------------------------------------------------------------
def test_manifest_records_what_was_written_with_hashes(tmp_path):
    write_run(tmp_path, {"a.csv": "x\n", "figures/b.txt": "y\n"})
    data = json.loads((tmp_path / MANIFEST).read_text())
    assert data["format"] == "forcast-manifest" and data["version"] == 1
    assert data["files"] == {
        "a.csv": {"sha256": hashlib.sha256(b"x\n").hexdigest(), "bytes": 2, "command": "forecast"},
        "figures/b.txt": {"sha256": hashlib.sha256(b"y\n").hexdigest(), "bytes": 2, "command": "forecast"},
    }
    assert not (tmp_path / INTERRUPTED_MARKER).exists()
    write_run(tmp_path, {"a.csv": "x2\n", "figures/b.txt": "y\n"})  # a re-run over its own outputs is fine
    assert read_manifest(tmp_path)["a.csv"]["sha256"] == hashlib.sha256(b"x2\n").hexdigest()


def test_edited_output_is_refused_unless_overwrite(tmp_path):
    write_run(tmp_path, {"a.csv": "x\n", "b.csv": "y\n"})
    (tmp_path / "b.csv").write_text("y, with my correction\n")
    before = snapshot(tmp_path)
    with pytest.raises(EditedOutputError) as info:
        OutputRun(tmp_path, "forecast")
    assert str(info.value).startswith(f"1 file(s) forcast wrote in {str(tmp_path)!r} were changed since: 'b.csv'. "
                                      "This run of `forcast forecast` would replace or remove them.")
    assert "give --overwrite (overwrite=True)" in str(info.value)
    assert snapshot(tmp_path) == before
    run = write_run(tmp_path, {"a.csv": "x\n", "b.csv": "y\n"}, overwrite=True)
    assert (tmp_path / "b.csv").read_text() == "y\n"
    assert run.notes == ["--overwrite: replacing or removing 1 edited output(s): 'b.csv'."]


def test_files_the_user_deleted_leave_the_record(tmp_path):
    write_run(tmp_path, {"a.csv": "x\n"}, command="check")
    write_run(tmp_path, {"b.csv": "y\n"}, command="forecast")
    (tmp_path / "a.csv").unlink()
    write_run(tmp_path, {"b.csv": "y\n"}, command="forecast")
    assert set(read_manifest(tmp_path)) == {"b.csv"}


def test_edits_to_another_command_s_outputs_do_not_block(tmp_path):
    write_run(tmp_path, {"forecast.csv": "x\n"}, command="forecast")
    (tmp_path / "forecast.csv").write_text("edited\n")
    write_run(tmp_path, {"check.csv": "c\n"}, command="check")
    assert (tmp_path / "forecast.csv").read_text() == "edited\n"
    assert set(read_manifest(tmp_path)) == {"forecast.csv", "check.csv"}


def test_unreadable_manifest_is_refused(tmp_path):
    write_run(tmp_path, {"a.csv": "x\n"})
    (tmp_path / MANIFEST).write_text('{"format": "forcast-manif')
    with pytest.raises(OutputError, match=r"^forcast's record of the files it wrote, '.*\.forcast-manifest\.json', "
                                          r"cannot be read"):
        OutputRun(tmp_path, "forecast")


# --- stale outputs ----------------------------------------------------------------------------------------
def test_outputs_no_longer_written_are_removed_as_stale(tmp_path):
    out = tmp_path / "out"
    write_run(out, {"chapter.md": "#\n", "tables/calls_999.csv": "a\n", "tables/calls_101.csv": "b\n"}, "fms")
    mine_too = write_run(tmp_path / "other", {"x.csv": "x\n"}, "fms")  # another folder is not touched
    run = write_run(out, {"chapter.md": "# new\n", "tables/calls_999.csv": "a\n"}, "fms")
    assert run.stale_removed == ["tables/calls_101.csv"]
    assert run.notes == ["Removed 1 stale output(s) of an earlier `forcast fms` that this run did not write: "
                         "'tables/calls_101.csv'."]
    assert not (out / "tables/calls_101.csv").exists() and (out / "tables").is_dir()
    assert set(read_manifest(out)) == {"chapter.md", "tables/calls_999.csv"}
    assert (mine_too.path / "x.csv").exists()


def test_stale_outputs_of_another_command_are_kept(tmp_path):
    write_run(tmp_path, {"check.csv": "c\n"}, command="check")
    write_run(tmp_path, {"forecast.csv": "f\n"}, command="forecast")
    write_run(tmp_path, {"forecast.csv": "f\n"}, command="forecast")
    assert (tmp_path / "check.csv").exists()


# --- interruptions ----------------------------------------------------------------------------------------
def test_interrupted_run_leaves_a_marker_and_no_temporary_files(tmp_path):
    mine(tmp_path / "elsewhere")
    with pytest.raises(KeyboardInterrupt):
        with OutputRun(tmp_path / "out", "fms") as run:
            run.write_text("chapter.md", "# half\n")
            (tmp_path / "out" / ".chapter.html.forcast-abcd1234.tmp").write_text("partial")
            raise KeyboardInterrupt
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST, INTERRUPTED_MARKER, "chapter.md"]
    assert set(read_manifest(tmp_path / "out")) == {"chapter.md"}  # the record holds what was written
    marker = json.loads((tmp_path / "out" / INTERRUPTED_MARKER).read_text())
    assert marker["command"] == "fms" and marker["pid"] == os.getpid()
    with pytest.warns(InterruptedRunWarning, match=r"was interrupted before it finished"):
        OutputFolder(tmp_path / "out")  # forcast's Python writer says so too


def test_next_run_reports_an_interrupted_run_and_removes_its_temporary_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / INTERRUPTED_MARKER).write_text(json.dumps({"command": "fms", "pid": 999999999, "host": "elsewhere",
                                                       "started": "2026-12-01 23:00:00"}))
    (out / ".chapter.md.forcast-abcd1234.tmp").write_text("partial")
    run = OutputRun(out, "fms")
    assert run.notes[0] == (f"`forcast fms`, started 2026-12-01 23:00:00, into {str(out)!r} was interrupted before "
                            f"it finished: its files may be a mix of two runs. This run writes them again.")
    assert run.notes[1] == "Removed 1 temporary file(s) left by that run: '.chapter.md.forcast-abcd1234.tmp'."
    with run:
        run.write_text("chapter.md", "# whole\n")
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "chapter.md"]


def test_a_run_in_progress_elsewhere_is_refused(tmp_path):
    import socket

    (tmp_path / INTERRUPTED_MARKER).write_text(json.dumps({"command": "fms", "pid": os.getppid(),
                                                           "host": socket.gethostname(), "started": "now"}))
    with pytest.raises(OutputError, match=rf"^Another forcast run \(`forcast fms`, process {os.getppid()}, started "
                                          r"now\) is writing into"):
        OutputRun(tmp_path, "fms")


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")
def test_sigterm_removes_temporary_files_and_leaves_the_marker(tmp_path):
    script = f"""
import time
from pathlib import Path
from forcast.reporting.out_folder import OutputRun
out = Path({str(tmp_path / 'out')!r})
with OutputRun(out, "forecast") as run:
    run.write_text("a.csv", "x\\n")
    (out / ".b.csv.forcast-zzzz9999.tmp").write_text("partial")
    print("ready", flush=True)
    time.sleep(60)
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    assert proc.returncode != 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST, INTERRUPTED_MARKER, "a.csv"]


# --- the commands -----------------------------------------------------------------------------------------
def test_cli_refuses_empty_out(capsys):
    assert main(["forecast", *QUICK, "--out", ""]) == 2
    assert "forcast forecast: error: `--out` must name a folder, e.g. --out out/forecast. Got ''." in \
        capsys.readouterr().err


def test_cli_refuses_the_input_s_folder_and_changes_nothing(tmp_path, capsys):
    csv = tmp_path / "crimes.csv"
    pd.DataFrame({"month": pd.period_range("2015-01", periods=48, freq="M").astype(str),
                  "crimes": range(100, 148)}).to_csv(csv, index=False)
    before = snapshot(tmp_path)
    assert main(["forecast", "--csv", str(csv), "--models", "naive", "--n-paths", "100", "--out", str(tmp_path)]) == 2
    assert f"holds the input file(s) {str(csv)!r}" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", [["forecast", *QUICK], ["check", *QUICK, "--actual", "167436"]])
def test_cli_refuses_a_folder_with_the_user_s_files(tmp_path, capsys, command):
    mine(tmp_path)
    before = snapshot(tmp_path)
    assert main([*command, "--out", str(tmp_path)]) == 2
    assert "holds 1 file(s) forcast did not write there: 'notes.txt'." in capsys.readouterr().err
    assert snapshot(tmp_path) == before


def test_cli_rerun_refuses_edited_outputs_until_overwrite(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["forecast", *QUICK, "--out", str(out)]) == 0
    assert set(read_manifest(out)) == {"forecast_periods.csv", "forecast_financial_years.csv", "models.csv",
                                       "fan_chart.png", "forecast_notes.txt"}
    assert main(["forecast", *QUICK, "--out", str(out)]) == 0  # unedited: re-run as before
    (out / "forecast_notes.txt").write_text("my edits\n")
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert main(["forecast", *QUICK, "--out", str(out)]) == 2
    assert "were changed since: 'forecast_notes.txt'" in capsys.readouterr().err
    assert snapshot(tmp_path) == before
    assert main(["forecast", *QUICK, "--out", str(out), "--overwrite"]) == 0
    assert (out / "forecast_notes.txt").read_text() != "my edits\n"


def test_cli_interrupted_run_is_reported_by_the_next(tmp_path, capsys, monkeypatch):
    from forcast.reporting.out_folder import OutputRun as Run

    out = tmp_path / "out"
    real = Run.save_figure

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Run, "save_figure", interrupted)
    assert main(["forecast", *QUICK, "--out", str(out)]) == 130
    assert "forcast forecast: interrupted." in capsys.readouterr().err
    assert (out / INTERRUPTED_MARKER).exists() and not list(out.glob(".*.tmp"))
    monkeypatch.setattr(Run, "save_figure", real)
    assert main(["forecast", *QUICK, "--out", str(out)]) == 0
    assert "`forcast forecast`, started " in capsys.readouterr().err
    assert not (out / INTERRUPTED_MARKER).exists()


def test_cli_user_files_survive_every_command_into_their_own_folders(tmp_path):
    """The acceptance test: the user's files (inputs and others) keep their bytes and times through runs of
    forecast, check, backtest and fms into folders beside them."""
    mine(tmp_path)
    mine(tmp_path, "data/extra.txt", "=SUM(A1)\n")
    before = snapshot(tmp_path)
    time.sleep(0.01)
    runs = [["forecast", *QUICK, "--out", str(tmp_path / "f")],
            ["check", *QUICK, "--actual", "167,436", "--out", str(tmp_path / "c")],
            ["backtest", "--force", "Lancashire", "--models", "naive", "--n-paths", "100", "--no-baselines",
             "--origins", "2019-03-31", "--horizon", "1y", "--out", str(tmp_path / "b")]]
    for argv in runs:
        assert main(argv) == 0
    assert {k: v for k, v in snapshot(tmp_path).items() if k in before} == before


def test_cli_fms_removes_the_outputs_of_a_measure_taken_out_and_keeps_edits_unless_overwrite(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    for name, base in (("a", 900), ("b", 400)):
        pd.DataFrame({"month": pd.period_range("2014-04", periods=72, freq="M").astype(str),
                      "calls": [base + i % 12 * 3 for i in range(72)]}).to_csv(data / f"{name}.csv", index=False)
    common = ["fms", "--force", "My Force", "--no-recorded-crime", "--no-backtest", "--models", "seasonal_naive",
              "--n-paths", "100", "--formats", "md", "--no-progress", "--out", str(tmp_path / "fm"),
              "--measure", "999 calls", str(data / "a.csv"), "month", "calls"]
    assert main([*common, "--measure", "101 calls", str(data / "b.csv"), "month", "calls"]) == 0
    assert (tmp_path / "fm" / "tables" / "101_calls_projection.csv").exists()
    (tmp_path / "fm" / "chapter.md").write_text("# My edited chapter\n")
    capsys.readouterr()
    assert main(common) == 2
    assert "were changed since: 'chapter.md'" in capsys.readouterr().err
    assert (tmp_path / "fm" / "tables" / "101_calls_projection.csv").exists()
    assert main([*common, "--overwrite"]) == 0
    err = capsys.readouterr().err
    assert "--overwrite: replacing or removing 1 edited output(s): 'chapter.md'." in err
    assert "Removed 5 stale output(s) of an earlier `forcast fms` that this run did not write: " \
           "'figures/101_calls_fan_chart.png', 'figures/101_calls_trend.png', 'tables/101_calls_models.csv', " \
           "'tables/101_calls_projection.csv', 'tables/101_calls_trend.csv'." in err
    assert not any("101_calls" in name for name in read_manifest(tmp_path / "fm"))
