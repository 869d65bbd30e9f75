"""`reportkit preview`: serves the site, rebuilds on a change, tells open pages to reload."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from reportkit.engine import embedded
from reportkit.preview import BUILD_PATH, RELOAD_PATH, serve
from reportkit.project import Project


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def test_preview_serves_rebuilds_and_reloads(mini_with_site: Path) -> None:
    project = Project(mini_with_site)
    chapter = mini_with_site / "chapters/zh-Hant/01-jobs.qmd"
    changes = threading.Event()
    stop = threading.Event()
    urls: list[str] = []

    def batches() -> Iterator[object]:
        while not stop.is_set():
            if changes.wait(0.1):
                changes.clear()
                yield {"changed"}

    def rebuild() -> None:
        embedded.render(Project(mini_with_site), formats=frozenset({"html"}))

    server = threading.Thread(target=serve, args=(project, "127.0.0.1", 0, rebuild, batches),
                              kwargs={"ready": urls.append}, daemon=True)
    server.start()
    for _ in range(100):
        if urls:
            break
        time.sleep(0.05)
    base = urls[0]
    page = _get(base + "zh-Hant/01-jobs.html")
    assert f'<script src="{RELOAD_PATH}"></script>' in page
    assert RELOAD_PATH not in (mini_with_site / "_site/zh-Hant/01-jobs.html").read_text(encoding="utf-8")
    assert _get(base + BUILD_PATH.lstrip("/")) == "0"

    chapter.write_text(chapter.read_text(encoding="utf-8").replace("自動化暴露", "自動化的暴露"), encoding="utf-8")
    changes.set()
    for _ in range(300):
        if _get(base + BUILD_PATH.lstrip("/")) == "1":
            break
        time.sleep(0.1)
    assert _get(base + BUILD_PATH.lstrip("/")) == "1"
    assert "自動化的暴露" in _get(base + "zh-Hant/01-jobs.html")
    stop.set()
    server.join(timeout=10)
