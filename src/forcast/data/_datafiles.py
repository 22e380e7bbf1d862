"""Private helpers for :mod:`forcast.data.datasets`: read the embedded files and resolve force and area names.

The files live in ``forcast/_data`` (written by ``data/derive.py``) and are read with :mod:`importlib.resources`,
so they load from an installed wheel as well as from the source tree. Parsed tables are cached; callers must copy
what they hand to users.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from ..errors import UnknownForceError

_PACKAGE = "forcast"
_FOLDER = "_data"

#: Names people use that normalisation alone does not map to the Home Office spelling.
_ALIASES = {
    "met": "Metropolitan Police",
    "the met": "Metropolitan Police",
    "mps": "Metropolitan Police",
    "btp": "British Transport Police",
    "gmp": "Greater Manchester",
    "london city of": "City of London",
    "east of england": "East",
}
_SUFFIXES = ("police service", "police force", "constabulary", "police")


def _resource(name: str):
    return resources.files(_PACKAGE).joinpath(f"{_FOLDER}/{name}")


@lru_cache(maxsize=None)
def table(name: str) -> pd.DataFrame:
    """The embedded CSV ``name`` as a DataFrame (cached: never hand it out without ``.copy()``)."""
    with _resource(name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, keep_default_na=False, na_values=[""])


@lru_cache(maxsize=None)
def sources_json() -> dict[str, Any]:
    """The parsed ``sources.json`` (cached: deep-copy before handing out)."""
    with _resource("sources.json").open("r", encoding="utf-8") as fh:
        return json.load(fh)


def normalise(name: str) -> str:
    """Key used to match names: lower case, '&' -> 'and', punctuation to spaces, force-type suffixes dropped."""
    text = str(name).lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    if text.startswith("the ") and text != "the met":
        text = text[4:]
    for suffix in _SUFFIXES:
        if text.endswith(" " + suffix):
            text = text[: -len(suffix) - 1].strip()
            break
    return text


@lru_cache(maxsize=None)
def force_names() -> tuple[str, ...]:
    """The 44 forces (43 territorial + British Transport Police), sorted, Home Office spelling."""
    return tuple(sorted(table("recorded_crime_quarterly.csv")["force"].unique()))


@lru_cache(maxsize=None)
def other_area_names() -> tuple[str, ...]:
    """England and Wales, England, Wales and the English regions (as named in the embedded files)."""
    areas = table("recorded_crime_by_offence_group.csv")
    return tuple(sorted(areas.loc[areas["area_type"] != "force", "area"].unique()))


def _index(names: tuple[str, ...]) -> dict[str, str]:
    index = {normalise(n): n for n in names}
    index.update({alias: target for alias, target in _ALIASES.items() if target in names})
    return index


def resolve(name: object, *, areas: bool = False) -> str:
    """Return the embedded spelling of force ``name`` (case-insensitive; 'Lancashire Constabulary' works).

    With ``areas=True`` England and Wales, England, Wales and the English regions are accepted too; a name that is
    both a force and a region ('West Midlands') means the force, the region is 'West Midlands (region)'.
    """
    forces = force_names()
    candidates = forces + (other_area_names() if areas else ())
    if isinstance(name, str):
        if name in candidates:
            return name
        index = _index(forces)
        if areas:
            index = {**_index(other_area_names()), **index}
        key = normalise(name)
        if key in index:
            return index[key]
    else:
        key = ""
    close = difflib.get_close_matches(key, list(_index(candidates)), n=3, cutoff=0.6) if key else []
    suggestions = list(dict.fromkeys(_index(candidates)[k] for k in close))
    hint = f" Did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    what = "force or area" if areas else "force"
    extra = " Areas also accepted: 'England and Wales', 'England', 'Wales' and the English regions." if areas else ""
    raise UnknownForceError(
        f"Unknown {what} {name!r}: it is not one of the {len(forces) - ('British Transport Police' in forces)} "
        f"territorial forces of England and Wales, nor British Transport Police.{hint} "
        f"Call forcast.datasets.forces() for the list (Home Office spelling, e.g. 'Avon and Somerset', "
        f"'Metropolitan Police', 'Dyfed-Powys').{extra}"
    )
