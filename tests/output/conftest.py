"""The real report, rendered once into a temporary copy for the output tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportkit.cli import main
from reportkit.project import Project

from ..conftest import ROOT

PROJECT_FILES = ("_quarto.yml", "chapters", "data", "bib")


def copy_report(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
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
