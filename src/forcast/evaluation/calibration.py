"""Interval calibration: widen intervals so that past actuals would have fallen outside them no more often than
the stated rates allow, on either side.

Model intervals come from the model's own assumptions and are often too narrow for financial-year totals four
years ahead (recording-practice changes are not in any model). A :class:`Calibration` is learned from backtests:

1. For each past financial-year forecast (:meth:`forcast.evaluation.backtesting.Backtest.financial_years`), the
   **ratio**
   ``r = |log(actual / predicted)| / |log(bound / predicted)|`` with the bound on the side the actual fell
   (``upper`` above, ``lower`` below), at each level: errors are measured relative to the forecast, since demand
   errors are proportional. The interval would have held the actual iff ``r <= 1``, and would have held it after
   widening that side by ``f`` (on the same relative scale) iff ``r <= f``.
2. **Each side on its own.** A 95% interval is equal-tailed: 2.5% of actuals should fall above it and 2.5%
   below. Per model and horizon year, the upper factor at level ``L`` is the smallest that leaves at most
   ``(100 - L) / 2``% of *all* the forecasts' actuals above the widened bound (the ``ceil((100 + L) / 200 * n)``-th
   smallest of the ratios of actuals above the forecast, counting actuals below it as 0), and likewise the lower
   factor; the larger over the levels is kept (``tail_upper``, ``tail_lower``). Recorded crime's misses are
   lopsided: on the national backtest, widening both sides by one factor left 4.3–4.9% of the learning data's
   actuals above the upper 95% bound and 0.3–0.8% below the lower, so an upper bound read as "a 1-in-40 chance
   of more" was passed about twice as often as that.
3. **A floor against a change of direction.** Each side is widened at least by the **two-sided** factor — the
   smallest ``f`` with at least ``L``% of all ratios ``<= f`` (``two_sided``, larger over the levels) — and by at
   least 1 (calibration only ever widens). The side that rarely missed in the learning years may be the side that
   misses next (recorded crime fell to 2013/14, rose with the recording changes from 2014, fell in the pandemic),
   so it keeps the width a direction-blind calibration would give it. That side's intervals are therefore
   conservative on the learning data.
4. **Small samples.** A model and horizon year with fewer than ``min_points`` (default 20) ratios take the
   factors learned from all that model's horizon years together; the factors then never fall as the horizon grows
   (a running maximum per side). One force's 15-year history gives only a handful of financial years per horizon,
   so pooling many series (:meth:`Calibration.from_backtests`, e.g. all 43 forces) is what makes the per-horizon
   factors meaningful.
5. **Refinement** (:meth:`Calibration.from_backtests`, ``refine`` rounds, default 2). A factor widens each
   period's deviations, and the financial-year total of the widened paths moves by about, not exactly, that
   factor (the periods' deviations do not move together, and the paths are rescaled to keep the mean). So the
   backtests are widened, their financial-year totals re-scored, and each side's factor is multiplied by what the
   widened totals still need for that side's tail rate (step 2 again, without the floor at 1), then floored as in
   step 3. ``two_sided``, ``tail_lower`` and ``tail_upper`` in the table stay those of steps 2–3;
   ``factor_lower`` and ``factor_upper`` are the refined ones that are applied.

:func:`forcast.forecast` applies a calibration with :func:`forcast.forecasting.paths.widen`: each path's per-period
relative deviation from the mean, ``log(value / mean)``, is multiplied by the factor of its horizon year and side
(``factor_upper`` above the mean, ``factor_lower`` below) and the mean is kept. Widened intervals therefore stay
above zero and are wider above the mean than below it, as proportional errors are. For a financial-year total the
factors apply approximately; the benchmark reports the coverage actually reached with the widened paths.
"""

from __future__ import annotations

import json
import logging
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import CalibrationWarning, ParameterError
from ..data.series import meta
from .learning import LearnedFrom, LearningRows

logger = logging.getLogger(__name__)

FORMAT = "forcast-calibration"
#: 3: separate factors below and above the forecast (version 2 had one factor for both sides; version 1 learned
#: absolute ratios); older files do not match this widening and are refused.
VERSION = 3
DEFAULT_MIN_POINTS = 20
#: Rounds in which :meth:`Calibration.from_backtests` learns the factors again on the widened totals.
REFINE_ROUNDS = 2
_DEFAULT_FILE = "calibration.json"
FACTOR_COLUMNS = ["model", "horizon_year", "n", "basis", "two_sided", "tail_lower", "tail_upper", "factor_lower",
                  "factor_upper"]
