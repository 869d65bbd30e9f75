"""Kernels started ahead of need (execution/kernel.py KernelPool): a pooled kernel is fresh,
and one that ran a chapter is never handed out again."""

from __future__ import annotations

import time
from pathlib import Path

from reportkit.chapters.reader import parse
from reportkit.config.project import Project
from reportkit.execution.kernel import KernelPool, execute_all
from reportkit.execution.results import Executed, plain_value

from ..conftest import FIXTURES, copy_project

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
