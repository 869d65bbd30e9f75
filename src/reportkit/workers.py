"""How many things a build or a check does at once."""

from __future__ import annotations

import os

WORKERS_ENV = "REPORTKIT_WORKERS"


def workers() -> int:
    """Parallel workers (kernels, pandoc, typst, checked languages): $REPORTKIT_WORKERS, else the
    cores this process may run on (a CI runner or `taskset` may allow fewer than the machine
    has), at most 4."""
    configured = os.environ.get(WORKERS_ENV, "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(4, cores))
