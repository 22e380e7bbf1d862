"""``forcast forecast``: forecast one series to financial-year totals; write tables and a fan chart."""

from __future__ import annotations

import argparse

from ._out import add_out_arguments, open_run, progress_wanted, report
from .options import (add_calibration_argument, add_horizon_arguments, add_many_arguments, add_model_arguments,
                      add_progress_argument, add_series_arguments, events_from_args,
                      horizon_from_args, known_events_from_args, load_from_args)


#: What `forcast forecast` writes into --out.
FILES = ("forecast_periods.csv", "forecast_financial_years.csv", "models.csv", "fan_chart.png", "forecast_notes.txt")


def add_parser(sub) -> None:
    p = sub.add_parser("forecast", help="forecast a series to financial-year totals",
                       description="Fit ETS and ARIMA and their combination, simulate sample paths, and write "
                       "the per-period and financial-year tables (CSV) and a fan chart (PNG) into --out.")
    add_series_arguments(p)
    add_model_arguments(p)
    add_horizon_arguments(p)
    p.add_argument("--allow-short-history", action="store_true",
                   help="forecast more than a year ahead from under two years of data (refused otherwise)")
    add_calibration_argument(p)
    add_progress_argument(p)
    add_many_arguments(p)
    add_out_arguments(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..forecasting.forecast import forecast
    from ..models.events import format_event

    from .many_cmd import check_many_flags

    check_many_flags(args)
    if args.all_forces:
        from .many_cmd import run_forecast

        return run_forecast(args)
    out_run = open_run(args, "forecast", FILES)  # the folder is checked before any work
    series = load_from_args(args)
    fc = forecast(series, until=args.until, h=horizon_from_args(args), allow_short_history=args.allow_short_history,
                  models=[m.strip() for m in args.models.split(",") if m.strip()], n_paths=args.n_paths,
                  seed=args.seed, events=events_from_args(args), calibration=args.calibration,
                  known_events=known_events_from_args(args, series), allow_long_horizon=args.allow_long_horizon,
                  progress=progress_wanted(args))
    for event in fc.events:
        fc.notes.append(f"Declared event: {format_event(event)} ({type(event).__name__}).")
    fy = fc.financial_years()
    with out_run as out:
        out.write_csv(FILES[0], fc.table(), index=False)
        out.write_csv(FILES[1], fy, index=False)
        out.write_csv(FILES[2], fc.models, index=False)
        out.save_figure(FILES[3], fc.plot())
        out.write_text(FILES[4], "\n".join(fc.notes) + "\n")
    report(out_run)
    out = out_run.path
    print(fc.summary())
    print()
    print(fy.to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    effects = fc.event_effects()
    if len(effects):
        print("\nEstimated effect of declared level shifts (per period):")
        print(effects.to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    print(f"\nWrote forecast_periods.csv, forecast_financial_years.csv, models.csv, forecast_notes.txt and "
          f"fan_chart.png to {out}")
    return 0
