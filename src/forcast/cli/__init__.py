"""The ``forcast`` command line. Thin: each subcommand parses arguments and calls the public API only.

Each subcommand lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import warnings
from typing import Sequence

from .. import __version__
from ..errors import ForcastError, ForcastWarning

#: Subcommand modules, in the order ``forcast --help`` lists them.
COMMANDS: tuple[str, ...] = ("datasets", "forecast", "backtest", "check", "fms")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used to check the CLI reference in the docs)."""
    parser = argparse.ArgumentParser(
        prog="forcast",
        description="Forecast police demand (recorded crime, 999 and 101 calls) to financial-year totals, "
        "backtest the forecasts, and write Force Management Statement chapters.",
    )
    parser.add_argument("--version", action="version", version=f"forcast {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what forcast is doing")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f".{name}_cmd", __name__).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    if args.command is None:
        parser.print_help()
        return 0
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _warning_printer(args.command)
            return int(args.run(args) or 0)
    except ForcastError as exc:
        print(f"forcast {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `forcast forecast ... | head`: the reader left; not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM while an output folder was open (forcast.reporting.out_folder)
        print(f"forcast {args.command}: interrupted. Temporary files were removed; if files were being written, the "
              f"output folder keeps a marker, and the next run into it says so and writes them again.",
              file=sys.stderr)
        return 130


def _warning_printer(command: str):
    """``warnings.showwarning`` for the CLI: forcast's own warnings as ``forcast CMD: warning: ...`` lines (the
    message is written for the reader; the library line that raised it is not), others as Python prints them."""
    default = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, ForcastWarning):
            print(f"forcast {command}: warning: {message}", file=file or sys.stderr)
        else:
            default(message, category, filename, lineno, file, line)

    return show
