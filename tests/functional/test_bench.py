"""`nox -s bench` prepares its projects with today's command line: each preparation step runs
here on a copy of the report (the builds it times are not run)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from reportkit.cli import main

from ..conftest import ROOT


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tenfold_report_is_prepared_and_valid(bench: ModuleType, tmp_path: Path) -> None:
    root = bench.make_tenfold(bench.copy_project(tmp_path / "tenfold"))
    sources = sorted((root / "chapters/zh-Hant").glob("0*.qmd"))
    assert len(sources) == 8 * bench.COPIES
    profile = (root / "_quarto-zh-Hant.yml").read_text(encoding="utf-8")
    assert all(f"chapters/zh-Hant/{p.name}" in profile for p in sources)
    assert main(["--project", str(root), "stamp"]) == 0  # no translation left stale


def test_the_edits_it_times_change_what_it_expects(bench: ModuleType, tmp_path: Path) -> None:
    root = bench.copy_project(tmp_path / "report")
    chapter = root / "chapters/zh-Hant" / bench.edit_paragraph(root)
    assert bench.EDIT_MARK in chapter.read_text(encoding="utf-8")
    assert not re.search(r"\d", bench.EDIT_MARK + bench.PREVIEW_MARK)  # a digit there is a typed number
    before = (ROOT / "data/upwork-2024-postings.csv").read_text(encoding="utf-8")
    table, readers = bench.change_data_value(root)
    assert (root / "data" / table).read_text(encoding="utf-8") != before
    assert readers
