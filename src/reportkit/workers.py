"""How many things a build or a check does at once."""

from __future__ import annotations

import os

WORKERS_ENV = "REPORTKIT_WORKERS"


def usable_cores() -> int:
    """The cores this process may run on (a CI runner or `taskset` may allow fewer than the
    machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def workers() -> int:
    """Parallel workers (kernels, pandoc, typst, checked languages): $REPORTKIT_WORKERS, else
    the usable cores, at most 4."""
    configured = os.environ.get(WORKERS_ENV, "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(4, usable_cores()))
