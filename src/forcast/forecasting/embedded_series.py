"""The embedded recorded crime as many series, for :func:`forcast.forecast_many` and :func:`forcast.backtest_many`:
``{(force, offence_group): series}`` for every force (and its nine offence groups), and England and Wales as the
sum of the forces (``national=True``). Also offered as :func:`forcast.forecasting.many.recorded_crime_series`."""

from __future__ import annotations

import warnings
from typing import Sequence

from ..errors import ForcastWarning, ParameterError
from .reconcile import TOTAL

__all__ = ["NATIONAL", "recorded_crime_series"]

def recorded_crime_series(forces: Sequence[str] | None = None, by: str | None = None,
                          national: bool = False) -> dict:
    """The embedded recorded crime as ``{(force, offence_group): series}``, ``offence_group`` being ``"Total"``
    for the total; ``by="offence-group"`` (or ``"offence_group"``) adds the nine groups of each force.

    ``national=True`` adds ``("England and Wales", "Total")``, the sum of the forces' totals, for use with
    ``reconcile=Hierarchy("force", total="England and Wales")``. A sum needs every force in every quarter, so all
    series are cut to the last quarter every force reports (Devon and Cornwall's last published quarter is
    2022Q3: the force did not supply data after its new records system); the cut is noted in each series'
    ``attrs["caveat"]``, and ``attrs["cut_from"]`` keeps the last period it had before the cut. It cannot be combined with ``by`` (a two-level hierarchy: forces, or one force's groups).
    """
    from ..data import datasets

    if by not in (None, "offence-group", "offence_group"):
        raise ParameterError(f"`by` must be None or 'offence-group'. Got {by!r}.")
    if not isinstance(national, bool):
        raise ParameterError(f"`national` must be True or False. Got {national!r}.")
    if national and by:
        raise ParameterError(f"`national=True` adds England and Wales as the sum of the forces' totals; it cannot "
                             f"be combined with by={by!r} (forcast reconciles two levels: the forces with England "
                             f"and Wales, or each force's offence groups with its total). Run them separately.")
    out = {}
    for force in (datasets.forces() if forces is None else forces):
        out[(force, TOTAL)] = datasets.recorded_crime(force)
        if by:
            for group in datasets.OFFENCE_GROUPS:
                out[(force, group)] = datasets.recorded_crime(force, group)
    return _with_national(out) if national else out


NATIONAL = "England and Wales"


def _with_national(series: dict) -> dict:
    """``series`` cut to the quarters every one of them has, plus their sum as ``(NATIONAL, TOTAL)``."""
    start = max(s.index[0] for s in series.values())
    end = min(s.index[-1] for s in series.values())
    short = sorted(k[0] for k, s in series.items() if s.index[-1] == end)
    cut = {}
    for key, s in series.items():
        kept = s.loc[start:end].copy()
        kept.attrs = dict(s.attrs)
        if s.index[-1] != end:
            kept.attrs["cut_from"] = str(s.index[-1])  # the last period before the cut (the CLI projects from it)
            kept.attrs["caveat"] = (f"{s.attrs.get('caveat') or ''} Cut to {end} so that the forces add up to "
                                    f"England and Wales ({', '.join(short)} reports no later quarter).").strip()
        cut[key] = kept
    if short != sorted(k[0] for k in series):
        warnings.warn(f"England and Wales is the sum of the forces, so every series is cut to {end}, the last quarter "
                      f"{', '.join(short)} reports: the other forces' quarters after {end} are not used.",
                      ForcastWarning, stacklevel=3)
    total = sum(s.astype("int64") for s in cut.values())
    first = next(iter(cut.values()))
    shared = set.intersection(*({e.key for e in s.attrs.get("known_events") or ()} for s in cut.values()))
    total.name = NATIONAL
    total.attrs = {**first.attrs, "force": NATIONAL, "offence_group": None,
                   "caveat": f"The sum of the {len(cut)} forces' published counts, {start} to {end}.",
                   "known_events": tuple(e for e in first.attrs.get("known_events") or () if e.key in shared)}
    return {**cut, (NATIONAL, TOTAL): total}
