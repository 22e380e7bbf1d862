"""Fuzzing the loading boundary: whatever a user hands forcast, it raises a forcast error or gives a demand series.

Random text, random bytes, structured CSVs and regular date runs with mutations (:mod:`tests.strategies`) go into
:func:`forcast.load_series`, :func:`forcast.load_calls` and ``forcast forecast --csv`` (the CLI's ``main``, in
process). Any exception that is not a :class:`~forcast.errors.ForcastError` fails. The number of examples per target
comes from the hypothesis profile named by ``FORCAST_FUZZ_PROFILE``: ``fuzz-ci`` (1,000, the default) or ``fuzz``
(10,000, ``make fuzz``).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forcast.cli import main
from forcast.data import load_calls, load_series
from forcast.errors import ForcastError

from .strategies import csv_texts, date_runs, random_bytes, structured_csvs

PROFILE = settings.get_profile(os.environ.get("FORCAST_FUZZ_PROFILE", "fuzz-ci"))
FREQUENCIES = st.sampled_from([None, None, "daily", "weekly", "monthly", "quarterly", "annual"])
DAYFIRST = st.sampled_from([None, None, True, False])


@pytest.fixture(scope="module")
def folder():
    path = Path(tempfile.mkdtemp(prefix="forcast-fuzz-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def write(folder: Path, content: str | bytes, name: str = "data.csv") -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass", newline="")
    return path


def header_names(path: Path) -> list[str]:
    try:
        first = path.read_text(encoding="utf-8", errors="replace").splitlines()[:1]
    except OSError:
        return []
    return [c.strip('"') for c in first[0].split(",")] if first else []


def check_series(series: pd.Series) -> None:
    """A loaded demand series honours the contract: regular PeriodIndex, finite non-negative counts."""
    assert isinstance(series.index, pd.PeriodIndex) and series.index.is_monotonic_increasing
    assert not series.index.has_duplicates
    values = np.asarray(series, dtype=float)
    assert np.isfinite(values).all() and (values >= 0).all() and (values <= 2**53).all()


def only_forcast_errors(call):
    """Run ``call``: a forcast error is a fine answer; anything else fails the test (by propagating)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return call()
        except ForcastError:
            return None


def load_series_target(folder, content, columns, frequency, dayfirst, missing):
    path = write(folder, content)
    names = header_names(path) if columns else []
    kwargs = {"date_column": names[0], "value_column": names[-1]} if len(names) >= 2 else {}
    series = only_forcast_errors(lambda: load_series(path, frequency=frequency, dayfirst=dayfirst, missing=missing,
                                                     **kwargs))
    if series is not None:
        check_series(series)


def load_calls_target(folder, content, frequency, dayfirst, empty):
    path = write(folder, content, "calls.csv")
    names = header_names(path)
    column = names[0] if names else "Opened"
    series = only_forcast_errors(lambda: load_calls(path, column, frequency=frequency, dayfirst=dayfirst,
                                                    allow_empty_periods=empty))
    if series is not None:
        check_series(series)


def cli_forecast_target(folder, content, order, extra):
    path = write(folder, content, "series.csv")
    out = Path(tempfile.mkdtemp(prefix="out-", dir=folder))
    argv = ["forecast", "--csv", str(path), "--models", "naive", "--n-paths", "100", "--calibration", "none",
            *order, *[a for pair in extra for a in pair], "--out", str(out / "run")]
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            code = only_forcast_errors(lambda: main(argv))
        assert code in (0, 2), err.getvalue()
        if code == 2:
            assert err.getvalue().startswith("forcast forecast: error: "), err.getvalue()
    finally:
        shutil.rmtree(out, ignore_errors=True)


LOAD_SERIES = given(content=st.one_of(csv_texts, random_bytes), columns=st.booleans(), frequency=FREQUENCIES,
                    dayfirst=DAYFIRST, missing=st.sampled_from(["error", "exclude"]))
LOAD_CALLS = given(content=st.one_of(csv_texts, random_bytes), frequency=st.sampled_from(["daily", "weekly",
                   "monthly"]), dayfirst=DAYFIRST, empty=st.booleans())
CLI_FORECAST = given(content=st.one_of(date_runs(), structured_csvs(), csv_texts, random_bytes),
                     order=st.sampled_from([[], [], ["--dayfirst"], ["--monthfirst"]]),
                     extra=st.lists(st.sampled_from([["--missing", "exclude"], ["--frequency", "monthly"],
                                                     ["--non-integer", "round"], ["--horizon", "2y"],
                                                     ["--allow-short-history"], ["--header", "2"]]),
                                    max_size=2, unique_by=lambda a: a[0]))

# A quick pass (30 examples) in the fast suite; the profile's full count (1,000 by default) in `make test`.
QUICK = settings(PROFILE, max_examples=30)
test_load_series_quick = QUICK(LOAD_SERIES(load_series_target))
test_load_calls_quick = QUICK(LOAD_CALLS(load_calls_target))
test_cli_forecast_csv_quick = QUICK(CLI_FORECAST(cli_forecast_target))
test_load_series_raises_only_forcast_errors = pytest.mark.slow(settings(PROFILE)(LOAD_SERIES(load_series_target)))
test_load_calls_raises_only_forcast_errors = pytest.mark.slow(settings(PROFILE)(LOAD_CALLS(load_calls_target)))
test_cli_forecast_csv_raises_only_forcast_errors = pytest.mark.slow(
    settings(PROFILE)(CLI_FORECAST(cli_forecast_target)))
