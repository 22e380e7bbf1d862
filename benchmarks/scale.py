"""Scale benchmark (issue 14): every force x (total + nine offence groups), quarterly, financial-year totals.

Runs :func:`forcast.forecast_many` (ETS + ARIMA + the combination, defaults otherwise, offence groups reconciled
with each force's total by MinT) on the embedded recorded crime three ways — serial, ``n_jobs=2`` (loky
processes) and a Dask ``LocalCluster`` of 2 worker processes — and statsforecast's AutoETS + AutoARIMA on the same
series (one process, h = 16 quarters, 80/95% levels; its numba compilation is done in a warm-up and not counted).
For each it prints wall seconds, seconds per series and the peak resident memory of the whole process tree
(the parent and its worker processes, sampled every 0.1 s with psutil). It checks that the three forcast runs give
identical financial-year tables, and runs the serial forcast again on half the forces to show whether memory
grows with the number of series. Each run is made in a fresh child process, so no run's workers or caches count
in another's memory.

Targets (issue 14): seconds per series no more than statsforecast's AutoETS + AutoARIMA; speed-up >= 1.7x on 2
cores; memory flat in the number of series.

Run:  .venv/bin/python benchmarks/scale.py [--forces 43] [--n-paths 2000] [--skip dask,statsforecast]
(All 430 series take about 12 minutes in all on an idle 2-core machine; --forces 4 gives 40 series.)
"""

from __future__ import annotations

import argparse
import threading
import time
import warnings
from contextlib import contextmanager

import pandas as pd

import forcast
from forcast import datasets
from forcast.forecasting.many import recorded_crime_series


@contextmanager
def peak_memory():
    """Yields a dict whose ``"mb"`` is, on exit, the peak RSS (MB) of this process and all its descendants."""
    import psutil

    me = psutil.Process()
    out = {"mb": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            out["mb"] = max(out["mb"], total / 2**20)
            stop.wait(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield out
    finally:
        stop.set()
        thread.join()


def run_forcast(data: dict, n_paths: int, how: str):
    options = dict(reconcile="offence_group", n_paths=n_paths, seed=2019)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if how == "serial":
            return forcast.forecast_many(data, **options)
        if how == "n_jobs=2":
            return forcast.forecast_many(data, n_jobs=2, **options)
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            return forcast.forecast_many(data, backend="dask", client=client, **options)


def long_frame(data: dict) -> pd.DataFrame:
    rows = []
    for (force, group), s in data.items():
        rows.append(pd.DataFrame({"unique_id": f"{force}|{group}", "ds": s.index.to_timestamp(),
                                  "y": s.to_numpy(dtype=float)}))
    return pd.concat(rows, ignore_index=True)


def run_statsforecast(frame: pd.DataFrame) -> None:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS

    sf = StatsForecast(models=[AutoETS(season_length=4), AutoARIMA(season_length=4)], freq="QS", n_jobs=1)
    sf.forecast(df=frame, h=16, level=[80, 95])


def timed(fn):
    with peak_memory() as mem:
        t0 = time.perf_counter()
        result = fn()
        wall = time.perf_counter() - t0
    return result, wall, mem["mb"]


MODES = ("serial", "n_jobs=2", "dask", "statsforecast")


def measure(mode: str, forces: list[str], n_paths: int, table_path: str | None) -> dict:
    """One run in this (fresh) process: wall seconds and the peak memory of this process and its workers."""
    data = recorded_crime_series(forces, by="offence-group")
    warm = dict(list(data.items())[:10])
    if mode == "statsforecast":
        run_statsforecast(long_frame(warm))  # numba compilation, not timed
        _, wall, mb = timed(lambda: run_statsforecast(long_frame(data)))
        failed = 0
    else:
        forcast.forecast_many(warm, reconcile="offence_group", n_paths=200)  # imports and caches, not timed
        result, wall, mb = timed(lambda: run_forcast(data, n_paths, mode))
        failed = len(result.failures)
        if table_path:
            result.financial_years().to_pickle(table_path)
    return {"run": mode, "series": len(data), "failed": failed, "wall_s": wall, "s_per_series": wall / len(data),
            "peak_mb": mb}


def main() -> None:
    import json
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forces", type=int, default=43, help="the first N forces (default all 43)")
    parser.add_argument("--n-paths", type=int, default=2000)
    parser.add_argument("--skip", default="", help="comma-separated: serial, n_jobs=2, dask, statsforecast, memory")
    parser.add_argument("--only", choices=MODES, help=argparse.SUPPRESS)  # one run, in a child process
    parser.add_argument("--table", help=argparse.SUPPRESS)
    args = parser.parse_args()
    forces = datasets.forces()[: args.forces]
    if args.only:
        print(json.dumps(measure(args.only, forces, args.n_paths, args.table)))
        return
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    print(f"{len(forces)} forces x (total + 9 offence groups) = {10 * len(forces)} quarterly series, "
          f"{args.n_paths:,} paths, financial-year totals to 2026/27, offence groups reconciled (MinT); each run in "
          f"a fresh process\n")
    runs = [(m, len(forces)) for m in MODES if m not in skip]
    if "memory" not in skip and "serial" not in skip and len(forces) >= 2:
        runs.append(("serial", len(forces) // 2))
    rows, tables = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for k, (mode, n_forces) in enumerate(runs):
            table = str(Path(tmp) / f"{k}.pkl")
            out = subprocess.run([sys.executable, __file__, "--only", mode, "--forces", str(n_forces), "--n-paths",
                                  str(args.n_paths), "--table", table], capture_output=True, text=True, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row["run"] = ("statsforecast AutoETS+AutoARIMA" if mode == "statsforecast" else f"forcast {mode}") + (
                f", {n_forces} forces" if n_forces != len(forces) else "")
            rows.append(row)
            if mode != "statsforecast" and n_forces == len(forces):
                tables[mode] = pd.read_pickle(table)
            print(f"  {row['run']}: {row['wall_s']:,.1f} s, peak {row['peak_mb']:,.0f} MB", flush=True)
    table = pd.DataFrame(rows)
    print()
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    base = next((r for r in rows if r["run"] == "forcast serial"), None)
    if base:
        for r in rows:
            if r["run"] in ("forcast n_jobs=2", "forcast dask"):
                print(f"speed-up of {r['run']} over serial: {base['wall_s'] / r['wall_s']:.2f}x (target >= 1.7x)")
    sf = next((r for r in rows if r["run"].startswith("statsforecast")), None)
    if base and sf:
        print(f"seconds per series: forcast serial {base['s_per_series']:.2f}, statsforecast "
              f"{sf['s_per_series']:.2f} (target: forcast no more than statsforecast)")
    names = list(tables)
    for other in names[1:]:
        same = tables[names[0]].equals(tables[other])
        print(f"financial-year tables {names[0]} vs {other}: {'identical' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
