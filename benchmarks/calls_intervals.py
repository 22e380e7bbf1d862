"""How honest and how sharp are forcast's intervals on call series? Monthly totals over the first year ahead, judged
against the seasonal naive in the same run (issue 13, deliverable 4).

    .venv/bin/python benchmarks/calls_intervals.py                          # every series below
    .venv/bin/python benchmarks/calls_intervals.py --series nhs_trusts --n-paths 500
    .venv/bin/python benchmarks/calls_intervals.py --write                  # also write the shipped figures

Series (real call counts, none of them UK police data; see ``forcast.datasets.calls`` and ``data/README.md``):

* ``eugene_daily`` -- Eugene (Oregon) police calls for service (the November 2013 log change declared as a level
  shift, three outage days as outliers), origins 31 March 2015, 2016 and 2017;
* ``denver_daily`` -- Denver 911 ambulance calls, origins 31 March 2015, 2016 and 2017;
* ``nhs_england`` -- England ambulance 999 calls answered (AmbSYS A1, monthly, December 2017 to January 2021),
  origins 31 December 2019 and 31 January 2020 (two years of history; COVID-19 arrives in the year scored);
* ``nhs_trusts`` -- the same for each of the 11 ambulance trusts, read from
  ``../shared/data/calls/nhs_ambulance_trusts_999_calls_answered_monthly.csv`` (not shipped with forcast), from
  each trust's first month (August 2017 to April 2018), origins 30 September 2019 to 31 January 2020 with at
  least two years of history.

At each origin :func:`forcast.forecast` fits ETS, ARIMA, their combination and the seasonal naive on the history to
that date (as a fold of :func:`forcast.evaluation.backtesting.backtest` does; ``backtest`` itself asks for three years
of history, more than the NHS series have) and simulates paths; the paths of a daily series are summed to calendar
months, so every interval below is an interval of a **monthly total**, from the paths. Scored over the first 12 whole
months after the origin (fewer where the data end): coverage of the 80% and 95% intervals, mean 95% width and the 95%
interval (Winkler) score, both in % of the actual, and the MAPE of the mean. The peer in the same run: the seasonal
naive (last year's same month, with its own paths). The intervals are the models' own (no error
quantiles are learned for calls): these figures are what forcast's note for call series quotes (``--write``
stores them in ``src/forcast/_data/calls_interval_evaluation.json``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from forcast import datasets
from forcast import forecast
from forcast.models.events import LevelShift, Outlier
from forcast.evaluation.origins import observable_events
from forcast.data.series import make_series

ROOT = Path(__file__).resolve().parents[1]
TRUSTS = ROOT.parent / "shared" / "data" / "calls" / "nhs_ambulance_trusts_999_calls_answered_monthly.csv"
OUT_FILE = ROOT / "src" / "forcast" / "_data" / "calls_interval_evaluation.json"
DAILY_ORIGINS = ["2015-03-31", "2016-03-31", "2017-03-31"]
MONTHLY_ORIGINS = ["2019-09-30", "2019-12-31", "2020-01-31"]
EUGENE_EVENTS = [LevelShift("2013-11-19", "public log change"), Outlier("2010-07-01", "outage"),
                 Outlier("2011-03-30", "outage"), Outlier("2018-02-25", "outage")]
MONTHS = 12


def series_sets(trusts_file: Path) -> dict[str, list[tuple[pd.Series, list, list]]]:
    """name -> [(series, origins, events)]."""
    sets = {
        "eugene_daily": [(datasets.calls("eugene_daily"), DAILY_ORIGINS, EUGENE_EVENTS)],
        "denver_daily": [(datasets.calls("denver_daily"), DAILY_ORIGINS, [])],
        "nhs_england": [(datasets.calls("nhs_england_999_monthly"), MONTHLY_ORIGINS[1:], [])],
    }
    if trusts_file.is_file():
        frame = pd.read_csv(trusts_file, parse_dates=["period_start"])
        trusts = []
        for name, part in frame.groupby("series"):
            part = part.sort_values("period_start")
            index = pd.PeriodIndex(part["period_start"], freq="M")
            full = pd.period_range(index[0], index[-1], freq="M")
            if len(full) != len(index):  # a gap: skip the trust rather than invent months
                continue
            y = make_series(part["count"].to_numpy(dtype=float), index, name=name.replace(
                "nhs_ambulance_999_calls_answered_", ""), measure="calls_999", unit="calls")
            trusts.append((y, [o for o in MONTHLY_ORIGINS if (pd.Period(o, "M") - index[0]).n >= 23], []))
        sets["nhs_trusts"] = trusts
    return sets


def monthly(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns (periods of any frequency) summed to calendar months; only whole months are kept."""
    months = frame.columns.to_timestamp().to_period("M") if frame.columns.freqstr != "M" else frame.columns
    summed = frame.T.groupby(np.asarray(months)).sum().T
    if frame.columns.freqstr.startswith("D"):
        days = pd.Series(1, index=frame.columns).groupby(np.asarray(months)).sum()
        summed = summed.loc[:, [m for m in summed.columns if days[m] == m.days_in_month]]
    return summed


