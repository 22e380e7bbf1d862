"""``forcast forecast``: forecast one series to financial-year totals; write tables and a fan chart."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import EventError, ParameterError


def add_series_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments that pick a series: embedded (``--force``) or a user's file (``--csv``). Shared by subcommands."""
    src = p.add_argument_group("the series (one of --force or --csv)")
    src.add_argument("--force", help="an embedded force, e.g. Lancashire (see `forcast datasets`)")
    src.add_argument("--csv", metavar="FILE", help="a CSV or Excel file of counts (one row per period)")
    src.add_argument("--date-column", help="column holding the period dates (with --csv)")
    src.add_argument("--value-column", help="column holding the counts (with --csv)")
    src.add_argument("--frequency", choices=["daily", "weekly", "monthly", "quarterly"],
                     help="frequency of the file's periods (inferred when omitted)")
    src.add_argument("--measure", default=None,
                     help="what is counted: recorded_crime, calls_999, calls_101 or free text")
    ev = p.add_argument_group("declared events")
    ev.add_argument("--level-shift", action="append", default=[], metavar="DATE:LABEL",
                    help="a recording-practice change from DATE on, e.g. 2018-04:recording-change (repeatable)")
    ev.add_argument("--exclude", action="append", default=[], metavar="START:END:LABEL",
                    help="periods to treat as missing, e.g. 2020-03:2021-06:covid (repeatable)")
    ev.add_argument("--outlier", action="append", default=[], metavar="DATE:LABEL",
                    help="one period to treat as missing, e.g. 2011-03:system-outage (repeatable)")


def add_model_arguments(p: argparse.ArgumentParser) -> None:
    m = p.add_argument_group("models and paths")
    m.add_argument("--models", default="ets,arima",
                   help="comma-separated: ets, arima, naive, seasonal_naive, drift (default ets,arima; "
                   "the combination of ETS and ARIMA is added automatically)")
    m.add_argument("--n-paths", type=int, default=5000, help="simulated paths per model (default 5000)")
    m.add_argument("--seed", type=int, default=2019, help="random seed; the same seed gives the same numbers")


def add_parser(sub) -> None:
    p = sub.add_parser("forecast", help="forecast a series to financial-year totals",
                       description="Fit ETS and ARIMA and their combination, simulate sample paths, and write "
                       "the per-period and financial-year tables (CSV) and a fan chart (PNG) into --out.")
    add_series_arguments(p)
    add_model_arguments(p)
    p.add_argument("--until", default="2022/23", help="last financial year to forecast (default 2022/23)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the output files")
    p.set_defaults(run=run)


def load_from_args(args: argparse.Namespace):
    """The demand series named by ``--force`` or ``--csv``."""
    from .. import datasets, load_series

    if bool(args.force) == bool(args.csv):
        raise ParameterError("Give exactly one of --force NAME (embedded data) or --csv FILE (your own data).")
    if args.force:
        return datasets.recorded_crime(args.force)
    return load_series(args.csv, date_column=args.date_column, value_column=args.value_column,
                       frequency=args.frequency, measure=args.measure or "demand")


def events_from_args(args: argparse.Namespace) -> list:
    from ..events import ExcludedPeriod, LevelShift, Outlier

    events: list = []
    for text in args.level_shift:
        date, label = _split(text, 2, "--level-shift", "2018-04:recording-change")
        events.append(LevelShift(date, label))
    for text in args.exclude:
        start, end, label = _split(text, 3, "--exclude", "2020-03:2021-06:covid")
        events.append(ExcludedPeriod(start, end, label))
    for text in args.outlier:
        date, label = _split(text, 2, "--outlier", "2011-03:system-outage")
        events.append(Outlier(date, label))
    return events


def _split(text: str, parts: int, flag: str, example: str) -> list[str]:
    pieces = text.split(":", parts - 1)
    if len(pieces) != parts or not all(p.strip() for p in pieces):
        raise EventError(f"{flag} must look like {example!r}. Got {text!r}.")
    return [p.strip() for p in pieces]


def run(args: argparse.Namespace) -> int:
    from .. import forecast
    from ..outputs import prepare_out_dir, save_figure_atomic, write_csv_atomic

    series = load_from_args(args)
    fc = forecast(series, until=args.until, models=[m.strip() for m in args.models.split(",") if m.strip()],
                  n_paths=args.n_paths, seed=args.seed, events=events_from_args(args))
    out = prepare_out_dir(Path(args.out))
    write_csv_atomic(fc.table(), out / "forecast_periods.csv", index=False)
    fy = fc.financial_years()
    write_csv_atomic(fy, out / "forecast_financial_years.csv", index=False)
    write_csv_atomic(fc.models, out / "models.csv", index=False)
    save_figure_atomic(fc.plot(), out / "fan_chart.png")
    print(fc.summary())
    print()
    print(fy.to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    effects = fc.event_effects()
    if len(effects):
        print("\nEstimated effect of declared level shifts (per period):")
        print(effects.to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    print(f"\nWrote forecast_periods.csv, forecast_financial_years.csv, models.csv and fan_chart.png to {out}")
    return 0
