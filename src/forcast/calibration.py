"""Interval calibration: widen intervals so that past actuals would have fallen inside them at the stated rates.

Model intervals come from the model's own assumptions and are often too narrow for financial-year totals four
years ahead (recording-practice changes are not in any model). A :class:`Calibration` is learned from backtests:

1. For each past financial-year forecast (:meth:`forcast.backtest.Backtest.financial_years`), the **ratio**
   ``r = |log(actual / predicted)| / |log(bound / predicted)|`` with the bound on the side the actual fell
   (``upper`` above, ``lower`` below), at each level: errors are measured relative to the forecast, since demand
   errors are proportional. The interval would have held the actual iff ``r <= 1``, and would have held it after
   widening by ``f`` (on the same relative scale) iff ``r <= f``.
2. Per model and horizon year, ``f_L`` is the smallest ratio such that at least ``L``% of the ratios are
   ``<= f_L`` (the ``ceil(L/100 * n)``-th smallest), floored at 1: calibration only ever widens.
   The factor used is ``max(f_80, f_95)``, so both levels reach their rate on the learning data.
3. **Small samples.** A model and horizon year with fewer than ``min_points`` (default 20) ratios take the
   factor learned from all that model's horizon years together; the factors then never fall as the horizon grows
   (a running maximum). One force's 15-year history gives only a handful of financial years per horizon, so
   pooling many series (:meth:`Calibration.from_backtests`, e.g. all 44 forces) is what makes the per-horizon
   factors meaningful.
4. **Refinement** (:meth:`Calibration.from_backtests`, ``refine`` rounds, default 2). A factor widens each
   period's deviations, and the financial-year total of the widened paths moves by about, not exactly, that
   factor (the periods' deviations do not move together, and the paths are rescaled to keep the mean, which
   pulls the upper bound in). So the backtests are widened, their financial-year totals re-scored, and each
   factor is multiplied by the ratio the widened totals still need (step 2 again, without the floor at 1).
   On the national backtest the combination's 95% intervals then held 94.8–95.5% of the learning data's
   actuals at each horizon (94.3–94.9% without refinement). ``factor_80`` and ``factor_95`` in the
   table stay those of step 2; ``factor`` is the refined one that is applied.

:func:`forcast.forecast` applies a calibration with :func:`forcast.paths.widen`: each path's per-period
relative deviation from the mean, ``log(value / mean)``, is multiplied by the factor of its horizon year and the
mean is kept. Widened intervals therefore stay above zero and are wider above the mean than below it, as
proportional errors are. For a financial-year total the factor applies approximately (exactly when the periods'
relative deviations move together); the benchmark reports the coverage actually reached with the widened paths.
"""

from __future__ import annotations

import json
import logging
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np
import pandas as pd

from . import fiscal
from .errors import CalibrationWarning, ParameterError
from .series import meta

if TYPE_CHECKING:  # pragma: no cover
    from .backtest import Backtest

logger = logging.getLogger(__name__)

FORMAT = "forcast-calibration"
#: 2: factors learned on the relative (log) scale that paths.widen applies; version 1 files (absolute ratios)
#: do not match that widening and are refused.
VERSION = 2
DEFAULT_MIN_POINTS = 20
#: Rounds in which :meth:`Calibration.from_backtests` learns the factors again on the widened totals.
REFINE_ROUNDS = 2
_DEFAULT_FILE = "calibration.json"
FACTOR_COLUMNS = ["model", "horizon_year", "n", "basis"]


def coverage_by_horizon(fy: pd.DataFrame, levels: Sequence = (80, 95)) -> pd.DataFrame:
    """Empirical coverage of a financial-year backtest frame by model and horizon year: ``n, coverage_80, ...``."""
    out = fy.groupby(["model", "horizon_year"], sort=False).size().rename("n").reset_index()
    for level in levels:
        col = f"inside_{level:g}"
        cov = fy.assign(**{col: fy[col].astype(float)}).groupby(["model", "horizon_year"], sort=False)[col].mean()
        out[f"coverage_{level:g}"] = cov.to_numpy()
    return out


