"""Where a build's time goes: seconds per stage of the flow (summed over the workers that ran
the stage in parallel), shown by `reportkit render --timings` and the bench."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

STAGES = ("validate", "execute", "markdown", "pandoc", "typst", "search index", "site", "check")


class Stopwatch:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self._lock = threading.Lock()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Count the time of the `with` block to stage `name` (one of STAGES)."""
        if name not in self.seconds:
            raise ValueError(f"unknown stage {name!r} (stages: {', '.join(STAGES)})")
        start = time.perf_counter()
        try:
            yield
        finally:
            with self._lock:
                self.seconds[name] += time.perf_counter() - start

    def lines(self) -> list[str]:
        """One `stage  seconds` line per stage, in the order of the flow."""
        return [f"{name:<13} {seconds:7.2f} s" for name, seconds in self.seconds.items()]
