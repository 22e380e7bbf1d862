"""Many series: long frames and dicts in, the single-series tables with id columns first out, failures collected,
seeds per series, reconciliation, and the same numbers with any number of workers or on Dask."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forcast
from forcast.errors import ColumnError, ParameterError
from forcast.forecasting.many import backtest_many, forecast_many, recorded_crime_series
from forcast.forecasting.parallel import check_backend, check_n_jobs, series_seed
from forcast.forecasting.reconcile import Hierarchy

from .conftest import seasonal_series

FAST = dict(models=["naive", "drift"], n_paths=200, calibration=None, until="2021/22")
IDS = ["force", "offence_group"]


def _hierarchy(force: str, seed: int) -> dict:
    """A total and two parts that add up to it exactly in the history, 51 quarters to 2018Q4."""
    a = seasonal_series(level=20000.0, seed=seed, force=force)
    b = seasonal_series(level=9000.0, seed=seed + 100, force=force)
    total = forcast.data.series.make_series(a.to_numpy() + b.to_numpy(), a.index, name="total",
                                            measure="recorded_crime", force=force, source="synthetic")
    return {(force, "Total"): total, (force, "Violence"): a, (force, "Theft"): b}


@pytest.fixture(scope="module")
def data() -> dict:
    return {**_hierarchy("Northshire", 1), **_hierarchy("Southshire", 2)}


@pytest.fixture(scope="module")
def long_frame(data) -> pd.DataFrame:
    rows = [pd.DataFrame({"force": k[0], "offence_group": k[1], "period": s.index.to_timestamp(), "count": s.values})
            for k, s in data.items()]
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def many(long_frame):
    return forecast_many(long_frame, IDS, load_options={"measure": "recorded_crime"}, seed=5, **FAST)


def test_tables_have_the_single_series_columns_after_the_ids(many):
    fy = many.financial_years()
    assert list(fy.columns) == IDS + ["financial_year", "model", "observed_part", "mean", "lower_80", "upper_80",
                                      "lower_95", "upper_95"]
    assert list(many.table().columns) == IDS + ["date", "model", "mean", "lower_80", "upper_80", "lower_95",
                                                "upper_95"]
    assert list(many.models.columns) == IDS + ["model", "specification", "aicc"]
    # 6 series x 4 financial years (2018/19, partly observed, to 2021/22) x 2 models
    assert len(fy) == 6 * 4 * 2 and fy.groupby(IDS).ngroups == 6
    assert list(many.failures.columns) == IDS + ["error_class", "message"] and many.failures.empty


def test_each_series_is_exactly_its_own_forecast_with_its_own_seed(many, data):
    """The oracle is forcast.forecast on that series alone with seed series_seed(seed, ids)."""
    key = ("Southshire", "Theft")
    alone = forcast.forecast(data[key], seed=series_seed(5, key), **FAST).financial_years()
    fy = many.financial_years()
    got = fy[(fy.force == key[0]) & (fy.offence_group == key[1])].drop(columns=IDS).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone)


def test_series_seed_is_stable_and_distinct():
    assert series_seed(None, ("Kent",)) is None
    assert series_seed(1, ("Kent", "Robbery")) == series_seed(1, ("Kent", "Robbery"))
    seeds = {series_seed(1, ("Kent", g)) for g in forcast.datasets.OFFENCE_GROUPS}
    assert len(seeds) == 9
    assert series_seed(1, ("Kent", "Robbery")) != series_seed(2, ("Kent", "Robbery"))
    assert series_seed(1, ("a", "bc")) != series_seed(1, ("ab", "c"))  # the separator keeps ids apart


def test_a_broken_series_is_listed_and_the_rest_go_on(long_frame):
    text = long_frame[long_frame.force == "Northshire"].copy()
    text["force"] = "Textshire"
    text["count"] = text["count"].astype(object)
    text.loc[text.index[5], "count"] = "n/a"
    south = long_frame[(long_frame.force == "Southshire") & (long_frame.offence_group == "Total")]
    short = south.tail(1).assign(force="Shortshire")  # one quarter
    frame = pd.concat([long_frame, text, short], ignore_index=True)
    out = forecast_many(frame, IDS, load_options={"measure": "recorded_crime", "frequency": "quarterly"}, seed=5,
                        **FAST)
    failed = out.failures.set_index(IDS)["error_class"]
    assert set(failed.index.get_level_values("force")) == {"Textshire", "Shortshire"}
    assert set(failed.loc["Textshire"]) == {"NonNumericCountError"}  # only its Total holds the text cell
    assert len(failed.loc["Textshire"]) == 1
    assert failed.loc[("Shortshire", "Total")] == "SeriesTooShortError"
    assert "'n/a'" in out.failures.set_index(IDS).loc[("Textshire", "Total"), "message"]
    assert out.financial_years().groupby(IDS).ngroups == 6 + 2  # the good ones, and Textshire's parts


def test_reconciled_groups_add_up_to_the_total_in_every_path(data):
    out = forecast_many(data, IDS, reconcile="offence_group", seed=5, keep_paths=True, **FAST)
    for force in ("Northshire", "Southshire"):
        total = out.paths((force, "Total"), "naive").to_numpy()
        parts = out.paths((force, "Violence"), "naive").to_numpy() + out.paths((force, "Theft"), "naive").to_numpy()
        np.testing.assert_allclose(total, parts, rtol=1e-12)
    fy = out.financial_years()
    means = fy.pivot_table(index=["force", "financial_year", "model"], columns="offence_group", values="mean")
    np.testing.assert_allclose(means["Total"], means["Violence"] + means["Theft"], rtol=1e-12)
    assert out.notes["note"].str.contains("Reconciled with the other series over offence_group").any()


def test_a_group_missing_its_total_is_reported_and_left_unreconciled(data):
    partial = {k: v for k, v in data.items() if k != ("Northshire", "Total")}
    out = forecast_many(partial, IDS, reconcile=Hierarchy("offence_group", method="bottom_up"), seed=5, **FAST)
    assert list(out.failures["error_class"]) == ["ReconciliationError"]
    assert "No 'Total' series" in out.failures["message"].iloc[0]
    assert out.financial_years().groupby(IDS).ngroups == 5


def test_inputs_are_checked(long_frame, data):
    with pytest.raises(ColumnError, match=r"no column\(s\) 'crimes'"):
        forecast_many(long_frame, IDS, value_column="crimes", **FAST)
    with pytest.raises(ParameterError, match=r"one value per id column \['force', 'offence_group'\]. Got 'x'"):
        forecast_many({"x": data[("Northshire", "Total")]}, IDS, **FAST)
    with pytest.raises(ParameterError, match=r"Hierarchy over 'region' is not an id column"):
        forecast_many(data, IDS, reconcile="region", **FAST)
    with pytest.raises(ParameterError, match=r"`n_jobs` must be a positive integer .* Got 0"):
        check_n_jobs(0)
    with pytest.raises(ParameterError, match=r"backend='dask' needs `client`"):
        check_backend("dask", None)
    with pytest.raises(ParameterError, match=r"`backend` must be one of 'loky', 'dask'. Got 'ray'"):
        check_backend("ray", None)
    with pytest.raises(ParameterError, match="keep_paths=True"):
        forecast_many(data, IDS, seed=5, **FAST).paths(("Northshire", "Total"))


def test_backtest_many_adds_ids_and_reconciles_each_origin(data):
    out = backtest_many(data, IDS, reconcile="offence_group", seed=5, models=["naive"], baselines=False,
                        n_paths=200, origins=["2015-03-31", "2016-03-31"])
    fy = out.financial_years()
    assert list(fy.columns[:4]) == IDS + ["origin", "financial_year"]
    pred = fy.pivot_table(index=["force", "origin", "financial_year"], columns="offence_group", values="predicted")
    np.testing.assert_allclose(pred["Total"], pred["Violence"] + pred["Theft"], rtol=1e-12)
    assert list(out.fy_scores.columns[:2]) == IDS and out.failures.empty


def test_recorded_crime_series_keys():
    one = recorded_crime_series(["Kent"], by="offence-group")
    assert list(one)[0] == ("Kent", "Total") and len(one) == 10
    assert ("Kent", "Robbery") in one
    with pytest.raises(ParameterError, match=r"`by` must be None or 'offence-group'. Got 'force'"):
        recorded_crime_series(["Kent"], by="force")


@pytest.mark.slow
def test_same_tables_serial_loky_and_dask(data):
    """Bit for bit: n_jobs=1, n_jobs=2 (loky processes) and a Dask LocalCluster of 2 worker processes."""
    from distributed import Client, LocalCluster

    options = dict(reconcile="offence_group", seed=11, **FAST)
    serial = forecast_many(data, IDS, n_jobs=1, **options)
    loky = forecast_many(data, IDS, n_jobs=2, **options)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        dask = forecast_many(data, IDS, backend="dask", client=client, **options)
    for other in (loky, dask):
        pd.testing.assert_frame_equal(serial.financial_years(), other.financial_years(), check_exact=True)
        pd.testing.assert_frame_equal(serial.table(), other.table(), check_exact=True)
        pd.testing.assert_frame_equal(serial.failures, other.failures, check_exact=True)


def test_a_total_no_series_carries_is_refused_before_any_work(data):
    with pytest.raises(ParameterError, match=r"No series has offence_group 'Totl', the total of the Hierarchy\. "
                                             r"Did you mean 'Total'\?"):
        forecast_many(data, IDS, reconcile=Hierarchy("offence_group", total="Totl"), seed=5, **FAST)


def test_series_ending_in_different_periods_are_named(data):
    short = dict(data)
    short[("Northshire", "Theft")] = data[("Northshire", "Theft")].iloc[:-2]
    out = forecast_many(short, IDS, reconcile="offence_group", seed=5, **FAST)
    [message] = out.failures["message"]
    assert "the total's data end 2018Q4, but Northshire / Theft ends 2018Q2" in message
    assert "cut them to the last period they all have" in message
