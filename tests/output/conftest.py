"""The real report, rendered once into a temporary copy for the output tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportkit.cli import main
from reportkit.project import Project

from ..conftest import ROOT

PROJECT_DIRS = ("chapters", "data", "bib")


def copy_report(target: Path) -> Path:
    """The report's sources (what git tracks for it), without any build output."""
    target.mkdir(parents=True)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("zh-Hans"))
    for config in ROOT.glob("_quarto*.yml"):
        shutil.copy2(config, target / config.name)
    return target


@pytest.fixture(scope="session")
def rendered_report(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The report as the README's render command builds it (read-only for tests)."""
    root = copy_report(tmp_path_factory.mktemp("report") / "report")
    assert main(["--project", str(root), "render", "--quiet"]) == 0
    return Project(root)


@pytest.fixture
def report_copy(rendered_report: Project, tmp_path: Path) -> Project:
    """A private copy of the rendered report, free to mutate."""
    return Project(Path(shutil.copytree(rendered_report.root, tmp_path / "report")))
