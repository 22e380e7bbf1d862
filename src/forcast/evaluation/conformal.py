"""Intervals from how far past forecasts missed: split-conformal on the log scale, by years ahead.

A model's own spread says how uncertain the model *thinks* it is. For financial-year totals several years ahead it
is the wrong yardstick: recording-practice changes, a pandemic and new systems are in no model, and a model that
fits its history loosely gets absurdly wide intervals if its spread is merely multiplied up. :class:`ErrorQuantiles`
instead learns, from backtests pooled over many forces, the distribution of the **relative error** of each
model's financial-year forecast by years ahead,

    e = log(actual / predicted)      (predicted: the mean of the paths' financial-year totals)

and gives every new forecast that distribution around its own forecast:

1. **Learning** (:meth:`ErrorQuantiles.from_backtests`): for each model and horizon year (1 = the first financial
   year after the origin), the quantiles of ``e`` over all forecasts made at the start of a financial year (no
   quarter of the year observed). ``known_by=`` keeps only financial years that had ended by a date, so a
   backtest at origin T learns only from actuals up to T (real time). A cell with fewer than ``min_points``
   errors takes those of the model's horizons up to it pooled; horizons beyond the last learned one take the last.
2. **Applying** (:meth:`ErrorQuantiles.apply`, used by :func:`forcast.forecast` and
   :meth:`forcast.evaluation.backtesting.Backtest.widened`): for each financial year of the forecast, the paths are
   ranked by their simulated total ``S``; the path of rank ``r`` (of ``n``) gets the total ``mean(S) * exp(q(u_r) -
   c)``, with ``u_r = (r + 0.5) / n``, ``q`` the learned quantile function and ``c = log(mean(exp(q)))`` (so the mean
   of the totals -- the point forecast -- is kept). Every period of that year in that path is scaled by the same
   factor, so the paths keep their shape within the year, their order, and stay positive. The 95% interval of a
   financial-year total is therefore the forecast times the 2.5% and 97.5% quantiles of past relative errors at
   that horizon: as wide as the past shows is needed, whatever the model's own spread.
3. **Model floor** (``model_floor=True``, the shipped default): rank by rank, each path's total is the one of the
   two -- the model's simulated total or the mapped one -- farther out on its side of the median (the lower of
   the two below it, the higher above), then all are rescaled so their mean is the point forecast again. Every
   interval is therefore at least as wide as both the past errors and the model's own spread say (up to that
   rescaling): the past errors guard against what no model knows, the model's spread against a series that has
   become more changeable than the pooled past (a recording break, a short or noisy history).

In a year with quarters already observed only the simulated remainder is mapped, with the errors of whole years:
conservative for a year nearly over. Intervals of single periods follow from the mapped paths.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..forecasting import fiscal
from ..errors import ParameterError
from ..data.series import meta
from .learning import LearnedFrom, LearningRows

logger = logging.getLogger(__name__)

__all__ = ["ErrorQuantiles", "GRID"]

FORMAT = "forcast-error-quantiles"
VERSION = 1
DEFAULT_MIN_POINTS = 30
#: Probabilities at which the error distribution is stored (0.25% steps, tails included).
GRID = np.round(np.linspace(0.0025, 0.9975, 399), 6)


@dataclass
class ErrorQuantiles:
    """Quantiles of past relative financial-year errors per model and horizon year; pass to
    ``forecast(calibration=...)``. ``quantiles``: ``model, horizon_year, n, basis`` and one column per
    :data:`GRID` probability (as text, e.g. ``"0.975"``)."""

    quantiles: pd.DataFrame
    series: tuple = ()
    origins: tuple = ()
    frequency: str | None = None
    measure: str | None = None
    min_points: int = DEFAULT_MIN_POINTS
    symmetric: bool = False
    growth: float | None = None
    model_floor: bool = False
    later_origins_only: bool = False
    #: How forecasts made this way did in real-time backtests: ``{"coverage_80": {h: share}, "coverage_95": {h:
    #: share}, "mape": {h: %}, "naive_mape": {h: %}, "basis": "..."}`` (written by ``benchmarks/accuracy.py``),
    #: quoted in :attr:`note` and the FMS chapter; or None.
    evaluation: dict | None = None

    kind = "conformal"

    # ------------------------------------------------------------------ learning
    @classmethod
    def from_frame(cls, fy: pd.DataFrame, min_points: int = DEFAULT_MIN_POINTS, symmetric: bool = False,
                   growth: float | None = None, model_floor: bool = False, later_origins_only: bool = False,
                   **info: Any) -> "ErrorQuantiles":
        """Learn from financial-year backtest rows (``Backtest.financial_years()`` of one or many series).

        ``symmetric=True`` learns from each error and its mirror image (``e`` and ``-e``), so both sides of an
        interval are as wide as the larger misses on either side made them: a guard against a change of
        direction (forecasts that were too low in one run of years may be too high in the next).

        ``growth=g`` learns each horizon ``h`` from the errors of *every* horizon ``i <= h``, each scaled by
        ``(h / i) ** g`` (``g = 1``: errors grow in proportion to the years ahead, as a drifting level's do). In real
        time the errors four years ahead come only from origins four or more years back; scaled recent one-year
        errors let a new kind of miss widen the long horizons at once.

        ``later_origins_only=True`` (with ``growth``): the shorter horizons' errors are taken only from origins
        later than the last one with an error at ``h`` itself -- the years whose ``h``-ahead outcome is not known
        yet -- so no forecast counts twice, and once every origin's ``h``-ahead outcome is known the cell is just
        the errors at ``h``.

        ``model_floor=True``: applied intervals are never narrower than the model's own (module docstring, 3)."""
        rows = fy[(fy["observed_part"] == 0) & (fy["actual"] > 0) & (fy["predicted"] > 0)]
        if rows.empty:
            raise ParameterError(
                "No financial-year forecast made at the start of a year with a known actual to learn errors from. "
                "Backtest from origins at 31 March whose years have ended (e.g. origins=['2015-03-31', ...])."
            )
        errors = np.log(rows["actual"].to_numpy(dtype=float) / rows["predicted"].to_numpy(dtype=float))
        rows = rows.assign(_e=errors)
        out = []
        for model, part in rows.groupby("model", sort=False):
            for h in sorted(part["horizon_year"].unique()):
                cell = part.loc[part["horizon_year"] == h, "_e"].to_numpy()
                basis = "horizon year"
                if growth is not None:
                    upto = part[part["horizon_year"] <= h]
                    if later_origins_only:
                        own = upto["horizon_year"] == h
                        last = upto.loc[own, "origin"].max() if own.any() else None
                        upto = upto[own | (upto["origin"] > last)] if last is not None else upto
                    cell = upto["_e"].to_numpy() * (h / upto["horizon_year"].to_numpy(dtype=float)) ** growth
                    shorter = "horizon 1" if h == 2 else f"horizons 1-{h - 1}"
                    basis = ((f"horizon {h}, and {shorter} of later origins scaled by (h/i)^{growth:g}" if h > 1
                              else "horizon year") if later_origins_only
                             else f"horizons 1-{h} scaled by (h/i)^{growth:g}")
                if len(cell) < min_points:
                    cell = part.loc[part["horizon_year"] <= h, "_e"].to_numpy()
                    basis = "horizon years pooled"
                if len(cell) < min_points:
                    continue
                q = np.quantile(np.r_[cell, -cell] if symmetric else cell, GRID)
                out.append({"model": model, "horizon_year": int(h), "n": len(cell), "basis": basis,
                            **{f"{p:g}": float(v) for p, v in zip(GRID, q)}})
        if not out:
            raise ParameterError(
                f"Too few past errors to learn from: every model and horizon has fewer than {min_points}. Pool "
                f"more series or origins, or lower min_points (got {min_points})."
            )
        return cls(pd.DataFrame(out), min_points=min_points, symmetric=symmetric, growth=growth,
                   model_floor=model_floor, later_origins_only=later_origins_only, **info)

    @classmethod
    def from_backtests(cls, backtests: Iterable["LearnedFrom"], min_points: int = DEFAULT_MIN_POINTS,
                       known_by: Any = None, exclude_years: Iterable[str] = (),
                       symmetric: bool = False, growth: float | None = None,
                       model_floor: bool = False, later_origins_only: bool = False) -> "ErrorQuantiles":
        """Learn from many backtests pooled (e.g. every force). ``known_by``: only financial years ended by then
        (real time); ``exclude_years``: leave these target years out (cross-validation)."""
        backtests = list(backtests)
        frames = [bt.financial_years() for bt in backtests]
        fy = LearningRows(known_by, exclude_years)(pd.concat(frames, ignore_index=True))  # as Calibration does
        metas = [meta(bt.series) for bt in backtests]
        names = tuple(dict.fromkeys(m["force"] or str(bt.series.name) for m, bt in zip(metas, backtests)))
        origins = tuple(sorted({f"{o:%Y-%m-%d}" for o in fy["origin"]}))
        freq = {m["frequency"] for m in metas}
        measure = {m["measure"] for m in metas}
        return cls.from_frame(fy, min_points, symmetric, growth, model_floor, later_origins_only, series=names,
                              origins=origins,
                              frequency=freq.pop() if len(freq) == 1 else None,
                              measure=measure.pop() if len(measure) == 1 else None)

    # ------------------------------------------------------------------ using
    def quantile_function(self, model: str, horizon_year: int) -> np.ndarray | None:
        """The stored quantiles (at :data:`GRID`) of ``model``'s relative errors ``horizon_year`` ahead; the last
        learned horizon beyond the learned ones; None for a model it never saw."""
        table = self.quantiles[self.quantiles["model"] == model].sort_values("horizon_year")
        if table.empty:
            return None
        known = table["horizon_year"].to_numpy()
        pos = int(np.clip(np.searchsorted(known, horizon_year, side="right") - 1, 0, len(known) - 1))
        return table.iloc[pos][[f"{p:g}" for p in GRID]].to_numpy(dtype=float)

    def interval(self, model: str, horizon_year: int, level: float) -> tuple[float, float]:
        """``(low, high)`` multipliers of the forecast for a ``level``% interval (mean kept), e.g. (0.9, 1.12)."""
        q = self.quantile_function(model, horizon_year)
        if q is None:
            raise ParameterError(f"No errors were learned for model {model!r}; it has: "
                                 f"{', '.join(self.quantiles['model'].unique())}.")
        c = np.log(np.mean(np.exp(q)))
        a = (1 - level / 100) / 2
        return float(np.exp(np.interp(a, GRID, q) - c)), float(np.exp(np.interp(1 - a, GRID, q) - c))

    def apply(self, simulated: dict[str, np.ndarray], index: pd.PeriodIndex) -> dict[str, np.ndarray]:
        """Each model's paths with every financial year's simulated totals mapped onto the learned errors (see the
        module docstring). Models it never saw are returned unchanged."""
        weights = fiscal.group_weights(index, "financial_year")
        owner = np.asarray(weights.to_numpy().argmax(axis=1))  # the year holding most of each period's days
        years = np.array([fiscal.financial_year(p).ordinal for p in index])
        horizon = years - years[0] + 1 if len(years) else years
        out = {}
        for name, paths in simulated.items():
            paths = np.asarray(paths, dtype=float)
            mapped = paths.copy()
            for col in np.unique(owner):
                cols = owner == col
                q = self.quantile_function(name, int(horizon[cols][0]))
                if q is None:
                    break
                mapped[:, cols] = _map_year(paths[:, cols], q, self.model_floor)
            else:
                out[name] = mapped
                continue
            logger.info("conformal: no errors learned for %s; its paths are left as simulated", name)
            out[name] = paths
        return out

    def applies_to(self, series: pd.Series) -> bool:
        """True when ``series`` has the measure these errors were learned on, at any frequency: the errors are
        relative errors of financial-year totals by years ahead, which carry over to monthly (or daily) series of
        the same measure by construction (:meth:`transfer_note` says so in the forecast's notes)."""
        return self.measure in (None, meta(series)["measure"])

    def transfer_note(self, series: pd.Series) -> str:
        """A sentence when ``series`` has another frequency than the one learned on, else ``""``."""
        freq = meta(series)["frequency"]
        if self.frequency in (None, freq):
            return ""
        return (f" They were learned on {self.frequency} series and are applied to this {freq} series' "
                f"financial-year totals (errors relative to the forecast, by years ahead, carry over to any "
                f"frequency); no backtest of {freq} series has checked them.")

    @property
    def note(self) -> str:
        """One sentence for readers: how the intervals were made."""
        who = f"{len(self.series)} forces" if len(self.series) > 3 else " and ".join(self.series) or "past series"
        first, last = (self.origins[0][:4], self.origins[-1][:4]) if self.origins else ("", "")
        when = f", forecasts made each March {first}–{last}" if first else ""
        n = int(self.quantiles.loc[self.quantiles["horizon_year"] == 1, "n"].max()) if len(self.quantiles) else 0
        sides = " (on either side)" if self.symmetric else ""
        text = (f"Intervals are set by past errors: the spread of financial-year totals is how far {n:,} past "
                f"forecasts of the same kind missed{sides}, by years ahead (backtests of {who}{when}), around this "
                + ("forecast, and never narrower than the model's own spread." if self.model_floor else
                   "forecast; not the model's own spread."))
        held = (self.evaluation or {}).get("coverage_95")
        if held:
            shares = [f"{100 * held[h]:.0f}%" for h in sorted(held, key=int)]
            listed = ", ".join(shares[:-1]) + f" and {shares[-1]}" if len(shares) > 1 else shares[0]
            text += (f" Made this way in real time ({self.evaluation.get('basis', 'national backtests')}), 95% "
                     f"intervals held {listed} of actual financial-year totals 1 to {len(shares)} years ahead.")
        return text

    def table(self) -> pd.DataFrame:
        """``model, horizon_year, n, basis`` and the 80% and 95% multipliers of the forecast."""
        rows = []
        for r in self.quantiles.itertuples(index=False):
            row = {"model": r.model, "horizon_year": r.horizon_year, "n": r.n, "basis": r.basis}
            for level in (80, 95):
                lo, hi = self.interval(r.model, r.horizon_year, level)
                row[f"low_{level}"], row[f"high_{level}"] = lo, hi
            rows.append(row)
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ storage
    def to_json(self, path: str | Path | None = None) -> str:
        data = {"format": FORMAT, "version": VERSION, "min_points": self.min_points, "symmetric": self.symmetric,
                "growth": self.growth, "model_floor": self.model_floor,
                "later_origins_only": self.later_origins_only, "evaluation": self.evaluation,
                "frequency": self.frequency,
                "measure": self.measure, "series": list(self.series), "origins": list(self.origins),
                "quantiles": self.quantiles.to_dict(orient="records")}
        text = json.dumps(data, indent=1) + "\n"
        if path is not None:
            from ..reporting.outputs import write_text_atomic

            write_text_atomic(path, text)
        return text

    @classmethod
    def from_json(cls, source: str | Path) -> "ErrorQuantiles":
        text = str(source)
        if not text.lstrip().startswith("{"):
            text = Path(source).read_text(encoding="utf-8")
        data = json.loads(text)
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ParameterError(
                f"Not forcast error quantiles version {VERSION} (format {data.get('format')!r}, version "
                f"{data.get('version')!r}). Learn them again with ErrorQuantiles.from_backtests."
            )
        return cls(pd.DataFrame(data["quantiles"]), tuple(data["series"]), tuple(data["origins"]),
                   data.get("frequency"), data.get("measure"), int(data["min_points"]), bool(data.get("symmetric")),
                   data.get("growth"), bool(data.get("model_floor")), bool(data.get("later_origins_only")),
                   data.get("evaluation"))

    def __repr__(self) -> str:
        return (f"<ErrorQuantiles from {len(self.series)} series, {self.quantiles['model'].nunique()} models, "
                f"horizons 1–{self.quantiles['horizon_year'].max()}>")


def _map_year(paths: np.ndarray, q: np.ndarray, model_floor: bool = False) -> np.ndarray:
    """Scale each path's periods of one year so the paths' totals follow ``mean * exp(q(u) - c)`` by rank
    (``model_floor``: or their own total where that is farther out on its side, then rescaled to the mean)."""
    totals = paths.sum(axis=1)
    n = len(totals)
    if n == 0 or not np.all(np.isfinite(totals)) or totals.mean() <= 0:
        return paths
    u = (np.argsort(np.argsort(totals, kind="stable"), kind="stable") + 0.5) / n
    e = np.interp(u, GRID, q)
    target = totals.mean() * np.exp(e - np.log(np.mean(np.exp(e))))
    if model_floor:
        target = np.where(u < 0.5, np.minimum(target, totals), np.maximum(target, totals))
        target = target * (totals.mean() / target.mean())
    safe = np.where(totals > 0, totals, 1.0)
    factor = np.where(totals > 0, target / safe, 1.0)
    scaled = paths * factor[:, None]
    # a path whose simulated total is not positive cannot be scaled: give it the target spread evenly
    bad = totals <= 0
    if bad.any():
        scaled[bad] = target[bad, None] / paths.shape[1]
    return scaled
