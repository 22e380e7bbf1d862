"""Control-room workload implied by a call forecast: handling hours and full-time equivalents (FTE) per year.

For each model and each simulated path of a call :class:`~forcast.Forecast`:

1. the financial-year call total of the path (observed periods plus the simulated remainder — exactly as
   :meth:`forcast.Forecast.financial_years` totals them);
2. ``handling_hours = calls x average handling time (seconds) / 3600``;
3. ``fte = handling_hours / productive hours per FTE``.

Means and intervals are then taken over the paths by :func:`forcast.forecasting.paths.summarise`, like every interval in
forcast. When the average handling time is itself uncertain (estimated from an export,
:meth:`HandlingTime.from_counts`), one value per path is drawn from ``Normal(average, standard error)`` and used
for every year of that path, so the intervals carry both the uncertainty of demand and that of the average. The
same draws serve every model.

What the figures are not: ``fte`` is handling time divided by productive hours. It does not include time between
calls, wrap-up outside the export's handling time, breaks, training or abstractions unless the productive-hours
figure allows for them, and it is **not** the staffing needed to answer calls within a service level at the busiest
hours (that needs an hourly arrival profile and a queueing model such as Erlang C). The ``assumptions`` table says
which inputs are assumptions and where they came from.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..forecasting.forecast import model_seed
from ..forecasting.paths import summarise
from .series import describe_series, meta, stand_in_note

logger = logging.getLogger(__name__)

__all__ = ["HandlingTime", "Workload", "workload"]

MEASURES: tuple[str, ...] = ("calls", "handling_hours", "fte")
HOURS_PER_YEAR = 24 * 366


@dataclass(frozen=True)
class HandlingTime:
    """Average handling time per call, in seconds, with the standard error of that average (0: taken as exact).

    Build it from a number you were given (``HandlingTime(240, source="control-room manager, 2023")``) or estimate
    it from an export with :meth:`from_counts`.
    """

    seconds: float
    standard_error: float = 0.0
    source: str = "given by the user"
    estimated: bool = False

    def __post_init__(self) -> None:
        for name in ("seconds", "standard_error"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                    or not np.isfinite(value) or value < 0 or (name == "seconds" and value == 0):
                rule = "above 0" if name == "seconds" else "0 or more"
                raise ParameterError(f"HandlingTime `{name}` must be a number of seconds {rule}. Got {value!r}.")

    @classmethod
    def from_counts(cls, table: pd.DataFrame, last_periods: int | None = None) -> "HandlingTime":
        """Estimate the average from :func:`forcast.data.count_calls` output (``period, calls, handling_seconds``).

        The average is total handling seconds over total calls (of the last ``last_periods`` periods when given).
        Its standard error treats each period as a sample of calls: ``sqrt(sum((h_i - R c_i)^2) / (n (n - 1)))
        / mean(c)`` (the ratio estimator's standard error). It measures how much the average depends on which
        periods were exported — not how handling time may change in future.
        """
        need = {"period", "calls", "handling_seconds"}
        if not isinstance(table, pd.DataFrame) or not need <= set(table.columns):
            got = list(table.columns) if isinstance(table, pd.DataFrame) else type(table).__name__
            raise ParameterError(
                f"HandlingTime.from_counts needs the table from forcast.data.count_calls with columns period, calls, "
                f"handling_seconds. Got {got}."
            )
        if last_periods is not None:
            table = table.tail(int(last_periods))
        calls = table["calls"].to_numpy(dtype=float)
        seconds = table["handling_seconds"].to_numpy(dtype=float)
        if np.isnan(seconds).all():
            raise ParameterError(
                "The count table has no handling times (handling_seconds is empty). Count the export with "
                "count_calls(..., handling_time_column='<column of handling times>'), or give the average "
                "handling time as a number."
            )
        if len(table) < 2 or calls.sum() <= 0:
            raise ParameterError(
                f"Estimating the average handling time needs at least 2 periods with calls. Got {len(table)} "
                f"period(s) and {calls.sum():,.0f} calls."
            )
        ratio = seconds.sum() / calls.sum()
        n = len(calls)
        se = float(np.sqrt(np.sum((seconds - ratio * calls) ** 2) / (n * (n - 1))) / calls.mean())
        periods = pd.PeriodIndex(table["period"])
        source = (f"estimated from the export: {calls.sum():,.0f} calls, {periods[0]} to {periods[-1]} "
                  f"({n} periods)")
        return cls(float(ratio), se, source, estimated=True)

    def draw(self, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """One average handling time per path: ``Normal(seconds, standard_error)``, kept above 0."""
        if self.standard_error == 0:
            return np.full(n_paths, float(self.seconds))
        return np.maximum(rng.normal(self.seconds, self.standard_error, n_paths), 1e-9)

    def describe(self) -> str:
        text = f"{self.seconds:,.0f} seconds ({self.seconds / 60:.1f} minutes) per call"
        if self.standard_error:
            text += f", standard error {self.standard_error:,.1f} seconds"
        return text


@dataclass
class Workload:
    """Handling hours and FTE per financial year, from the paths of a call forecast.

    ``table``: ``financial_year, model, measure, mean, lower_80, upper_80, lower_95, upper_95`` with ``measure``
    one of ``calls``, ``handling_hours``, ``fte``. ``assumptions``: ``input, value, status, source``.
    ``notes``: sentences to print under the table (the stand-in warning among them when it applies).
    """

    table: pd.DataFrame
    assumptions: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def for_model(self, model: str) -> pd.DataFrame:
        """Rows of one model, one row per financial year and measure."""
        return self.table[self.table["model"] == model].reset_index(drop=True)

    def summary(self, model: str | None = None) -> str:
        """Plain-English lines for one model (default: the first), with the assumptions and notes."""
        model = model or str(self.table["model"].iloc[0])
        rows = self.for_model(model)
        if rows.empty:
            raise ParameterError(f"No model {model!r} in this workload. It has: "
                                 f"{', '.join(self.table['model'].unique())}.")
        top = max(int(c.split("_")[1]) for c in rows.columns if c.startswith("upper_"))
        lines = [f"Control-room workload implied by the {model} forecast:"]
        for fy, part in rows.groupby("financial_year", sort=False):
            vals = part.set_index("measure")
            cells = []
            for measure, unit, fmt in (("calls", "calls", ",.0f"), ("handling_hours", "handling hours", ",.0f"),
                                       ("fte", "FTE", ",.1f")):
                r = vals.loc[measure]
                low, high = r[f"lower_{top}"], r[f"upper_{top}"]
                cells.append(f"{r['mean']:{fmt}} {unit} ({top}%: {low:{fmt}}–{high:{fmt}})")
            lines.append(f"  {fy}: " + "; ".join(cells))
        lines.append("Assumptions:")
        lines += [f"  {r.input}: {r.value} [{r.status}; {r.source}]" for r in self.assumptions.itertuples()]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


def workload(
    forecast: Any,
    handling_seconds_per_call: float | HandlingTime | pd.DataFrame,
    productive_hours_per_fte: float,
    models: Sequence[str] | None = None,
    seed: int | None = None,
) -> Workload:
    """Handling hours and FTE per financial year implied by a call forecast (see the module docstring).

    Parameters
    ----------
    forecast : a :class:`~forcast.Forecast` of calls (e.g. from :func:`forcast.data.calls.forecast_calls`).
    handling_seconds_per_call : the average handling time per call: a number of seconds (an assumption, taken as
        exact), a :class:`HandlingTime`, or the table from :func:`forcast.data.count_calls` with handling times
        (estimated with :meth:`HandlingTime.from_counts`, uncertainty simulated).
    productive_hours_per_fte : hours one full-time member of staff spends handling calls in a year, after leave,
        training, breaks and other abstractions. No default: it differs by force and role (1,500 is a common
        planning figure for 37-hour posts). State where your figure comes from.
    models : models of the forecast to use (default: all).
    seed : seeds the handling-time draws (default: the forecast's seed).
    """
    handling = _handling(handling_seconds_per_call)
    hours = _productive_hours(productive_hours_per_fte)
    names = list(forecast.simulated) if models is None else list(models)
    unknown = [m for m in names if m not in forecast.simulated]
    if unknown or not names:
        raise ParameterError(f"models must name models of this forecast ({', '.join(forecast.simulated)}). "
                             f"Got {list(models)!r}.")
    seed = forecast.seed if seed is None else seed
    rng = model_seed(seed, "aht")  # the handling-time draws get their own stream, as each model does
    draws = handling.draw(forecast.n_paths, rng)
    frames = []
    for name in names:
        totals = forecast.path_totals(name, "financial_year")
        labels, calls = list(totals.columns), totals.to_numpy()
        handling_hours = calls * draws[:, None] / 3600.0
        parts = []
        for measure, totals in zip(MEASURES, (calls, handling_hours, handling_hours / hours)):
            out = summarise(totals, forecast.levels)
            out.insert(0, "measure", measure)
            out.insert(0, "model", name)
            out.insert(0, "financial_year", labels)
            parts.append(out)
        # one block per financial year: calls, handling_hours, fte
        frames.append(pd.concat(parts).sort_index(kind="stable"))
    table = pd.concat(frames, ignore_index=True)
    assumptions, notes = _assumptions(forecast, handling, hours, names)
    return Workload(table, assumptions, notes)


# ---------------------------------------------------------------------------------------------- helpers
def _handling(value: Any) -> HandlingTime:
    if isinstance(value, HandlingTime):
        return value
    if isinstance(value, pd.DataFrame):
        return HandlingTime.from_counts(value)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return HandlingTime(float(value), 0.0, "given by the user")
    raise ParameterError(
        f"handling_seconds_per_call must be seconds per call (e.g. 240), a HandlingTime, or the table from "
        f"forcast.data.count_calls with handling times. Got {type(value).__name__}."
    )


def _productive_hours(value: Any) -> float:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or not 0 < value <= HOURS_PER_YEAR:
        raise ParameterError(
            f"productive_hours_per_fte must be the hours a year one full-time post spends handling calls, above 0 "
            f"and at most {HOURS_PER_YEAR:,} (e.g. 1500). Got {value!r}."
        )
    return float(value)


def _assumptions(fc: Any, handling: HandlingTime, hours: float, names: list[str]) -> tuple[pd.DataFrame, list]:
    m = meta(fc.series)
    rows = [
        ("calls", f"forecast of {describe_series(fc.series)} ({', '.join(names)}; {fc.n_paths:,} paths)",
         "forecast", m["source"] or "not stated"),
        ("average handling time", handling.describe(),
         "estimate from data" if handling.estimated else "assumption", handling.source),
        ("handling-time uncertainty",
         "simulated: one draw per path from Normal(average, standard error), shared by all years and models"
         if handling.standard_error else "none: the average is taken as exact",
         "method", "forcast.data.workload"),
        ("productive hours per FTE", f"{hours:,.0f} hours a year", "assumption", "given by the user"),
        ("what FTE covers", "call handling time only; not the staffing needed to meet a service level at peak "
         "hours (needs an hourly profile and a queueing model)", "definition", "forcast.data.workload"),
    ]
    notes = []
    caveat = m.get("caveat")
    if caveat:
        rows.append(("data caveat", caveat, "data", m["source"] or "not stated"))
    stand_in = stand_in_note(fc.series)
    if stand_in:
        notes.append(stand_in + " Workload figures made from it are for demonstration only.")
    if handling.estimated:
        notes.append("The average handling time was estimated from the export and its sampling uncertainty is "
                     "simulated in the paths; changes in handling time after the export are not modelled.")
    frame = pd.DataFrame(rows, columns=["input", "value", "status", "source"])
    return frame, notes
