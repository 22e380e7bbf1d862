"""``--out`` and ``--overwrite`` for the commands that write files, and the run that keeps the user's data safe
(:class:`forcast.reporting.out_folder.OutputRun`: refuses folders holding the input or files forcast did not write, and
outputs edited since, unless ``--overwrite``; keeps the manifest; removes stale outputs)."""

from __future__ import annotations

import argparse
import sys


def add_out_arguments(p: argparse.ArgumentParser, required: bool = True,
                      help: str = "folder for the output files") -> None:
    p.add_argument("--out", required=required, metavar="DIR",
                   help=f"{help}: a new or empty folder, or one holding only forcast's outputs (forcast refuses a "
                   "folder with other files in it, and never writes where your input is)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace outputs forcast wrote earlier even if they were edited since (refused otherwise)")


def inputs_from_args(args: argparse.Namespace) -> list[str]:
    """Every file the command reads: --csv, the --measure files, a --calibration file, a --template."""
    paths = [getattr(args, "csv", None), getattr(args, "template", None)]
    calibration = getattr(args, "calibration", None)
    if isinstance(calibration, str) and calibration.strip().lower() not in ("default", "none"):
        paths.append(calibration)
    for given in getattr(args, "measure", None) or []:
        if isinstance(given, (list, tuple)) and len(given) >= 2:
            paths.append(given[1])
    return [p for p in paths if isinstance(p, str) and p.strip()]


def open_run(args: argparse.Namespace, command: str, planned=()):
    """The checked output folder of this run (raises before any work if the run must not write there); the notes
    it has (an interrupted earlier run, say) are printed at once."""
    from ..reporting.out_folder import OutputRun

    run = OutputRun(args.out, command, overwrite=getattr(args, "overwrite", False), inputs=inputs_from_args(args),
                    planned=planned)
    report(run)
    return run


def report(run) -> None:  # noqa: ANN001 - an OutputRun
    """Print the run's notes (to stderr, so that piped tables stay clean) and forget them."""
    for note in run.notes:
        print(f"forcast {run.command}: {note}", file=sys.stderr)
    run.notes.clear()


def progress_wanted(args: argparse.Namespace) -> bool:
    """Draw a progress bar: not switched off, and stderr is a terminal (a bar's carriage returns would litter a log
    file or a captured stderr)."""
    return not args.no_progress and sys.stderr.isatty()