def ratios(fy: pd.DataFrame, level: float) -> pd.Series:
    """``|log(actual / predicted)| / |log(bound / predicted)|`` at ``level``, with the bound on the side the actual
    fell (NaN where the interval has no width or a value is not positive).

    This is the factor by which :func:`forcast.paths.widen` (relative, log-scale widening) must widen the interval
    for it to reach the actual.
    """
    above = fy["actual"] >= fy["predicted"]
    bound = np.where(above, fy[f"upper_{level:g}"], fy[f"lower_{level:g}"]).astype(float)
    predicted = fy["predicted"].to_numpy(dtype=float)
    actual = fy["actual"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = np.abs(np.log(actual / predicted))
        half = np.abs(np.log(bound / predicted))
        ok = (predicted > 0) & (actual > 0) & (bound > 0) & (half > 0)
        r = np.where(ok, dev / np.where(ok, half, 1.0), np.nan)
    return pd.Series(r, index=fy.index)


def _quantile(r: np.ndarray, level: float) -> float:
    """The ``ceil(level/100 * n)``-th smallest finite ratio (1.0 when there is none)."""
    r = np.sort(r[np.isfinite(r)])
    if r.size == 0:
        return 1.0
    k = math.ceil(level / 100 * r.size - 1e-9)
    # the actual that sets the factor lies exactly on the widened bound; 1e-9 keeps it inside despite rounding
    return float(r[max(k, 1) - 1]) * (1 + 1e-9)


def _factor(r: np.ndarray, level: float) -> float:
    return max(1.0, _quantile(r, level))


@dataclass(frozen=True)
class _LearningRows:
    """Which rows of a financial-year backtest frame a calibration learns from (see ``from_backtests``)."""

    known_by: Any = None
    exclude_years: Iterable[str] = ()

    def __call__(self, fy: pd.DataFrame) -> pd.DataFrame:
        if self.known_by is not None:
            cutoff = pd.Timestamp(self.known_by)
            ends = fy["financial_year"].map(lambda lab: fiscal.parse_financial_year(lab).end_time.normalize())
            fy = fy[ends <= cutoff]
        excluded = [self.exclude_years] if isinstance(self.exclude_years, str) else list(self.exclude_years)
        return fy[~fy["financial_year"].isin(excluded)] if excluded else fy


@dataclass
class Calibration:
    """Widening factors per model and horizon year, learned from backtests. Pass to ``forecast(calibration=)``.

    ``factors`` columns: ``model, horizon_year, n, basis`` (``"horizon year"`` or ``"all horizons"``),
    ``factor_80``, ``factor_95`` and ``factor`` (the one applied). ``series`` names the series learned from and
    ``origins`` the backtest origins (ISO dates).
    """

    factors: pd.DataFrame
    levels: tuple = (80, 95)
    series: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    frequency: str | None = None
    measure: str | None = None
    min_points: int = DEFAULT_MIN_POINTS
    notes: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ learning
    @classmethod
    def from_frame(cls, fy: pd.DataFrame, levels: Sequence = (80, 95), min_points: int = DEFAULT_MIN_POINTS,
                   **info: Any) -> "Calibration":
        """Learn from a financial-year backtest frame (rows of one or many series)."""
        if isinstance(min_points, bool) or not isinstance(min_points, (int, np.integer)) or min_points < 1:
            raise ParameterError(f"`min_points` must be an integer greater than 0. Got {min_points!r}.")
        if len(fy) == 0:
            raise ParameterError("Cannot learn a calibration from an empty backtest: no financial year was "
                                 "complete after any origin. Use a longer series or earlier origins.")
        levels = tuple(levels)
        r = {lv: ratios(fy, lv) for lv in levels}
        rows = []
        for model, frame in fy.groupby("model", sort=False):
            pooled = {lv: _factor(r[lv][frame.index].to_numpy(), lv) for lv in levels}
            running = 1.0
            for h, cell in frame.groupby("horizon_year"):
                n = int(np.isfinite(r[levels[-1]][cell.index]).sum())
                enough = n >= min_points
                fac = {lv: _factor(r[lv][cell.index].to_numpy(), lv) if enough else pooled[lv] for lv in levels}
                running = max(running, *fac.values())
                rows.append({"model": model, "horizon_year": int(h), "n": n,
                             "basis": "horizon year" if enough else "all horizons",
                             **{f"factor_{lv:g}": fac[lv] for lv in levels}, "factor": running})
        factors = pd.DataFrame(rows)
        skipped = int(sum((~np.isfinite(r[lv])).sum() for lv in levels))
        if skipped:
            logger.info("calibration: %d ratios left out (zero-width intervals cannot be widened)", skipped)
        return cls(factors, levels, min_points=int(min_points), **info)

    @classmethod
    def from_backtest(cls, bt: "Backtest", min_points: int = DEFAULT_MIN_POINTS,
                      known_by: Any = None) -> "Calibration":
        """Learn from one backtest (see :meth:`from_backtests`)."""
        return cls.from_backtests([bt], min_points=min_points, known_by=known_by)

    @classmethod
    def from_backtests(cls, backtests: Iterable["Backtest"], min_points: int = DEFAULT_MIN_POINTS,
                       known_by: Any = None, exclude_years: Iterable[str] = (),
                       refine: int = REFINE_ROUNDS) -> "Calibration":
        """Learn from several backtests pooled (e.g. every force), one ratio per forecast financial year.

        ``known_by`` (a date) keeps only financial years that had ended by then, so a calibration can be learned
        "in real time" and tested on later origins without learning from the data it is judged on.
        ``exclude_years`` (financial-year labels such as ``"2015/16"``) leaves out every forecast *of* those
        years, from any origin, so a calibration can be cross-validated by target year.
        ``refine`` rounds (default :data:`REFINE_ROUNDS`) learn the factors again on the financial-year totals of
        the widened paths, so the stated rates hold for the totals themselves (see the module docstring).
        """
        backtests = list(backtests)
        if not backtests:
            raise ParameterError("`backtests` must hold at least one Backtest. Got none.")
        if isinstance(refine, bool) or not isinstance(refine, (int, np.integer)) or not 0 <= refine <= 10:
            raise ParameterError(f"`refine` must be an integer from 0 to 10. Got {refine!r}.")
        keep = _LearningRows(known_by, exclude_years)
        frames, names, origins = [], [], set()
        for bt in backtests:
            fy = keep(bt.financial_years())
            m = meta(bt.series)
            names.append(str(m["force"] or bt.series.name or f"series {len(names) + 1}"))
            origins.update(fy["origin"].unique())
            frames.append(fy)
        levels = backtests[0].levels
        first = meta(backtests[0].series)
        dates = tuple(f"{pd.Timestamp(o):%Y-%m-%d}" for o in sorted(origins))
        cal = cls.from_frame(pd.concat(frames, ignore_index=True), levels, min_points, series=tuple(names),
                             origins=dates, frequency=first["frequency"], measure=first["measure"])
        for _ in range(refine):
            widened = pd.concat([keep(bt.widened(cal).financial_years()) for bt in backtests], ignore_index=True)
            cal = cal._refined(widened)
        return cal

    def _refined(self, widened: pd.DataFrame) -> "Calibration":
        """The factors multiplied, per model and horizon year, by the ratio still needed by the widened totals
        (``widened``: the learning rows re-scored after widening by these factors); floored at 1 and never falling
        as the horizon grows."""
        r = {lv: ratios(widened, lv) for lv in self.levels}
        rows = []
        for model, table in self.factors.groupby("model", sort=False):
            frame = widened[widened["model"] == model]
            pooled = max(_quantile(r[lv][frame.index].to_numpy(), lv) for lv in self.levels)
            running = 1.0
            for row in table.sort_values("horizon_year").to_dict("records"):
                cell = frame[frame["horizon_year"] == row["horizon_year"]]
                need = (max(_quantile(r[lv][cell.index].to_numpy(), lv) for lv in self.levels)
                        if row["basis"] == "horizon year" else pooled)
                running = max(running, 1.0, row["factor"] * need)
                rows.append({**row, "factor": running})
        return Calibration(pd.DataFrame(rows, columns=self.factors.columns), self.levels, self.series,
                           self.origins, self.frequency, self.measure, self.min_points, list(self.notes))

    # ------------------------------------------------------------------ using
    def factors_for(self, model: str, horizon_years: Iterable[int]) -> np.ndarray:
        """One factor per forecast period, from each period's horizon year (1 = the first financial year).

        Horizon years beyond those learned take the last learned factor; a model that was not in the backtests
        takes the largest factor any model needed at that horizon.
        """
        h = np.asarray(horizon_years, dtype=int)
        table = self.factors[self.factors["model"] == model]
        if table.empty:
            table = self.factors.groupby("horizon_year", as_index=False)["factor"].max()
        table = table.sort_values("horizon_year")
        known = table["horizon_year"].to_numpy()
        values = table["factor"].to_numpy(dtype=float)
        pos = np.clip(np.searchsorted(known, h, side="right") - 1, 0, len(known) - 1)
        return values[pos]

    def applies_to(self, series: pd.Series) -> bool:
        """True when ``series`` has the frequency and measure this calibration was learned on."""
        m = meta(series)
        return (self.frequency in (None, m["frequency"])) and (self.measure in (None, m["measure"]))

    @property
    def note(self) -> str:
        """One sentence for readers saying how the intervals were calibrated (factors of the combination, when
        it was calibrated, else of all models)."""
        own = self.factors[self.factors["model"] == "combination"]
        factors = (own if len(own) else self.factors)["factor"]  # the headline model's, when there is one
        lo, hi = float(factors.min()), float(factors.max())
        who = (f"{len(self.series)} forces" if len(self.series) > 3 else " and ".join(self.series)) or "past series"
        when = _origin_span(self.origins)
        if hi <= 1.0:
            return (f"Intervals were checked against backtests of {who}{when}: past actuals fell inside them at "
                    f"the stated rates, so they are not widened.")
        span = f"{lo:.1f}–{hi:.1f}" if round(lo, 1) != round(hi, 1) else f"{hi:.1f}"
        return (f"Intervals are calibrated: widened by factors {span} learned from backtests of {who}{when} so "
                f"that past actuals would have fallen inside them at the stated rates.")

    def table(self) -> pd.DataFrame:
        return self.factors.copy()

    # ------------------------------------------------------------------ storage
    def to_json(self, path: str | Path | None = None) -> str:
        """The calibration as JSON text; also written (atomically) to ``path`` when given."""
        data = {"format": FORMAT, "version": VERSION, "levels": list(self.levels), "min_points": self.min_points,
                "frequency": self.frequency, "measure": self.measure, "series": list(self.series),
                "origins": list(self.origins), "factors": self.factors.to_dict(orient="records")}
        text = json.dumps(data, indent=1, default=_plain) + "\n"
        if path is not None:
            from .outputs import write_text_atomic

            write_text_atomic(path, text)
        return text

    @classmethod
    def from_json(cls, source: str | Path) -> "Calibration":
        """Read a calibration from JSON text or a file path."""
        text = str(source)
        if not text.lstrip().startswith("{"):
            text = Path(source).read_text(encoding="utf-8")
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ParameterError(f"Not a forcast calibration (format {data.get('format')!r}; expected {FORMAT!r}).")
        if data.get("version") != VERSION:
            raise ParameterError(
                f"This calibration is version {data.get('version')!r}; this forcast widens intervals on the "
                f"relative scale and needs a version-{VERSION} calibration. Learn it again from backtests "
                f"(Calibration.from_backtests, or benchmarks/accuracy.py --write-calibration)."
            )
        return cls(pd.DataFrame(data["factors"]), tuple(data["levels"]), tuple(data["series"]),
                   tuple(data["origins"]), data.get("frequency"), data.get("measure"), int(data["min_points"]))

    def __repr__(self) -> str:
        return f"<Calibration from {len(self.series)} series; factors {self.factors['factor'].min():.2f}–" \
               f"{self.factors['factor'].max():.2f}>"


def default() -> Calibration | None:
    """The pooled calibration shipped with forcast (all 44 forces, quarterly recorded crime), or None if absent."""
    from importlib import resources

    try:
        text = resources.files("forcast").joinpath("_data", _DEFAULT_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        warnings.warn("No default calibration is installed (forcast/_data/calibration.json); intervals are left "
                      "as the models give them. Build one with benchmarks/accuracy.py --write-calibration.",
                      CalibrationWarning, stacklevel=2)
        return None
    try:
        return Calibration.from_json(text)
    except ParameterError as exc:
        warnings.warn(f"The installed default calibration cannot be used ({exc}); intervals are left as the models "
                      f"give them.", CalibrationWarning, stacklevel=2)
        return None


def _origin_span(origins: Sequence[str]) -> str:
    if not origins:
        return ""
    first, last = pd.Timestamp(origins[0]), pd.Timestamp(origins[-1])
    if first == last:
        return f" (origin {first:%B %Y})"
    if first.month == last.month:
        return f" (origins {first:%B} {first.year}–{last.year})"
    return f" (origins {first:%B %Y}–{last:%B %Y})"


def _plain(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return str(value)
