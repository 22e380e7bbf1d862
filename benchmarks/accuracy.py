"""The national backtest: all 44 forces, origins each March 2011–2017, four financial years ahead.

    python benchmarks/accuracy.py                       # all forces, both cores
    python benchmarks/accuracy.py --forces 6            # a quick look at the first six forces
    python benchmarks/accuracy.py --write-calibration   # also write src/forcast/_data/calibration.json

Prints, for each model and baseline: financial-year MAPE by horizon year, quarterly MASE, coverage of the 80% and
95% intervals of financial-year totals, and the wall time. Peers run on the same origins through the same backtest
(so their financial-year intervals also come from sample paths): the M4 "Comb" benchmark (mean of SES, Holt and
damped Holt on seasonally adjusted data, implemented here with statsmodels) always, and statsforecast's AutoETS and
AutoARIMA when the optional ``bench`` extra is installed (``pip install 'forcast[bench]'``); they are skipped if
not.

Calibration is judged without learning from the data it is judged on, in two ways. **In real time**: the
backtests also run from March 2009 and 2010, and the calibration used at each origin is learned (pooled over all
forces) only from financial years that had ended by that origin. **Cross-validated by target year**: the forecasts
of each financial year (from every origin) are widened by a calibration learned from the forecasts of all other
financial years. Leave-one-origin-out would not do: origins share target years (2013/14 is horizon 1 from 2013
and horizon 2 from 2012), so the held-out actuals would have been learned from. Real time is the stricter test:
its calibration never sees a kind of error that first happens after the origin (such as the recording changes
from 2014). Both tables also give the share of actuals above the upper and below the lower 95% bound (each
should be 2.5%); with ``--write-calibration`` the same is printed for the written calibration on its own
learning data.

Parallelism: the work splits by force and is CPU-bound Python/statsmodels code that holds the GIL, so a
``concurrent.futures.ProcessPoolExecutor`` with one process per core (2 here) is the simplest tool that uses both
cores; dask would add a dependency and a scheduler for no gain on one machine. BLAS threads are pinned to 1 per
process so the two processes do not fight over the cores.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from forcast import datasets, metrics  # noqa: E402
from forcast.backtest import backtest  # noqa: E402
from forcast.calibration import Calibration, coverage_by_horizon  # noqa: E402
from forcast.models.base import Model  # noqa: E402

EVAL_ORIGINS = [f"{y}-03-31" for y in range(2011, 2018)]
LEARN_ORIGINS = ["2009-03-31", "2010-03-31"]
CALIBRATION_FILE = Path(__file__).resolve().parents[1] / "src" / "forcast" / "_data" / "calibration.json"


# ---------------------------------------------------------------------------------------------- peers
class Comb(Model):
    """M4 "Comb": seasonally adjust (classical multiplicative decomposition when the M4 90% autocorrelation test
    finds seasonality), average SES, Holt and damped Holt, re-seasonalise. Paths: the three methods simulated
    with the same random draws, averaged."""

    name = "m4_comb"

    def _fit(self, y, events):
        from statsmodels.tsa.holtwinters import ExponentialSmoothing
        from statsmodels.tsa.seasonal import seasonal_decompose
        from statsmodels.tsa.stattools import acf

        x = y.to_numpy(dtype=float)
        m = self.season_length_
        self.season_ = np.ones(len(x))
        if m > 1 and len(x) >= 3 * m:
            r = acf(x, nlags=m, fft=False)
            if abs(r[m]) > 1.645 * np.sqrt((1 + 2 * np.sum(r[1:m] ** 2)) / len(x)):
                self.season_ = seasonal_decompose(x, model="multiplicative", period=m).seasonal
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.fits_ = [ExponentialSmoothing(x / self.season_, trend=t, damped_trend=d,
                                               initialization_method="estimated").fit()
                          for t, d in ((None, False), ("add", False), ("add", True))]

    def _simulate(self, horizon, n_paths, rng):
        seed = int(rng.integers(2**31 - 1))
        m, n = max(self.season_length_, 1), len(self.season_)
        future = np.array([self.season_[n - m + j % m] for j in range(horizon)])
        paths = [np.asarray(fit.simulate(horizon, repetitions=n_paths, error="add",
                                         rng=np.random.default_rng(seed))).T for fit in self.fits_]
        return np.mean(paths, axis=0) * future[None, :]

    def _describe(self):
        return {"specification": "M4 Comb (SES, Holt, damped Holt; seasonally adjusted)"}


def _statsforecast_peers() -> list[type]:
    try:
        from statsforecast.models import AutoARIMA, AutoETS
    except ImportError:
        return []

    class _SF(Model):
        factory = None

        def _fit(self, y, events):
            self.model_ = type(self).factory(season_length=self.season_length_).fit(y.to_numpy(dtype=float))

        def _simulate(self, horizon, n_paths, rng):
            # statsforecast 2.1's AutoETS.simulate leaves the trend out of its paths (its predict() falls while
            # the simulated mean stays flat), so each peer's paths are its own point forecast (predict) plus the
            # spread of its simulated paths around their mean: the peer is judged on its real forecasts.
            sims = self.model_.simulate(h=horizon, n_paths=n_paths, seed=int(rng.integers(2**31 - 1)))
            mean = np.asarray(self.model_.predict(h=horizon)["mean"], dtype=float)
            return mean[None, :] + (sims - sims.mean(axis=0, keepdims=True))

    class SFAutoETS(_SF):
        name, factory = "sf_autoets", AutoETS

    class SFAutoARIMA(_SF):
        name, factory = "sf_autoarima", AutoARIMA

    return [SFAutoETS, SFAutoARIMA]


# ---------------------------------------------------------------------------------------------- one force
def run_force(force: str, n_paths: int, seed: int, peers: bool) -> dict:
    warnings.simplefilter("ignore")
    series = datasets.recorded_crime(force)
    origins = LEARN_ORIGINS + EVAL_ORIGINS
    out: dict = {"force": force, "times": {}}
    start = time.perf_counter()
    bt = backtest(series, origins=origins, models=("ets", "arima"), n_paths=n_paths, seed=seed)
    out["times"]["forcast (ets, arima, combination, baselines)"] = time.perf_counter() - start
    out["bt"] = bt
    out["fy"] = [metrics.score_financial_years(bt)]
    out["periods"] = [metrics.score_periods(bt)]
    if peers:
        classes = [Comb, *_statsforecast_peers()]
        for cls in classes:
            start = time.perf_counter()
            peer = backtest(series, origins=origins, models=[cls()], baselines=False, n_paths=n_paths, seed=seed)
            out["times"][cls.name] = time.perf_counter() - start
            out["fy"].append(metrics.score_financial_years(peer))
            out["periods"].append(metrics.score_periods(peer))
    return out


# ---------------------------------------------------------------------------------------------- report
def _eval_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["origin"] >= pd.Timestamp(EVAL_ORIGINS[0])]


def summary_table(fy: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    fy, periods = _eval_rows(fy), _eval_rows(periods)
    by_h = fy.groupby(["model", "horizon_year"], sort=False)["ape"].mean().unstack()
    by_h.columns = [f"mape_h{h}" for h in by_h.columns]
    overall = metrics.summarise_scores(fy, by=("model",)).set_index("model")
    q = metrics.summarise_scores(periods, by=("model",)).set_index("model")
    table = by_h.join(overall[["n", "coverage_80", "coverage_95", "scaled_crps"]])
    table["quarterly_mase"] = q["mase"]
    table["quarterly_coverage_95"] = q["coverage_95"]
    return table


def _tails(frame: pd.DataFrame, level: int = 95) -> pd.DataFrame:
    """Share of actuals above the upper and below the lower bound at ``level``, by horizon year (each should be
    at most (100 - level) / 2 %, e.g. 2.5% at 95)."""
    sides = pd.DataFrame({"horizon_year": frame["horizon_year"],
                          f"above_{level}": frame["actual"] > frame[f"upper_{level}"],
                          f"below_{level}": frame["actual"] < frame[f"lower_{level}"]})
    return sides.groupby("horizon_year").mean()


def _coverage(frames: list) -> pd.DataFrame:
    """``n, coverage_80, coverage_95, above_95, below_95`` by horizon year of financial-year backtest rows."""
    frame = pd.concat(frames)
    table = coverage_by_horizon(frame).set_index("horizon_year")[["n", "coverage_80", "coverage_95"]]
    return table.join(_tails(frame))


def calibrated_coverage(bts: list, model: str = "combination") -> pd.DataFrame:
    """Coverage by horizon at the evaluation origins, before and after a calibration learned in real time."""
    before, after = [], []
    for origin in EVAL_ORIGINS:
        cal = Calibration.from_backtests(bts, known_by=origin)
        for bt in bts:
            fy = bt.financial_years()
            before.append(fy[(fy["origin"] == pd.Timestamp(origin)) & (fy["model"] == model)])
            wide = bt.widened(cal).financial_years()
            after.append(wide[(wide["origin"] == pd.Timestamp(origin)) & (wide["model"] == model)])
    b, a = _coverage(before), _coverage(after)
    return b[["n", "coverage_80", "coverage_95"]].join(
        a.drop(columns="n").rename(columns=lambda c: c.replace("coverage", "calibrated")))


def cross_validated_coverage(bts: list, years: list, model: str = "combination") -> pd.DataFrame:
    """Coverage by horizon at the evaluation origins after a calibration cross-validated by target year: the
    forecasts of each financial year are widened by a calibration learned from the forecasts of every *other*
    financial year (all origins, all forces). No actual is judged by a calibration learned from it, but unlike
    :func:`calibrated_coverage` the calibration may have seen later years. ``years``: the financial years
    forecast from the evaluation origins."""
    after = []
    first = pd.Timestamp(EVAL_ORIGINS[0])
    for year in years:
        cal = Calibration.from_backtests(bts, exclude_years=[year])
        for bt in bts:
            wide = bt.widened(cal).financial_years()
            after.append(wide[(wide["origin"] >= first) & (wide["model"] == model)
                              & (wide["financial_year"] == year)])
    return _coverage(after).rename(columns=lambda c: c.replace("coverage", "cross_validated"))


def in_sample_coverage(bts: list, cal: Calibration, model: str = "combination") -> pd.DataFrame:
    """Coverage of the learning data's own actuals (all origins) by the intervals widened with ``cal``."""
    wide = [bt.widened(cal).financial_years() for bt in bts]
    return _coverage([w[w["model"] == model] for w in wide])


