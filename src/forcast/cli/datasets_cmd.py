"""``forcast datasets``: list the embedded series."""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("datasets", help="list the embedded data series",
                       description="List every embedded series: force, measure, frequency, first and last "
                       "period and number of points. Sources and licences: data/README.md.")
    p.add_argument("--csv", action="store_true", help="print as CSV instead of a table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .. import datasets

    table = datasets.catalogue()
    if args.csv:
        print(table.to_csv(index=False), end="")
    else:
        print(table.to_string(index=False))
        print(f"\n{table['force'].dropna().nunique()} forces; sources and licences: forcast.datasets.sources()")
    return 0
