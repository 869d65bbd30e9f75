"""`reportkit preview` serves the last build's findings to the page's overlay script."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from reportkit.checks.findings import Finding, Severity
from reportkit.config.project import Project
from reportkit.preview import FINDINGS_PATH, FINDINGS_SCRIPT_PATH

from .test_preview import _batches, _get, _start, _wait_for_build


def test_findings_are_served_with_the_page_they_are_about(mini_with_site: Path) -> None:
    builds = [
        [Finding("chapters/zh-Hant/01-jobs.qmd", 12, "typed-number", "'37%' in prose", subject="37%\n2 倍"),
         Finding("index.zh-Hant.qmd", 3, "stat-uncited", "cites nothing"),
         Finding("data/statistics.csv", 2, "forecast-expired", "forecasts 2025", Severity.WARNING)],
        [],
    ]
    step, stop = threading.Event(), threading.Event()
    server, base = _start(Project(mini_with_site), lambda ready: builds.pop(0), lambda: _batches(step, stop))
    _wait_for_build(base, "1")
    served = json.loads(_get(base + FINDINGS_PATH.lstrip("/")))
    assert served == [
        {"text": "chapters/zh-Hant/01-jobs.qmd:12: [typed-number] '37%' in prose",
         "page": "01-jobs.html", "subject": ["37%", "2 倍"]},
        {"text": "index.zh-Hant.qmd:3: [stat-uncited] cites nothing", "page": "index.html", "subject": []},
        {"text": "data/statistics.csv:2: [forecast-expired] warning: forecasts 2025", "page": "", "subject": []},
    ]
    page = _get(base + "zh-Hant/chapters/zh-Hant/01-jobs.html")
    assert f'<script src="{FINDINGS_SCRIPT_PATH}"></script>' in page
    assert "reportkit-findings" in _get(base + FINDINGS_SCRIPT_PATH.lstrip("/"))
    built = mini_with_site / "_site/zh-Hant/chapters/zh-Hant/01-jobs.html"
    assert FINDINGS_SCRIPT_PATH not in built.read_text(encoding="utf-8")  # the site itself is untouched

    step.set()
    _wait_for_build(base, "2")
    assert json.loads(_get(base + FINDINGS_PATH.lstrip("/"))) == []
    stop.set()
    server.join(timeout=10)
