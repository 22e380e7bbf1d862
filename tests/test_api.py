"""The package as type checkers and packaging tools see it: it ships ``py.typed`` (PEP 561)."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_package_is_marked_as_typed():
    assert resources.files("forcast").joinpath("py.typed").is_file()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
def test_py_typed_ships_with_the_package_data():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["forcast"]