SIDES = ("lower", "upper")


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

    This is the factor by which :func:`forcast.forecasting.paths.widen` (relative, log-scale widening) must widen the
    interval for it to reach the actual.
    """
    above = _above(fy)
    bound = np.where(above, fy[f"upper_{level:g}"], fy[f"lower_{level:g}"]).astype(float)
    predicted = fy["predicted"].to_numpy(dtype=float)
    actual = fy["actual"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = np.abs(np.log(actual / predicted))
        half = np.abs(np.log(bound / predicted))
        ok = (predicted > 0) & (actual > 0) & (bound > 0) & (half > 0)
        r = np.where(ok, dev / np.where(ok, half, 1.0), np.nan)
    return pd.Series(r, index=fy.index)


def _above(fy: pd.DataFrame) -> np.ndarray:
    """True where the actual fell on the upper side of the forecast (at or above it)."""
    return (fy["actual"] >= fy["predicted"]).to_numpy()


def _quantile(r: np.ndarray, level: float) -> float:
    """The ``ceil(level/100 * n)``-th smallest finite ratio (1.0 when there is none)."""
    r = np.sort(r[np.isfinite(r)])
    if r.size == 0:
        return 1.0
    k = math.ceil(level / 100 * r.size - 1e-9)
    # the actual that sets the factor lies exactly on the widened bound; 1e-9 keeps it inside despite rounding
    return float(r[max(k, 1) - 1]) * (1 + 1e-9)


class _Ratios:
    """The ratios of a financial-year frame at each level, and the factors a set of its rows needs (unfloored)."""

    def __init__(self, fy: pd.DataFrame, levels: Sequence):
        self.levels = tuple(levels)
        self.r = {lv: ratios(fy, lv).to_numpy() for lv in self.levels}
        above = _above(fy)
        # a side's ratios: the actuals on that side, and 0 (inside, whatever the width) for the others
        on = {"upper": above, "lower": ~above}
        self.side = {lv: {s: np.where(on[s] | ~np.isfinite(r), r, 0.0) for s in SIDES} for lv, r in self.r.items()}

    def n(self, rows: np.ndarray) -> int:
        return int(np.isfinite(self.r[self.levels[-1]][rows]).sum())

    def two_sided(self, rows: np.ndarray) -> float:
        return max(_quantile(self.r[lv][rows], lv) for lv in self.levels)

    def tail(self, rows: np.ndarray, side: str) -> float:
        return max(_quantile(self.side[lv][side][rows], (100 + lv) / 2) for lv in self.levels)

    def needs(self, rows: np.ndarray) -> dict[str, float]:
        """``two_sided``, ``tail_lower`` and ``tail_upper`` of ``rows`` (steps 2-3 of the module docstring)."""
        return {"two_sided": self.two_sided(rows), **{f"tail_{s}": self.tail(rows, s) for s in SIDES}}


@dataclass
class Calibration:
    """Widening factors per model and horizon year, learned from backtests. Pass to ``forecast(calibration=)``.

    ``factors`` columns: ``model, horizon_year, n, basis`` (``"horizon year"`` or ``"all horizons"``),
    ``two_sided``, ``tail_lower``, ``tail_upper`` (what each rule of steps 2–3 of the module docstring asks for,
    before any floor: below 1 the model's intervals were wider than needed) and
    ``factor_lower``, ``factor_upper`` (refined; the ones applied below and above the forecast). ``series`` names
    the series learned from and ``origins`` the backtest origins (ISO dates).
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
        fy = fy.reset_index(drop=True)
        r = _Ratios(fy, levels)
        rows = []
        for model, frame in fy.groupby("model", sort=False):
            pooled = r.needs(frame.index.to_numpy())
            running = dict.fromkeys(SIDES, 1.0)
            for h, cell in frame.groupby("horizon_year"):
                rows_h = cell.index.to_numpy()
                n = r.n(rows_h)
                enough = n >= min_points
                need = r.needs(rows_h) if enough else pooled
                for s in SIDES:
                    running[s] = max(running[s], 1.0, need["two_sided"], need[f"tail_{s}"])
                rows.append({"model": model, "horizon_year": int(h), "n": n,
                             "basis": "horizon year" if enough else "all horizons", **need,
                             **{f"factor_{s}": running[s] for s in SIDES}})
        factors = pd.DataFrame(rows, columns=FACTOR_COLUMNS)
        skipped = int(sum((~np.isfinite(r.r[lv])).sum() for lv in levels))
        if skipped:
            logger.info("calibration: %d ratios left out (zero-width intervals cannot be widened)", skipped)
        return cls(factors, levels, min_points=int(min_points), **info)

    @classmethod
    def from_backtest(cls, bt: "LearnedFrom", min_points: int = DEFAULT_MIN_POINTS,
                      known_by: Any = None) -> "Calibration":
        """Learn from one backtest (see :meth:`from_backtests`)."""
        return cls.from_backtests([bt], min_points=min_points, known_by=known_by)

    @classmethod
    def from_backtests(cls, backtests: Iterable["LearnedFrom"], min_points: int = DEFAULT_MIN_POINTS,
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
        keep = LearningRows(known_by, exclude_years)
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
        """Each side's factor multiplied, per model and horizon year, by what the widened totals still need for
        that side's tail rate (``widened``: the learning rows re-scored after widening by these factors); then
        floored by the two-sided factor and 1 and never falling as the horizon grows."""
        widened = widened.reset_index(drop=True)
        r = _Ratios(widened, self.levels)
        rows = []
        for model, table in self.factors.groupby("model", sort=False):
            frame = widened[widened["model"] == model]
            pooled = {s: r.tail(frame.index.to_numpy(), s) for s in SIDES}
            running = dict.fromkeys(SIDES, 1.0)
            for row in table.sort_values("horizon_year").to_dict("records"):
                cell = frame.index[frame["horizon_year"] == row["horizon_year"]].to_numpy()
                for s in SIDES:
                    need = r.tail(cell, s) if row["basis"] == "horizon year" else pooled[s]
                    running[s] = max(running[s], 1.0, row["two_sided"], row[f"factor_{s}"] * need)
                rows.append({**row, **{f"factor_{s}": running[s] for s in SIDES}})
        return Calibration(pd.DataFrame(rows, columns=self.factors.columns), self.levels, self.series,
                           self.origins, self.frequency, self.measure, self.min_points, list(self.notes))

    # ------------------------------------------------------------------ using
    def factors_for(self, model: str, horizon_years: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        """``(lower, upper)``: one factor per forecast period for each side, from each period's horizon year
        (1 = the first financial year).

        Horizon years beyond those learned take the last learned factors; a model that was not in the backtests
        takes the largest factors any model needed at that horizon.
        """
        h = np.asarray(horizon_years, dtype=int)
        columns = [f"factor_{s}" for s in SIDES]
        table = self.factors[self.factors["model"] == model]
        if table.empty:
            table = self.factors.groupby("horizon_year", as_index=False)[columns].max()
        table = table.sort_values("horizon_year")
        known = table["horizon_year"].to_numpy()
        pos = np.clip(np.searchsorted(known, h, side="right") - 1, 0, len(known) - 1)
        lower, upper = (table[c].to_numpy(dtype=float)[pos] for c in columns)
        return lower, upper

    def applies_to(self, series: pd.Series) -> bool:
        """True when ``series`` has the frequency and measure this calibration was learned on."""
        m = meta(series)
        return (self.frequency in (None, m["frequency"])) and (self.measure in (None, m["measure"]))

    @property
    def note(self) -> str:
        """One sentence for readers saying how the intervals were calibrated (factors of the combination, when
        it was calibrated, else of all models)."""
        own = self.factors[self.factors["model"] == "combination"]
        table = own if len(own) else self.factors  # the headline model's, when there is one
        spans = {s: _span(table[f"factor_{s}"]) for s in SIDES}
        who = (f"{len(self.series)} forces" if len(self.series) > 3 else " and ".join(self.series)) or "past series"
        when = _origin_span(self.origins)
        if max(table["factor_lower"].max(), table["factor_upper"].max()) <= 1.0:
            return (f"Intervals were checked against backtests of {who}{when}: past actuals fell inside them at "
                    f"the stated rates, so they are not widened.")
        how = (f"by factors {spans['upper']}" if spans["lower"] == spans["upper"]
               else f"above the forecast by factors {spans['upper']} and below it by {spans['lower']}")
        return (f"Intervals are calibrated: widened {how}, learned from backtests of {who}{when} so that past "
                f"actuals would have fallen outside them no more often than the stated rates allow, above or below.")

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
            from ..reporting.outputs import write_text_atomic

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
        f = self.factors
        return (f"<Calibration from {len(self.series)} series; factors below {f['factor_lower'].min():.2f}–"
                f"{f['factor_lower'].max():.2f}, above {f['factor_upper'].min():.2f}–{f['factor_upper'].max():.2f}>")


def default() -> Calibration | None:
    """The pooled widening factors shipped with forcast (43 forces' quarterly recorded crime), or None if absent.

    Not the default interval method any more: :func:`forcast.forecasting.intervals.default_method` prefers the error
    quantiles of :mod:`forcast.evaluation.conformal`; pass ``calibration=forcast.evaluation.calibration.default()``
    to use these factors."""
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


def _span(factors: pd.Series) -> str:
    lo, hi = float(factors.min()), float(factors.max())
    return f"{lo:.1f}–{hi:.1f}" if round(lo, 1) != round(hi, 1) else f"{hi:.1f}"


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
