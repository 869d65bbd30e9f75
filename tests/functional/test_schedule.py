"""The order of a render's tasks: what overlaps, and which failure is reported."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from reportkit.config.project import Project
from reportkit.engine import embedded
from reportkit.errors import ToolFailedError
from reportkit.workers import WORKERS_ENV

WAIT = 60  # seconds a fake book waits for the search index before it gives up


def test_search_index_is_written_while_a_book_compiles(mini_with_site: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "2")
    indexed = threading.Event()
    index, book = embedded.pagefind.index, embedded.render_book
    shared_files_written: list[bool] = []

    def search_index(site: Path) -> None:
        shared_files_written.append((site / "index.html").is_file() and (site / "assets").is_dir())
        index(site)
        indexed.set()

    def slow_book(*args: Any, **kwargs: Any) -> None:
        if not indexed.wait(WAIT):
            raise AssertionError("the search index waited for the book")
        book(*args, **kwargs)

    monkeypatch.setattr(embedded.pagefind, "index", search_index)
    monkeypatch.setattr(embedded, "render_book", slow_book)
    report = embedded.render(Project(mini_with_site), force=True)
    assert shared_files_written == [True]  # the index was made once, after the files every language shares
    assert (mini_with_site / "_site/pagefind" / embedded.pagefind.ENTRY).is_file()
    assert report.pdf_seconds  # the book was made, after the index


def test_a_failed_page_is_reported_before_a_failed_book_and_nothing_is_indexed(
        mini_with_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (mini_with_site / "_site/index.html").read_bytes()
    indexed: list[Path] = []

    def fail(what: str) -> Any:
        def failing(*_: Any, **__: Any) -> None:
            raise ToolFailedError(f"{what} failed", mini_with_site)
        return failing

    monkeypatch.setattr(embedded.pandoc, "convert", fail("pandoc"))
    monkeypatch.setattr(embedded, "render_book", fail("typst"))
    monkeypatch.setattr(embedded.pagefind, "index", indexed.append)
    with pytest.raises(ToolFailedError, match="pandoc failed"):
        embedded.render(Project(mini_with_site), force=True)
    assert indexed == []
    assert (mini_with_site / "_site/index.html").read_bytes() == before
