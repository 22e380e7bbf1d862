"""``forcast forecast/backtest --all-forces [--by offence-group]``: long CSVs with force and offence_group first,
groups adding up to the total, failures.csv."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forcast.forecasting.many as many
from forcast import datasets
from forcast.cli import main

QUICK = ["--models", "naive,drift", "--n-paths", "200", "--workers", "1"]


@pytest.fixture
def two_forces(monkeypatch):
    """The CLI's embedded data cut to two forces, so the fast tests take seconds."""
    whole = many.recorded_crime_series
    monkeypatch.setattr(many, "recorded_crime_series", lambda forces=None, by=None, national=False: whole(
        ["Kent", "Dorset"], by=by, national=national))


def _check_coherent(fy: pd.DataFrame, rtol: float) -> None:
    key = ["force", "financial_year", "model"]
    parts = fy[fy["offence_group"] != "Total"].groupby(key)[["mean"]].sum()
    total = fy[fy["offence_group"] == "Total"].set_index(key)[["mean"]].loc[parts.index]
    np.testing.assert_allclose(parts["mean"], total["mean"], rtol=rtol)


def test_forecast_all_forces_by_offence_group(two_forces, tmp_path, capsys):
    assert main(["forecast", "--all-forces", "--by", "offence-group", *QUICK, "--out", str(tmp_path)]) == 0
    fy = pd.read_csv(tmp_path / "financial_years.csv")
    assert list(fy.columns[:4]) == ["force", "offence_group", "financial_year", "model"]
    assert fy.groupby(["force", "offence_group"]).ngroups == 2 * 10
    assert set(fy["offence_group"]) == {"Total", *datasets.OFFENCE_GROUPS}
    _check_coherent(fy, rtol=1e-9)
    assert list(pd.read_csv(tmp_path / "periods.csv").columns[:4]) == ["force", "offence_group", "date", "model"]
    assert list(pd.read_csv(tmp_path / "failures.csv").columns) == ["force", "offence_group", "error_class",
                                                                    "message"]
    out = capsys.readouterr().out
    assert "Forecast 20 series (2 forces, total and nine offence groups each); 0 failed." in out
    assert "Offence groups reconciled (mint): their means differ from the total" in out


def test_forecast_all_forces_refuses_a_single_series(two_forces, tmp_path, capsys):
    assert main(["forecast", "--all-forces", "--force", "Kent", *QUICK, "--out", str(tmp_path)]) == 2
    assert "Give --all-forces on its own, without --force or --csv." in capsys.readouterr().err
    assert main(["forecast", "--all-forces", "--known-event-off", "kent_2099", *QUICK, "--out", str(tmp_path)]) == 2
    assert "--known-event-off 'kent_2099': no embedded series carries this known break" in capsys.readouterr().err


def test_backtest_all_forces_by_offence_group(two_forces, tmp_path, capsys):
    code = main(["backtest", "--all-forces", "--by", "offence-group", "--models", "naive", "--no-baselines",
                 "--n-paths", "200", "--workers", "1", "--origins", "2015-03-31", "--out", str(tmp_path)])
    assert code == 0
    fy = pd.read_csv(tmp_path / "backtest_financial_years.csv")
    assert list(fy.columns[:3]) == ["force", "offence_group", "series"]
    assert fy.groupby(["force", "offence_group"]).ngroups == 20
    parts = fy[fy["offence_group"] != "Total"].groupby(["force", "financial_year"])["predicted"].sum()
    total = fy[fy["offence_group"] == "Total"].set_index(["force", "financial_year"])["predicted"]
    np.testing.assert_allclose(parts, total.loc[parts.index], rtol=1e-9)
    metrics = pd.read_csv(tmp_path / "backtest_metrics.csv")
    assert set(metrics["offence_group"]) == {"Total", *datasets.OFFENCE_GROUPS}
    assert (tmp_path / "failures.csv").exists() and (tmp_path / "backtest_chart.png").exists()


@pytest.mark.slow
def test_acceptance_every_force_and_group(tmp_path):
    """Issue 14's acceptance: 43 x 10 series, the groups' means add up to the total's within 0.5%."""
    assert main(["forecast", "--all-forces", "--by", "offence-group", "--n-paths", "500", "--out",
                 str(tmp_path)]) == 0
    fy = pd.read_csv(tmp_path / "financial_years.csv")
    assert list(fy.columns[:4]) == ["force", "offence_group", "financial_year", "model"]
    assert fy.groupby(["force", "offence_group"]).ngroups == 43 * 10
    assert pd.read_csv(tmp_path / "failures.csv").empty
    _check_coherent(fy, rtol=0.005)


