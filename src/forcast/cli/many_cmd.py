"""``forcast forecast --all-forces`` and ``forcast backtest --all-forces``: every embedded force (and, with
``--by offence-group``, its nine offence groups reconciled with its total) through :func:`forcast.forecast_many`
/ :func:`forcast.backtest_many`, one long CSV per table with ``force, offence_group`` first, plus
``failures.csv``."""

from __future__ import annotations

import argparse

from ..errors import ParameterError
from .backtest_output import FILES, chart
from .options import events_from_args, horizon_from_args

FORECAST_FILES = ("financial_years.csv", "periods.csv", "models.csv", "notes.csv", "failures.csv")


def series_from_args(args: argparse.Namespace) -> dict:
    """``{(force, offence_group): series}`` of the embedded data, with the known breaks switched off by
    ``--known-event-off`` removed from each series (a key no series carries is refused)."""
    from ..forecasting.many import recorded_crime_series

    if args.force or args.csv:
        raise ParameterError("Give --all-forces on its own, without --force or --csv.")
    if args.offence_group:
        raise ParameterError(f"--offence-group {args.offence_group!r} picks one series; with --all-forces use "
                             "--by offence-group for every group.")
    data = recorded_crime_series(by=args.by, national=args.national)
    off = set(getattr(args, "known_event_off", []) or [])
    if off:
        carried = {e.key for s in data.values() for e in s.attrs.get("known_events") or ()}
        unknown = sorted(off - carried)
        if unknown:
            raise ParameterError(f"--known-event-off {unknown[0]!r}: no embedded series carries this known break. "
                                 f"Known breaks: {', '.join(sorted(carried))}.")
        for key, series in data.items():
            series = series.copy()
            series.attrs["known_events"] = tuple(e for e in series.attrs.get("known_events") or ()
                                                 if e.key not in off)
            data[key] = series
    return data


def check_many_flags(args: argparse.Namespace) -> None:
    """``--by``, ``--national`` and ``--reconcile`` only mean something with ``--all-forces`` (and ``--reconcile``
    only with ``--by`` or ``--national``): refuse them where they would be ignored."""
    given = [flag for flag, on in (("--by " + str(args.by), args.by is not None), ("--national", args.national),
                                   ("--reconcile " + str(args.reconcile), args.reconcile is not None)) if on]
    if not getattr(args, "all_forces", False):
        if given:
            raise ParameterError(f"{given[0]} needs --all-forces: it applies to every embedded force at once. Add "
                                 f"--all-forces, or leave {given[0].split()[0]} out for one series.")
        return
    if args.national and args.by:
        raise ParameterError("--national cannot be combined with --by offence-group: forcast reconciles two levels, "
                             "the forces with England and Wales, or each force's offence groups with its total. Run "
                             "them separately.")
    if args.reconcile is not None and not (args.by or args.national):
        raise ParameterError(f"--reconcile {args.reconcile} needs --by offence-group or --national: the forces' totals "
                             f"alone have nothing to add up to.")


def _hierarchy(args: argparse.Namespace):
    from ..forecasting.many import NATIONAL
    from ..forecasting.reconcile import Hierarchy

    method = args.reconcile or "mint"
    if method == "none":
        return None
    if args.national:
        return Hierarchy("force", total=NATIONAL, method=method)
    return Hierarchy("offence_group", method=method) if args.by else None


def _with_cut_notes(notes, data: dict):
    """``notes`` with a row for each series that --national cut short (its caveat says how), so notes.csv says so."""
    import pandas as pd

    rows = [{"force": f, "offence_group": g, "note": s.attrs["caveat"]} for (f, g), s in data.items()
            if s.attrs.get("cut_from")]
    return pd.concat([notes, pd.DataFrame(rows, columns=notes.columns)], ignore_index=True) if rows else notes


def _common_until(data: dict) -> str:
    """One last projected year for every series: the fourth financial year after the last complete one in the
    series that reach furthest, before any --national cut (data to March 2023 -> 2026/27), so that a force whose data end earlier (Devon and
    Cornwall, September 2022) is still projected to the same year and England and Wales can be summed over it."""
    import pandas as pd

    from ..forecasting import fiscal
    from ..forecasting.horizon import default_until

    ends = [pd.Period(s.attrs["cut_from"], freq=s.index.freq) if s.attrs.get("cut_from") else s.index[-1]
            for s in data.values()]  # before any --national cut
    latest = max(ends, key=lambda p: p.end_time)
    return fiscal.label(default_until(pd.PeriodIndex([latest])))


def _known(args: argparse.Namespace) -> str:
    return "none" if args.no_known_events else "default"


def run_forecast(args: argparse.Namespace) -> int:
    from ..forecasting.many import NATIONAL, forecast_many
    from ._out import open_run, progress_wanted, report

    data = series_from_args(args)
    out_run = open_run(args, "forecast", FORECAST_FILES)  # the folder is checked before any work
    h = horizon_from_args(args)
    options = dict(until=args.until if args.until or h else _common_until(data), h=h,
                   models=[m.strip() for m in args.models.split(",") if m.strip()], n_paths=args.n_paths,
                   events=events_from_args(args), calibration=args.calibration, known_events=_known(args))
    for flag in ("allow_long_horizon", "allow_short_history"):
        if getattr(args, flag, False):
            options[flag] = True
    result = forecast_many(data, ["force", "offence_group"], reconcile=_hierarchy(args), n_jobs=args.workers,
                           progress=progress_wanted(args), seed=args.seed, **options)
    tables = (result.financial_years(), result.table(), result.models, _with_cut_notes(result.notes, data),
              result.failures)
    with out_run as out:
        for frame, name in zip(tables, FORECAST_FILES):
            out.write_csv(name, frame, index=False)
    report(out_run)
    out = out_run.path
    fy = result.financial_years()
    n = fy.groupby(["force", "offence_group"]).ngroups if len(fy) else 0
    forces = fy.loc[fy["force"] != NATIONAL, "force"].nunique() if n else 0
    print(f"Forecast {n} series ({forces} forces{', total and nine offence groups each' if args.by else ''}"
          f"{' and England and Wales' if args.national else ''}); {len(result.failures)} failed"
          f"{' (listed in failures.csv)' if len(result.failures) else ''}.")
    if n:
        _print_national(fy, result.reconciliation)
    print(f"\nWrote {', '.join(FORECAST_FILES)} to {out}")
    return 0


