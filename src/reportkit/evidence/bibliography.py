"""The bibliography, ``bib/references.bib``, validated before pandoc sees it.

pandoc aborts on the first malformed entry without a useful location, so the
file is parsed with bibtexparser first and any failed block is reported with
its line.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import bibtexparser
from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

from reportkit.errors import BibliographyError
from reportkit.textfile import read_text

# bibtexparser logs each failed block to stderr; reportkit reports them itself, one line each
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Bibliography:
    path: Path
    entries: dict[str, dict[str, str]]  # key -> lower-case field -> value
    lines: dict[str, int]

    @property
    def keys(self) -> set[str]:
        return set(self.entries)

    @classmethod
    def load(cls, path: Path) -> Bibliography:
        if not path.is_file():
            raise BibliographyError("bibliography file not found", path)
        text = read_text(path, BibliographyError)
        library = bibtexparser.parse_string(text)
        for block in library.failed_blocks:
            line = (block.start_line or 0) + 1
            if isinstance(block, DuplicateBlockKeyBlock):
                raise BibliographyError(f"duplicate entry key {block.key!r}", path, line)
            reason = _failure(block.error, text) if isinstance(block, ParsingFailedBlock) else ""
            raise BibliographyError(f"malformed entry ({reason})" if reason else "malformed entry", path, line)
        entries: dict[str, dict[str, str]] = {}
        lines: dict[str, int] = {}
        for entry in library.entries:
            fields = {f.key.lower(): str(f.value) for f in entry.fields}
            if "title" not in fields:
                raise BibliographyError(
                    f"entry {entry.key!r} has no title", path, (entry.start_line or 0) + 1
                )
            entries[entry.key] = {"type": entry.entry_type.lower(), **fields}
            lines[entry.key] = (entry.start_line or 0) + 1
        return cls(path, entries, lines)


def _failure(error: Exception | None, text: str) -> str:
    """Why bibtexparser gave up on a block, in one line."""
    if isinstance(error, BlockAbortedException):
        if error.abort_reason.startswith("Unexpected block start") and error.end_index is not None:
            line = text.count("\n", 0, error.end_index) + 1
            return f"it runs into the next entry at line {line}: a brace or quote is not closed"
        if error.abort_reason.startswith("Unexpectedly reached end of file"):
            return "it runs to the end of the file: a brace or quote is not closed"
        return " ".join(error.abort_reason.split())
    return next((line.strip() for line in str(error or "").splitlines() if line.strip()), "")


MEMO_KIND = "bibliography"  # the store's kind of entry: pandoc's readings, by content


class Store(Protocol):
    """Where pandoc's reading is kept between runs: the build cache (execution/cache.py
    `BuildCache`, a later stage, so named here by what it does)."""

    def get_json(self, kind: str, key: str) -> Any: ...

    def put_json(self, kind: str, key: str, value: Any) -> None: ...


def check_with_pandoc(path: Path, store: Store | None = None) -> list[dict[str, object]]:
    """Parse the bibliography with pandoc as citeproc will; return its CSL JSON items. `store`:
    where pandoc's answer is kept between runs, keyed by the file's bytes and the pandoc
    executable (its path, size and time), so an unchanged bibliography is not read again (a
    failure is never kept)."""
    import hashlib
    import json
    import os

    try:
        content = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # pandoc says what is wrong (a failure is not cached)
        content = ""
    key = ""
    if store is not None and content:
        from reportkit.tools import pandoc

        try:
            tool = os.stat(pandoc.executable())
        except OSError:
            pass
        else:
            name = f"{content}:{pandoc.executable()}:{tool.st_size}:{tool.st_mtime_ns}"
            key = hashlib.sha256(name.encode("utf-8")).hexdigest()
            kept = store.get_json(MEMO_KIND, key)
            if isinstance(kept, list) and all(isinstance(item, dict) for item in kept):
                return kept
    items: list[dict[str, object]] = json.loads(_csl_json(path, content))
    if store is not None and key:
        store.put_json(MEMO_KIND, key, items)
    return items


@functools.lru_cache(maxsize=16)  # by content: a render validates the bibliography twice
def _csl_json(path: Path, content: str) -> str:
    """pandoc's CSL JSON of the bibliography at `path` (whose bytes hash to `content`)."""
    from reportkit.errors import ToolFailedError
    from reportkit.tools import pandoc

    try:
        return pandoc.run([path.name, "-f", "bibtex", "-t", "csljson"], cwd=path.parent, what=path)
    except ToolFailedError as err:
        raise BibliographyError(
            f"malformed entry ({err.message.removeprefix('pandoc: ')})", path, err.line
        ) from None
