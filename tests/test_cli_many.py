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
    monkeypatch.setattr(many, "recorded_crime_series", lambda forces=None, by=None: whole(["Kent", "Dorset"], by=by))


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
    assert "Offence groups reconciled (mint)" in out


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
