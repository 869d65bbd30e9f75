"""Search across editions, in Chromium: the mini project tagged `edition-2025`, built as the 2026
edition with its archive. The search box starts filtered to the page's edition; the earlier
edition is one filter away, its results marked."""

from __future__ import annotations

import functools
import subprocess
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from reportkit.config.project import Project
from reportkit.engine import embedded

from ..conftest import FIXTURES, copy_project
from .conftest import QuietHandler

QUERY = "高盛"  # in the chapter of both editions


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root, check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def editions_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("editions") / "mini")
    config = root / "_quarto.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("edition: 2026", "edition: 2025").replace("as-of: 2026-", "as-of: 2025-"),
                      encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "edition 2025")
    _git(root, "tag", "edition-2025")
    config.write_text(text, encoding="utf-8")
    embedded.render(Project(root), allow_findings=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root / "_site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _results(page: Any, prefix: str) -> list[tuple[str, str]]:
    """The search results once the UI shows results under `prefix` only (it re-runs the search
    after a filter changes; a filter that fails to apply times out here)."""
    page.wait_for_function("""prefix => {
        const links = [...document.querySelectorAll(".pagefind-ui__result-link")];
        return links.length > 0 && links.every(link => link.getAttribute("href").startsWith(prefix));
    }""", arg=prefix, timeout=15000)
    return [(a.inner_text(), a.get_attribute("href")) for a in page.locator(".pagefind-ui__result-link").all()]


def test_search_shows_the_latest_edition_and_marks_an_earlier_one(browser_context: Any, editions_url: str) -> None:
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{editions_url}zh-Hant/index.html")
    page.locator("#search input").fill(QUERY)
    latest = _results(page, "/zh-Hant/")
    assert latest and all(href.startswith("/zh-Hant/") for _, href in latest), latest
    page.locator('.pagefind-ui__filter-checkbox[id$="2026"]').uncheck()
    page.locator('.pagefind-ui__filter-checkbox[id$="2025"]').check()
    earlier = _results(page, "/editions/2025/zh-Hant/")
    assert earlier and all(href.startswith("/editions/2025/zh-Hant/") for _, href in earlier), earlier
    assert earlier[0][0].startswith("〔2025 年版〕")
    assert errors == []
    page.close()
