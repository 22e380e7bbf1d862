"""How accurate are forcast's financial-year forecasts of daily call volumes? A backtest on the stand-in series.

The stand-ins are real daily call counts, but NOT UK police 999/101 data (see forcast.datasets.calls):

* ``eugene_daily`` — Eugene (Oregon) police calls for service. The public log changes level in November 2013, so
  only origins after the break are used (31 March 2014-2017) and the break is declared as a level shift (its size
  estimated from the data each origin has). Three outage days are declared as outliers.
* ``denver_daily`` — Denver 911 ambulance calls, every financial-year end with three years of history
  (31 March 2014-2017).

At each origin :func:`forcast.evaluation.backtesting.backtest` refits the models on the history to that date (with the
local US holidays as a regressor event) and forecasts up to four financial years ahead; every complete financial year
with an actual is scored. Printed per series and model (and the seasonal-naive and drift baselines): the MAPE of the
financial-year totals, the share of actual totals inside the 80% and 95% intervals, the number of scored years, and
the wall time. Each series gives 10 scored years from 4 origins that overlap heavily: read the figures as
indicative, not as a precise accuracy estimate. Run from the repository root::

    .venv/bin/python benchmarks/calls_accuracy.py                    # both series, ETS and ARIMA
    .venv/bin/python benchmarks/calls_accuracy.py --series denver_daily --models ets --n-paths 500
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings

import pandas as pd

from forcast import datasets
from forcast.evaluation.backtesting import backtest
from forcast.data.calls import stand_in_holidays, stand_in_note
from forcast.models.events import LevelShift, Outlier
from forcast.evaluation.metrics import evaluate

SETUPS = {
    "eugene_daily": {
        "origins": ["2014-03-31", "2015-03-31", "2016-03-31", "2017-03-31"],
        "events": [LevelShift("2013-11-19", "public log change"), Outlier("2010-07-01", "outage"),
                   Outlier("2011-03-30", "outage"), Outlier("2018-02-25", "outage")],
    },
    "denver_daily": {"origins": None, "events": []},
}


def run(name: str, models: list[str], n_paths: int, seed: int, holidays: bool) -> tuple[pd.DataFrame, float]:
    """Backtest one stand-in series; return (scores by model and overall, wall seconds)."""
    series = datasets.calls(name)
    setup = SETUPS[name]
    events = [*setup["events"], *([stand_in_holidays(name)] if holidays else [])]
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fallbacks and rejected specifications are logged, not printed
        bt = backtest(series, origins=setup["origins"], horizon="4y", models=models, events=events,
                      n_paths=n_paths, seed=seed)
    seconds = time.perf_counter() - start
    by_model = evaluate(bt, by=("model",))
    by_model.insert(1, "horizon_year", "all")
    by_year = evaluate(bt, by=("model", "horizon_year"))
    scores = pd.concat([by_model, by_year], ignore_index=True)
    return scores[["model", "horizon_year", "n", "mape", "coverage_80", "coverage_95"]], seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", nargs="+", default=list(SETUPS), choices=list(SETUPS))
    parser.add_argument("--models", default="ets,arima", help="comma-separated models (default ets,arima)")
    parser.add_argument("--n-paths", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--no-holidays", action="store_true", help="leave the holiday regressor out")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    for name in args.series:
        scores, seconds = run(name, models, args.n_paths, args.seed, not args.no_holidays)
        print(f"\n{name}: {stand_in_note(datasets.calls(name))}")
        print(f"models {', '.join(models)} + baselines; {args.n_paths} paths; seed {args.seed}; "
              f"holidays {'off' if args.no_holidays else 'on'}; wall time {seconds:.1f} s")
        print(scores.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
