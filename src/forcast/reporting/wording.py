"""Year-on-year change in words, the way a force writes it in its Force Management Statement.

:func:`describe_change` reads a financial-year table for **one** model (``financial_year`` and ``mean``, as given
by :meth:`forcast.Forecast.financial_years` or :func:`forcast.data.workload.workload`) and returns a phrase to follow
the name of the measure::

    "999 calls " + describe_change(fy)   ->  "999 calls rise about 4% in 2019/20, then fall about 3% a year to 2022/23"

The rules, applied to the change from each year to the next (``100 * (this / previous - 1)``):

* a change that rounds to 0% (under 0.5% either way, ``level_within``) is "about level";
* consecutive years moving the same way form one run. A run whose yearly changes are alike (they differ by at most
  1 percentage point, or half the run's average rate if that is more) is described by its average yearly rate,
  compounded: "falls about 3% a year to 2022/23". A run of unlike changes says "falls each year until 2021/22"
  with the range of its rates in brackets;
* runs are joined by ", then".

Rates of 2% and more are rounded to whole percent; smaller ones keep one decimal ("0.8%"). The function is pure:
same table, same words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["describe_change", "plural_verbs", "year_on_year"]

_VERBS = {1: ("rises", "rise"), -1: ("falls", "fall"), 0: ("stays about level", "stay about level")}


@dataclass(frozen=True)
class _Run:
    direction: int
    years: list[str]
    rates: list[float]
    compound: float


def year_on_year(table: pd.DataFrame, value: str = "mean", last_actual: float | None = None) -> pd.DataFrame:
    """``financial_year, value, pct_change``: the change from the year before, in percent (first row NaN unless
    ``last_actual``, the previous year's total, is given)."""
    if not isinstance(table, pd.DataFrame) or not {"financial_year", value} <= set(table.columns):
        got = list(table.columns) if isinstance(table, pd.DataFrame) else type(table).__name__
        raise ParameterError(
            f"describe_change needs a financial-year table with columns 'financial_year' and {value!r} (e.g. "
            f"Forecast.financial_years() for one model). Got {got}."
        )
    if "model" in table.columns and table["model"].nunique() > 1:
        models = ", ".join(map(str, table["model"].unique()))
        raise ParameterError(
            f"describe_change describes one model at a time; the table holds {models}. Select one first, e.g. "
            f"fy[fy['model'] == 'combination']."
        )
    values = table[value].to_numpy(dtype=float)
    previous = np.concatenate([[np.nan if last_actual is None else float(last_actual)], values[:-1]])
    if not np.all(np.isfinite(values)) or np.any(values <= 0) or (last_actual is not None and last_actual <= 0):
        raise ParameterError(
            f"describe_change needs positive totals to express changes in percent. Got {list(values)}"
            f"{'' if last_actual is None else f' and last_actual={last_actual!r}'}."
        )
    return pd.DataFrame({"financial_year": table["financial_year"].astype(str).to_numpy(), value: values,
                         "pct_change": 100 * (values / previous - 1)})


def describe_change(table: pd.DataFrame, value: str = "mean", last_actual: float | None = None,
                    level_within: float = 0.5) -> str:
    """Phrase for the year-on-year path of ``value`` in a one-model financial-year table (see module docstring).

    ``last_actual`` is the total of the year before the table's first year (e.g. the last complete observed
    financial year), so that the first year's change is described too; without it the description starts with the
    change into the table's second year. Verbs agree with a singular subject ("rises"); pass the result through
    :func:`plural_verbs` for a plural one ("999 calls rise").
    """
    yoy = year_on_year(table, value, last_actual).dropna(subset=["pct_change"])
    if yoy.empty:
        raise ParameterError(
            "describe_change needs at least two financial years, or one year and last_actual (the total of the "
            f"year before). Got {len(table)} year(s) and last_actual={last_actual!r}."
        )
    runs = _runs(yoy, level_within)
    parts = [_phrase(run, last=i == len(runs) - 1) for i, run in enumerate(runs)]
    return ", then ".join(parts)


def plural_verbs(phrase: str) -> str:
    """``"rises ..., then falls ..."`` -> ``"rise ..., then fall ..."`` (for subjects such as "999 calls")."""
    out = phrase
    for singular, plural in _VERBS.values():
        out = out.replace(singular, plural)
    return out


# ---------------------------------------------------------------------------------------------- helpers
def _runs(yoy: pd.DataFrame, level_within: float) -> list[_Run]:
    runs: list[_Run] = []
    years, rates = list(yoy["financial_year"]), list(yoy["pct_change"])
    growth = 1 + np.asarray(rates) / 100
    start = 0
    for i in range(1, len(rates) + 1):
        if i == len(rates) or _direction(rates[i], level_within) != _direction(rates[start], level_within):
            compound = 100 * (float(np.prod(growth[start:i])) ** (1 / (i - start)) - 1)
            runs.append(_Run(_direction(rates[start], level_within), years[start:i], rates[start:i], compound))
            start = i
    return runs


def _direction(rate: float, level_within: float) -> int:
    return 0 if abs(rate) < level_within else (1 if rate > 0 else -1)


def _pct(rate: float) -> str:
    size = abs(rate)
    return f"{size:.0f}%" if size >= 1.95 else f"{size:.1f}%"


def _alike(rates: list[float]) -> bool:
    spread = max(rates) - min(rates)
    return spread <= max(1.0, 0.5 * abs(float(np.mean(rates))))


def _phrase(run: _Run, last: bool) -> str:
    verb = _VERBS[run.direction][0]
    first, end = run.years[0], run.years[-1]
    if len(run.years) == 1:
        if run.direction == 0:
            return f"{verb} in {first}"
        return f"{verb} about {_pct(run.rates[0])} in {first}"
    if run.direction == 0:
        return f"{verb} to {end}"
    if _alike(run.rates):
        return f"{verb} about {_pct(run.compound)} a year {'to' if last else 'until'} {end}"
    low, high = sorted(abs(r) for r in (min(run.rates), max(run.rates)))
    return f"{verb} each year until {end} (by {_pct(low)} to {_pct(high)} a year)"
