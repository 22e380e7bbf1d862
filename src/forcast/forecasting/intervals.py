"""Which intervals a forecast gets: one rule for :func:`forcast.forecast`, :func:`forcast.check`, the command
line and the FMS chapter, so the same call gives the same numbers everywhere.

``calibration=`` takes

* ``"default"`` (the default): what ships with forcast, learned from the national backtests -- the error
  quantiles of :mod:`forcast.evaluation.conformal` (``_data/error_quantiles.json``) when present, else the widening
  factors of :mod:`forcast.evaluation.calibration` (``_data/calibration.json``) -- *when it was learned on series
  like this one* (the same measure; error quantiles of financial-year totals carry over to any frequency, and the note
  says when they were learned on another); otherwise the model's own intervals, and the note says why (for call
  series, with how such intervals covered in ``benchmarks/calls_intervals.py``);
* ``None`` or ``"none"``: the model's own intervals;
* a :class:`~forcast.evaluation.conformal.ErrorQuantiles` or :class:`~forcast.evaluation.calibration.Calibration`, or
  the path of a JSON file holding one.

:func:`resolve` returns the object to apply (or None) and the sentence every output prints about it.
"""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import CalibrationWarning, ParameterError, SourceNotFoundError
from ..data.series import meta

__all__ = ["default_method", "load", "resolve", "MODEL_BASED"]

_FILES = ("error_quantiles.json", "calibration.json")
#: Written by ``benchmarks/calls_intervals.py --write``: how model-based intervals covered call series.
CALLS_EVALUATION = "calls_interval_evaluation.json"
#: What the note says when a forecast keeps its model's own intervals (and why, appended).
MODEL_BASED = "Intervals are model-based: they come from the models' own simulated spread"


#: How to fix a calibration file that cannot be used, said by every such error.
_FIX = ("Give 'default', 'none', or a JSON file written by ErrorQuantiles.to_json() or Calibration.to_json() "
        "(command line: --calibration default|none|FILE).")


def _parse(text: str, where: str) -> Any:
    from ..evaluation.calibration import Calibration
    from ..evaluation.conformal import ErrorQuantiles

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        looks = " (it looks like a CSV table)" if "," in text.splitlines()[0] and not text.lstrip().startswith(
            ("{", "[")) else ""
        raise ParameterError(f"{where} is not a forcast calibration: it is not valid JSON{looks} ({exc}). "
                             f"{_FIX}") from None
    kind = data.get("format") if isinstance(data, dict) else None
    readers = {"forcast-error-quantiles": ErrorQuantiles, "forcast-calibration": Calibration}
    if kind not in readers:
        raise ParameterError(f"{where} is not a forcast calibration (format {kind!r}). {_FIX}")
    try:
        return readers[kind].from_json(text)
    except ParameterError as exc:
        raise ParameterError(f"{where} cannot be used: {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        missing = f"it lacks {exc.args[0]!r}" if isinstance(exc, KeyError) else f"{type(exc).__name__}: {exc}"
        raise ParameterError(f"{where} is not a complete forcast calibration ({missing}). It may be truncated or "
                             f"edited by hand; write it again. {_FIX}") from None


@lru_cache(maxsize=1)
def _shipped() -> Any:
    folder = resources.files("forcast").joinpath("_data")
    for name in _FILES:
        try:
            text = folder.joinpath(name).read_text(encoding="utf-8")
        except (FileNotFoundError, OSError):
            continue
        try:
            return _parse(text, f"The shipped {name}")
        except ParameterError as exc:
            warnings.warn(f"The shipped {name} cannot be used ({exc}).", CalibrationWarning, stacklevel=3)
    return None


def default_method() -> Any:
    """The interval method shipped with forcast (error quantiles, else widening factors), or None."""
    return _shipped()


def load(path: str | Path) -> Any:
    """An ErrorQuantiles or Calibration from a JSON file (the kind is read from the file)."""
    file = Path(path)
    if file.is_dir():
        raise ParameterError(f"The calibration must be a JSON file, not a folder. Got {str(file)!r}. {_FIX}")
    if not file.is_file():
        raise SourceNotFoundError(
            f"No calibration file {str(file.resolve())!r}. Give 'default', 'none' or the path of a JSON file written "
            f"by ErrorQuantiles.to_json() or Calibration.to_json()."
        )
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ParameterError(f"The file {str(file)!r} is not a forcast calibration: it is not text (a calibration "
                             f"is a JSON text file). {_FIX}") from None
    except OSError as exc:
        raise ParameterError(f"Cannot read the calibration file {str(file)!r}: {exc.strerror or exc}.") from None
    if not text.strip():
        raise ParameterError(f"The calibration file {str(file)!r} is empty. {_FIX}")
    return _parse(text, f"The file {str(file)!r}")


@lru_cache(maxsize=1)
def _calls_evaluation() -> dict | None:
    """How model-based intervals covered monthly call totals in ``benchmarks/calls_intervals.py`` (shipped)."""
    try:
        text = resources.files("forcast").joinpath("_data", CALLS_EVALUATION).read_text(encoding="utf-8")
        return json.loads(text)
    except (FileNotFoundError, OSError, json.JSONDecodeError):
        return None


def _held_on_calls(series: pd.Series) -> str:
    """For a call series: how such intervals have covered in backtests of call series, else ``""``."""
    measure = str(meta(series)["measure"])
    held = _calls_evaluation()
    if not held or not held.get("sets") or not (measure.startswith("calls") or measure.startswith("contacts")):
        return ""
    def verdict(share: float) -> str:
        return "too wide" if share > 98 else "too narrow" if share < 90 else "about right"

    parts = [f"{s['coverage_95']:.0f}% ({s['label']}; {s['width_95']:.0f}% of the month wide: "
             f"{verdict(s['coverage_95'])})" for s in held["sets"]]
    return (f" In backtests of call series ({held['basis']}) intervals made this way held "
            f"{', '.join(parts[:-1]) + ' and ' + parts[-1] if len(parts) > 1 else parts[0]} of actual monthly "
            f"totals at 95%. Read them as the models' view, not as tested ranges.")


def _describe(series: pd.Series) -> str:
    m = meta(series)
    return f"{m['frequency']} {str(m['measure']).replace('_', ' ')}"


def resolve(calibration: Any, series: pd.Series) -> tuple[Any, str]:
    """``(method or None, note)`` for ``series``: see the module docstring."""
    if calibration is None or (isinstance(calibration, str) and calibration.strip().lower() == "none"):
        return None, f"{MODEL_BASED} (no calibration was asked for)."
    if isinstance(calibration, (str, Path)) and str(calibration).strip().lower() == "default":
        method = default_method()
        if method is None:
            return None, f"{MODEL_BASED}: no default calibration is installed with this copy of forcast."
        if not method.applies_to(series):
            learned = f"{method.frequency or 'other'} {str(method.measure or 'other').replace('_', ' ')}"
            return None, (f"{MODEL_BASED}: the default calibration was learned on {learned} series, not on "
                          f"{_describe(series)} like this one.{_held_on_calls(series)}")
        return method, method.note + getattr(method, "transfer_note", lambda s: "")(series)
    if isinstance(calibration, (str, Path)):
        method = load(calibration)
        return method, method.note
    if hasattr(calibration, "apply") or hasattr(calibration, "factors_for"):
        return calibration, calibration.note
    raise ParameterError(
        f"`calibration` must be 'default', None, an ErrorQuantiles or Calibration, or a JSON file path. Got "
        f"{calibration!r}."
    )
