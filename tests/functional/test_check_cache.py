"""The check reuses what it found on pages it read before (same bytes, same rule inputs) and finds
exactly what a full check finds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reportkit.checks import html_pages, pdf_pages, runner
from reportkit.checks.findings import Finding
from reportkit.checks.runner import run_checks
from reportkit.config.project import Project
from reportkit.engine import embedded
from reportkit.execution.cache import BuildCache
from reportkit.workers import WORKERS_ENV

from ..conftest import Result

TYPED = "另有 4321 人受影響。"  # a figure typed into prose: a typed-number finding


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The built files the check reads from now on (HTML pages and PDFs, by path)."""
    reads: list[str] = []
    read_page, read_pdf = html_pages.read_page, pdf_pages.read_pdf

    def page(path: Path, *args: object, **kwargs: object) -> html_pages.PageReport:
        reads.append(path.name)
        return read_page(path, *args, **kwargs)  # type: ignore[arg-type]

    def pdf(path: Path, *args: object, **kwargs: object) -> pdf_pages.PdfReport:
        reads.append(path.name)
        return read_pdf(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(html_pages, "read_page", page)
    monkeypatch.setattr(pdf_pages, "read_pdf", pdf)
    return reads


def _full(root: Path) -> list[Finding]:
    """A check of the published site that reads every page (no cache)."""
    project = Project(root)
    return run_checks(project, project.output_dir)


def test_edited_page_is_read_again_and_findings_match_a_full_check(
        mini_with_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embedded.render(Project(mini_with_site))  # the cache now holds what the check found on every page
    _edit(mini_with_site / "chapters/zh-Hant/01-jobs.qmd", "更多內容見", TYPED + "更多內容見")
    reads = _reads(monkeypatch)
    report = embedded.render(Project(mini_with_site), allow_findings=True)
    # the edited chapter's page and the PDF that holds it are read; the unchanged pages are not
    assert sorted(reads) == ["01-jobs.html", "mini-zh-Hant.pdf"]
    assert {f.rule for f in report.findings if "4321" in f.message} == {"typed-number"}
    assert report.findings == _full(mini_with_site)


def test_a_data_change_is_found_on_unchanged_pages(mini_with_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project(mini_with_site)
    cache = BuildCache(mini_with_site)
    before = run_checks(project, cache=cache)
    reads = _reads(monkeypatch)
    assert run_checks(project, cache=cache) == before
    assert reads == []  # nothing changed: every page's findings came from the cache
    # the registry now says 84 million: the summary page (unchanged) shows a figure that differs from it
    _edit(mini_with_site / "data/statistics.csv", "wef-jobs-displaced,85000000,", "wef-jobs-displaced,84000000,")
    after = run_checks(Project(mini_with_site), cache=cache)
    assert "index.html" in reads
    assert any(f.rule == "stat-value" and f.path.endswith("index.html") for f in after)
    assert after == run_checks(Project(mini_with_site))


def test_a_language_read_again_hashes_each_built_file_once(mini_with_site: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A language with a page missing from the cache is looked up there, then read: the files
    looked up are not hashed a second time."""
    project = Project(mini_with_site)
    cache = BuildCache(mini_with_site)
    run_checks(project, cache=cache)  # every page and the PDF in the cache
    last = project.output_dir / "zh-Hant" / project.chapters[-1].page("zh-Hant")
    last.write_bytes(last.read_bytes() + b"\n")  # its findings are not in the cache: the language is read
    hashed: list[Path] = []
    file_hash = runner.file_hash
    monkeypatch.setattr(runner, "file_hash", lambda path: (hashed.append(path), file_hash(path))[1])
    monkeypatch.setenv(WORKERS_ENV, "1")  # read in this process, where the hashes are counted
    reads = _reads(monkeypatch)
    run_checks(Project(mini_with_site), cache=cache)
    assert reads == [last.name]
    built = [path for path in hashed if project.output_dir in path.parents]
    assert len(built) == len(project.chapters) + 1  # the pages and the PDF
    assert sorted(built) == sorted(set(built))


def test_check_command_output_is_the_same_from_the_cache(mini_with_site: Path, run_cli: Callable[..., Result],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    first = run_cli("--project", mini_with_site, "check", "--format", "json")
    reads = _reads(monkeypatch)
    second = run_cli("--project", mini_with_site, "check", "--format", "json")
    assert reads == []
    assert (second.code, second.out) == (first.code, first.out)
    assert '"findings"' in first.out
