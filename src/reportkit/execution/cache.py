"""The build cache (``_cache/``): what a chapter's execution produced, reused while
everything it depended on is unchanged.

A chapter's key is the hash of what running it depends on (:func:`execution_key`): its
code cells with their options and its inline expressions, in order (as executed: zh-Hans
after conversion), its file, its language, the kernel, reportkit's version and the Python
environment (interpreter and installed distributions); not its prose, so editing a paragraph
re-renders the page from the cached outputs, as jupyter-cache keys a notebook only on its code
cells. Its entry also records the content
hash of every file under the project that the chapter's code opened while it ran
(an audit hook in the kernel sees every `open`, pandas included), so changing one
data file re-executes exactly the chapters that read it. Pandoc's output per page, each
book's typst source (the whole book with its metadata, the bibliography, the environment) and
typst's PDF per language (that source, the timestamp, the fonts) are cached the same way, keyed
by their inputs, and so is what
the checks found on each built page and PDF (checks/runner.py, `PageCache`).

Entries are JSON or raw bytes, never pickle: a `_cache/` restored from elsewhere (a CI
cache, a shared drive) can at worst hold wrong data, not code. An entry that does not
decode, or does not have the expected shape, counts as missing and is rebuilt. (Content
is still trusted: a well-formed but altered entry, e.g. a page, is published as found;
`reportkit render --force` or `reportkit clean` rebuilds from the sources alone.)

The folder is safe to delete (`reportkit clean`) and ignored by git.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportkit import __version__
from reportkit.chapters.reader import Chapter
from reportkit.config.model import profile_file

CACHE_DIR = "_cache"
ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.(?:bin|json)")  # an entry: its key and how it is stored


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


@cache
def environment() -> str:
    """reportkit itself (version and files, so an upgrade or a local change counts), the
    interpreter, and every installed distribution with its version."""
    package = Path(__file__).parents[1]
    own = [digest(p.relative_to(package).as_posix(), p.read_bytes()) for p in sorted(package.rglob("*"))
           if p.is_file() and p.suffix in (".py", ".html", ".typ", ".lua", ".css", ".js")]
    return digest(sys.version, __version__, *own, *_distributions())


def _distributions() -> list[str]:
    """Every installed distribution, as the name of its metadata folder on the import path (the
    folders importlib.metadata finds; the name holds the distribution's name and version:
    `pandas-3.1.1.dist-info`). Reading each one's METADATA instead cost about 0.3 s of CPU per
    command, a fifth of a no-op render."""
    names: set[str] = set()
    for entry in sys.path:
        try:
            names.update(p.name for p in Path(entry or ".").iterdir() if p.suffix in (".dist-info", ".egg-info"))
        except OSError:
            continue
    return sorted(names)


def execution_key(chapter: Chapter, root: Path, language: str, kernel: str, environment: str) -> str:
    """The cache key of running `chapter` in `language` on `kernel` in `environment`: what the run depends on, and
    nothing else. The code cells in order, with their `#|` options; the inline expressions in
    order (the n-th one's value is stored under its key `rk<n>`, which the Markdown stage finds
    again in the prose, so the same list in the same order maps every value to its place, wherever
    the prose around it moved); the chapter's file relative to `root` (its folder is the code's
    working folder); its own cell time limit. Prose, headings and front matter
    other than the time limit are not in it (the files the code read are checked apart, by
    content)."""
    cells = [[cell.code, json.dumps(cell.options, sort_keys=True, ensure_ascii=False, default=str)]
             for cell in chapter.cells]
    inline = [[item.key, item.expr] for item in chapter.inline]
    try:
        where = chapter.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        where = chapter.path.as_posix()
    run = json.dumps({"cells": cells, "inline": inline, "file": where, "timeout": chapter.cell_timeout},
                     ensure_ascii=False)
    return digest("chapter", run, language, kernel, environment)


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


SOURCES = ("chapters", "data", "bib")


def _paired_notebook(path: Path) -> bool:
    """A notebook `reportkit notebook` pairs with a chapter (or Jupyter's checkpoint of one): not a
    source; its edits reach the build only when written back to the .qmd."""
    return path.suffix == ".ipynb" or ".ipynb_checkpoints" in path.parts


def sources_fingerprint(root: Path, generated: list[str]) -> str:
    """The sources of a build: chapters, data, the bibliography and the Quarto configuration
    (not what a build writes: the generated languages' chapter folders and profiles)."""
    skip = {root / "chapters" / code for code in generated}
    files = [p for folder in SOURCES for p in sorted((root / folder).rglob("*"))
             if p.is_file() and not any(parent in skip for parent in p.parents) and not _paired_notebook(p)]
    written = {profile_file(code) for code in generated}
    files += [p for p in sorted(root.glob("_quarto*.yml")) if p.name not in written]
    return digest(*(digest(p.relative_to(root).as_posix(), p.read_bytes()) for p in files))


def site_fingerprint(root: Path, generated: list[str], formats: frozenset[str], environment: str) -> str:
    """Everything a build reads: the sources, reportkit and the Python environment, and the
    formats asked for."""
    return digest(sources_fingerprint(root, generated), environment, *sorted(formats))


@dataclass(frozen=True)
class Published:
    """The manifest of a published site: the fingerprint of what it was built from, and every
    file it holds (path relative to the output folder -> content hash)."""

    fingerprint: str
    files: dict[str, str]
    sources: str = ""  # sources_fingerprint() of the build

    @classmethod
    def of(cls, fingerprint: str, folder: Path, sources: str) -> Published:
        return cls(fingerprint, {p.relative_to(folder).as_posix(): file_hash(p) or ""
                                 for p in sorted(folder.rglob("*")) if p.is_file()}, sources)

    def intact(self, folder: Path) -> bool:
        """Whether every published file is still in `folder`, unchanged."""
        return bool(self.files) and all(file_hash(folder / name) == sha for name, sha in self.files.items())


def _listing(folder: str, folders: bool) -> list[os.DirEntry[str]]:
    """The subfolders (`folders`) or the other files of `folder`, none if it cannot be read;
    os.scandir, as a cache of thousands of entries is walked after every build (Path.glob and
    Path.stat took twice as long)."""
    try:
        with os.scandir(folder) as found:
            return [entry for entry in found if entry.is_dir(follow_symlinks=False) == folders]
    except OSError:
        return []


class BuildCache:
    def __init__(self, root: Path, enabled: bool = True):
        self.root = root
        self.folder = root / CACHE_DIR
        self.enabled = enabled
        self.grew = False  # whether an entry was written (a build that wrote none has nothing to trim)
        self.used: set[str] = set()  # the entries read or written through this cache (`prune` keeps them)

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}{suffix}"

    def _read(self, path: Path) -> bytes | None:
        """An entry's bytes, marked as used: by this cache (`prune` keeps it) and by its modification
        time (`prune` removes the entries used longest ago first)."""
        if not self.enabled:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        self.used.add(str(path))
        with contextlib.suppress(OSError):  # a read-only cache (restored from elsewhere) still serves
            os.utime(path)
        return data

    def get_bytes(self, kind: str, key: str) -> bytes | None:
        return self._read(self._path(kind, key, ".bin"))

    def get_json(self, kind: str, key: str) -> Any:
        """The JSON value stored under `key` (of any shape: check it); None when absent or not JSON."""
        data = self._read(self._path(kind, key, ".json"))
        try:
            return None if data is None else json.loads(data)
        except ValueError:
            return None

    def prune(self, limit: int) -> int:
        """Remove the least recently used entries (by the time each was last read or written)
        until all of them take at most `limit` bytes, never one used through this cache: the
        build that just ran finds all it used in its next run. Only entries are removed
        (`<kind>/<2 hex>/<key>`): not the published site's record, the statistics' usage, nor an
        earlier edition's build (which keeps its own cache under `editions/`, trimmed by its own
        builds). Returns the bytes removed."""
        entries = sorted(self._entries())
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in entries:
            if total - removed <= limit:
                break
            if path in self.used:
                continue
            try:
                os.unlink(path)
            except OSError:
                continue
            removed += size
        return removed

    def _entries(self) -> Iterator[tuple[float, int, str]]:
        """Every entry: when it was last used, its size and its path."""
        for kind in _listing(str(self.folder), folders=True):
            for shard in _listing(kind.path, folders=True):
                for entry in _listing(shard.path, folders=False):
                    if ENTRY_NAME.fullmatch(entry.name):
                        try:
                            stat = entry.stat(follow_symlinks=False)
                        except OSError:
                            continue
                        yield stat.st_mtime, stat.st_size, entry.path

    def published(self) -> Published | None:
        """What the last build published, if known."""
        data = self.get_json("site", "manifest")
        try:
            return Published(str(data["fingerprint"]), {str(k): str(v) for k, v in data["files"].items()},
                             str(data.get("sources", "")))
        except (TypeError, KeyError, AttributeError):
            return None

    def set_published(self, published: Published) -> None:
        self.put_json("site", "manifest", {"fingerprint": published.fingerprint, "files": published.files,
                                           "sources": published.sources})

    def put_bytes(self, kind: str, key: str, data: bytes) -> None:
        self._write(self._path(kind, key, ".bin"), data)

    def put_json(self, kind: str, key: str, value: Any) -> None:
        self._write(self._path(kind, key, ".json"), json.dumps(value, ensure_ascii=False).encode("utf-8"))

    def _write(self, path: Path, data: bytes) -> None:
        """Store an entry; the cache is an optimisation, so a failed write (full disk,
        read-only folder) leaves the entry missing rather than failing the build."""
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, path)
            self.grew = True
            self.used.add(str(path))
        except OSError:
            tmp.unlink(missing_ok=True)
