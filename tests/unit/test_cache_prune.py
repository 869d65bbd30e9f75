"""Trimming the build cache: least recently used entries first, never what the last build used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reportkit.execution.cache import BuildCache, digest

SIZE = 100  # bytes of each entry
USED = 1_000_000  # when the entries were last used (seconds since the epoch): long ago


def _entries(root: Path, count: int) -> list[str]:
    """`count` entries of SIZE bytes written by an earlier build, the n-th last used at USED + n."""
    cache = BuildCache(root)
    keys = [digest("entry", str(n)) for n in range(count)]
    for n, key in enumerate(keys):
        cache.put_bytes("pdf", key, bytes(SIZE))
        os.utime(_path(root, key), (USED + n, USED + n))
    return keys


def _path(root: Path, key: str) -> Path:
    return root / "_cache" / "pdf" / key[:2] / f"{key}.bin"


def _kept(root: Path, keys: list[str]) -> list[int]:
    return [n for n, key in enumerate(keys) if _path(root, key).is_file()]


def test_the_entries_used_longest_ago_go_first(tmp_path: Path) -> None:
    keys = _entries(tmp_path, 4)
    assert BuildCache(tmp_path).prune(limit=2 * SIZE + SIZE // 2) == 2 * SIZE
    assert _kept(tmp_path, keys) == [2, 3]
    assert BuildCache(tmp_path).prune(limit=2 * SIZE) == 0  # within the limit: nothing goes


def test_reading_an_entry_makes_it_the_most_recently_used(tmp_path: Path) -> None:
    keys = _entries(tmp_path, 4)
    assert BuildCache(tmp_path).get_bytes("pdf", keys[0]) == bytes(SIZE)  # by an earlier build
    BuildCache(tmp_path).prune(limit=SIZE)
    assert _kept(tmp_path, keys) == [0]


def test_what_the_build_used_stays_whatever_the_limit(tmp_path: Path) -> None:
    keys = _entries(tmp_path, 3)
    build = BuildCache(tmp_path)
    build.put_bytes("pdf", digest("written by the build"), bytes(SIZE))
    assert build.get_bytes("pdf", keys[1]) == bytes(SIZE)
    os.utime(_path(tmp_path, keys[1]), (USED, USED))  # even where marking it used failed (read-only)
    build.prune(limit=0)
    assert _kept(tmp_path, keys) == [1]
    assert _path(tmp_path, digest("written by the build")).is_file()


def test_only_entries_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "_cache"
    kept = [folder / "site" / "ma" / "manifest.json",  # the published site's record
            folder / "statistic-usage.json",
            folder / "editions" / "2026" / "src" / "_cache" / "pdf" / "ab" / f"ab{'0' * 62}.bin",
            folder / "pdf" / "ab" / f"ab{'0' * 62}.bin.123.456.tmp"]  # another build writing it
    for path in kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(SIZE))
        os.utime(path, (USED, USED))
    _entries(tmp_path, 2)
    BuildCache(tmp_path).prune(limit=0)
    assert [path for path in kept if not path.is_file()] == []
    assert list((folder / "pdf").glob("*/*.bin")) == []


def test_a_disabled_cache_reads_nothing_and_keeps_its_entries_order(tmp_path: Path) -> None:
    keys = _entries(tmp_path, 2)
    assert BuildCache(tmp_path, enabled=False).get_bytes("pdf", keys[0]) is None
    BuildCache(tmp_path).prune(limit=SIZE)
    assert _kept(tmp_path, keys) == [1]


def test_a_read_only_cache_still_serves_its_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = _entries(tmp_path, 1)[0]

    def read_only(*_: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(os, "utime", read_only)
    assert BuildCache(tmp_path).get_bytes("pdf", key) == bytes(SIZE)
