"""Control-room workload in the FMS chapter: hours and FTE implied by a call measure's projection.

The constabulary "assessed demand as a combination of the volume of calls and the time taken to deal with them".
When :func:`forcast.fms.build_chapter` is given ``workload={measure name: {...}}``, each named call measure gets a
table of handling hours and full-time equivalents per financial year (from the projection's paths, via
:func:`forcast.data.workload.workload`) and a table of the assumptions behind it.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..errors import ParameterError
from ..data.workload import workload
from .document import BulletList, Paragraph, Section, Table
from .phrasing import reader_note

TITLE = "Control-room workload"
_SIDE = {"lower": "low", "upper": "high"}


def check_workload_spec(spec: Any, measure_names: list[str]) -> dict[str, dict]:
    """Validate ``workload=``: ``{measure name: {"handling_seconds_per_call": ..., "productive_hours_per_fte": ...}}``."""
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        raise ParameterError(
            "`workload` must map a measure name to its inputs, e.g. {'999 calls': {'handling_seconds_per_call': "
            f"240, 'productive_hours_per_fte': 1500}}}}. Got {type(spec).__name__}."
        )
    names = {n for label in measure_names for n in (label, label.removesuffix(" (stand-in)"))}
    out = {}
    for name, inputs in spec.items():
        if name not in names:
            raise ParameterError(f"`workload` names a measure the chapter does not have: {name!r}. The measures are "
                                 f"{measure_names}.")
        keys = {"handling_seconds_per_call", "productive_hours_per_fte"}
        if not isinstance(inputs, Mapping) or not keys <= set(inputs):
            raise ParameterError(f"`workload[{name!r}]` must give both {sorted(keys)}. Got {inputs!r}.")
        out[name] = dict(inputs)
    return out


def add_workload(result: Any, inputs: Mapping[str, Any]) -> None:
    """Compute the workload of one measure from its projection (stored on ``result.workload``)."""
    result.workload = workload(result.forecast, inputs["handling_seconds_per_call"],
                               inputs["productive_hours_per_fte"], models=[result.forecast.model_names[0]])


def workload_section(measures: list) -> Section | None:
    """The section for every measure that has a workload, or None when none has."""
    blocks: list = []
    for r in measures:
        w = getattr(r, "workload", None)
        if w is None:
            continue
        model = str(w.table["model"].iloc[0])
        tidy = w.for_model(model).set_index(["financial_year", "measure"])
        years = list(dict.fromkeys(tidy.index.get_level_values(0)))
        wide = {"Financial year": years}
        for measure, word, stats in (("calls", "Calls", ("mean",)),
                                     ("handling_hours", "Handling hours", ("mean", "lower_95", "upper_95")),
                                     ("fte", "Staff (FTE)", ("mean", "lower_80", "upper_80", "lower_95", "upper_95"))):
            for stat in stats:
                label = word if stat == "mean" else f"{word} {stat.split('_')[1]}% {_SIDE[stat.split('_')[0]]}"
                wide[label] = [float(tidy.loc[(fy, measure), stat]) for fy in years]
        rows = pd.DataFrame(wide)
        fmt = {c: ("{:,.1f}" if c.startswith("Staff") else "{:,.0f}") for c in rows.columns[1:]}
        last = rows.iloc[-1]
        blocks.append(Paragraph(
            f"{r.name}: handling the projected calls takes about {fmt['Staff (FTE)'].format(last['Staff (FTE)'])} "
            f"full-time staff in {last['Financial year']} (95% interval "
            f"{fmt['Staff (FTE)'].format(last['Staff (FTE) 95% low'])}–"
            f"{fmt['Staff (FTE)'].format(last['Staff (FTE) 95% high'])}), from the projected calls times the average "
            f"handling time, over the productive hours of one post. These are hours of call handling only, not the "
            f"staffing needed to answer calls quickly at peak times."))
        blocks.append(Table(rows, f"{r.name}: projected calls, handling hours and full-time equivalents (FTE) by "
                            f"financial year ({model}; means and intervals from the simulated paths)",
                            number_format=fmt, key=f"{r.key}_workload"))
        assumptions = w.assumptions.rename(columns={"input": "Input", "value": "Value", "status": "Status",
                                                     "source": "Source"})
        blocks.append(Table(assumptions, f"{r.name}: what the workload figures assume", key=f"{r.key}_assumptions"))
        if w.notes:
            blocks.append(BulletList([reader_note(n) for n in w.notes]))
    return Section(TITLE, blocks, key="workload") if blocks else None
