"""Figures in data text readers see (registry notes, drafts, locators, corrections, labels) come
from placeholders or pass the allow rule; typed registry values are no more precise than shown;
data text reaches pandoc as text."""

from __future__ import annotations

from pathlib import Path

import pypandoc
import pytest
from bs4 import BeautifulSoup

from reportkit.checks.data import (
    CORRECTIONS_TEXT,
    figure_value,
    precision_findings,
    registry_text_findings,
    table_text_findings,
)
from reportkit.evidence.registry import COLUMNS, Registry, fill_placeholders
from reportkit.i18n import LANGUAGES
from reportkit.markup import escape_markdown

HEADER = ",".join(COLUMNS)


def _registry(*rows: dict[str, str]) -> Registry:
    base = {"value": "0.26", "unit": "percent", "decimals": "0", "source": "k", "locator": "p. 7",
            "measure": "比例", "measure_en": "share", "status": "confirmed"}
    lines = [HEADER]
    for row in rows:
        cells = {**base, **row}
        lines.append(",".join(f'"{cells.get(c, "")}"' for c in COLUMNS))
    return Registry.parse("\n".join(lines) + "\n", Path("data/statistics.csv"))


def _text_findings(**row: str) -> list[tuple[int, str, str]]:
    registry = _registry({"id": "a", **row}, {"id": "other", "value": "0.5"})
    return [(f.line, f.rule, f.message) for f in registry_text_findings("data/statistics.csv", registry)]


@pytest.mark.parametrize(("row", "token"), [
    ({"note": "來源數字為 39%（非 40%）"}, "'39%'"),
    ({"note_en": "The source gives 26%."}, "'26%'"),
    ({"measure": "約三分之二的工作"}, "'三分之二'"),
    ({"population_en": "firms with 250 employees"}, "'250'"),
    ({"locator": "Exhibit 5, 26% of tasks"}, "'26%'"),
    ({"draft": "初稿寫 40%"}, "'40%'"),  # confirmed: the draft's figure must be the value
    ({"note": "{stat:nope} 以上"}, "{stat:nope} is not a registry id"),
    ({"note": "{values}"}, "unknown placeholder {values}"),
    ({"note_en": "{name:42%}"}, "{name:42%} holds a figure"),
])
def test_typed_figures_in_registry_text_are_findings(row: dict[str, str], token: str) -> None:
    findings = _text_findings(**row)
    assert [(line, rule) for line, rule, _ in findings] == [(2, "registry-text")]
    assert token in findings[0][2]


@pytest.mark.parametrize("row", [
    {"note": "來源數字為 {value}，與 {stat:other} 不同；2023 年 3 月發表。"},
    {"note_en": "Published 3 March 2023; the source gives {value}."},
    {"locator": "Exhibit 5, p. 7 (press release, 3 Jun 2025)"},
    {"measure_en": "Intraday {name:S&P 500} dip"},
    {"draft": "高盛預計有 26% 的工作任務"},  # the draft gave the source's figure
    {"draft": "約 {value}"},
    {"draft": "增長 40%", "status": "differs"},  # the draft's figure is not the source's
])
def test_placeholders_and_allowed_numbers_pass(row: dict[str, str]) -> None:
    assert _text_findings(**row) == []


def test_placeholders_are_filled_for_each_language() -> None:
    registry = _registry({"id": "a", "value": "85000000", "unit": "count"}, {"id": "other"})
    row = registry["a"]
    text = "{value} 與 {stat:other}，{name:GPT-5}"
    assert fill_placeholders(text, registry, LANGUAGES["zh-Hant"], row) == "8,500萬 與 26%，GPT-5"
    assert fill_placeholders(text, registry, LANGUAGES["en"], row) == "85 million 與 26%，GPT-5"


@pytest.mark.parametrize(("value", "decimals", "flagged"), [
    ("0.264", "0", True), ("0.26", "0", False), ("0.441", "1", False), ("0.4415", "1", True),
    ("-0.0029", "2", False), ("85000000", "0", False), ("45.5", "0", True),
])
def test_typed_value_is_no_more_precise_than_shown(value: str, decimals: str, flagged: bool) -> None:
    unit = "percent" if abs(float(value)) < 1 else "count"
    registry = _registry({"id": "a", "value": value, "decimals": decimals, "unit": unit})
    findings = list(precision_findings("data/statistics.csv", registry))
    assert [(f.line, f.rule) for f in findings] == ([(2, "registry-precision")] if flagged else [])


def test_derived_values_are_checked_by_their_table_not_by_precision() -> None:
    registry = _registry({"id": "a", "value": "0.264", "table": "t.csv", "column": "c", "filter": "k=v"})
    assert list(precision_findings("data/statistics.csv", registry)) == []


@pytest.mark.parametrize(("token", "number"), [
    ("26%", 0.26), ("8,500 萬", 85_000_000), ("85 million", 85_000_000), ("三倍", 3), ("半數", 0.5), ("45", 45),
    ("三分之二", None),
])
def test_figure_value(token: str, number: float | None) -> None:
    assert figure_value(token) == number


HOSTILE = "[x](https://evil.example) <img src=x onerror=alert(1)> *emph* $math$ @key {.cls} | `code` \\ _u_"


def test_escaped_data_reads_back_as_the_same_text() -> None:
    """pandoc parses escaped data as one text run: no link, image, emphasis, math, citation or span."""
    html = pypandoc.convert_text(f"{escape_markdown(HOSTILE)}\n", "html", format="markdown")
    plain = pypandoc.convert_text(f"{escape_markdown(HOSTILE)}\n", "plain", format="markdown")
    soup = BeautifulSoup(html, "html.parser")
    assert [tag.name for tag in soup.find_all(True)] == ["p"]  # no a, img, em, span.math, span.citation, code
    assert " ".join(soup.get_text().split()) == " ".join(plain.split()) == HOSTILE


def test_corrections_and_chart_labels_are_checked_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "corrections.csv"
    path.write_text("id,section,draft,corrected,source,note_en\n"
                    "ok,II.B,約 {stat:other} 的人,2023 年 3 月 16 日發布 {name:GPT-5},k,Published 16 March 2023\n"
                    "typed,II.B,82% 的人,{value},k,about a quarter\n", encoding="utf-8")
    registry = _registry({"id": "other"})
    findings = list(table_text_findings(path, "data/corrections.csv", CORRECTIONS_TEXT, registry, "id"))
    assert [(f.line, f.rule) for f in findings] == [(3, "registry-text"), (3, "registry-text")]
    assert "'82%'" in findings[0].message and "{value} outside a registry row" in findings[1].message
