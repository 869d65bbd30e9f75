"""Built files parsed once per test session.

Read-only tests over the session's build read the same pages and PDFs many times; these helpers
share one parse of a file while it is unchanged (the key is the file's path, inode, size and
modification time, so a file a test rebuilt or edited is parsed again). What they return is
shared: callers must not modify it (parse a page with BeautifulSoup directly to change it).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from bs4 import BeautifulSoup

from reportkit.checks.pdf_pages import PdfPage, read_pages

T = TypeVar("T")
KEPT = 512  # parses kept, least recently used dropped first: several times the report's pages and PDFs

_parsed: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


def shared(path: Path, read: Callable[[Path], T]) -> T:
    """`read(path)`, made once while the file at `path` is unchanged."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns, read)
    if key in _parsed:
        _parsed.move_to_end(key)
    else:
        _parsed[key] = read(path)
        if len(_parsed) > KEPT:
            _parsed.popitem(last=False)
    return cast(T, _parsed[key])


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def parsed(path: Path) -> BeautifulSoup:
    """The HTML page at `path`, parsed (shared: do not modify)."""
    return shared(path, _soup)


def pdf_pages(path: Path) -> list[PdfPage]:
    """Every page of the PDF at `path` as the checks read it (shared: do not modify)."""
    return shared(path, read_pages)
