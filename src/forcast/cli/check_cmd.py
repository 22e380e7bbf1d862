"""``forcast check``: what forcast would have forecast for one financial year from one origin, beside the actual."""

from __future__ import annotations

import argparse

from ..arguments import as_int_if_whole, check_min_after_shift, check_total, for_argparse
from ._out import add_out_arguments, open_run, progress_wanted, report
from .options import (add_calibration_argument, add_model_arguments, add_progress_argument, add_series_arguments,
                           calibration_from_args, events_from_args, known_events_from_args, load_from_args)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "check", help="check a financial-year forecast against its actual (and a reported forecast)",
        description="Forecast one financial year with only the data up to --origin (and only the declared events "
        "observable by then), and compare it with the actual and, if given, a reported forecast. Prints a "
        "statement and a table; with --out also writes check.csv and check.txt.",
        epilog="Example: forcast check --force Lancashire --financial-year 2018/19 --origin 2018-09-30 "
        "--actual 167436 --reported-forecast 168705 --level-shift 2018-04:recording-change")
    add_series_arguments(p)
    add_model_arguments(p)
    c = p.add_argument_group("the check")
    c.add_argument("--financial-year", default="2018/19", help="the financial year checked (default 2018/19)")
    c.add_argument("--origin", default="2018-09-30",
                   help="forecast with the data up to this date (default 2018-09-30)")
    c.add_argument("--actual", type=for_argparse(check_total, name="actual"),
                   help="the actual total to judge by, e.g. 167436 or 167,436 (default: the series' own total, "
                   "if the series holds the whole year)")
    c.add_argument("--reported-forecast", type=for_argparse(check_total, name="reported_forecast"),
                   help="a forecast someone reported, shown beside ours, e.g. 168705 or 168,705")
    c.add_argument("--min-after-shift", type=for_argparse(check_min_after_shift, as_int_if_whole), default=1,
                   help="periods on the new basis needed before a level shift is applied (default 1)")
    add_calibration_argument(p)
    add_progress_argument(p)
    add_out_arguments(p, required=False, help="also write check.csv and check.txt into this folder")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..evaluation.checking import check

    out_run = open_run(args, "check", ("check.csv", "check.txt")) if args.out is not None else None
    series = load_from_args(args)
    cal, cal_note = calibration_from_args(args, series)
    result = check(series, financial_year=args.financial_year, origin=args.origin,
                   actual=args.actual, reported_forecast=args.reported_forecast,
                   models=[m.strip() for m in args.models.split(",") if m.strip()],
                   events=events_from_args(args), seed=args.seed, n_paths=args.n_paths,
                   min_after_shift=args.min_after_shift, calibration=cal,
                   known_events=known_events_from_args(args, series), progress=progress_wanted(args))
    statement = result.statement() if cal is not None else f"{result.statement()} {cal_note}"
    table = result.table()
    print(statement)
    print()
    shown = table.drop(columns=["origin", "financial_year", "actual_source"])
    shown["pct_error"] = shown["pct_error"].map(lambda v: f"{v:+.1f}%")
    print(shown.to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    if out_run is not None:
        with out_run as out:
            out.write_csv("check.csv", table, index=False)
            out.write_text("check.txt", statement + "\n")
        report(out_run)
        print(f"\nWrote check.csv and check.txt to {out_run.path}")
    return 0
