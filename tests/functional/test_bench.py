"""`nox -s bench` prepares its projects with today's command line: each preparation step runs
here on a copy of the report (the builds it times are not run)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
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


def test_the_suite_summary_is_read_from_pytest_as_it_prints_it(bench: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "test_two.py").write_text("def test_passes():\n    pass\n\n\ndef test_fails():\n    assert False\n",
                                          encoding="utf-8")
    # without workers: the summary line is the same, and two workers cost seconds to start
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1
    (summary,) = bench.SUITE_SUMMARY.findall(proc.stdout)
    assert summary.startswith("1 failed, 1 passed in "), proc.stdout


def test_the_tools_are_timed_alone_on_the_builds_own_inputs(bench: ModuleType, rendered_mini: Path,
                                                            tmp_path: Path) -> None:
    """The floors it prints come from typst on each book's source the build made and pagefind on
    its site, run in a copy (the build is left as it was)."""
    before = sorted(p.relative_to(rendered_mini) for p in rendered_mini.rglob("*"))
    alone = bench.tools_alone(rendered_mini, tmp_path / "alone")
    assert list(alone) == ["typst zh-Hant", "pagefind"]
    assert all(seconds > 0 for seconds in alone.values()), alone
    assert (tmp_path / "alone/zh-Hant/bench.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "alone/pagefind" / "pagefind-entry.json").is_file()
    assert sorted(p.relative_to(rendered_mini) for p in rendered_mini.rglob("*")) == before
