"""The options several commands share, and how each is read: the series (``--force``, ``--csv``...), the
models and paths, the horizon, the intervals, declared and known events, progress bars, and the many-series
options of ``--all-forces``. The commands (``forecast_cmd``, ``backtest_cmd``, ``check_cmd``, ``fms_cmd``,
``many_cmd``) import them from here, so no command imports another's module for its options.
"""

from __future__ import annotations

import argparse
import os

from ..arguments import as_int_if_whole, check_n_paths, check_seed, for_argparse
from ..errors import EventError, ParameterError
from ..forecasting.horizon import MAX_HORIZON_YEARS

RECONCILERS = ("mint", "ols", "bottom_up", "top_down", "proportional", "none")


def add_series_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments that pick a series: embedded (``--force``) or a user's file (``--csv``). Shared by subcommands."""
    src = p.add_argument_group("the series (one of --force or --csv)")
    src.add_argument("--force", help="an embedded force, e.g. Lancashire (see `forcast datasets`)")
    src.add_argument("--offence-group", metavar="GROUP",
                     help="with --force: one offence group instead of the total, e.g. 'Violence against the person'")
    src.add_argument("--csv", metavar="FILE", help="a CSV or Excel file of counts (one row per period)")
    src.add_argument("--date-column", help="column holding the period dates (with --csv)")
    src.add_argument("--value-column", help="column holding the counts (with --csv)")
    src.add_argument("--frequency", choices=["daily", "weekly", "monthly", "quarterly", "annual"],
                     help="frequency of the file's periods (inferred when omitted; 'annual', financial years, must "
                     "be given)")
    add_file_arguments(src)
    src.add_argument("--measure", default=None,
                     help="what is counted: recorded_crime, calls_999, calls_101 or free text")
    src.add_argument("--missing", choices=["error", "exclude"], default="error",
                     help="periods absent from --csv: 'error' (default) lists them and stops; 'exclude' declares them "
                     "excluded, so the models treat them as missing (never as zero), and says so in the output")
    ev = p.add_argument_group("declared events")
    ev.add_argument("--level-shift", action="append", default=[], metavar="DATE:LABEL",
                    help="a recording-practice change from DATE on, e.g. 2018-04:recording-change (repeatable)")
    ev.add_argument("--exclude", action="append", default=[], metavar="START:END:LABEL",
                    help="periods to treat as missing, e.g. 2020-03:2021-06:covid (repeatable)")
    ev.add_argument("--outlier", action="append", default=[], metavar="DATE:LABEL",
                    help="one period to treat as missing, e.g. 2011-03:system-outage (repeatable)")
    ev.add_argument("--no-known-events", action="store_true",
                    help="with --force: declare none of the embedded series' known breaks (e.g. Lancashire's April "
                    "2018 recording change, COVID-19), which are declared by default; see `forcast datasets`")
    ev.add_argument("--known-event-off", action="append", default=[], metavar="KEY",
                    help="with --force: switch off one known break by its key, e.g. covid_19 (repeatable)")


def add_file_arguments(group) -> None:
    """How a user's file is read: its sheet, header row, day or month first, fractional counts. Shared with fms."""
    group.add_argument("--sheet", default=None, metavar="NAME",
                       help="the sheet of an Excel workbook that holds the figures (default: the first)")
    group.add_argument("--header", type=int, default=1, metavar="ROW",
                       help="the row that holds the column names (default 1; e.g. 3 below a title and a blank row)")
    order = group.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True, default=None,
                       help="read dates like 01/04/2018 day first (UK: 1 April); the default unless the dates only "
                       "read month first")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False,
                       help="read dates like 04/01/2018 month first (US: 1 April)")
    group.add_argument("--non-integer", choices=["error", "warn", "round"], default="error",
                       help="counts with a fractional part: 'error' (default) stops, 'warn' keeps them, 'round' "
                       "rounds halves up")


def file_arguments(args: argparse.Namespace) -> dict:
    """Keyword arguments of :func:`forcast.load_series` from :func:`add_file_arguments`."""
    sheet = getattr(args, "sheet", None)
    return {"sheet_name": int(sheet) if sheet is not None and sheet.strip().isdigit() else sheet,
            "header": getattr(args, "header", 1), "dayfirst": getattr(args, "dayfirst", None),
            "non_integer": getattr(args, "non_integer", "error")}


def add_model_arguments(p: argparse.ArgumentParser, n_paths: int = 5000) -> None:
    m = p.add_argument_group("models and paths")
    m.add_argument("--models", default="ets,arima",
                   help="comma-separated: ets, arima, naive, seasonal_naive, drift (default ets,arima; "
                   "the combination of ETS and ARIMA is added automatically)")
    m.add_argument("--n-paths", type=for_argparse(check_n_paths, as_int_if_whole), default=n_paths,
                   help=f"simulated paths per model (default {n_paths})")
    m.add_argument("--seed", type=for_argparse(check_seed, as_int_if_whole), default=2019,
                   help="random seed, a non-negative integer; the same seed gives the same numbers")


