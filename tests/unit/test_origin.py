"""Errors and findings in a generated chapter (zh-Hans) are reported at the same line of the
chapter it is generated from (zh-Hant), which is the file authors edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.checks.findings import Finding, Severity
from reportkit.checks.origin import describe, error_at_origin, findings_at_origin, origin_path
from reportkit.config.project import Project
from reportkit.errors import ChapterExecutionError, ReportkitError, UnknownStatisticError

from ..conftest import GOLDEN, assert_golden, copy_report


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(copy_report(tmp_path_factory.mktemp("origin") / "report"))


def test_generated_chapters_map_to_their_origin(report: Project) -> None:
    assert origin_path(report, "chapters/zh-Hans/05-economy.qmd") == ("chapters/zh-Hant/05-economy.qmd", "zh-Hans")
    assert origin_path(report, report.root / "index.zh-Hans.qmd") == ("index.zh-Hant.qmd", "zh-Hans")
    for authored in ("chapters/zh-Hant/05-economy.qmd", "chapters/en/05-economy.qmd", "index.en.qmd",
                     "_site/zh-Hans/05-economy.html", "data/statistics.csv", "/elsewhere/chapters/zh-Hans/x.qmd"):
        assert origin_path(report, authored) is None, authored


def test_an_error_in_a_generated_chapter_names_the_source_line(report: Project) -> None:
    error = ChapterExecutionError("inline expression `undefined_name` failed: NameError: name 'undefined_name' "
                                  "is not defined", report.root / "chapters/zh-Hans/05-economy.qmd", 42)
    line = describe(error, report.root)
    assert line.startswith("chapters/zh-Hant/05-economy.qmd:42: ")
    assert_golden(line + "\n", GOLDEN / "errors" / "generated-chapter-error.txt")
    moved = error_at_origin(error, report.root)
    assert type(moved) is ChapterExecutionError and moved.line == 42

    unknown = UnknownStatisticError("unknown statistic id 'x'", report.root / "chapters/zh-Hans/05-economy.qmd", 3)
    assert isinstance(error_at_origin(unknown, report.root), KeyError)  # still what callers catch
    authored = ReportkitError("bad", report.root / "chapters/en/05-economy.qmd", 3)
    assert error_at_origin(authored, report.root) is authored


def test_findings_in_a_generated_chapter_move_and_merge_with_their_twin(report: Project) -> None:
    twin = Finding("chapters/zh-Hant/05-economy.qmd", 12, "citation-missing", "cites nobody2024")
    findings = [
        twin,
        Finding("chapters/zh-Hans/05-economy.qmd", 12, "citation-missing", "cites nobody2024"),
        Finding("chapters/zh-Hans/05-economy.qmd", 30, "parity", "only here", Severity.WARNING),
        Finding("_site/zh-Hans/05-economy.html", 7, "stat-value", "built output stays"),
    ]
    assert findings_at_origin(report, findings) == [
        twin,
        Finding("chapters/zh-Hant/05-economy.qmd", 30, "parity", "only here (found in the generated zh-Hans "
                "version: edit this file, not the generated one)", Severity.WARNING),
        findings[3],
    ]


def test_without_a_project_errors_are_unchanged(tmp_path: Path) -> None:
    error = ReportkitError("bad", tmp_path / "chapters/zh-Hans/05-economy.qmd", 3)
    assert error_at_origin(error, tmp_path) is error
