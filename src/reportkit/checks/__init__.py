"""`reportkit check`: the number contract, verified on what readers see.

Rules read the sources (registry, source tables, bibliography, chapters) and
the built site. Every finding is ``path:line: [rule] message``; see RULES.
"""

from __future__ import annotations

from reportkit.checks.findings import RULES, Finding, Severity
from reportkit.checks.runner import quote_coverage, run_checks

__all__ = ["RULES", "Finding", "Severity", "quote_coverage", "run_checks"]
