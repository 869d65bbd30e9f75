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


def test_the_test_suite_runs_a_worker_per_usable_core(
        monkeypatch: pytest.MonkeyPatch, pytestconfig: pytest.Config) -> None:
    from ..conftest import pytest_xdist_auto_num_workers

    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    monkeypatch.setattr(workers_mod.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5}, raising=False)
    monkeypatch.setattr(workers_mod.os, "cpu_count", lambda: 64)
    assert pytest_xdist_auto_num_workers(pytestconfig) == 6  # not capped at 4 like a build's workers
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "3")
    assert pytest_xdist_auto_num_workers(pytestconfig) is None  # xdist reads it itself
