"""Which reconciliation for offence groups? A small backtest of base, bottom-up, top-down, OLS and MinT.

For a few forces, every series (total + nine offence groups) is backtested once with its paths kept
(:func:`forcast.backtest_many`, ``keep_paths=True``); the same base paths are then reconciled by each method
(:func:`forcast.forecasting.reconcile.reconcile_group`, origin by origin) and scored on financial-year totals with
:mod:`forcast.evaluation.metrics`: MAPE, 95% coverage and the 95% interval (Winkler) score in % of the actual, for the
forces' totals and for the offence groups. "base" is the unreconciled forecasts (incoherent).

Run:  .venv/bin/python benchmarks/reconciliation.py [--forces Kent,Lancashire,Dorset] [--origins 2012,2014,2016]
"""

from __future__ import annotations

import argparse
import warnings

import pandas as pd

import forcast
from forcast.evaluation import metrics
from forcast.forecasting.many import recorded_crime_series
from forcast.forecasting.reconcile import reconcile_group
from forcast.forecasting.reconcile import Hierarchy

METHODS = ("bottom_up", "top_down", "proportional", "ols", "mint")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forces", default="Kent,Lancashire,Dorset")
    parser.add_argument("--origins", default="2012,2014,2016,2018", help="years whose 31 March is an origin")
    parser.add_argument("--n-paths", type=int, default=1000)
    parser.add_argument("--models", default="ets,arima")
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args()

    forces = [f.strip() for f in args.forces.split(",")]
    data = recorded_crime_series(forces, by="offence-group")
    origins = [f"{y.strip()}-03-31" for y in args.origins.split(",")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        base = forcast.backtest_many(data, keep_paths=True, origins=origins, n_paths=args.n_paths,
                                     models=args.models.split(","), baselines=False, n_jobs=args.n_jobs,
                                     progress=True)
    if len(base.failures):
        print(base.failures.to_string(index=False))
    kept = base.kept
    scores = []
    for method in ("base", *METHODS):
        for force in forces:
            group = {ids: bt for ids, bt in kept.items() if ids[0] == force}
            if method != "base":
                group = reconcile_group(group, Hierarchy("offence_group", method=method), position=1)
            for (f, g), bt in group.items():
                s = metrics.score_financial_years(bt)
                s.insert(0, "level", "total" if g == "Total" else "offence groups")
                s.insert(0, "method", method)
                scores.append(s)
    scores = pd.concat(scores, ignore_index=True)
    main_model = scores["model"].iloc[0]
    scores = scores[scores["model"] == main_model]
    scores = scores.assign(winkler_95_pct=100 * scores["winkler_95"] / scores["actual"],
                           width_95_pct=100 * (scores["upper_95"] - scores["lower_95"]) / scores["actual"],
                           coverage_95=scores["inside_95"].astype(float))
    table = scores.groupby(["level", "method", "horizon_year"], sort=False).agg(
        n=("ape", "size"), mape=("ape", "mean"), coverage_95=("coverage_95", "mean"),
        width_95_pct=("width_95_pct", "mean"), winkler_95_pct=("winkler_95_pct", "mean"),
        scaled_crps=("scaled_crps", "mean")).reset_index()
    keep = list(table.columns)
    print(f"\n{len(forces)} forces ({', '.join(forces)}), origins {', '.join(origins)}, {args.n_paths:,} paths, "
          f"model {main_model}; financial-year totals (MAPE and interval score in % of the actual)")
    print(table[keep].to_string(index=False, float_format=lambda v: f"{v:,.2f}"))


if __name__ == "__main__":
    main()