def _print_national(fy, hierarchy) -> None:
    """England and Wales by financial year (forecast and reconciled with the forces under --national, else the sum
    of the forces' totals), and how closely the parts add up to their total."""
    from ..forecasting.many import NATIONAL

    main = fy["model"].iloc[0]
    totals = fy[(fy["model"] == main) & (fy["offence_group"] == "Total")]
    if (totals["force"] == NATIONAL).any():
        rows = totals[totals["force"] == NATIONAL].set_index("financial_year")
        national = rows["mean"]
        how = f"reconciled with the forces ({hierarchy.method})" if hierarchy else "forecast on its own"
        partly = [f"{fy} holds {int(n)} recorded quarters and the rest forecast" for fy, n in
                  rows["observed_part"].items() if n > 0]
        print(f"\nEngland and Wales, {how}, mean totals ({main}){'; ' + '; '.join(partly) if partly else ''}:")
    else:
        n = totals["force"].nunique()
        by_year = totals.groupby("financial_year")["mean"]
        national = by_year.sum()[by_year.count() == n]  # only the years every force forecasts
        print(f"\nEngland and Wales, the sum of the {n} forces' mean totals ({main}), the years all of them "
              f"forecast:")
    print(national.to_string(float_format=lambda v: f"{v:,.0f}"))
    if (fy["force"] == NATIONAL).any():
        what, key = "Forces", ["financial_year", "model"]
        is_total, parts = fy["force"] == NATIONAL, fy[(fy["force"] != NATIONAL) & (fy["offence_group"] == "Total")]
    else:
        what, key = "Offence groups", ["force", "financial_year", "model"]
        is_total = fy["offence_group"] == "Total"
        parts = fy[~is_total]
    if len(parts):
        summed = parts.groupby(key)["mean"].sum()
        gap = (summed / fy[is_total].set_index(key)["mean"].reindex(summed.index) - 1).abs()
        how = f"reconciled ({hierarchy.method})" if hierarchy else "not reconciled"
        print(f"\n{what} {how}: their means differ from the total's by at most {100 * gap.max():.3g}%.")


def run_backtest(args: argparse.Namespace, options: dict) -> int:
    import pandas as pd

    from ..evaluation import metrics
    from ..forecasting.many import backtest_many
    from ._out import open_run, progress_wanted, report

    data = series_from_args(args)
    out_run = open_run(args, "backtest", (*FILES, "failures.csv"))  # the folder is checked before any work
    options = dict(options)
    options.pop("known")
    options["known_events"] = _known(args)
    seed = options.pop("seed")
    ids = ["force", "offence_group"]
    result = backtest_many(data, ids, reconcile=_hierarchy(args), n_jobs=args.workers,
                           progress=progress_wanted(args), seed=seed, **options)
    by = ("offence_group", "model", "horizon_year") if args.by else ("model", "horizon_year")
    table = pd.concat([
        metrics.summarise_scores(result.fy_scores, by=by).assign(basis="financial_year"),
        metrics.summarise_scores(result.period_scores, by=by).assign(basis="period"),
    ], ignore_index=True)
    table = table[["basis", *[c for c in table.columns if c != "basis"]]]
    periods, fy = _with_series(result.table()), _with_series(result.financial_years())
    totals = fy[fy["offence_group"] == "Total"]
    charts = [{"financial_years": rows, "name": force} for force, rows in totals.groupby("force", sort=False)]
    with out_run as out:
        out.write_csv(FILES[0], periods, index=False)
        out.write_csv(FILES[1], fy, index=False)
        out.write_csv(FILES[2], table, index=False)
        if charts:
            out.save_figure(FILES[3], chart(charts))
        out.write_csv("failures.csv", result.failures, index=False)
    report(out_run)
    out = out_run.path
    shown = table[(table["basis"] == "financial_year") & ((table["offence_group"] == "Total") if args.by else True)][
        [*by, "n", "mape", "mase", "coverage_80", "coverage_95", "crps"]]
    n = fy.groupby(ids).ngroups if len(fy) else 0
    print(f"Backtest of {n} series ({fy['force'].nunique() if n else 0} forces); {len(result.failures)} failed. "
          f"Financial-year totals{' of the forces (the groups are in ' + FILES[2] + ')' if args.by else ''}, by "
          f"model and years ahead (MAPE in %, coverage as shares of actuals inside the "
          f"intervals)")
    print(shown.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    print(f"\nWrote {', '.join(FILES)} and failures.csv to {out}")
    return 0


def _with_series(frame):
    """The id columns, then ``series`` (the single-series name: the force, or 'group (force)'), then the rest."""
    frame = frame.copy()
    name = frame["force"].where(frame["offence_group"] == "Total", frame["offence_group"] + " (" + frame["force"]
                                + ")")
    frame.insert(2, "series", name)
    return frame
