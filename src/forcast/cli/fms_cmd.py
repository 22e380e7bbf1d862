"""``forcast fms``: build the demand chapter of a Force Management Statement and write it as Markdown, HTML and Word.

Measures: the force's embedded recorded crime (unless ``--no-recorded-crime``) and any number of the user's own
series, each given as ``--measure NAME FILE [DATE_COLUMN VALUE_COLUMN]`` (repeat the option for more).
"""

from __future__ import annotations

import argparse

from ..errors import ParameterError, UnknownForceError
from ._out import add_out_arguments, open_run, progress_wanted, report
from .options import (add_calibration_argument, add_file_arguments, add_model_arguments, add_progress_argument,
                      file_arguments)

FORMATS = ("md", "html", "docx")
EPILOG = """examples:
  forcast fms --force Lancashire --out out/fms
  forcast fms --force Lancashire --out out/fms --measure "999 calls" calls999.csv month calls \\
              --measure "101 calls" calls101.csv month calls
  forcast fms --force "My Force" --no-recorded-crime --measure "999 calls" calls999.csv --out out/fms

--measure NAME FILE [DATE_COLUMN VALUE_COLUMN] adds a series from a CSV or Excel file; NAME is how the chapter
names it. Without the two column names, a file of exactly two filled columns is read as dates and counts. A NAME
containing "999" or "101" is treated as 999 or 101 calls; one containing "call" or "crime" counts calls or crimes.
"""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "fms", help="write the demand chapter of a Force Management Statement",
        description="Forecast each measure to financial-year totals, test past forecasts, compare the force with its "
        "most similar group, and write the demand chapter of a Force Management Statement (chapter.md, "
        "chapter.html, chapter.docx, tables/*.csv and figures/*.png) into --out.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--force", help="the force, e.g. Lancashire; an embedded force brings its recorded crime and the "
                   "comparison with its most similar group (see `forcast datasets`)")
    p.add_argument("--measure", action="append", nargs="+", default=[], metavar=("NAME", "FILE"),
                   help="NAME FILE [DATE_COLUMN VALUE_COLUMN]: add a measure from your own file (repeatable)")
    p.add_argument("--frequency", choices=["daily", "weekly", "monthly", "quarterly"],
                   help="frequency of the --measure files' periods (inferred when omitted)")
    p.add_argument("--missing", choices=["error", "exclude"], default="error",
                   help="periods absent from a --measure file: 'error' (default) lists them and stops; 'exclude' "
                   "declares them excluded, so the models treat them as missing (never as zero)")
    add_file_arguments(p.add_argument_group("reading the --measure files"))
    p.add_argument("--no-recorded-crime", action="store_true",
                   help="leave out the force's embedded recorded crime (then give at least one --measure)")
    p.add_argument("--until", default=None, metavar="YYYY/YY",
                   help="last financial year to project, e.g. 2026/27 (default: the fourth financial year after the "
                   "last complete one in the data)")
    p.add_argument("--no-known-events", action="store_true",
                   help="declare none of the embedded recorded crime's known breaks (declared by default)")
    p.add_argument("--known-event-off", action="append", default=[], metavar="KEY",
                   help="switch off one known break of the embedded recorded crime by its key, e.g. covid_19 "
                   "(repeatable; see `forcast datasets`)")
    add_model_arguments(p)
    p.set_defaults(models="ets,arima,seasonal_naive")  # the chapter shows "same as last year" beside the projection
    p.add_argument("--workload", action="append", nargs=3, default=[],
                   metavar=("NAME", "HANDLING_SECONDS", "PRODUCTIVE_HOURS"),
                   help="control-room workload for the call measure NAME: average handling time per call in seconds "
                   "and productive hours per full-time post a year (both assumptions, stated in the chapter), e.g. "
                   "--workload '999 calls' 240 1500 (repeatable)")
    p.add_argument("--no-backtest", action="store_true", help="do not test past forecasts (much faster)")
    add_calibration_argument(p)
    p.add_argument("--no-calibration", action="store_true", help=argparse.SUPPRESS)  # old spelling: --calibration none
    p.add_argument("--title", help="chapter title (default: 'Force Management Statement: demand, FORCE')")
    p.add_argument("--formats", default=",".join(FORMATS),
                   help="comma-separated output formats: md, html, docx (default all three)")
    p.add_argument("--by", choices=["offence-group"], default=None,
                   help="add a 'Demand by crime type' section: the force's nine offence groups projected and "
                   "reconciled with its total (embedded forces only)")
    p.add_argument("--marking", default="OFFICIAL", metavar="TEXT",
                   help="protective marking at the top and bottom of every page (default OFFICIAL, e.g. "
                   "OFFICIAL-SENSITIVE; '' for none)")
    p.add_argument("--template", metavar="FILE",
                   help="the force's Word template (.dotx or .docx): chapter.docx is built on its styles and page "
                   "setup")
    add_progress_argument(p)
    add_out_arguments(p, help="folder for the chapter and its tables and figures")
    p.set_defaults(run=run)


def _kind(name: str) -> tuple[str, str | None]:
    """(measure, unit) for a user's measure NAME: 999 and 101 calls are recognised, calls and crimes counted."""
    low = name.lower()
    if "999" in low:
        return "calls_999", "calls"
    if "101" in low:
        return "calls_101", "calls"
    if "call" in low:
        return name, "calls"
    if "crime" in low or "offence" in low:
        return name, "crimes"
    return name, None


