"""Draw the README's picture, ``docs/images/fan_chart.png``, from forcast's embedded data.

Lancashire's quarterly recorded crime (the published Home Office quarters, April-June 2002 to January-March 2023)
and its forecast to 2026/27, made with the settings ``make run`` uses (``forcast fms --force Lancashire --out
out``): the fms command's default seed, paths and models, the known breaks declared by default (the April 2018
recording change, the January 2019 new recording system and COVID-19 April 2020 - March 2021 treated as missing),
and the default calibration where it applies, as the chapter does. The settings are read from the command-line
parser, so the picture follows them if they change. Run from the repository root after changing the fan chart,
the models or the data::

    .venv/bin/python scripts/make_readme_figure.py

The picture is kept small (under 150 KB; ``tests/test_docs.py`` checks it).
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import forcast  # noqa: E402
from forcast.evaluation.calibration import default as default_calibration  # noqa: E402
from forcast.cli import build_parser  # noqa: E402
from forcast.errors import ForcastWarning  # noqa: E402
from forcast.reporting.plotting import add_note  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "images" / "fan_chart.png"
#: The command ``make run`` runs (see the Makefile); its parsed defaults are the settings of the picture.
MAKE_RUN = ["fms", "--force", "Lancashire", "--out", "out"]
ATTRIBUTION = ("Lancashire total recorded crime excluding fraud, quarterly: published Home Office police recorded "
               "crime open data tables, April 2002 - March 2023. Contains public sector information licensed under "
               "the Open Government Licence v3.0 (Home Office). Drawn by scripts/make_readme_figure.py.")


def settings() -> dict:
    """Seed, paths, models and calibration of ``make run``'s chapter, from the ``forcast fms`` parser's defaults."""
    args = build_parser().parse_args(MAKE_RUN)
    calibration = None
    if args.calibration == "default":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ForcastWarning)
            calibration = default_calibration()
    return {"seed": args.seed, "n_paths": args.n_paths, "calibration": calibration,
            "models": [m.strip() for m in args.models.split(",") if m.strip()]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw docs/images/fan_chart.png from the embedded data.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to write the PNG (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)

    crime = forcast.datasets.recorded_crime("Lancashire")
    options = settings()
    cal = options["calibration"]
    if cal is not None and not cal.applies_to(crime):  # as the chapter: only a calibration learned on such series
        options["calibration"] = None
    fc = forcast.forecast(crime, **options)  # until: the default, 2026/27; known breaks: the default ones
    fig = fc.plot()
    fig.set_size_inches(8, 4.2)
    add_note(fig.axes[0], ATTRIBUTION, width=130)  # in place of the series' caveat, under the chart
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=90)
    print(f"Wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB): Lancashire {crime.index[0]}-"
          f"{crime.index[-1]}, forecast to {fc.financial_years()['financial_year'].iloc[-1]}, seed {fc.seed}, "
          f"{fc.n_paths:,} paths, intervals {fc.interval_basis}, known "
          f"breaks {', '.join(e.key for e in fc.known_events)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
