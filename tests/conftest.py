"""Shared test set-up: headless matplotlib, a hypothesis profile, and seeded demand series."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("forcast", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("forcast")
# The fuzz suite (tests/test_fuzz.py) runs as many examples per target as FORCAST_FUZZ_PROFILE says: "fuzz-ci"
# (default, what `make test` and CI run) or "fuzz" (`make fuzz`).
settings.register_profile("fuzz-ci", deadline=None, max_examples=1_000, suppress_health_check=list(HealthCheck))
settings.register_profile("fuzz", deadline=None, max_examples=10_000, suppress_health_check=list(HealthCheck))


def seasonal_series(n: int = 51, freq: str = "Q-DEC", start: str = "2006Q2", level: float = 30000.0,
                    season=(0.0, 1500.0, 800.0, -2300.0), trend: float = 60.0, noise: float = 600.0,
                    seed: int = 0, measure: str = "recorded_crime", force: str | None = "Testshire"):
    """A seeded synthetic demand series: level + trend + seasonal pattern + Gaussian noise."""
    from forcast.data.series import make_series

    rng = np.random.default_rng(seed)
    index = pd.period_range(start, periods=n, freq=freq)
    m = len(season)
    values = level + trend * np.arange(n) + np.array([season[p.ordinal % m] for p in index]) \
        + rng.normal(0, noise, n)
    return make_series(np.round(values), index, name="test series", measure=measure, force=force,
                       source="synthetic (seeded)")


@pytest.fixture(scope="module")
def quarterly():
    return seasonal_series()


# --- the user's files are never changed by a CLI run (issue 15, item 2) ------------------------------------
def _snapshot(folder) -> dict:
    """Every file under ``folder``: its SHA-256, size and modification time (ns)."""
    import hashlib

    out = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            out[path.relative_to(folder).as_posix()] = (hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size,
                                                        stat.st_mtime_ns)
    return out


@pytest.fixture(autouse=True)
def _cli_never_changes_files_it_did_not_write(request, monkeypatch):
    """In the CLI test modules, every ``main(...)`` call is watched: a file under the test's ``tmp_path`` that
    forcast did not write during this test (the test's own inputs, a user's notes) must keep its bytes and its
    modification time, and must not disappear. Files forcast wrote may change on later calls (re-runs, --overwrite).
    """
    module = request.module
    name = module.__name__.rsplit(".", 1)[-1]
    if not name.startswith(("test_cli_", "test_out_folder")) or not callable(getattr(module, "main", None)) \
            or "tmp_path" not in request.fixturenames:
        yield
        return
    folder = request.getfixturevalue("tmp_path")
    real = module.main
    written: set[str] = set()

    def watched(argv=None):
        before = _snapshot(folder)
        try:
            return real(argv)
        finally:
            after = _snapshot(folder)
            changed = sorted(k for k, v in before.items() if k not in written and after.get(k) != v)
            written.update(k for k, v in after.items() if before.get(k) != v)
            assert not changed, f"`forcast {' '.join(map(str, argv or []))}` changed or removed files it did not " \
                                f"write: {changed}"

    monkeypatch.setattr(module, "main", watched)
    yield


def raises(cls, call, *parts):
    """Run ``call``; it must raise exactly ``cls`` with every one of ``parts`` in its message. Returns the text."""
    with pytest.raises(cls) as info:
        call()
    assert info.type is cls, f"{info.type.__name__}: {info.value}"
    text = str(info.value)
    for part in parts:
        assert part in text, f"{part!r} not in {text!r}"
    return text
