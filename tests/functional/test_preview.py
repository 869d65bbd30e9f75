"""`reportkit preview`: serves the site, rebuilds on a change, tells open pages to reload."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reportkit.config.project import Project
from reportkit.engine import embedded
from reportkit.errors import BibliographyError, ChapterSyntaxError
from reportkit.preview import (
    BUILD_PATH,
    CHECKING_HEADER,
    ERROR_PATH,
    FINDINGS_PATH,
    RELOAD_PATH,
    DraftBuilds,
    PagesReady,
    _decorate,
    serve,
)

from ..conftest import FIXTURES, copy_project

PAGE = "zh-Hant/chapters/zh-Hant/01-jobs.html"


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def _batches(changed: threading.Event, stop: threading.Event) -> Iterator[object]:
    """A batch of changes each time `changed` is set, until `stop` is."""
    while not stop.is_set():
        if changed.wait(0.1):
            changed.clear()
            yield {"changed"}


def _wait_for_build(base: str, build: str) -> None:
    for _ in range(300):
        if _get(base + BUILD_PATH.lstrip("/")) == build:
            return
        time.sleep(0.1)
    assert _get(base + BUILD_PATH.lstrip("/")) == build


def _start(project: Project, rebuild: Callable[[PagesReady], object], batches: Callable[[], Iterator[object]]) -> tuple[
        threading.Thread, str]:
    urls: list[str] = []
    server = threading.Thread(target=serve, args=(project, "127.0.0.1", 0, rebuild, batches),
                              kwargs={"ready": urls.append}, daemon=True)
    server.start()
    for _ in range(100):
        if urls:
            break
        time.sleep(0.05)
    return server, urls[0]


def test_preview_survives_every_failed_rebuild_and_shows_the_error(
        mini_with_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bug (any exception) or a user error in a rebuild: the server keeps serving the last good
    site, prints the one-line error, and shows it on every page until a rebuild succeeds."""
    project = Project(mini_with_site)
    failures: list[Exception] = [
        RuntimeError("boom\nsecond line"),
        ChapterSyntaxError("unsupported <b>div</b>", mini_with_site / "chapters/zh-Hant/01-jobs.qmd", 29),
    ]
    step = threading.Event()
    stop = threading.Event()

    def rebuild(ready: PagesReady) -> None:
        if failures:
            raise failures.pop(0)

    server, base = _start(project, rebuild, lambda: _batches(step, stop))
    good = (mini_with_site / "_site/zh-Hant/chapters/zh-Hant/01-jobs.html").read_text(encoding="utf-8")
    _wait_for_build(base, "1")
    page = _get(base + "zh-Hant/chapters/zh-Hant/01-jobs.html")
    message = ("reportkit: internal error: RuntimeError: boom (please report it; "
               "REPORTKIT_DEBUG=1 shows the traceback)")
    assert _get(base + ERROR_PATH.lstrip("/")) == message
    assert f'<pre id="reportkit-build-error" role="alert">{message}</pre>' in page
    assert "id=\"sec-jobs-exposure\"" in page  # the last good page, under the error

    step.set()
    _wait_for_build(base, "2")
    page = _get(base + "zh-Hant/chapters/zh-Hant/01-jobs.html")
    escaped = "chapters/zh-Hant/01-jobs.qmd:29: unsupported &lt;b&gt;div&lt;/b&gt;"
    assert escaped in page and "<b>div</b>" not in page
    assert server.is_alive()

    step.set()
    _wait_for_build(base, "3")
    assert _get(base + ERROR_PATH.lstrip("/")) == ""
    assert "reportkit-build-error" not in _get(base + "zh-Hant/chapters/zh-Hant/01-jobs.html")
    assert (mini_with_site / "_site/zh-Hant/chapters/zh-Hant/01-jobs.html").read_text(encoding="utf-8") == good
    assert capsys.readouterr().err.splitlines() == [message, escaped.replace("&lt;", "<").replace("&gt;", ">")]
    stop.set()
    server.join(timeout=10)


def test_preview_shows_the_error_when_there_is_no_site_yet(tmp_path: Path) -> None:
    project = Project(copy_project(FIXTURES / "mini", tmp_path / "mini"))
    stop = threading.Event()

    def rebuild(ready: PagesReady) -> None:
        raise BibliographyError("malformed entry", project.root / "bib/references.bib", 3)

    server, base = _start(project, rebuild, lambda: iter(stop.wait, True))
    _wait_for_build(base, "1")
    page = _get(base)
    assert "bib/references.bib:3: malformed entry" in page and RELOAD_PATH in page
    stop.set()
    server.join(timeout=10)