def _print_coverage(title: str, table: pd.DataFrame, column: str, label: str) -> None:
    """A coverage-by-horizon table and its 95% coverage over all horizons (weighted by the forecasts judged)."""
    print(title)
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    overall = (table["n"] * table[column]).sum() / table["n"].sum()
    print(f"{label}, all horizons: 95% intervals held {overall:.1%}.")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--forces", type=int, help="only the first N forces (default: all 44)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--n-paths", type=int, default=1000)
    p.add_argument("--seed", type=int, default=2019)
    p.add_argument("--no-peers", action="store_true", help="skip Comb and statsforecast")
    p.add_argument("--write-calibration", action="store_true",
                   help=f"write the pooled calibration to {CALIBRATION_FILE.relative_to(CALIBRATION_FILE.parents[3])}")
    p.add_argument("--out", help="also write the score tables (CSV) into this folder")
    args = p.parse_args(argv)

    forces = datasets.forces()[: args.forces] if args.forces else datasets.forces()
    peers = not args.no_peers
    if peers and not _statsforecast_peers():
        print("statsforecast is not installed (pip install 'forcast[bench]'): AutoETS/AutoARIMA peers skipped.")
    print(f"National backtest: {len(forces)} forces, origins March 2011–2017 (plus 2009–2010 for calibration), "
          f"4 financial years ahead, {args.n_paths} paths, {args.workers} processes.")
    from tqdm import tqdm

    wall = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        jobs = pool.map(run_force, forces, [args.n_paths] * len(forces), [args.seed] * len(forces),
                        [peers] * len(forces))
        results = list(tqdm(jobs, total=len(forces), unit="force", file=sys.stderr))
    wall = time.perf_counter() - wall
    fy = pd.concat([f for r in results for f in r["fy"]], ignore_index=True)
    periods = pd.concat([f for r in results for f in r["periods"]], ignore_index=True)
    bts = [r["bt"] for r in results]

    table = summary_table(fy, periods)
    pd.set_option("display.width", 200)
    print("\nFinancial-year totals, origins March 2011–2017 (MAPE in %; coverage = share of actuals inside):")
    print(table.to_string(float_format=lambda v: f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"))
    peers_present = [m for m in table.index if m in ("m4_comb", "sf_autoets", "sf_autoarima")]
    if peers_present and "combination" in table.index:
        cols = [c for c in table.columns if c.startswith("mape_h")] + ["quarterly_mase", "scaled_crps"]
        ratios = table.loc[["combination", "ets", "arima", *peers_present], cols].div(table.loc["combination", cols])
        print("\nRatios to forcast's combination (above 1: worse than the combination):")
        print(ratios.to_string(float_format=lambda v: f"{v:.3f}"))
    times = pd.DataFrame([r["times"] for r in results]).sum()
    print("\nCPU time summed over forces (s):")
    print(times.to_string(float_format=lambda v: f"{v:,.0f}"))
    print(f"Wall time: {wall:,.0f} s with {args.workers} processes.")

    if "combination" in table.index:
        cov95 = table.loc["combination", "coverage_95"]
        print(f"\nCombination: 95% intervals held {cov95:.1%} of financial-year actuals.")
        _print_coverage("Coverage by horizon year before and after calibration (each origin's calibration learned "
                        "only from financial years ended by that origin, pooled over forces):",
                        calibrated_coverage(bts), "calibrated_95", "Calibrated in real time")
        years = sorted(_eval_rows(fy)["financial_year"].unique())
        _print_coverage("\nCoverage after a calibration cross-validated by target year (each financial year's "
                        "forecasts widened by factors learned from the forecasts of every other financial year):",
                        cross_validated_coverage(bts, years), "cross_validated_95", "Cross-validated")
    if args.write_calibration:
        cal = Calibration.from_backtests(bts)
        cal.to_json(CALIBRATION_FILE)
        print(f"\nWrote {CALIBRATION_FILE}: {cal.note}")
        print(cal.table().to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        _print_coverage("\nThe written calibration on its own learning data (all origins; not an independent test):",
                        in_sample_coverage(bts, cal), "coverage_95", "In sample")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        fy.to_csv(out / "accuracy_financial_years.csv", index=False)
        table.to_csv(out / "accuracy_summary.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
