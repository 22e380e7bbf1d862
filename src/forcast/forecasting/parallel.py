"""Running one task per series: serially, in local processes (joblib/loky) or on a Dask cluster.

The results never depend on how the work is run. Every task carries everything it needs, its seed included:
:func:`series_seed` derives it from the caller's seed and the series' id values (a stable hash, not Python's
``hash``, which changes between processes), so a series gets the same random numbers whichever worker runs it,
with any number of workers, on any backend. Tasks touch no global state, and results come back in the order the
tasks were given.

Backends:

* ``n_jobs=1`` (default) runs in this process; ``n_jobs=k`` uses ``k`` local processes through joblib's loky
  backend (``-1``: one per core).
* ``backend="dask"`` submits the tasks to a :mod:`dask.distributed` cluster: give ``client=`` a
  ``distributed.Client`` or a scheduler address such as ``"tcp://scheduler:8786"``.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import ParameterError

logger = logging.getLogger(__name__)

BACKENDS = ("loky", "dask")


def series_seed(seed: int | None, ids: Sequence[Any]) -> int | None:
    """The seed of one series: a deterministic function of ``seed`` and its id values (``None`` stays ``None``).

    The ids are hashed with SHA-256 of their text (joined by a unit separator), so ``("Kent", "Robbery")`` gets the
    same seed in every process and Python version, and two series never share a stream by accident.
    """
    if seed is None:
        return None
    text = "\x1f".join(str(v) for v in ids).encode("utf-8")
    words = np.frombuffer(hashlib.sha256(text).digest()[:16], dtype="<u4")
    state = np.random.SeedSequence([int(seed), *(int(w) for w in words)]).generate_state(2, dtype=np.uint32)
    return int(state[0]) << 32 | int(state[1])


def check_n_jobs(n_jobs: Any) -> int:
    """``n_jobs`` as a positive number of processes (``-1`` means one per core)."""
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0 or n_jobs < -1:
        raise ParameterError(f"`n_jobs` must be a positive integer of processes, or -1 for one per core. "
                             f"Got {n_jobs!r}.")
    if n_jobs == -1:
        import os

        return os.cpu_count() or 1
    return int(n_jobs)


def check_backend(backend: Any, client: Any) -> str:
    """``backend`` validated: ``"loky"`` (local processes, the default) or ``"dask"`` (needs ``client``)."""
    if backend not in BACKENDS:
        raise ParameterError(f"`backend` must be one of {', '.join(map(repr, BACKENDS))}. Got {backend!r}.")
    if backend == "dask" and client is None:
        raise ParameterError("backend='dask' needs `client`: a dask.distributed Client or a scheduler address such "
                             "as 'tcp://scheduler:8786'. For local processes use n_jobs=2 instead.")
    if backend != "dask" and client is not None:
        raise ParameterError(f"`client` is only used with backend='dask'. Got client={client!r} with "
                             f"backend={backend!r}.")
    return backend


def run_tasks(
    func: Callable[[Any], Any],
    tasks: Sequence[Any],
    n_jobs: int = 1,
    backend: str = "loky",
    client: Any = None,
    progress: bool = False,
    desc: str = "series",
    unit: str = "series",
) -> list[Any]:
    """``[func(t) for t in tasks]``, run as asked, in the order of ``tasks``.

    ``func`` must be importable at module level (it is pickled to the workers) and must not raise: the callers in
    :mod:`forcast.forecasting.many` catch each series' errors inside the task, so one bad series never stops the run.
    ``progress=True`` shows a tqdm bar that advances as tasks finish.
    """
    backend = check_backend(backend, client)
    n_jobs = check_n_jobs(n_jobs)
    tasks = list(tasks)
    bar = _bar(len(tasks), desc, unit) if progress else None
    try:
        if backend == "dask":
            return _run_dask(func, tasks, client, bar)
        if n_jobs == 1 or len(tasks) <= 1:
            out = []
            for task in tasks:
                out.append(func(task))
                _tick(bar)
            return out
        return _run_loky(func, tasks, n_jobs, bar)
    finally:
        if bar is not None:
            bar.close()


def _run_loky(func, tasks: list, n_jobs: int, bar) -> list:
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator")
    out = []
    for result in parallel(delayed(func)(t) for t in tasks):
        out.append(result)
        _tick(bar)
    return out


def _run_dask(func, tasks: list, client: Any, bar) -> list:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - dask is a dependency, but may be missing in a slim install
        raise ParameterError("backend='dask' needs dask.distributed: pip install 'dask[distributed]'.") from exc
    own = isinstance(client, str)
    if own:
        client = Client(client)
    elif not isinstance(client, Client):
        raise ParameterError(f"`client` must be a dask.distributed Client or a scheduler address (text). "
                             f"Got {type(client).__name__}.")
    try:
        # pure=False: each task is run as given, never deduplicated; results gathered in task order
        futures = client.map(func, tasks, pure=False)
        for _ in as_completed(futures):
            _tick(bar)
        return client.gather(futures)
    finally:
        if own:
            client.close()


def _bar(total: int, desc: str, unit: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit)


def _tick(bar) -> None:
    if bar is not None:
        bar.update(1)

