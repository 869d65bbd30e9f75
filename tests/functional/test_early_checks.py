"""A language's pages and PDF are checked as soon as they are written, while the build goes on."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reportkit.checks.runner import check_site, run_checks
from reportkit.config.project import Project
from reportkit.engine import embedded
from reportkit.execution.cache import BuildCache
from reportkit.workers import WORKERS_ENV

WAIT = 60  # seconds the fake search index waits for the check before it gives up


def test_a_language_is_checked_while_the_search_index_is_made(mini_with_site: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "2")
    checked = threading.Event()
    index, run = embedded.pagefind.index, embedded.LanguageChecks.run

    def search_index(site: Path) -> None:
        if not checked.wait(WAIT):
            raise AssertionError("the pages and the PDF were checked only after the search index")
        index(site)

    def check(self: embedded.LanguageChecks, code: str) -> None:
        run(self, code)
        checked.set()

    monkeypatch.setattr(embedded.pagefind, "index", search_index)
    monkeypatch.setattr(embedded.LanguageChecks, "run", check)
    # a typed figure: a finding on the edited page, found by the early check, reported by the build
    chapter = mini_with_site / "chapters/zh-Hant/01-jobs.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("更多內容見", "共 4321 件。更多內容見"),
                       encoding="utf-8")
    report = embedded.render(Project(mini_with_site), allow_findings=True)
    assert {f.rule for f in report.findings if "4321" in f.message} == {"typed-number"}
    assert report.findings == run_checks(Project(mini_with_site))  # what a check of the published site finds


@pytest.mark.parametrize("in_workers", [False, True])
def test_a_language_checked_early_is_checked_as_check_site_does(mini_with_site: Path, in_workers: bool) -> None:
    project = Project(mini_with_site)
    checks = embedded.LanguageChecks(project, project.output_dir, True, BuildCache(mini_with_site, enabled=False))
    checks.in_workers = in_workers  # a worker process, as with several languages on several cores
    try:
        checks.run("zh-Hant")
    finally:
        checks.close()
    findings, pages = check_site(project, project.registry)
    assert checks.results["zh-Hant"][0] == findings
    assert checks.results["zh-Hant"][1] == pages["zh-Hant"]
