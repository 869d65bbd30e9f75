"""Reading a displayed statistic back into a number, independently of reportkit.

The tests compare what readers see with data/statistics.csv through this
parser, so a formatting bug in reportkit cannot hide behind itself.
"""

from __future__ import annotations

import re

MULTIPLIERS = {
    "萬": 1e4, "万": 1e4, "億": 1e8, "亿": 1e8, "兆": 1e12,
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
}
NUMBER = re.compile(
    r"^(?P<cur>[€$]|US\$)?(?P<num>[-−]?\d{1,3}(?:,\d{3})*(?:\.\d+)?|[-−]?\d+(?:\.\d+)?)"
    r"\s*(?P<mult>萬|万|億|亿|兆|thousand|million|billion|trillion)?"
    r"\s*(?P<unit>%|倍|×|小時|小时|hours?)?$"
)


def parse_one(text: str) -> tuple[float, str | None]:
    """'8,500萬' -> (85000000.0, None); '26%' -> (0.26, '%'); '3倍' -> (3.0, 'x')."""
    match = NUMBER.match(text.strip().replace("\u00a0", " "))
    if not match:
        raise ValueError(f"not a displayed statistic: {text!r}")
    value = float(match.group("num").replace(",", "").replace("−", "-"))
    if match.group("mult"):
        value *= MULTIPLIERS[match.group("mult")]
    unit = match.group("unit")
    if unit == "%":
        return value / 100, "percent"
    if unit in ("倍", "×"):
        return value, "multiplier"
    if unit:
        return value, "hours"
    if match.group("cur"):
        return value, {"€": "EUR", "$": "USD", "US$": "USD"}[match.group("cur")]
    return value, "count"


def parse_displayed(text: str) -> tuple[float, float | None, str]:
    """A displayed value or range: (low, high or None, unit)."""
    parts = re.split(r"\s*[–—]\s*", text.strip())
    low, unit = parse_one(parts[0])
    if len(parts) == 1:
        return low, None, unit
    high, unit_high = parse_one(parts[1])
    if unit != unit_high:
        raise ValueError(f"range with two units: {text!r}")
    return low, high, unit


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