def score(y: pd.Series, origins: list, events: list, n_paths: int, seed: int) -> pd.DataFrame:
    """At each origin, forecast from the history to it (as one backtest fold does: ``forcast.backtest`` asks for
    three years of history, more than the NHS series have) and score the first whole months."""
    actual_months = monthly(y.to_frame().T).iloc[0]
    daily = y.index.freqstr.startswith("D")
    rows = []
    for origin in origins:
        train = y.loc[: pd.Period(origin, y.index.freq)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = forecast(train, h=(MONTHS + 1) * (31 if daily else 1), models=("ets", "arima", "seasonal_naive"),
                          events=observable_events(events, train.index)[0],
                          n_paths=n_paths, seed=seed, calibration=None, known_events="none",
                          allow_short_history=True)
        for model in fc.model_names:
            sums = monthly(fc.paths(model)).iloc[:, :MONTHS]
            for h, month in enumerate(sums.columns, start=1):
                if month not in actual_months.index or (daily and month == actual_months.index[-1]):
                    continue
                a, p = float(actual_months[month]), sums[month].to_numpy()
                lo95, hi95, lo80, hi80 = np.quantile(p, [0.025, 0.975, 0.1, 0.9])
                wink = hi95 - lo95 + 40 * max(lo95 - a, 0) + 40 * max(a - hi95, 0)
                rows.append({"series": y.name, "origin": origin, "model": model, "month_ahead": h,
                             "ape": 100 * abs(p.mean() / a - 1), "inside_80": lo80 <= a <= hi80,
                             "inside_95": lo95 <= a <= hi95, "width_95": 100 * (hi95 - lo95) / a,
                             "winkler_95": 100 * wink / a})
    return pd.DataFrame(rows)


def summary(rows: pd.DataFrame) -> pd.DataFrame:
    g = rows.groupby(["set", "model"])
    out = pd.DataFrame({"n": g.size(), "MAPE": g["ape"].mean(), "cov80": 100 * g["inside_80"].mean(),
                        "cov95": 100 * g["inside_95"].mean(), "width95": g["width_95"].mean(),
                        "winkler95": g["winkler_95"].mean()})
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--series", nargs="+", default=["eugene_daily", "denver_daily", "nhs_england", "nhs_trusts"])
    p.add_argument("--n-paths", type=int, default=1000)
    p.add_argument("--seed", type=int, default=2019)
    p.add_argument("--trusts", type=Path, default=TRUSTS, help="the NHS trusts CSV (from ../shared/data)")
    p.add_argument("--write", action="store_true", help=f"write the figures to {OUT_FILE.relative_to(ROOT)}")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    sets = series_sets(args.trusts)
    frames, start = [], time.perf_counter()
    for name in args.series:
        if name not in sets:
            print(f"{name}: no data (the trusts file {args.trusts} is missing?)", file=sys.stderr)
            continue
        for y, origins, events in sets[name]:
            frames.append(score(y, origins, events, args.n_paths, args.seed).assign(set=name))
    rows = pd.concat(frames, ignore_index=True)
    table = summary(rows)
    print(f"Monthly totals, first {MONTHS} months after each origin; {args.n_paths} paths, seed {args.seed}; "
          f"intervals are the models' own; widths and Winkler scores in % of the actual; "
          f"{time.perf_counter() - start:,.0f} s.")
    print(table.to_string(float_format=lambda v: f"{v:.1f}"))
    verdict = []
    for name, part in table.groupby(level="set"):
        part = part.droplevel("set")
        if {"combination", "seasonal_naive"} <= set(part.index):
            c, s = part.loc["combination"], part.loc["seasonal_naive"]
            verdict.append(f"{name}: combination Winkler {c['winkler95']:.1f} vs seasonal naive "
                           f"{s['winkler95']:.1f} ({'better' if c['winkler95'] < s['winkler95'] else 'worse'}); "
                           f"95% coverage {c['cov95']:.0f}%, width {c['width95']:.1f}% of the month")
    print("\n".join(verdict))
    if args.write:
        comb, naive = table.xs("combination", level="model"), table.xs("seasonal_naive", level="model")
        labels = {"eugene_daily": "Eugene police calls, daily", "denver_daily": "Denver 911 ambulance calls, daily",
                  "nhs_england": "England ambulance 999 calls, monthly",
                  "nhs_trusts": "11 English ambulance trusts' 999 calls, monthly"}
        data = {"basis": f"monthly totals over the first {MONTHS} months ahead, benchmarks/calls_intervals.py, "
                         f"{args.n_paths} paths, seed {args.seed}",
                "sets": [{"set": name, "label": labels.get(name, name), "n": int(r["n"]),
                          "coverage_80": round(float(r["cov80"]), 1), "coverage_95": round(float(r["cov95"]), 1),
                          "width_95": round(float(r["width95"]), 1), "winkler_95": round(float(r["winkler95"]), 1),
                          "seasonal_naive_winkler_95": round(float(naive.loc[name, "winkler95"]), 1)}
                         for name, r in comb.iterrows()]}
        from forcast.reporting.outputs import write_text_atomic

        write_text_atomic(OUT_FILE, json.dumps(data, indent=1) + "\n")
        print(f"Wrote {OUT_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
