"""The layout of ``src/forcast``: no import cycles between its modules, and the module paths of earlier versions
(``forcast.forecast``, ``from forcast.backtest import Backtest``, ``forcast.calibration``...) still import, as the
very same module objects, so users' notebooks and pickles keep working (:mod:`forcast._old_paths`).
"""

from __future__ import annotations

import ast
import importlib
import pickle
import subprocess
import sys
import types
from pathlib import Path

import pytest

import forcast
from forcast._old_paths import OLD_PATHS

SRC = Path(forcast.__file__).resolve().parent

#: Cycles allowed to remain, each a sorted tuple of module names with the reason. Kept empty: every cycle the
#: regroup found (data/call_exports, models base/registry/combination, forecast/intervals/calibration/backtesting/
#: plotting, crime_series/releases/home_office, fms document/renderers, fms hindsight/results/tables/charts, cli
#: forecast/backtest/many) was broken by moving the shared piece down or by a protocol of what a module reads.
ALLOWED_CYCLES: dict[tuple[str, ...], str] = {}


# ============================================================================================== the import graph
def _modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package's ``__init__``), for every module under src/forcast."""
    found = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


def _absolute(module: str, package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _re_exports(modules) -> dict[str, dict[str, str]]:
    """For each package, the names its ``__init__`` imports from its own submodules: name -> submodule."""
    table = {}
    for name, (path, package) in modules.items():
        if not package:
            continue
        table[name] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom):
                source = _absolute(name, True, node)
                for alias in node.names:
                    if source in modules and source.startswith(name + "."):
                        table[name][alias.asname or alias.name] = source
    return table


