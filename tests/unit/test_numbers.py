"""Locale formatting of statistics against a hand-written table (tests/golden/number-formats.csv)."""

from __future__ import annotations

import csv

import pytest

from reportkit.evidence.numbers import format_statistic
from reportkit.i18n import LANGUAGES

from ..conftest import GOLDEN
from ..figures import close, parse_displayed

with (GOLDEN / "number-formats.csv").open(encoding="utf-8") as fh:
    ROWS = list(csv.DictReader(fh))

CASES = [(row, code) for row in ROWS for code in LANGUAGES]


@pytest.mark.parametrize(
    ("row", "code"), CASES, ids=[f"{r['value']}-{r['unit']}-{c}" for r, c in CASES]
)
def test_format_matches_table(row: dict[str, str], code: str) -> None:
    high = float(row["value_high"]) if row["value_high"] else None
    shown = format_statistic(float(row["value"]), row["unit"], int(row["decimals"]), LANGUAGES[code], high)
    assert shown == row[code]


@pytest.mark.parametrize(("row", "code"), CASES, ids=[f"{r['value']}-{c}" for r, c in CASES])
def test_format_reads_back_as_the_value(row: dict[str, str], code: str) -> None:
    high = float(row["value_high"]) if row["value_high"] else None
    shown = format_statistic(float(row["value"]), row["unit"], int(row["decimals"]), LANGUAGES[code], high)
    low, parsed_high, unit = parse_displayed(shown)
    assert close(low, float(row["value"]))
    assert (parsed_high is None) == (high is None)
    if high is not None:
        assert parsed_high is not None and close(parsed_high, high)
    assert unit == row["unit"]


def test_inexact_compact_form_is_written_in_full() -> None:
    # 85,432,123 would be "8,543.21萬" only by rounding: it is written out instead.
    assert format_statistic(85_432_123, "count", 0, LANGUAGES["zh-Hant"]) == "85,432,123"


def test_unknown_unit_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown unit 'furlong'"):
        format_statistic(1, "furlong", 0, LANGUAGES["en"])