@pytest.mark.parametrize("flags, named", [(["--by", "offence-group"], "--by offence-group"),
                                          (["--national"], "--national"),
                                          (["--reconcile", "ols"], "--reconcile ols"),
                                          (["--reconcile", "mint"], "--reconcile mint")])  # the default, given
@pytest.mark.parametrize("command", ["forecast", "backtest"])
def test_many_series_flags_without_all_forces_are_refused(tmp_path, capsys, command, flags, named):
    code = main([command, "--force", "Kent", *flags, "--models", "naive", "--out", str(tmp_path / "run")])
    assert code == 2
    assert f"forcast {command}: error: {named} needs --all-forces: it applies to every embedded force at once." \
        in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


@pytest.fixture
def three_forces(monkeypatch):
    """Three forces, Devon and Cornwall (whose data ends in 2022Q3) among them."""
    whole = many.recorded_crime_series
    monkeypatch.setattr(many, "recorded_crime_series", lambda forces=None, by=None, national=False: whole(
        ["Kent", "Devon and Cornwall", "Dorset"], by=by, national=national))


def test_forecast_all_forces_national_adds_up_to_england_and_wales(three_forces, tmp_path, capsys):
    assert main(["forecast", "--all-forces", "--national", *QUICK, "--out", str(tmp_path)]) == 0
    fy = pd.read_csv(tmp_path / "financial_years.csv")
    assert sorted(fy["force"].unique()) == ["Devon and Cornwall", "Dorset", "England and Wales", "Kent"]
    assert set(fy["offence_group"]) == {"Total"}
    assert fy["financial_year"].iloc[0] == "2022/23"  # every series cut to 2022Q3, Devon and Cornwall's last
    key = ["financial_year", "model"]
    forces = fy[fy["force"] != "England and Wales"].groupby(key)["mean"].sum()
    national = fy[fy["force"] == "England and Wales"].set_index(key)["mean"].loc[forces.index]
    np.testing.assert_allclose(forces, national, rtol=1e-9)
    out = capsys.readouterr().out
    assert "Forecast 4 series (3 forces and England and Wales); 0 failed." in out
    assert "England and Wales, reconciled with the forces (mint), mean totals" in out
    assert "Forces reconciled (mint): their means differ from the total's by at most" in out


def test_national_with_by_offence_group_is_refused(three_forces, tmp_path, capsys):
    code = main(["forecast", "--all-forces", "--national", "--by", "offence-group", *QUICK, "--out", str(tmp_path)])
    assert code == 2
    assert "forcast forecast: error: --national cannot be combined with --by offence-group: forcast reconciles two " \
        "levels" in capsys.readouterr().err


def test_reconcile_with_nothing_to_add_up_is_refused(three_forces, tmp_path, capsys):
    code = main(["forecast", "--all-forces", "--reconcile", "ols", *QUICK, "--out", str(tmp_path)])
    assert code == 2
    assert "--reconcile ols needs --by offence-group or --national: the forces' totals alone have nothing to add " \
        "up to." in capsys.readouterr().err


def test_the_national_cut_is_said_where_the_user_looks(three_forces, tmp_path, capsys):
    assert main(["forecast", "--all-forces", "--national", *QUICK, "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "forcast forecast: warning: England and Wales is the sum of the forces, so every series is cut to " \
        "2022Q3, the last quarter Devon and Cornwall reports" in captured.err
    assert "2022/23 holds 2 recorded quarters and the rest forecast" in captured.out
    notes = pd.read_csv(tmp_path / "notes.csv")
    cut = notes[notes["note"].str.contains("Cut to 2022Q3", regex=False)]
    assert sorted(cut["force"]) == ["Dorset", "Kent"]  # Devon and Cornwall ends there already
    fy = pd.read_csv(tmp_path / "financial_years.csv")
    assert fy["financial_year"].max() == "2026/27"  # the years the forces reach without the cut


def test_all_forces_share_one_last_projected_year(three_forces, tmp_path, capsys):
    """Devon and Cornwall's data end in September 2022, the others' in March 2023: all are projected to 2026/27,
    so England and Wales is summed over every year."""
    assert main(["forecast", "--all-forces", *QUICK, "--out", str(tmp_path)]) == 0
    fy = pd.read_csv(tmp_path / "financial_years.csv")
    assert fy.groupby("force")["financial_year"].max().to_dict() == {"Devon and Cornwall": "2026/27",
                                                                      "Dorset": "2026/27", "Kent": "2026/27"}
    assert "2026/27" in capsys.readouterr().out.split("the years all of them forecast:")[1]
