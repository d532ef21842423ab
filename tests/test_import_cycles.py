"""The project's modules import each other without circles, `TYPE_CHECKING` imports included.

import-linter's contracts order the packages (cli > charts > manifests > config), but say nothing about circles inside
a package, and grimp leaves out nothing it cannot see: a circle closed by an import under `if TYPE_CHECKING:` is
still a circle for the reader (and for the next change that needs the name at run time). So this test reads every
`import` and `from ... import` statement of `main.py` and the packages `cli`, `charts`, `manifests`, `config` and `upstream`
with `ast` (anywhere in a module: at the top, under `TYPE_CHECKING`, inside functions) and finds the strongly
connected components of that graph (Tarjan). A package's `__init__` is a module of its own: `from config import
flink_rules` imports `config` (its `__init__`) and `config.flink_rules`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.scratch_project import ROOT

PACKAGES = ("cli", "charts", "manifests", "config", "upstream")
"""The project's own packages (the generated bindings under `imports/` are not its code)."""


def module_name(path: Path, root: Path) -> str:
    """`config/flink.py` -> `config.flink`; `config/__init__.py` -> `config`."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root: Path) -> dict[str, Path]:
    """Module name -> file, for `main.py` and every module of `PACKAGES` under `root`."""
    modules = {module_name(path, root): path for package in PACKAGES for path in (root / package).rglob("*.py")}
    modules["main"] = root / "main.py"
    return modules


def imported(module: str, path: Path, modules: Mapping[str, Path]) -> Iterator[str]:
    """The project modules that `module` (at `path`) imports: `import a.b` names `a.b`; `from a import b` names `a`,
    and `a.b` when that is a module; relative imports resolved against `module`'s package."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            if base in modules:
                yield base
            yield from (f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the project modules it imports (`imported`), for `project_modules(root)`."""
    modules = project_modules(root)
    return {name: set(imported(name, path, modules)) for name, path in modules.items()}


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The import circles of `graph`: each strongly connected component of more than one module, or a module that
    imports itself, sorted (Tarjan's algorithm, iterative: no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            successor = next(successors, None)
            if successor is not None:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                elif successor in on_stack:
                    low[node] = min(low[node], index[successor])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return sorted(found)


def test_the_project_has_no_import_cycles() -> None:
    graph = import_graph(ROOT)
    assert len(graph) > 100 and "config.flink" in graph["config"]  # the graph was read: the package's own imports
    assert cycles(graph) == []


def test_cycles_finds_type_checking_circles_and_package_imports(tmp_path: Path) -> None:
    """A circle closed under `TYPE_CHECKING`, one through a package `__init__` (`from pkg import mod`), a relative
    one, and a module importing itself are all found; an import of a parent package's module is not a circle."""
    files = {
        "config/__init__.py": "from config.a import A\n",
        "config/a.py": "from typing import TYPE_CHECKING\nA = 1\nif TYPE_CHECKING:\n    from config.b import B\n",
        "config/b.py": "from config.a import A\nB = A\n",
        "config/c.py": "from config import capabilities\n",
        "config/capabilities.py": "X = 1\n",
        "config/d.py": "import config.capabilities\n",
        "manifests/__init__.py": "",
        "manifests/e.py": "from . import f\n",
        "manifests/f.py": "from .e import E\n",
        "charts/__init__.py": "",
        "charts/g.py": "import charts.g\n",
        "cli/__init__.py": "",
        "main.py": "import config.d\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = import_graph(tmp_path)
    assert graph["config.c"] == {"config", "config.capabilities"} and graph["config.d"] == {"config.capabilities"}
    assert cycles(graph) == [["charts.g"], ["config.a", "config.b"], ["manifests.e", "manifests.f"]]
    (tmp_path / "config/__init__.py").write_text("from config.c import X\n")  # config -> config.c -> config
    assert ["config", "config.c"] in cycles(import_graph(tmp_path))
