"""reportkit: literate, multilingual reports whose every number is checked against its source.

Chapters use :func:`stat` to show a statistic from ``data/statistics.csv``; the
appendices use the generated tables. They are imported when first used, so the command line
(which reads ``__version__``) does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from reportkit.api.charts import bar_chart
    from reportkit.api.stats import stat
    from reportkit.api.tables import (
        claims_table,
        corrections_table,
        draft_differences,
        statistics_table,
        status_summary,
    )

_API = {
    "bar_chart": "reportkit.api.charts",
    "stat": "reportkit.api.stats",
    **dict.fromkeys(("claims_table", "corrections_table", "draft_differences", "statistics_table", "status_summary"),
                    "reportkit.api.tables"),
}

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


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'reportkit' has no attribute {name!r}")
