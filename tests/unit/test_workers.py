"""How many workers a build and a check use: $REPORTKIT_WORKERS, else the usable cores, at most 4."""

from __future__ import annotations

import pytest

from reportkit import workers as workers_mod
from reportkit.workers import WORKERS_ENV, workers


@pytest.mark.parametrize(("configured", "expected"), [("1", 1), ("6", 6)])
def test_the_environment_variable_wins(monkeypatch: pytest.MonkeyPatch, configured: str, expected: int) -> None:
    monkeypatch.setenv(WORKERS_ENV, configured)
    assert workers() == expected

@pytest.mark.parametrize(("usable", "expected"), [({0}, 1), ({0, 1, 2}, 3), (set(range(16)), 4)])
@pytest.mark.parametrize("configured", ["", "0", "two"])
def test_otherwise_the_cores_this_process_may_use_at_most_four(
        monkeypatch: pytest.MonkeyPatch, usable: set[int], expected: int, configured: str) -> None:
    monkeypatch.setenv(WORKERS_ENV, configured)
    monkeypatch.setattr(workers_mod.os, "sched_getaffinity", lambda pid: usable, raising=False)
    monkeypatch.setattr(workers_mod.os, "cpu_count", lambda: 64)  # the machine may have more than allowed
    assert workers() == expected