def measures_from_args(args: argparse.Namespace) -> dict:
    """The chapter's measures: embedded recorded crime (unless left out) and each ``--measure``."""
    from ..data import datasets
    from ..data.loading import load_series

    measures: dict = {}
    wants_crime = args.force and not args.no_recorded_crime
    if wants_crime:
        try:
            measures["Recorded crime"] = datasets.recorded_crime(args.force)
        except UnknownForceError as exc:
            raise UnknownForceError(f"{exc} For a chapter about your own series only, add --no-recorded-crime "
                                    f"and give them with --measure.") from None
    for given in args.measure:
        if len(given) not in (2, 4):
            raise ParameterError(
                f"--measure takes NAME FILE, or NAME FILE DATE_COLUMN VALUE_COLUMN. Got {len(given)} value(s): "
                f"{given}. Quote a NAME with spaces, e.g. --measure \"999 calls\" calls.csv month calls.")
        name, path, *columns = given
        if name in measures:
            raise ParameterError(f"Two measures are called {name!r}. Give each --measure its own NAME.")
        date_column, value_column = columns if columns else (None, None)
        measure, unit = _kind(name)
        measures[name] = load_series(path, date_column=date_column, value_column=value_column,
                                     frequency=args.frequency, measure=measure, name=name, unit=unit,
                                     force=args.force, missing=args.missing, **file_arguments(args))
    if not measures:
        raise ParameterError("Nothing to write about: give --force NAME (an embedded force brings its recorded "
                             "crime) and/or one or more --measure NAME FILE.")
    return measures


def _known_events(args: argparse.Namespace, measures: dict):
    """``known_events`` for the chapter: 'default', or the recorded crime's default keys less --known-event-off."""
    from .options import known_events_from_args

    crime = measures.get("Recorded crime")
    if not args.known_event_off:
        return "default"
    if crime is None:
        raise ParameterError("--known-event-off applies to the embedded recorded crime; this chapter has none "
                             "(give --force NAME without --no-recorded-crime).")
    return known_events_from_args(args, crime)


def _progress_bar(enabled: bool):
    """A ``progress(done, total, what)`` callback drawing a tqdm bar (or None when switched off)."""
    if not enabled:
        return None, lambda: None
    from tqdm.auto import tqdm

    state: dict = {}

    def progress(done: int, total: int, what: str) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = tqdm(total=total, desc="FMS chapter", unit="step", leave=False)
        bar.set_postfix_str(what, refresh=False)
        bar.update(done - bar.n)

    def close() -> None:
        if "bar" in state:
            state["bar"].close()

    return progress, close


def calibration_from_args(args: argparse.Namespace):
    """``calibration`` for :func:`forcast.fms.build_chapter` from ``--calibration default|none|FILE`` (a file is read
    here); the old ``--no-calibration`` still means ``--calibration none``, with a note on stderr."""
    import sys

    text = args.calibration
    if args.no_calibration:
        if text.strip().lower() not in ("default", "none"):
            raise ParameterError(f"--no-calibration and --calibration {text!r} contradict each other. Give "
                                 f"--calibration alone (--no-calibration is the old spelling of --calibration none).")
        print("forcast fms: note: --no-calibration is deprecated; write --calibration none (as forecast and check "
              "do).", file=sys.stderr)
        text = "none"
    choice = text.strip().lower()
    if choice in ("default", "none"):
        return None if choice == "none" else "default"
    from ..forecasting.intervals import load

    return load(text)


def workload_from_args(args: argparse.Namespace) -> dict | None:
    """``--workload NAME SECONDS HOURS`` -> the ``workload=`` argument of build_chapter."""
    spec = {}
    for name, seconds, hours in args.workload:
        try:
            spec[name] = {"handling_seconds_per_call": float(seconds), "productive_hours_per_fte": float(hours)}
        except ValueError:
            raise ParameterError(
                f"--workload takes NAME HANDLING_SECONDS PRODUCTIVE_HOURS, e.g. --workload '999 calls' 240 1500. "
                f"Got {name!r} {seconds!r} {hours!r}."
            ) from None
    return spec or None


def run(args: argparse.Namespace) -> int:
    from ..fms import build_chapter

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ParameterError(f"--formats must list one or more of md, html, docx. Got {args.formats!r}.")
    if args.template is not None:
        from ..fms.docx_fields import open_template

        if "docx" not in formats:
            raise ParameterError(f"--template shapes the Word document, but --formats {args.formats!r} leaves it out. "
                                 f"Add docx to --formats or drop --template.")
        open_template(args.template)  # a missing or broken template fails before any work
    if args.by and args.no_recorded_crime:
        raise ParameterError("--by offence-group breaks down the force's embedded recorded crime, which "
                             "--no-recorded-crime leaves out. Drop one of the two.")
    calibration = calibration_from_args(args)  # a bad file fails before any work
    out_run = open_run(args, "fms")  # the folder is checked before any work
    measures = measures_from_args(args)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    progress, close = _progress_bar(progress_wanted(args))
    try:
        chapter = build_chapter(args.force, measures=measures, until=args.until, seed=args.seed,
                                events=[] if args.no_known_events else None,
                                known_events=_known_events(args, measures),
                                n_paths=args.n_paths, backtest=not args.no_backtest,
                                calibration=calibration, title=args.title,
                                models=models, progress=progress, workload=workload_from_args(args),
                                marking=args.marking or None, by=args.by)
    finally:
        close()
    with out_run:
        written = chapter.write(out_run, formats=formats, template=args.template)
    report(out_run)
    out = out_run.path
    documents = [written[f].name for f in formats]
    tables = sum(1 for k in written if k.startswith("tables/"))
    figures = sum(1 for k in written if k.startswith("figures/"))
    print(f"Wrote {', '.join(documents)}, {tables} tables (tables/*.csv) and {figures} figures (figures/*.png) "
          f"to {out}")
    print()
    for block in chapter.sections[0].blocks:
        text = getattr(block, "text", None)
        if text:
            print(text)
    return 0
