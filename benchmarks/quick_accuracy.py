"""A quick version of the national backtest, for trying model changes: few paths, optionally fewer forces.

    python benchmarks/quick_accuracy.py                          # 43 forces, 300 paths, both cores
    python benchmarks/quick_accuracy.py --forces 12              # the first 12 forces
    python benchmarks/quick_accuracy.py --models ets --set forcast.models.ets.PARAM_DRAWS=0

Origins March 2011–2017 (seven of the fourteen of ``benchmarks/accuracy.py``, 2006–2019), the same horizon
(4 financial years), models fitted on all data from 2002Q2, the default baselines, no peers unless asked, and
300 paths by default. Mind the Monte Carlo noise: with 300 paths the one-year MAPE moved by 0.3 points between two
seeds, and a change that widens the paths adds noise to their means (so MAPE) by itself; use ``--n-paths 1000`` to
compare changes to the spread. Confirm a change with ``benchmarks/accuracy.py`` before believing it.

``--set MODULE.NAME=VALUE`` overrides a module-level constant in every worker before it runs (VALUE is read as a
Python literal), so a setting can be compared without editing the code. ``--models`` picks the models (default
``ets,arima``; the combination and the baselines are added), ``--peers`` adds peers from ``_peers.py``
(statsforecast's need the ``bench`` extra).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import ast  # noqa: E402
import importlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import peers as _peers  # noqa: E402

from forcast import datasets  # noqa: E402
from forcast.evaluation import metrics  # noqa: E402
from forcast.evaluation.backtesting import backtest  # noqa: E402

EVAL_ORIGINS = [f"{y}-03-31" for y in range(2011, 2018)]


def summary_table(fy: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """Financial-year MAPE by horizon year, coverage and scaled CRPS, and the quarterly MASE, by model."""
    by_h = fy.groupby(["model", "horizon_year"], sort=False)["ape"].mean().unstack()
    by_h.columns = [f"mape_h{h}" for h in by_h.columns]
    overall = metrics.summarise_scores(fy, by=("model",)).set_index("model")
    q = metrics.summarise_scores(periods, by=("model",)).set_index("model")
    table = by_h.join(overall[["n", "coverage_80", "coverage_95", "scaled_crps"]])
    table["quarterly_mase"] = q["mase"]
    table["quarterly_coverage_95"] = q["coverage_95"]
    return table


def _apply(settings: list[str]) -> None:
    for item in settings:
        target, value = item.split("=", 1)
        module, name = target.rsplit(".", 1)
        mod = importlib.import_module(module)
        if not hasattr(mod, name):
            raise SystemExit(f"--set {item}: {module} has no {name}")
        setattr(mod, name, ast.literal_eval(value))


def _peer(name: str):
    peers = _peers()
    if name not in peers:
        raise SystemExit(f"--peers {name}: not available (have: {', '.join(peers)})")
    return peers[name]()


def run_force(force: str, models: tuple, peers: tuple, n_paths: int, seed: int, settings: list[str]) -> dict:
    warnings.simplefilter("ignore")
    _apply(settings)
    start = time.perf_counter()
    series = datasets.recorded_crime(force)
    bts = [backtest(series, origins=EVAL_ORIGINS, models=models, n_paths=n_paths, seed=seed)] if models else []
    bts += [backtest(series, origins=EVAL_ORIGINS, models=[_peer(p)], baselines=False, n_paths=n_paths, seed=seed)
            for p in peers]
    specs = [{"force": force, "origin": f.origin, "model": k, "spec": v} for bt in bts for f in bt.folds
             for k, v in f.specifications.items()]
    return {"fy": pd.concat([metrics.score_financial_years(bt) for bt in bts]),
            "periods": pd.concat([metrics.score_periods(bt) for bt in bts]), "specs": specs,
            "time": time.perf_counter() - start}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--forces", type=int, help="only the first N forces (default: all 43)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--n-paths", type=int, default=300)
    p.add_argument("--seed", type=int, default=2019)
    p.add_argument("--models", default="ets,arima", help="forcast models ('' for none)")
    p.add_argument("--peers", default="", help="peers from benchmarks/_peers.py, e.g. m4_comb,sf_autotheta")
    p.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE")
    p.add_argument("--specs", action="store_true", help="also count the chosen specifications")
    args = p.parse_args(argv)
    _apply(args.set)  # fail early on a typo

    forces = datasets.forces()[: args.forces] if args.forces else datasets.forces()
    models = tuple(m for m in args.models.split(",") if m)
    peers = tuple(m for m in args.peers.split(",") if m)
    wall = time.perf_counter()
    n = len(forces)
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(run_force, forces, [models] * n, [peers] * n, [args.n_paths] * n,
                                [args.seed] * n, [args.set] * n))
    wall = time.perf_counter() - wall
    fy = pd.concat([r["fy"] for r in results], ignore_index=True)
    periods = pd.concat([r["periods"] for r in results], ignore_index=True)
    table = summary_table(fy, periods)
    cols = [c for c in table.columns if c.startswith("mape_h")] + ["coverage_80", "coverage_95", "scaled_crps",
                                                                  "quarterly_mase", "n"]
    pd.set_option("display.width", 200)
    print(f"{n} forces, {args.n_paths} paths, settings {args.set or 'default'}: wall {wall:.0f} s, "
          f"CPU {sum(r['time'] for r in results):.0f} s")
    print(table[cols].to_string(float_format=lambda v: f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"))
    if args.specs:
        specs = pd.DataFrame([s for r in results for s in r["specs"]])
        specs = specs[~specs["model"].isin(["combination", "seasonal_naive", "drift"])]
        print(specs.groupby("model")["spec"].value_counts().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
