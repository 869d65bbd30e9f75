"""`reportkit check` on the real report: it passes, and each real mistake makes it fail
with the right file and rule (mutations of a temporary copy, never the repo)."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportkit.checks import RULES, Finding, run_checks
from reportkit.config.project import Project

from ..conftest import Result, render_refused


def test_check_passes_on_the_report(checked_report: Project, run_cli: Callable[..., Result]) -> None:
    result = run_cli("--project", checked_report.root, "check")
    assert result.code == 0, result.out
    assert "all checks passed" in result.out


def test_check_json(checked_report: Project, run_cli: Callable[..., Result]) -> None:
    result = run_cli("--project", checked_report.root, "check", "--format", "json")
    report = json.loads(result.out)
    assert report["failed"] is False
    # the 2026 edition still cites WEF's forecasts "by 2025", flagged as expired, and two
    # statistics whose source could not be read quote nothing (warnings, explained in their notes)
    assert {(f["rule"], f["severity"]) for f in report["findings"]} <= {
        ("forecast-expired", "warning"), ("quote-missing", "warning")}
    assert report["quotes"]["quoted"] >= 0.6 * report["quotes"]["rows"]


def _rewrite_registry(project: Project, stat_id: str, **changes: str) -> int:
    """Change cells of one registry row; return its line."""
    path = project.data_dir / "statistics.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0].keys())
    index = next(i for i, row in enumerate(rows) if row["id"] == stat_id)
    rows[index].update(changes)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return index + 2


def _check(project: Project) -> list[Finding]:
    """What `reportkit check` finds now in the sources and the built pages (a fresh read of the
    project from disk). The PDFs are not read back (about 40 % of a check's CPU): what these tests
    look for is in the sources, or must be caught on the pages."""
    return run_checks(Project(project.root), pdfs=False)


def _rules(project: Project) -> set[tuple[str, str]]:
    return {(f.path, f.rule) for f in _check(project)}


def _paragraph_with_cited_stat(project: Project, other_than: Path | None = None) -> tuple[Path, str, str, str]:
    """A chapter line showing exactly one statistic next to its source's citation (in another
    chapter than `other_than`)."""
    for entry in project.chapters:
        path = project.chapter_path(entry, project.source_language)
        if path == other_than:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            ids = re.findall(r'stat\("([a-z0-9-]+)"\)', line)
            if len(ids) != 1:
                continue
            source = project.registry[ids[0]].source
            citations = re.findall(r"\[@[^\]]*\]", line)
            if citations == [f"[@{source}]"]:
                return path, line, ids[0], citations[0]
    raise AssertionError("no line with one statistic and its citation")


def _source_pages(project: Project, chapter: Path) -> set[str]:
    """The built pages of a source chapter: its own and those generated from it (zh-Hans)."""
    codes = [lang.code for lang in project.languages
             if lang == project.source_language or project.is_generated(lang)]
    return {f"_site/{code}/{project.entry(chapter.name).page(code)}" for code in codes}


def _source_pdfs(project: Project) -> set[str]:
    codes = [lang.code for lang in project.languages
             if lang == project.source_language or project.is_generated(lang)]
    return {f"_site/{code}/{project.config.reportkit.slug}-{code}.pdf" for code in codes}


def test_changed_registry_value_is_caught_without_rerender(report_copy: Project) -> None:
    stat = next(s for s in report_copy.registry if not s.table and s.unit == "percent")
    _rewrite_registry(report_copy, stat.id, value=str(stat.value + 0.01))
    rules = _rules(report_copy)
    assert any(rule == "stat-value" and path.startswith("_site/") for path, rule in rules), rules


@dataclass(frozen=True)
class Mistakes:
    project: Project
    typed: Path  # the chapter with a typed percentage
    uncited: Path  # the chapter whose line lost the citation next to its statistic
    uncited_stat: str
    checked: set[tuple[str, str]]  # (path, rule) of what `_check` finds before a render
    refused: list[Finding]  # what the render finds (it refuses to publish)


def _change_source_table(project: Project) -> None:
    """One derived statistic's source row changed: the registry no longer recomputes."""
    stat = next(s for s in project.registry if s.table)
    table = project.data_dir / stat.table
    with table.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if all(r[k] == v for k, v in stat.conditions()))
    row[stat.column] = str(float(row[stat.column]) + 1)
    with table.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def mistakes(rendered_report: Project, tmp_path_factory: pytest.TempPathFactory) -> Mistakes:
    """A private copy of the rendered report with three mistakes that touch neither each other's
    lines nor each other's rules: a percentage typed into a paragraph (typed-number), in another
    chapter a citation deleted next to its statistic (stat-uncited), and a source table's value
    changed (registry-derived). Checked once as it is, then rendered once (a render of the real
    report is refused, not three); each test reads the findings of its own rule."""
    root = Path(shutil.copytree(rendered_report.root, tmp_path_factory.mktemp("mistakes") / "report"))
    project = Project(root)
    typed, line, _, _ = _paragraph_with_cited_stat(project)
    typed.write_text(typed.read_text(encoding="utf-8").replace(line, line + "另有 42% 的受訪者表示同意。"),
                     encoding="utf-8")
    uncited, line, stat_id, citation = _paragraph_with_cited_stat(project, other_than=typed)
    uncited.write_text(uncited.read_text(encoding="utf-8").replace(line, line.replace(citation, "")),
                       encoding="utf-8")
    _change_source_table(project)
    return Mistakes(project, typed, uncited, stat_id, _rules(project), render_refused(root))


def test_changed_source_table_is_caught_before_and_after_rerender(mistakes: Mistakes) -> None:
    expected = ("data/statistics.csv", "registry-derived")
    assert expected in mistakes.checked
    assert expected in {(f.path, f.rule) for f in mistakes.refused}


def test_typed_percentage_in_prose_is_caught(mistakes: Mistakes) -> None:
    project, path = mistakes.project, mistakes.typed
    findings = [f for f in mistakes.refused if f.rule == "typed-number"]
    # once, at the chapter line, naming every built file it shows in
    number = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "42%" in text)
    assert [(f.path, f.line) for f in findings] == [(path.relative_to(project.root).as_posix(), number)]
    assert "'42%'" in findings[0].message
    for shown in _source_pages(project, path) | _source_pdfs(project):
        assert shown in findings[0].message


def test_deleted_citation_next_to_a_statistic_is_caught(mistakes: Mistakes) -> None:
    findings = [f for f in mistakes.refused if f.rule == "stat-uncited"]
    assert findings and all(mistakes.uncited_stat in f.message for f in findings)
    assert {f.path for f in findings} == _source_pages(mistakes.project, mistakes.uncited)


def test_broken_bib_entry_is_caught(report_copy: Project) -> None:
    bib = report_copy.root / report_copy.config.bibliography
    text = bib.read_text(encoding="utf-8")
    bib.write_text(re.sub(r"(title\s*=\s*\{[^\n]*?\}),", r"\1", text, count=1), encoding="utf-8")
    findings = [f for f in _check(report_copy) if f.rule == "bib-malformed"]
    assert len(findings) == 1 and findings[0].path == "bib/references.bib" and findings[0].line > 0


def test_every_rule_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule}`" in readme, f"rule {rule} is not in the README's reviewer guide"
