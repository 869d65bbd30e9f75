"""Locale-true formatting of statistics (Babel).

Counts and amounts of a million or more use the locale's compact form with
digit grouping (zh-Hant ``8,500萬``, zh-Hans ``8,500万``, en ``85 million``) as
long as the compact mantissa is exact to two decimals; anything else is
written in full with grouping, so a figure is never silently rounded.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import (
    format_decimal,
    format_percent,
    get_currency_symbol,
)
from babel.units import format_unit

from reportkit.i18n import Language

UNITS = ("percent", "count", "hours", "multiplier", "EUR", "USD")
COMPACT_FROM = 1_000_000
RANGE_DASH = "–"


def _decimal_pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _compact(value: float, language: Language) -> str | None:
    """`value` in the locale's compact form with grouping, or None if inexact."""
    if abs(value) < COMPACT_FROM:
        return None
    style = "short" if language.code.startswith("zh") else "long"
    patterns = language.locale.compact_decimal_formats[style]["other"]
    magnitude = max(int(k) for k in patterns if int(k) <= abs(value))
    pattern = patterns[str(magnitude)]
    divisor = magnitude // 10 ** (pattern.int_prec[0] - 1)
    mantissa = Decimal(str(value)) / divisor
    if mantissa != round(mantissa, 2):
        return None
    exponent = mantissa.normalize().as_tuple().exponent
    digits = max(0, -exponent) if isinstance(exponent, int) else 0
    number = format_decimal(mantissa, _decimal_pattern(digits), locale=language.locale)
    return f"{pattern.prefix[0]}{number}{pattern.suffix[0]}"


def _count(value: float, decimals: int, language: Language) -> str:
    return _compact(value, language) or format_decimal(
        value, _decimal_pattern(decimals), locale=language.locale
    )


def format_value(value: float, unit: str, decimals: int, language: Language) -> str:
    """One value in `unit`, formatted for `language`."""
    locale = language.locale
    if unit == "percent":
        return format_percent(value, _decimal_pattern(decimals) + "%", locale=locale)
    if unit == "count":
        return _count(value, decimals, language)
    if unit == "hours":
        return format_unit(value, "duration-hour", length="long", locale=locale,
                           format=_decimal_pattern(decimals))
    if unit == "multiplier":
        number = format_decimal(value, _decimal_pattern(decimals), locale=locale)
        return f"{number}倍" if language.code.startswith("zh") else f"{number}×"
    if unit in ("EUR", "USD"):
        return get_currency_symbol(unit, locale=locale) + _count(value, decimals, language)
    raise ValueError(f"unknown unit {unit!r} (known: {', '.join(UNITS)})")


def format_statistic(
    value: float, unit: str, decimals: int, language: Language, value_high: float | None = None
) -> str:
    """A statistic (a value or a range) formatted for `language`."""
    low = format_value(value, unit, decimals, language)
    if value_high is None:
        return low
    return low + RANGE_DASH + format_value(value_high, unit, decimals, language)


# A change of a percentage is told in percentage points, never as a percentage.
PERCENTAGE_POINTS = {"zh-Hant": "個百分點", "zh-Hans": "个百分点", "en": "pp"}


def format_change(difference: float, unit: str, decimals: int, language: Language) -> str:
    """A signed difference between two values in `unit`, formatted for `language`
    (26% → 28% is "+2 pp" / "+2 個百分點", not "+2%")."""
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    if unit == "percent":
        points = format_decimal(abs(difference) * 100, _decimal_pattern(decimals), locale=language.locale)
        return f"{sign}{points} {PERCENTAGE_POINTS[language.code]}"
    return sign + format_value(abs(difference), unit, decimals, language)
