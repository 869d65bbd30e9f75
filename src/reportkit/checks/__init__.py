"""`reportkit check`: the number contract, verified on what readers see.

Rules read the sources (registry, source tables, bibliography, chapters) and
the built site. Every finding is ``path:line: [rule] message``; see RULES.
(The runner, and what it imports, loads when first used: the command line needs only findings.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportkit.checks.findings import RULES, Finding, Severity

if TYPE_CHECKING:
    from reportkit.checks.runner import quote_coverage, run_checks

__all__ = ["RULES", "Finding", "Severity", "quote_coverage", "run_checks"]


def __getattr__(name: str) -> Any:
    if name in ("quote_coverage", "run_checks"):
        from reportkit.checks import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'reportkit.checks' has no attribute {name!r}")
