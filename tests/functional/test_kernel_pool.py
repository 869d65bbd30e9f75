"""Kernels started ahead of need (execution/kernel.py KernelPool): a pooled kernel is fresh,
one that ran a chapter is never handed out again, and those of a build that fails validating
are stopped before they start."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reportkit.chapters.reader import parse
from reportkit.config.project import Project
from reportkit.engine import embedded
from reportkit.errors import RegistryError
from reportkit.execution.kernel import KernelPool, execute_all
from reportkit.execution.results import Executed, plain_value

from ..conftest import FIXTURES, copy_project
from .test_corpus import _kernel_pids

CHAPTER = """---
title: 池
---

```{python}
import os
leaked = globals().get("marker", "none")
marker = "set by an earlier run"
```

Kernel `{python} os.getpid()`, earlier state `{python} leaked`.
"""


def _run(project: Project, pool: KernelPool) -> tuple[str, str]:
    """The kernel's process id and what it saw of an earlier run."""
    chapter = parse(project.root / "chapters/zh-Hant/pool.qmd", CHAPTER)
    results: list[Executed] = []
    execute_all([(chapter, project.source_language)], project.root, 1, lambda _, result: results.append(result),
                pool=pool)
    pid, leaked = (plain_value(results[0].inline[item.key]) for item in chapter.inline)
    return pid, leaked


def _wait_for_spares(pool: KernelPool, count: int) -> None:
    for _ in range(600):
        if pool.spare_count() == count:
            return
        time.sleep(0.05)
    assert pool.spare_count() == count


def test_a_kernel_that_ran_a_chapter_is_not_handed_out_again(tmp_path: Path) -> None:
    project = Project(copy_project(FIXTURES / "mini", tmp_path / "mini"))
    pool = KernelPool(project.root)
    try:
        pool.prepare(1)
        _wait_for_spares(pool, 1)
        first, leaked = _run(project, pool)
        assert leaked == "none"
        assert pool.spare_count() == 0  # the run took the kernel started ahead; nothing went back
        pool.prepare(1)
        second, leaked = _run(project, pool)
        assert leaked == "none"  # a fresh namespace in a fresh process
        assert second != first
    finally:
        pool.close()
    assert pool.spare_count() == 0


def test_a_pool_for_another_environment_is_not_used(tmp_path: Path) -> None:
    """A kernel started with other settings (here: environment) never runs the chapter."""
    project = Project(copy_project(FIXTURES / "mini", tmp_path / "mini"))
    pool = KernelPool(project.root, {"REPORTKIT_TEST_POOL": "other"})
    try:
        pool.prepare(1)
        _wait_for_spares(pool, 1)
        _run(project, pool)
        assert pool.spare_count() == 1
    finally:
        pool.close()


def test_a_build_that_fails_validating_stops_its_kernels_before_they_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernels a build starts while it validates are killed, not waited for, when validating
    fails: none runs (a kernel's start costs about half a second of CPU, for nothing)."""
    root = copy_project(FIXTURES / "mini", tmp_path / "mini")
    (root / "data/statistics.csv").write_bytes(b"")  # validating fails
    # each kernel's interpreter sleeps as it starts, then leaves a mark: a kernel left to start marks
    slow, marks = tmp_path / "slow-start", tmp_path / "marks"
    slow.mkdir()
    marks.mkdir()
    (slow / "sitecustomize.py").write_text(
        f"import os, time\ntime.sleep(3)\nopen(os.path.join({str(marks)!r}, str(os.getpid())), 'w').close()\n")
    monkeypatch.setenv("PYTHONPATH", str(slow))
    prepared: list[int] = []
    prepare = KernelPool.prepare
    monkeypatch.setattr(KernelPool, "prepare", lambda pool, count: (prepared.append(count), prepare(pool, count)))

    with pytest.raises(RegistryError, match="the file is empty"):
        embedded.render(Project(root))

    assert prepared and prepared[0] > 0  # kernels were starting
    assert _kernel_pids(root.resolve()) == []  # none is left
    assert list(marks.iterdir()) == []  # and none got past its interpreter's start
