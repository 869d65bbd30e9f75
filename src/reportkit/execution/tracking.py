"""Runs inside chapter kernels: which project files a chapter's code reads.

An audit hook sees every `open` in the kernel (Python's own, pandas' and the
standard library's alike); files under the project root are recorded, except
Python sources and build output. The engine reads the record after each chapter
and keys the chapter's cache entry on those files' contents.
"""

from __future__ import annotations

import gc
import os
import sys

_root = ""
_reads: set[str] = set()
_installed = False
IGNORED_SUFFIXES = (".py", ".pyc", ".so")
IGNORED_DIRS = ("_site", ".nox", ".git", "src")


def _hook(event: str, args: tuple[object, ...]) -> None:
    if event != "open" or not _root:
        return
    path = args[0]
    if not isinstance(path, str | os.PathLike):
        return
    mode = args[1] if len(args) > 1 else None
    if isinstance(mode, str) and not ("r" in mode or "+" in mode):
        return
    full = os.path.abspath(os.fspath(path))
    if not isinstance(full, str) or not full.startswith(_root) or full.endswith(IGNORED_SUFFIXES):
        return
    relative = full[len(_root):]
    if relative.split(os.sep, 1)[0] not in IGNORED_DIRS:
        _reads.add(relative)


def _forget_cached_reads() -> None:
    """Empty reportkit's in-process caches (the registry, labels, config...), so that what a
    chapter reads is read again, and recorded, in this chapter even on a warm kernel."""
    for name, module in list(sys.modules.items()):
        if name == "reportkit" or name.startswith("reportkit."):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()


def _set_aside_what_lives_on() -> None:
    """Collect the garbage of the earlier chapter, then move every object still alive (the
    imported libraries, mostly) out of the garbage collector's sight (`gc.freeze`).

    The kernel's reset between chapters (`%reset -f`) runs two full collections, and a full
    collection walks every object in the process: with pandas, altair and pydantic loaded,
    ~0.08 s of CPU each, 36 chapters over. Frozen objects are not walked, so those collections,
    and the ones Python runs by itself while a chapter's cells run, cost only what the chapters
    made since. Objects still alive here live on (modules, the kernel's machinery): a frozen
    object is freed as usual when its last reference goes; only a reference cycle among frozen
    objects that later becomes garbage stays in memory."""
    gc.collect()
    gc.freeze()


def start(root: str, chapter_dir: str, language: str) -> None:
    """Begin a chapter: its folder, its language, an empty record of reads."""
    global _root, _installed
    _root = os.path.join(os.path.abspath(root), "")
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
    _reads.clear()
    _forget_cached_reads()
    _set_aside_what_lives_on()
    os.chdir(chapter_dir)
    os.environ["REPORTKIT_LANG"] = language
    os.environ["REPORTKIT_ROOT"] = root


def reads() -> list[str]:
    """The project files (relative paths) read since `start`."""
    return sorted(_reads)
