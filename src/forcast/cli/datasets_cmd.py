"""``forcast datasets``: list the embedded series; import, list and choose Home Office releases."""

from __future__ import annotations

import argparse

from ..reporting.outputs import spreadsheet_safe

_ACTIONS = ("import", "releases", "use", "remove")


def add_parser(sub) -> None:
    p = sub.add_parser("datasets", help="list the embedded data series; import a Home Office release",
                       description="Without ACTION: list every embedded series (force, measure, frequency, first "
                       "and last period, number of points) and say which recorded-crime data is in use. "
                       "`import FILE` reads a Home Office 'Police recorded crime and outcomes open data tables' "
                       "workbook (.ods or .xlsx) into your data folder and puts it in use; `releases` lists the "
                       "imported releases; `use ID` (or `use embedded`) chooses the data in use; `remove ID` deletes "
                       "an imported release. Sources and licences: data/README.md.")
    p.add_argument("action", nargs="?", choices=_ACTIONS, metavar="ACTION",
                   help="import, releases, use or remove (omit to list the embedded series)")
    p.add_argument("target", nargs="?", metavar="FILE|ID",
                   help="the workbook to import, or the release id for use / remove ('embedded' for use)")
    p.add_argument("--csv", action="store_true", help="print the list (series or releases) as CSV instead of a table")
    p.add_argument("--allow-missing-quarters", action="store_true",
                   help="import even if some forces lack quarters other forces have (they are left out)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import ParameterError

    if args.allow_missing_quarters and args.action != "import":
        raise ParameterError("--allow-missing-quarters goes with `forcast datasets import FILE`. Got it with "
                             f"{'no action' if args.action is None else repr(args.action)}.")
    needs = {"import": "the workbook to import, e.g. `forcast datasets import prc-pfa-mar2013-onwards-tables.ods`",
             "use": "a release id from `forcast datasets releases`, or `embedded`",
             "remove": "a release id from `forcast datasets releases`"}
    if args.action in needs and not args.target:
        raise ParameterError(f"`forcast datasets {args.action}` needs {needs[args.action]}.")
    if args.action in ("releases", None) and args.target:
        raise ParameterError(f"Unexpected argument {args.target!r}: `forcast datasets"
                             f"{' releases' if args.action else ''}` takes no FILE or ID. Actions: "
                             f"{', '.join(_ACTIONS)}.")
    return {None: _catalogue, "import": _import, "releases": _releases, "use": _use, "remove": _remove}[
        args.action](args)


def _in_use() -> str:
    import os

    from ..data import releases

    release = releases.active_release()
    why = f" (set by {releases.RELEASE_VARIABLE})" if os.environ.get(releases.RELEASE_VARIABLE, "").strip() else ""
    if release is None:
        return f"Recorded crime in use{why}: the data embedded in forcast (import a newer Home Office release " \
               "with `forcast datasets import FILE`)."
    return f"Recorded crime in use{why}: {release.label} [{release.id}]."


def _catalogue(args: argparse.Namespace) -> int:
    from ..data import datasets

    table = datasets.catalogue()
    if args.csv:
        print(spreadsheet_safe(table).to_csv(index=False), end="")
    else:
        print(table.to_string(index=False))
        published = table.loc[table["dataset"] == "recorded_crime", "force"].nunique()
        print(f"\nRecorded crime: {published} forces (published quarters); recorded_crime_derived: the superseded "
              f"2006-2018 series with British Transport Police. Sources and licences: forcast.datasets.sources()")
        known = datasets.known_events()
        print("\nKnown breaks in the recorded crime, declared by default when forecasting (switch one off with "
              "--known-event-off KEY, all with --no-known-events; force * = every force):")
        shown = known.assign(end=known["end"].fillna(""), default=known["default"].map({True: "yes", False: "no"}))
        print(shown[["key", "force", "kind", "start", "end", "default", "label"]].to_string(index=False))
        print(_in_use())
    return 0


def _import(args: argparse.Namespace) -> int:
    from ..data import releases

    release = releases.import_release(args.target, allow_missing_quarters=args.allow_missing_quarters)
    table = release.table()
    quarters = table[["force", "period"]].drop_duplicates()
    print(f"Imported {release.label}.")
    print(f"  release id:      {release.id}")
    print(f"  forces:          {release.n_forces}")
    print(f"  financial years: {', '.join(release.financial_years)}")
    print(f"  quarters:        {release.first_period} to {release.last_period} "
          f"({table['period'].nunique()} quarters, {len(quarters)} force quarters)")
    print(f"  offence groups:  {table['offence_group'].nunique()} (total recorded crime excluding fraud)")
    print(f"  stored in:       {release.folder}")
    print(_in_use())
    return 0


def _releases(args: argparse.Namespace) -> int:
    from ..data import releases

    table = releases.list_releases()
    if args.csv:
        print(spreadsheet_safe(table).to_csv(index=False), end="")
    elif table.empty:
        print(f"No imported releases in {releases.releases_folder()}. Import one with `forcast datasets import FILE`.")
    else:
        shown = table.assign(active=table["active"].map({True: "*", False: ""}))
        print(shown.drop(columns=["name"]).to_string(index=False))
        print(f"\nStored in {releases.releases_folder()}; * marks the release in use.")
    return 0


def _use(args: argparse.Namespace) -> int:
    from ..data import releases

    releases.use_release(args.target)
    print(_in_use())
    return 0


def _remove(args: argparse.Namespace) -> int:
    from ..data import releases

    removed = releases.remove_release(args.target)
    print(f"Removed {removed.label} [{removed.id}].")
    print(_in_use())
    return 0