def test_preview_serves_rebuilds_and_reloads(mini_with_site: Path) -> None:
    project = Project(mini_with_site)
    chapter = mini_with_site / "chapters/zh-Hant/01-jobs.qmd"
    changes = threading.Event()
    stop = threading.Event()

    def rebuild(ready: PagesReady) -> None:
        embedded.render(Project(mini_with_site), formats=frozenset({"html"}))

    server, base = _start(project, rebuild, lambda: _batches(changes, stop))
    page = _get(base + "zh-Hant/chapters/zh-Hant/01-jobs.html")
    assert f'<script src="{RELOAD_PATH}"></script>' in page
    built = mini_with_site / "_site/zh-Hant/chapters/zh-Hant/01-jobs.html"
    assert RELOAD_PATH not in built.read_text(encoding="utf-8")
    _wait_for_build(base, "1")  # the first build, on start

    chapter.write_text(chapter.read_text(encoding="utf-8").replace("自動化暴露", "自動化的暴露"), encoding="utf-8")
    changes.set()
    _wait_for_build(base, "2")
    assert "自動化的暴露" in _get(base + "zh-Hant/chapters/zh-Hant/01-jobs.html")
    stop.set()
    server.join(timeout=10)


def test_an_edit_saved_during_a_build_starts_the_next_one(mini_with_site: Path) -> None:
    """The watcher runs from before the first build: a file saved while a build runs (here the
    first one, the longest) is rebuilt once that build ends, not lost until the next save."""
    project = Project(mini_with_site)
    watching, saved, stop = threading.Event(), threading.Event(), threading.Event()
    builds: list[bool] = []

    def changes() -> Iterator[object]:  # like watchfiles: sees only what is saved after it starts
        watching.set()
        saved.clear()
        while not stop.is_set():
            if saved.wait(0.1):
                saved.clear()
                yield {"saved"}

    def rebuild(ready: PagesReady) -> None:
        builds.append(watching.wait(5))  # was the watcher running during this build?
        if len(builds) == 1:
            saved.set()  # the author saves while the first build runs

    server, base = _start(project, rebuild, changes)
    try:
        _wait_for_build(base, "2")
        assert builds == [True, True]
    finally:
        stop.set()
        server.join(timeout=10)


def test_the_edited_page_is_served_before_the_checks_then_published(
        mini_with_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild serves its pages once they are built, while the checks still run; the build then
    publishes the same page, and the served page is the published one."""
    checking, release = threading.Event(), threading.Event()
    run_checks = embedded.run_checks

    def slow_checks(*args: Any, **kwargs: Any) -> Any:
        checking.set()
        assert release.wait(60)
        return run_checks(*args, **kwargs)

    monkeypatch.setattr(embedded, "run_checks", slow_checks)
    project = Project(mini_with_site)
    chapter = mini_with_site / "chapters/zh-Hant/01-jobs.qmd"
    published = mini_with_site / "_site" / PAGE
    changes, stop = threading.Event(), threading.Event()
    builds = DraftBuilds(mini_with_site)
    server, base = _start(project, lambda ready: builds.build(ready)[2], lambda: _batches(changes, stop))
    try:
        release.set()
        _wait_for_build(base, "1")
        release.clear()
        checking.clear()
        chapter.write_text(chapter.read_text(encoding="utf-8").replace("自動化暴露", "自動化的暴露"), encoding="utf-8")
        changes.set()
        assert checking.wait(120)
        served = _get(base + PAGE)
        assert "自動化的暴露" in served  # served from the build under way
        assert "自動化的暴露" not in published.read_text(encoding="utf-8")  # not yet published
        assert _get(base + BUILD_PATH.lstrip("/")) == "1+"  # pages reload now, and again when it ends
        with urllib.request.urlopen(base + FINDINGS_PATH.lstrip("/"), timeout=10) as response:
            assert response.headers[CHECKING_HEADER] == "1"  # the overlay says its findings are the last build's
        release.set()
        _wait_for_build(base, "2")
        assert "自動化的暴露" in published.read_text(encoding="utf-8")
        assert _get(base + PAGE) == _decorate(published.read_text(encoding="utf-8"), None)
        with urllib.request.urlopen(base + FINDINGS_PATH.lstrip("/"), timeout=10) as response:
            assert CHECKING_HEADER not in response.headers
    finally:
        release.set()
        stop.set()
        server.join(timeout=60)
        builds.close()


def test_a_build_that_fails_after_serving_its_pages_goes_back_to_the_last_good_site(
        mini_with_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = Project(mini_with_site)
    staging = tmp_path / "staging"
    (staging / PAGE).parent.mkdir(parents=True)
    (staging / PAGE).write_text("<html><body>draft page</body></html>", encoding="utf-8")
    served, release = threading.Event(), threading.Event()
    changes, stop = threading.Event(), threading.Event()
    builds: list[int] = []

    def rebuild(ready: PagesReady) -> None:
        builds.append(len(builds))
        if len(builds) == 1:
            return  # the first build: the site as it is
        ready(staging)
        served.set()
        assert release.wait(60)
        raise RuntimeError("the search index failed")

    server, base = _start(project, rebuild, lambda: _batches(changes, stop))
    try:
        _wait_for_build(base, "1")
        changes.set()
        assert served.wait(60)
        assert "draft page" in _get(base + PAGE)
        release.set()
        _wait_for_build(base, "2")
        page = _get(base + PAGE)
        assert "draft page" not in page and 'id="sec-jobs-exposure"' in page
        assert "the search index failed" in _get(base + ERROR_PATH.lstrip("/"))
        assert "the search index failed" in capsys.readouterr().err
    finally:
        release.set()
        stop.set()
        server.join(timeout=60)
