"""reportkit: literate, multilingual reports whose every number is checked against its source.

Chapters use :func:`stat` to show a statistic from ``data/statistics.csv``; the
appendices use the generated tables.
"""

from __future__ import annotations

__version__ = "0.1.0"

from reportkit.api.charts import bar_chart
from reportkit.api.stats import stat
from reportkit.api.tables import claims_table, corrections_table, draft_differences, statistics_table, status_summary

__all__ = [
    "__version__",
    "bar_chart",
    "claims_table",
    "corrections_table",
    "draft_differences",
    "stat",
    "statistics_table",
    "status_summary",
]