def add_progress_argument(p: argparse.ArgumentParser) -> None:
    """``--no-progress``, spelt the same on every command that shows a progress bar (on stderr)."""
    p.add_argument("--no-progress", action="store_true",
                   help="do not show the progress bar (it is shown only when stderr is a terminal, never in a log)")


def add_horizon_arguments(p: argparse.ArgumentParser, what: str = "forecast") -> None:
    h = p.add_mutually_exclusive_group()
    h.add_argument("--until", default=None, metavar="YYYY/YY",
                   help=f"last financial year to {what}, e.g. 2026/27 (default: the fourth financial year after the "
                   "last complete one in the data)")
    h.add_argument("--horizon", default=None, metavar="H",
                   help="instead of --until: a number of periods (e.g. 16) or of financial years (e.g. 4y)")
    p.add_argument("--allow-long-horizon", action="store_true",
                   help=f"forecast more than {MAX_HORIZON_YEARS} financial years past the last complete one "
                   "(refused otherwise: intervals that far ahead say little)")


def horizon_from_args(args: argparse.Namespace):
    """``h`` for :func:`forcast.forecast` from ``--horizon``: an integer of periods, or text such as '4y'."""
    text = getattr(args, "horizon", None)
    if text is None:
        return None
    return int(text) if text.strip().isdigit() else text


def add_calibration_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--calibration", default="default", metavar="default|none|FILE",
                   help="how intervals are made: 'default' uses the method shipped with forcast (learned from "
                   "backtests of the 43 forces' recorded crime) when it fits the series, 'none' keeps the models' "
                   "own intervals, or a JSON file (ErrorQuantiles or Calibration); what is used is stated in the "
                   "output")


def calibration_from_args(args: argparse.Namespace, series):
    """The interval method asked for by ``--calibration`` (default, none or a file) and the sentence saying what
    was used: the same rule as the API (:func:`forcast.forecasting.intervals.resolve`)."""
    from ..forecasting.intervals import resolve

    return resolve(args.calibration, series)


def load_from_args(args: argparse.Namespace):
    """The demand series named by ``--force`` or ``--csv``."""
    from ..data import datasets
    from ..data.loading import load_series

    if bool(args.force) == bool(args.csv):
        raise ParameterError("Give exactly one of --force NAME (embedded data) or --csv FILE (your own data).")
    if getattr(args, "offence_group", None) and not args.force:
        raise ParameterError("--offence-group goes with --force (the embedded recorded crime). For your own file, "
                             "give the column of that group with --value-column.")
    if args.force:
        return datasets.recorded_crime(args.force, getattr(args, "offence_group", None))
    return load_series(args.csv, date_column=args.date_column, value_column=args.value_column,
                       frequency=args.frequency, measure=args.measure or "demand", missing=args.missing,
                       **file_arguments(args))


def events_from_args(args: argparse.Namespace) -> list:
    """Events from --level-shift/--exclude/--outlier (the known breaks of an embedded series are chosen by
    :func:`known_events_from_args`)."""
    from ..models.events import ExcludedPeriod, LevelShift, Outlier

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


def known_events_from_args(args: argparse.Namespace, series) -> object:
    """``known_events`` for the API: 'default', 'none' (--no-known-events) or the default keys less those switched
    off with --known-event-off (a key the series does not carry is refused, naming the ones it does)."""
    if getattr(args, "no_known_events", False):
        return "none"
    return known_events_without(series, getattr(args, "known_event_off", []) or [])


def known_events_without(series, off) -> object:
    """'default', or the default known-event keys of ``series`` less the keys ``off`` (unknown keys refused)."""
    off = list(off)
    if not off:
        return "default"
    carried = [e for e in series.attrs.get("known_events") or () if e.default]
    unknown = [k for k in off if k not in {e.key for e in carried}]
    if unknown:
        have = ", ".join(e.key for e in carried) or "none"
        raise ParameterError(f"--known-event-off {unknown[0]!r}: this series carries no such known break. Its known "
                             f"breaks: {have}.")
    return [e.key for e in carried if e.key not in off]


def add_many_arguments(p: argparse.ArgumentParser, all_forces: bool = True, workers: bool = True) -> None:
    """``--all-forces`` (unless the command has it already), ``--by``, ``--national``, ``--reconcile`` and
    ``--workers``."""
    g = p.add_argument_group("many series")
    if all_forces:
        g.add_argument("--all-forces", action="store_true",
                       help="every embedded force (instead of --force); one long CSV per table with force and "
                       "offence_group first, plus failures.csv")
    g.add_argument("--by", choices=["offence-group"], default=None,
                   help="with --all-forces: each force's nine offence groups as well as its total")
    g.add_argument("--national", action="store_true",
                   help="with --all-forces: forecast England and Wales (the sum of the forces) too, and reconcile "
                   "the forces with it; every series is cut to the last quarter all forces report")
    g.add_argument("--reconcile", choices=RECONCILERS, default=None,
                   help="with --by offence-group or --national: how the parts are made to add up to the total, "
                   "path by path (default mint; 'none' leaves them as forecast)")
    if workers:
        g.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                       help="processes for --all-forces (default: 2 or the number of cores, if fewer)")
