"""Draw the README's picture, ``docs/images/fan_chart.png``, from forcast's embedded data.

Lancashire's recorded crime (quarterly, embedded), forecast to 2022/23 with the April 2018 recording change declared
as a level shift, exactly as in the README's Python example. Run from the repository root after changing the fan
chart or the models::

    .venv/bin/python scripts/make_readme_figure.py

The picture is kept small (under 150 KB; ``tests/test_docs.py`` checks it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import forcast  # noqa: E402
from forcast.plotting import add_footnote  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "images" / "fan_chart.png"
ATTRIBUTION = ("Lancashire total recorded crime excluding fraud, quarterly, derived from ONS rolling 12-month totals. "
               "Contains public sector information licensed under the Open Government Licence v3.0 (Home Office / "
               "ONS). Drawn by scripts/make_readme_figure.py.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw docs/images/fan_chart.png from the embedded data.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to write the PNG (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)

    crime = forcast.datasets.recorded_crime("Lancashire")
    fc = forcast.forecast(crime, until="2022/23", seed=1,
                          events=[forcast.LevelShift("2018-04", "recording change")])
    fig = fc.plot(history=36)
    fig.set_size_inches(8, 4.2)
    add_footnote(fig, ATTRIBUTION, width=130)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=90)
    print(f"Wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
