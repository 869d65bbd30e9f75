"""Shared fixtures: fixture projects copied to temporary folders, the CLI, renders."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reportkit import checks, trace
from reportkit.checks import Finding
from reportkit.cli import main
from reportkit.config.project import Project
from reportkit.engine import embedded
from reportkit.errors import ChecksFailedError
from reportkit.execution.cache import BuildCache
from reportkit.workers import usable_cores

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"
UPDATE_GOLDEN = os.environ.get("REPORTKIT_UPDATE_GOLDEN") == "1"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    def run(*args: str | Path) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("_site", "_cache", ".*"))
    return target


@pytest.fixture(scope="session")
def rendered_mini(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture project, rendered once for the session (treat as read-only)."""
    project = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("mini") / "mini")
    assert main(["--project", str(project), "render", "--quiet"]) == 0
    return project


@pytest.fixture
def mini_with_site(rendered_mini: Path, tmp_path: Path) -> Path:
    """A private copy of the rendered mini project, free to break."""
    return Path(shutil.copytree(rendered_mini, tmp_path / "mini", symlinks=True))


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file under `path`, for byte-for-byte comparisons."""
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def assert_golden(actual: str, golden: Path) -> None:
    """Compare with a reviewed golden file; REPORTKIT_UPDATE_GOLDEN=1 rewrites it."""
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"missing golden file {golden}; review and create it"
    assert actual == golden.read_text(encoding="utf-8")


def render_refused(root: Path) -> list[Finding]:
    """Render a project whose build the checks find errors in: it is not published; those errors
    (the rules `reportkit check` runs, on the new build: tests/functional/test_publishing.py shows
    that `check` on a draft published anyway reports the same findings at the same places)."""
    with pytest.raises(ChecksFailedError) as refused:
        embedded.render(Project(root))
    findings: list[Finding] = refused.value.findings
    return findings


PROJECT_DIRS = ("chapters", "data", "bib")
PROJECT_FILES = ("_quarto*.yml", "index.*.qmd", "_pre-render.py")


def copy_report(target: Path) -> Path:
    """The report's sources (what git tracks for it, the generated zh-Hans included), without
    any build output."""
    target.mkdir(parents=True)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name)
    for pattern in PROJECT_FILES:
        for path in ROOT.glob(pattern):
            shutil.copy2(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def rendered_report(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The report as the README's render command builds it (read-only for tests)."""
    root = copy_report(tmp_path_factory.mktemp("report") / "report")
    assert main(["--project", str(root), "render", "--quiet"]) == 0
    return Project(root)


def tree_digest(root: Path) -> str:
    """The bytes of every file under `root` (sources, build, cache), with their names."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        if path.is_symlink():
            digest.update(b"-> " + os.readlink(path).encode())
        elif path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def read_once() -> dict[tuple[str, str, str], Any]:
    return {}


@pytest.fixture
def shared_checks(read_once: dict[tuple[str, str, str], Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """`reportkit check` and `trace` of a project whose files (build and cache included) are byte
    for byte those of a project already checked in this session, in the same folder, take that
    check's findings and trace's evidence instead of reading it all again: read-only tests of the
    session's report share one check."""
    real_checks, real_evidence = checks.run_checks, trace.Evidence

    def once(kind: str, project: Project, read: Callable[[], Any]) -> Any:
        key = (kind, str(project.root.resolve()), tree_digest(project.root))
        if key not in read_once:
            read_once[key] = read()
        return read_once[key]

    def run_checks(project: Project, output: Path | None = None, pdfs: bool = True,
                   cache: BuildCache | None = None) -> list[Finding]:
        if output is not None or not pdfs:  # a render's staging folder: new each time
            return real_checks(project, output, pdfs, cache)
        # the findings are the same with or without the build's cached findings per page
        return list(once("check", project, lambda: tuple(real_checks(project, cache=cache))))

    for module in (checks, trace):  # the CLI imports it from reportkit.checks when it runs
        monkeypatch.setattr(module, "run_checks", run_checks)
    monkeypatch.setattr(trace, "Evidence", lambda project: once("evidence", project, lambda: real_evidence(project)))


@pytest.fixture
def checked_report(rendered_report: Project, shared_checks: None) -> Project:
    """The session's report, checked at most once in the session (see `shared_checks`)."""
    return rendered_report


@pytest.fixture
def report_copy(rendered_report: Project, tmp_path: Path) -> Project:
    """A private copy of the rendered report, free to mutate."""
    return Project(Path(shutil.copytree(rendered_report.root, tmp_path / "report")))


REPORT_FIXTURES = frozenset({"rendered_report", "report_copy", "checked_report"})


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (as `nox -s tests` runs the suite): a worker per core this process may use.
    xdist's own count is the machine's cores, not a container's or `taskset`'s share; its
    PYTEST_XDIST_AUTO_NUM_WORKERS still wins."""
    return None if "PYTEST_XDIST_AUTO_NUM_WORKERS" in os.environ else usable_cores()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that render the real report are `slow` (`pytest -m "not slow"` skips them)."""
    for item in items:
        if REPORT_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
