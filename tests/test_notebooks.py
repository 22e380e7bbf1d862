"""The notebooks in ``notebooks/``: valid, committed without outputs, and (slow) run top to bottom.

Each notebook runs on a fresh install with the embedded data, in a temporary working folder, on the ``python3``
kernel of the interpreter running the tests (jupyter_client starts ``sys.executable`` for it). Before committing a
notebook, clear its outputs (Jupyter: "Clear All Outputs", then save), or from the repository root::

    .venv/bin/python tests/test_notebooks.py
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_quickstart.ipynb", "02_backtest_2018_19.ipynb", "03_fms_chapter.ipynb", "04_your_own_data.ipynb",
            "05_forecast_to_2023.ipynb"]
CELL_TIMEOUT = 600  # seconds per cell; the slowest cell takes about 15 s on a laptop


def test_the_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_and_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{path.name}: kernel must be python3"
    stored = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
              and (c.outputs or c.execution_count is not None or "execution" in c.metadata)]
    assert not stored, (f"{path.name} has stored outputs or execution counts in code cells {stored}. Clear them "
                        f"(Jupyter: Clear All Outputs; or .venv/bin/python tests/test_notebooks.py) before committing.")
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), (
        f"{path.name} must open with a markdown title cell")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    elapsed = time.perf_counter() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert list(tmp_path.iterdir()) == [], f"{path.name} wrote into its working folder; write to a temporary folder"
    print(f"{path.name}: {elapsed:.1f} s")


def clear_outputs(paths=NOTEBOOKS) -> None:
    """Remove outputs, execution counts and execution timings from the code cells of ``paths``."""
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
                cell.metadata.pop("execution", None)
        nbformat.write(nb, path)
        print(f"cleared {path.name}")


if __name__ == "__main__":
    clear_outputs()
