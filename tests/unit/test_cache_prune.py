"""Trimming the build cache: least recently used entries first, never what the last build used."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reportkit.execution.cache import BuildCache, digest

SIZE = 100  # bytes of each entry


@pytest.fixture
def cache(tmp_path: Path) -> BuildCache:
    return BuildCache(tmp_path)


def _entries(cache: BuildCache, count: int, used: float) -> list[str]:
    """`count` entries of SIZE bytes, the n-th last used at `used` + n seconds."""
    keys = [digest("entry", str(n)) for n in range(count)]
    for n, key in enumerate(keys):
        cache.put_bytes("pdf", key, bytes(SIZE))
        path = cache.folder / "pdf" / key[:2] / f"{key}.bin"
        os.utime(path, (used + n, used + n))
    return keys


def _kept(cache: BuildCache, keys: list[str]) -> list[int]:
    return [n for n, key in enumerate(keys) if (cache.folder / "pdf" / key[:2] / f"{key}.bin").is_file()]


def test_the_entries_used_longest_ago_go_first(cache: BuildCache) -> None:
    keys = _entries(cache, 4, used=1_000_000)
    assert cache.prune(limit=2 * SIZE + SIZE // 2, since=time.time()) == 2 * SIZE
    assert _kept(cache, keys) == [2, 3]
    assert cache.prune(limit=2 * SIZE, since=time.time()) == 0  # within the limit: nothing goes


def test_reading_an_entry_makes_it_the_most_recently_used(cache: BuildCache) -> None:
    keys = _entries(cache, 4, used=1_000_000)
    assert cache.get_bytes("pdf", keys[0]) == bytes(SIZE)
    cache.prune(limit=SIZE, since=time.time() + 3600)  # nothing counts as used by the build
    assert _kept(cache, keys) == [0]


def test_what_the_build_used_stays_whatever_the_limit(cache: BuildCache) -> None:
    keys = _entries(cache, 3, used=1_000_000)
    since = time.time()
    cache.put_bytes("pdf", digest("written by the build"), bytes(SIZE))
    cache.get_bytes("pdf", keys[1])  # read by the build
    cache.prune(limit=0, since=since)
    assert _kept(cache, keys) == [1]
    assert cache.get_bytes("pdf", digest("written by the build")) == bytes(SIZE)


def test_only_entries_are_removed(cache: BuildCache) -> None:
    old = 1_000_000
    kept = [cache.folder / "site" / "ma" / "manifest.json",  # the published site's record
            cache.folder / "statistic-usage.json",
            cache.folder / "editions" / "2026" / "src" / "_cache" / "pdf" / "ab" / f"ab{'0' * 62}.bin",
            cache.folder / "pdf" / "ab" / f"ab{'0' * 62}.bin.123.456.tmp"]  # another build writing it
    for path in kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(SIZE))
        os.utime(path, (old, old))
    _entries(cache, 2, used=old)
    cache.prune(limit=0, since=time.time())
    assert [path for path in kept if not path.is_file()] == []
    assert list((cache.folder / "pdf").glob("*/*.bin")) == []


def test_a_disabled_cache_reads_nothing_and_keeps_its_entries_order(tmp_path: Path) -> None:
    keys = _entries(BuildCache(tmp_path), 2, used=1_000_000)
    assert BuildCache(tmp_path, enabled=False).get_bytes("pdf", keys[0]) is None
    BuildCache(tmp_path).prune(limit=SIZE, since=time.time())
    assert _kept(BuildCache(tmp_path), keys) == [1]


def test_a_read_only_cache_still_serves_its_entries(cache: BuildCache, monkeypatch: pytest.MonkeyPatch) -> None:
    key = _entries(cache, 1, used=1_000_000)[0]

    def read_only(*_: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(os, "utime", read_only)
    assert cache.get_bytes("pdf", key) == bytes(SIZE)
