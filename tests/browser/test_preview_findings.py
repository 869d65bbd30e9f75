"""Findings while writing: `reportkit preview` shows the checks' findings on the page.

Type a percentage into a chapter: after the rebuild the page lists the finding
(`file:line: [rule] message`) and highlights the typed text; remove it, and both go.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from reportkit.config.project import Project
from reportkit.preview import DraftBuilds

from ..functional.test_preview import _batches, _start, _wait_for_build

CHAPTER = "chapters/zh-Hant/01-jobs.qmd"
PAGE = "zh-Hant/chapters/zh-Hant/01-jobs.html"
TYPED = "\n另有 37% 的工作受影響 [@gs2023]。\n"


def _typed_findings(tab: Any) -> list[str]:
    return [text for text in tab.locator("#reportkit-findings li").all_inner_texts() if "[typed-number]" in text]


def test_a_typed_percentage_shows_as_a_finding_and_goes_when_removed(
        mini_with_site: Path, browser_context: Any) -> None:
    project = Project(mini_with_site)
    chapter = mini_with_site / CHAPTER
    original = chapter.read_text(encoding="utf-8")
    changes, stop = threading.Event(), threading.Event()
    builds = DraftBuilds(mini_with_site)
    server, base = _start(project, lambda ready: builds.build(ready)[2], lambda: _batches(changes, stop))
    tab = browser_context.new_page()
    try:
        _wait_for_build(base, "1")
        tab.goto(base + PAGE)
        tab.wait_for_load_state("networkidle")
        assert _typed_findings(tab) == []
        assert tab.locator("mark.reportkit-finding").count() == 0

        chapter.write_text(original + TYPED, encoding="utf-8")
        changes.set()
        _wait_for_build(base, "2")  # the page polls the build counter and reloads itself
        tab.wait_for_selector("mark.reportkit-finding", timeout=15_000)
        (finding,) = _typed_findings(tab)
        line = len(original.split("\n")) + 1  # the typed paragraph's line in the chapter
        assert finding.startswith(f"{CHAPTER}:{line}: [typed-number]"), finding
        assert tab.locator("mark.reportkit-finding").all_inner_texts() == ["37%"]

        chapter.write_text(original, encoding="utf-8")
        changes.set()
        _wait_for_build(base, "3")
        tab.wait_for_function("() => !document.querySelector('mark.reportkit-finding')", timeout=15_000)
        # the page reloads when its pages are served and again when the checks end
        tab.wait_for_function("() => ![...document.querySelectorAll('#reportkit-findings li')]"
                              ".some(li => li.textContent.includes('[typed-number]'))", timeout=15_000)
        assert _typed_findings(tab) == []
    finally:
        tab.close()
        stop.set()
        server.join(timeout=60)
        builds.close()
