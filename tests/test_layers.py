"""Layers point one way (ARCHITECTURE.md): config → ingest → model → results → analyses → views → report.

A module imports only modules of its own layer or layers to its left; the application modules (the CLI, the
pipeline, the demo) may import anything. The imports are read from the source with :mod:`ast`, so the rule
holds for imports inside functions too.

:data:`BACKLOG` lists the crossings that existed when the rule was written (issue 13 removes them). It is a
ratchet: a crossing not in it fails, and so does an entry of it that no longer occurs (remove it when it is
fixed), so the list can only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kpbkit"

LAYERS = ("config", "ingest", "model", "results", "analyses", "views", "report", "app")

#: each module's layer by its first name under kpbkit ("": the package itself, imported for its __version__)
LAYER_OF = {
    "": "config", "config": "config", "catalog": "config", "period": "config", "errors": "config", "data": "config",
    "canonical": "config",
    "io": "ingest", "ingest": "ingest", "personnummer": "ingest", "quality": "ingest", "kolada": "ingest",
    "model": "model",
    "results": "results", "comparisons": "results",
    "analyses": "analyses",
    "views": "views", "labels": "views", "tables": "views", "charts": "views", "formats": "views",
    "privacy": "views",
    "report": "report", "explorer": "report", "lab": "report",
    "pipeline": "app", "cli": "app", "cli_many": "app", "demo": "app", "batch": "app", "readiness": "app",
    "scaffold": "app",
}

#: (importing module prefix, imported module prefix): crossings to remove (issue 13); each must still occur
BACKLOG: frozenset[tuple[str, str]] = frozenset()  # empty since issue 13: every layer rule holds


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    first = module.split(".")[1] if "." in module else ""
    return LAYER_OF.get(first, "app")


def imports(source: str) -> set[str]:
    """The kpbkit modules (or module.name) a source imports, at any depth of the code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("kpbkit"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.startswith("kpbkit"):
            if node.module == "kpbkit":  # from kpbkit import labels, __version__
                found.update(f"kpbkit.{a.name}" if a.name != "__version__" else "kpbkit" for a in node.names)
            else:
                found.add(node.module)
    return found


def crossings(package: Path = PACKAGE) -> set[tuple[str, str]]:
    """Every (importer, imported) pair where the imported module's layer is right of the importer's."""
    out = set()
    for path in sorted(package.rglob("*.py")):
        module = module_name(path, package)
        for target in imports(path.read_text(encoding="utf-8")):
            own = "app" if module == "kpbkit" else layer(module)  # the package's lazy public API: run_client ...
            if LAYERS.index(layer(target)) > LAYERS.index(own):
                out.add((module, target))
    return out


def in_backlog(crossing: tuple[str, str]) -> tuple[str, str] | None:
    importer, imported = crossing
    for entry in BACKLOG:
        if (importer == entry[0] or importer.startswith(entry[0] + ".")) and \
                (imported == entry[1] or imported.startswith(entry[1] + ".")):
            return entry
    return None


def test_every_module_has_a_layer() -> None:
    names = {p.name if p.is_dir() else p.stem for p in PACKAGE.iterdir()
             if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists())) and p.name != "__init__.py"}
    assert names - set(LAYER_OF) <= {"pipeline", "cli"}, "give each new top-level module its layer in LAYER_OF"


def test_layers_point_one_way() -> None:
    found = crossings()
    new = sorted(c for c in found if in_backlog(c) is None)
    assert not new, "imports against the layers (config → ingest → model → results → analyses → views → " \
                    f"report): {new}"
    fixed = sorted(BACKLOG - {in_backlog(c) for c in found})
    assert not fixed, f"fixed, so remove from BACKLOG: {fixed}"


def test_the_check_fails_on_a_crossing(tmp_path) -> None:
    package = tmp_path / "kpbkit"
    (package / "model").mkdir(parents=True)
    (package / "model" / "allocate.py").write_text("def f():\n    from kpbkit.views import lss\n")
    (package / "views").mkdir()
    (package / "views" / "lss.py").write_text("from kpbkit.model import allocate\nfrom kpbkit import labels\n")
    assert crossings(package) == {("kpbkit.model.allocate", "kpbkit.views")}


#: no module over this many lines (issue 13: rooms of a readable size) ...
MAX_LINES = 600
#: ... but those that are data tables (display texts, shipped lists): none is that long today
DATA_TABLES: frozenset[str] = frozenset()


def oversized(package: Path = PACKAGE, limit: int = MAX_LINES) -> dict[str, int]:
    """The modules of ``package`` longer than ``limit`` lines, with their lengths."""
    lengths = {module_name(p, package): len(p.read_text(encoding="utf-8").splitlines())
               for p in sorted(package.rglob("*.py"))}
    return {name: n for name, n in lengths.items() if n > limit}


def test_no_module_is_over_600_lines() -> None:
    long = {name: n for name, n in oversized().items() if name not in DATA_TABLES}
    assert not long, f"split these modules by what they do (at most {MAX_LINES} lines each): {long}"


def test_the_size_check_fails_on_a_long_module(tmp_path) -> None:
    package = tmp_path / "kpbkit"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "short.py").write_text("x = 1\n" * MAX_LINES)
    (package / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    assert oversized(package) == {"kpbkit.long": MAX_LINES + 1}
