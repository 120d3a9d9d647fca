"""The project's modules import one way: no module imports one that imports it back (at any
distance, imports inside functions included), and the packages keep their layers: ``core``
imports no domain package, ``survey`` and ``cafe`` never import each other, and only the
composition root (``app.py``) imports ``steering``. A route is added to a blueprint only in
the module that makes the blueprint, so importing a module never adds pages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "survey", "cafe", "steering")
DOMAIN = ("survey", "cafe", "steering")


def project_modules() -> dict[str, Path]:
    """Dotted module name -> file, for the top-level scripts and every package module."""
    found = {path.stem: path for path in ROOT.glob("*.py")}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports by name (``from pkg import mod`` names ``pkg.mod``
    when that is a module, else ``pkg``)."""
    out: set[str] = set()
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                stem = package[:len(package) - node.level + 1]
                base = ".".join([*stem, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in modules:
                    out.add(full)
                elif base in modules:
                    out.add(base)
    out.discard(name)
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports."""
    modules = project_modules()
    return {name: imported(name, path, modules) for name, path in modules.items()}


def edges(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return [(source, target) for source, targets in graph.items() for target in targets]


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of two or more modules that reach each other through imports."""
    names = sorted(graph)
    index = {name: i for i, name in enumerate(names)}
    pairs = [(index[s], index[t]) for s, t in edges(graph)]
    rows, cols = zip(*pairs, strict=True) if pairs else ((), ())
    matrix = coo_matrix((np.ones(len(pairs)), (rows, cols)), shape=(len(names), len(names)))
    _count, labels = connected_components(matrix, directed=True, connection="strong")
    groups: dict[int, list[str]] = {}
    for name, label in zip(names, labels, strict=True):
        groups.setdefault(int(label), []).append(name)
    return [group for group in groups.values() if len(group) > 1]


def top(name: str) -> str:
    return name.split(".", 1)[0]


def test_the_graph_sees_the_project():
    graph = import_graph()
    assert {"app", "demo", "core.db", "survey.models", "steering.results.views",
            "cafe.tablet.views"} <= set(graph)
    assert {("app", "steering"), ("core.web", "core.i18n")} <= set(edges(graph))


def test_a_cycle_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert sorted(map(sorted, strongly_connected(graph))) == [["a", "b", "c"]]


def test_no_module_imports_one_that_imports_it_back():
    assert strongly_connected(import_graph()) == []


def test_packages_keep_their_layers():
    wrong = []
    for source, target in edges(import_graph()):
        a, b = top(source), top(target)
        if a == "core" and b in DOMAIN:
            wrong.append((source, target, "core imports no domain package"))
        if {a, b} == {"survey", "cafe"}:
            wrong.append((source, target, "survey and cafe never import each other"))
        if b == "steering" and a not in ("steering", "app"):
            wrong.append((source, target, "only app.py imports steering"))
    assert wrong == []


ROUTE_DECORATOR = re.compile(r"^@(\w+)\.(?:get|post|put|delete|route)\(", re.M)


def test_routes_are_added_where_their_blueprint_is_made():
    elsewhere = []
    for name, path in project_modules().items():
        text = path.read_text(encoding="utf-8")
        for blueprint in set(ROUTE_DECORATOR.findall(text)):
            if not re.search(rf"^{blueprint} = Blueprint\(", text, re.M):
                elsewhere.append((name, blueprint))
    assert elsewhere == []


def test_every_page_lives_in_a_feature_with_a_blueprint_module(app):
    """Each view belongs to a feature subpackage whose ``blueprint`` module registers it (only
    the kernel's own pages, ``core.web`` and ``core.i18n``, are made where they are)."""
    kernel = {"core.web", "core.i18n"}
    stray = []
    for endpoint, view in app.view_functions.items():
        module = getattr(view, "__module__", "")
        if endpoint == "static" or module in kernel:
            continue
        package = module.rsplit(".", 1)[0]
        if package.count(".") != 1 or f"{package}.blueprint" not in project_modules():
            stray.append((endpoint, module))
    assert stray == []
