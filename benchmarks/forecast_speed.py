"""Speed benchmark: fit ETS + ARIMA (+ combination) and produce financial-year totals.

Prints wall and CPU time for one quarterly series (Lancashire, embedded, 2002Q2-2023Q1 with its known breaks
declared by default), one monthly series (the Eugene police calls stand-in counted by month, ~115 points), and all
43 forces' quarterly series, each with 5,000 paths, four financial years after the last complete one.
Target (issue): one series in well under a second for both models with 5,000 paths.

Run:  .venv/bin/python benchmarks/forecast_speed.py [--n-paths 5000] [--repeat 3] [--skip-all]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import forcast
from forcast import datasets
from forcast.data import load_series


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeat`` calls of ``fn``."""
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def one(series, n_paths: int, events=()) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = forcast.forecast(series, h="4y", n_paths=n_paths, seed=1, events=events)
        fc.financial_years()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-paths", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-all", action="store_true", help="skip the 43-force run")
    args = parser.parse_args()

    import statsmodels  # noqa: F401  (import time is not part of any figure)

    lancashire = datasets.recorded_crime("Lancashire")
    eugene = datasets.calls("eugene_daily")
    monthly = eugene.groupby(eugene.index.asfreq("M")).sum()
    monthly = monthly.iloc[1:]  # September 2008 is a partial month
    frame = monthly.rename("count").rename_axis("month").reset_index()
    frame["month"] = frame["month"].astype(str)
    monthly = load_series(frame, date_column="month", value_column="count", measure="calls_for_service")
    one(lancashire, 200)  # warm-up

    print(f"forcast {forcast.__version__}: ETS + ARIMA + combination, {args.n_paths:,} paths, "
          f"financial-year totals four years ahead (median of {args.repeat})")
    print(f"{'series':<48}{'points':>8}{'wall s':>10}{'cpu s':>10}")
    rows = [
        ("Lancashire quarterly (known breaks declared)", lancashire, ()),
        ("Eugene police calls by month (stand-in)", monthly, [forcast.LevelShift("2013-11", "public log change")]),
    ]
    for label, series, events in rows:
        wall, cpu = timed(lambda: one(series, args.n_paths, events), args.repeat)
        print(f"{label:<48}{len(series):>8}{wall:>10.2f}{cpu:>10.2f}")
    if not args.skip_all:
        forces = datasets.forces()
        series = [datasets.recorded_crime(f) for f in forces]
        w0, c0 = time.perf_counter(), time.process_time()
        for force, s in zip(forces, series):
            one(s, args.n_paths)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        print(f"{'all 43 forces, quarterly (one process)':<48}{sum(map(len, series)):>8}{wall:>10.2f}{cpu:>10.2f}")
        print(f"{'  per force':<48}{'':>8}{wall / len(forces):>10.2f}{cpu / len(forces):>10.2f}")


if __name__ == "__main__":
    main()