def import_graph() -> dict[str, set[str]]:
    """Module -> the forcast modules it imports, counting every import statement wherever it is: at module level,
    inside functions and methods (local imports), and under ``if TYPE_CHECKING:`` (an annotation is a dependency
    too). ``from package import name`` counts as importing the submodule ``name`` if there is one, else the
    submodule the package's ``__init__`` re-exports ``name`` from, else the package itself. The implicit import of
    a parent package's ``__init__`` when a submodule is imported is not counted (it is how packages load, and the
    ``__init__`` files only re-export)."""
    modules = _modules()
    exports = _re_exports(modules)

    def target(name: str, attribute: str | None) -> str | None:
        if attribute is not None and f"{name}.{attribute}" in modules:
            return f"{name}.{attribute}"
        if attribute is not None and attribute in exports.get(name, {}):
            return exports[name][attribute]
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, (path, package) in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges |= {target(a.name, None) for a in node.names if a.name.split(".")[0] == "forcast"}
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(name, package, node)
                if source.split(".")[0] == "forcast":
                    edges |= {target(source, a.name) for a in node.names}
        graph[name] = edges - {None, name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_between_modules():
    graph = import_graph()
    found = {tuple(c): c for c in cycles(graph)}
    unexpected = [c for key, c in found.items() if key not in ALLOWED_CYCLES]
    described = ["  " + " | ".join(f"{m} -> {', '.join(sorted(graph[m] & set(c)))}" for m in c) for c in unexpected]
    assert not unexpected, "Import cycles between forcast modules:\n" + "\n".join(described)
    assert not set(ALLOWED_CYCLES) - set(found), "an allowed cycle is gone: take it off ALLOWED_CYCLES"


def test_the_library_imports_the_new_paths_only():
    # an old path (from ..many import ..., import forcast.paths) would still run, through forcast._old_paths; inside
    # the library every import names a module that exists as a file (say, after a merge of code written before)
    modules = _modules()
    old = []
    for name, (path, package) in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                source = _absolute(name, package, node)
                if source.split(".")[0] == "forcast" and source not in modules:
                    old.append(f"{name}:{node.lineno} from {source}")
                elif source == "forcast":
                    old += [f"{name}:{node.lineno} forcast.{a.name}" for a in node.names
                            if f"forcast.{a.name}" in OLD_PATHS]
            elif isinstance(node, ast.Import):
                old += [f"{name}:{node.lineno} {a.name}" for a in node.names
                        if a.name.split(".")[0] == "forcast" and a.name not in modules]
    assert not old, "old module paths imported inside forcast (use the new ones):\n" + "\n".join(old)


def test_the_graph_sees_local_and_type_checking_imports():
    graph = import_graph()
    assert "forcast.reporting.plotting" in graph["forcast.forecasting.forecast"]  # Forecast.plot's local import
    assert "forcast.data.loading" in graph["forcast.data"]  # a package's re-exports
    assert "forcast.evaluation.backtesting" in graph["forcast.fms.results"]


# =================================================================================== the old module paths still work
@pytest.mark.parametrize("old, new", sorted(OLD_PATHS.items()))
def test_every_old_module_path_imports_as_the_same_module(old, new):
    assert importlib.import_module(old) is importlib.import_module(new)
    assert sys.modules[old] is sys.modules[new]
    assert importlib.import_module(new).__spec__.name == new  # the module keeps its own spec


def test_old_from_imports_give_the_same_objects():
    from forcast.backtest import Backtest, backtest
    from forcast.calibration import Calibration
    from forcast.check import CheckResult, check
    from forcast.data import count_calls, load_calls, load_series
    from forcast.evaluation.backtesting import Backtest as NewBacktest
    from forcast.evaluation.calibration import Calibration as NewCalibration
    from forcast.evaluation.checking import CheckResult as NewCheckResult
    from forcast.forecast import Forecast, fit_models
    from forcast.forecasting.forecast import fit_models as new_fit_models
    from forcast.paths import summarise
    from forcast.forecasting.paths import summarise as new_summarise

    assert (Backtest, Calibration, CheckResult, Forecast) == (NewBacktest, NewCalibration, NewCheckResult,
                                                             forcast.Forecast)
    assert backtest is forcast.backtest and check is forcast.check and fit_models is new_fit_models
    assert summarise is new_summarise
    assert (load_series, load_calls, count_calls) == (forcast.load_series, forcast.load_calls, forcast.count_calls)


def test_public_names_and_module_attributes_of_the_package():
    from forcast.data import datasets
    from forcast.evaluation import backtesting, checking
    from forcast.forecasting import many
    from forcast.reporting import comparison

    assert forcast.datasets is datasets and forcast.comparison is comparison and forcast.many is many
    assert forcast.backtesting is backtesting and forcast.checking is checking
    assert isinstance(forcast.fms, types.ModuleType) and isinstance(forcast.errors, types.ModuleType)
    for name in forcast.__all__:
        assert getattr(forcast, name) is not None
    assert forcast.paths is importlib.import_module("forcast.forecasting.paths")  # old names as attributes too
    assert forcast.intervals is importlib.import_module("forcast.forecasting.intervals")
    with pytest.raises(AttributeError):
        forcast.no_such_module  # noqa: B018


def test_backtest_and_check_are_functions_and_the_old_imports_still_work():
    import forcast.backtest as bt
    from forcast.backtesting import Backtest, backtest
    from forcast.checking import CheckResult, check

    assert isinstance(forcast.backtest, types.FunctionType) and isinstance(forcast.check, types.FunctionType)
    assert isinstance(forcast.forecast, types.FunctionType)
    assert forcast.backtest is backtest and forcast.check is check and bt is backtest
    assert bt.Backtest is forcast.backtest.Backtest is Backtest  # as on the old callable module
    assert forcast.backtest.RollingOrigin is forcast.backtesting.RollingOrigin
    assert forcast.check.CheckResult is CheckResult and forcast.check.check is check
    import forcast.forecast as fm  # the function, carrying the old module's main names
    from forcast.forecasting.forecast import Forecast, fit_models

    assert fm is forcast.forecast and fm.fit_models is fit_models and fm.Forecast is Forecast


@pytest.mark.parametrize("first", ["import forcast.backtest, forcast.check, forcast.forecast",
                                   "from forcast.backtest import Backtest, RollingOrigin, backtest",
                                   "from forcast.check import CheckResult, check",
                                   "import forcast.backtest as bt; import forcast.check as ck",
                                   "from forcast.forecast import Forecast",
                                   "import forcast.datasets; import forcast.calibration",
                                   "import forcast"])
def test_importing_the_old_module_paths_first_leaves_the_functions_in_place(first):
    # a fresh interpreter: the old path is imported before anything else, and must not be bound over the function
    # on the package (the import system binds a submodule when it first loads it)
    code = (f"{first}\nimport types, forcast, forcast.backtest, forcast.check, forcast.forecast, forcast.datasets\n"
            "from forcast.backtest import Backtest\nfrom forcast.check import check\n"
            "for name in ('backtest', 'check', 'forecast'):\n"
            "    assert isinstance(getattr(forcast, name), types.FunctionType), (name, getattr(forcast, name))\n"
            "assert forcast.backtest.Backtest is Backtest and forcast.check is check\n"
            "assert forcast.datasets is forcast.data.datasets\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_importing_forcast_does_not_load_every_old_path():
    code = ("import sys, forcast\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('forcast.'))\n"
            "assert 'forcast.calibration' not in loaded and 'forcast.paths' not in loaded, loaded\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_pickles_that_name_the_old_modules_still_load():
    from forcast.evaluation import backtesting
    from forcast.models.events import LevelShift

    old = importlib.import_module("forcast.backtest")
    for name in ("Backtest", "Fold", "_FYBlock"):
        assert getattr(old, name) is getattr(backtesting, name)
    # pickles written before the regroup name forcast.backtest._FYBlock or forcast.backtesting.Backtest: they resolve
    for old_name in (b"forcast.backtest", b"forcast.backtesting"):
        blob = pickle.dumps(backtesting._FYBlock, protocol=0).replace(b"forcast.evaluation.backtesting", old_name)
        assert old_name in blob and pickle.loads(blob) is backtesting._FYBlock
    shift = LevelShift("2018-04", "recording change")
    blob = pickle.dumps(shift, protocol=0).replace(b"forcast.models.events", b"forcast.events")
    assert b"forcast.events" in blob and pickle.loads(blob) == shift
