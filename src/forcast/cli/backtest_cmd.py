"""``forcast backtest``: forecast from past origins, compare with the actuals, write tables, metrics and a chart."""

from __future__ import annotations

import argparse
import os

from ._out import add_out_arguments, open_run, progress_wanted, report
from .backtest_output import FILES, chart
from .options import (add_many_arguments, add_model_arguments, add_progress_argument, add_series_arguments,
                      events_from_args, known_events_without, load_from_args)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "backtest", help="backtest the forecasts from past origins (accuracy and interval coverage)",
        description="Refit the models at past origins (by default every 31 March with 3 years of history) on the "
        "data up to each origin, forecast up to 4 financial years ahead, and compare with what happened. Writes "
        + ", ".join(FILES) + " into --out.")
    add_series_arguments(p)
    p.add_argument("--all-forces", action="store_true", help="backtest every embedded force (instead of --force)")
    add_model_arguments(p, n_paths=2000)
    b = p.add_argument_group("backtest")
    b.add_argument("--origins", help="comma-separated origin dates, e.g. 2011-03-31,2012-03-31 (default: every "
                   "31 March with at least 3 years of history before it)")
    b.add_argument("--horizon", default="4y", help="how far ahead: '4y' (financial years) or a number of periods")
    b.add_argument("--no-baselines", action="store_true", help="leave out the seasonal naive and drift baselines")
    b.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                   help="processes for --all-forces (default: 2 or the number of cores, if fewer)")
    add_many_arguments(p, all_forces=False, workers=False)
    add_progress_argument(p)
    add_out_arguments(p)
    p.set_defaults(run=run)


def _options(args: argparse.Namespace) -> dict:
    horizon = args.horizon
    if isinstance(horizon, str) and horizon.strip().isdigit():
        horizon = int(horizon)
    origins = [o.strip() for o in args.origins.split(",") if o.strip()] if args.origins else None
    return dict(origins=origins, horizon=horizon, models=[m.strip() for m in args.models.split(",") if m.strip()],
                events=events_from_args(args), n_paths=args.n_paths, seed=args.seed,
                baselines=not args.no_baselines,
                known=("none" if args.no_known_events else tuple(args.known_event_off)))


def _known(series, known) -> object:
    """``known_events`` for one series from the options' ``known``: 'none' or the keys switched off."""
    return "none" if known == "none" else known_events_without(series, known)


def _frames(series, options: dict, progress: bool = False) -> dict:
    """Everything the command writes for one series (the sample paths are not kept)."""
    from ..evaluation import metrics
    from ..evaluation.backtesting import backtest

    from ..data.known_events import declared_events, describe_known

    options = dict(options)
    chosen = _known(series, options.pop("known"))
    bt = backtest(series, progress=progress, known_events=chosen, **options)
    name = metrics.series_id(bt)
    known = describe_known(declared_events(series, options["events"], chosen)[1])
    return {"periods": bt.table().assign(series=name), "financial_years": bt.financial_years().assign(series=name),
            "fy_scores": metrics.score_financial_years(bt), "period_scores": metrics.score_periods(bt),
            "name": name, "known": known}


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..evaluation import metrics

    from .many_cmd import check_many_flags

    check_many_flags(args)
    options = _options(args)
    out_run = None if args.all_forces else open_run(args, "backtest", FILES)  # checked before any work
    if args.all_forces:
        from .many_cmd import run_backtest

        return run_backtest(args, options)
    results = [_frames(load_from_args(args), options, progress=progress_wanted(args))]
    periods = pd.concat([r["periods"] for r in results], ignore_index=True)
    fy = pd.concat([r["financial_years"] for r in results], ignore_index=True)
    fy_scores = pd.concat([r["fy_scores"] for r in results], ignore_index=True)
    table = pd.concat([
        metrics.summarise_scores(fy_scores).assign(basis="financial_year"),
        metrics.summarise_scores(pd.concat([r["period_scores"] for r in results], ignore_index=True))
        .assign(basis="period"),
    ], ignore_index=True)
    table = table[["basis", *[c for c in table.columns if c != "basis"]]]
    out_run = out_run or open_run(args, "backtest", FILES)
    with out_run as out:
        out.write_csv(FILES[0], _first(periods, "series"), index=False)
        out.write_csv(FILES[1], _first(fy, "series"), index=False)
        out.write_csv(FILES[2], table, index=False)
        out.save_figure(FILES[3], chart(results))
    report(out_run)
    out = out_run.path
    shown = table[table["basis"] == "financial_year"][
        ["model", "horizon_year", "n", "mape", "mase", "coverage_80", "coverage_95", "crps"]]
    who = f"{len(results)} forces" if args.all_forces else results[0]["name"]
    print(f"Backtest of {who}: financial-year totals, by model and years ahead "
          f"(MAPE in %, coverage as shares of actuals inside the intervals)")
    print(shown.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    known = [r["known"] for r in results if r["known"]]
    if len(results) == 1 and known:
        print(f"\n{known[0]} Each applies only from the origins at which it could be known.")
    elif known:
        print(f"\nKnown breaks were declared for {len(known)} of {len(results)} series (listed by "
              f"`forcast datasets`), each only from the origins at which it could be known.")
    print(f"\nWrote {', '.join(FILES)} to {out}")
    return 0


def _first(frame, column: str):
    return frame[[column, *[c for c in frame.columns if c != column]]]
