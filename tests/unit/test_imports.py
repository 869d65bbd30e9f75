"""What chapters import inside their kernels stays light, and the package has no import cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import reportkit

PACKAGE = Path(reportkit.__file__).parent
# what a chapter's kernel imports: the setup (execution/kernel.py CHAPTER_START) and the chapter's own imports
KERNEL_IMPORTS = "import reportkit.execution.tracking; from reportkit import stat, statistics_table, claims_table"
# the build's machinery: a kernel has no use for it
HEAVY = (
    "jinja2", "bibtexparser", "opencc", "bs4", "pandas",
    "reportkit.outputs.website",
    "reportkit.execution.cache",
    "reportkit.evidence.datapackage",
    "reportkit.checks",
    "reportkit.outputs.book",
)


def test_kernel_import_does_not_load_the_build() -> None:
    code = f"{KERNEL_IMPORTS}; import sys; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                cwd=PACKAGE.parent).stdout.split())
    assert "reportkit.api.stats" in loaded  # the probe did import what chapters import
    assert sorted(loaded & set(HEAVY)) == []


# the kernels' machinery, and jupytext, which loads jupyter_client: importing the build (all a no-op
# render does) must not load them; they load where a chapter runs or a notebook is written
KERNEL_MACHINERY = ("jupyter_client", "nbclient", "jupytext", "zmq")


def test_build_import_does_not_load_the_kernels() -> None:
    code = "import reportkit.engine.embedded, sys; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                cwd=PACKAGE.parent).stdout.split())
    assert "reportkit.markdown.assembler" in loaded  # the probe did import the build
    assert sorted(loaded & set(KERNEL_MACHINERY)) == []


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each reportkit module's reportkit imports, at any depth of its code (a function's import
    that goes back round is still a cycle, only deferred)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                target = (f"{base}.{node.module}" if node.module else base) if node.level else str(node.module)
                found |= {t for t in (target, *(f"{target}.{a.name}" for a in node.names)) if t in modules}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name in modules}
        graph[name] = found - {name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle (its modules in order), or []."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                return [*path[path.index(dep):], dep]
            if dep not in state and (found := visit(dep)):
                return found
        state[module] = 2
        path.pop()
        return []

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return []


def test_no_import_cycle() -> None:
    assert _cycle(_imports()) == []


@pytest.mark.parametrize(("graph", "cycle"), [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ({"a": {"b"}, "b": set(), "c": {"a"}}, []),
])
def test_cycle_finder(graph: dict[str, set[str]], cycle: list[str]) -> None:
    assert _cycle(graph) == cycle


# The stage order of docs/architecture.md ("Layout"); written by relayout.py.
FOUNDATIONS = ["errors", "textfile", "yamlfile", "rows", "markup", "stopwatch", "workers", "i18n", "tools"]
STAGES = ["evidence", "config", "chapters", "api", "execution", "markdown", "outputs", "checks"]
FRONT_ENDS = ["__init__", "__main__", "cli", "preview", "trace", "starter", "starters", "engine"]


def _stage(module: str) -> int:
    """0 for the foundations, 1.. for the stages in order, past the last stage for the front ends."""
    top = module.removeprefix("reportkit.").split(".")[0]
    if top in FOUNDATIONS:
        return 0
    if top in STAGES:
        return STAGES.index(top) + 1
    assert top in FRONT_ENDS, f"{module} belongs to no stage: add it to the layout"
    return len(STAGES) + 1


# Imports that reach a later stage, each deferred to the function that needs it; the test fails when
# one is added, and when one of these goes (then remove it here).
LATER_STAGE_IMPORTS = [
    # Project.chapters numbers the chapters as Quarto does: it reads each chapter's title
    "reportkit.config.project -> reportkit.chapters.reader",
]


def test_stages_import_only_earlier_stages() -> None:
    graph = _imports()
    assert sum(map(len, graph.values())) > 50  # the import graph was read
    # `reportkit` itself: its `__version__` is a foundation, its re-exports of api/ are for chapters
    later = sorted(f"{m} -> {d}" for m, deps in graph.items() for d in deps
                   if "reportkit" not in (m, d) and _stage(d) > _stage(m))
    assert later == LATER_STAGE_IMPORTS
