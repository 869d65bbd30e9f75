"""A chapter's start in a kernel (execution/tracking.py): the earlier chapter's garbage is
collected, and what lives on is set aside from later collections."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from reportkit.execution import tracking


class _Node:
    other: object = None


def test_start_collects_the_garbage_then_freezes_what_lives_on(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPORTKIT_LANG", "en")
    monkeypatch.setenv("REPORTKIT_ROOT", str(tmp_path))
    garbage = _Node()
    garbage.other = garbage  # a reference cycle: only the collector frees it
    gone = weakref.ref(garbage)
    del garbage
    alive = _Node()
    try:
        tracking.start(str(tmp_path), str(tmp_path), "en")
        assert gone() is None  # collected, not frozen for good
        assert gc.get_freeze_count() > 0
        assert alive not in gc.get_objects()  # frozen: later collections do not walk it
    finally:
        gc.unfreeze()
        tracking._root = ""  # the audit hook stays installed in this process; it records nothing now
