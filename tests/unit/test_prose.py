"""The typed-number rule: what it must flag and what the allow rule lets through."""

from __future__ import annotations

import pytest

from reportkit.chapters.prose import LOCATOR_ALLOWED, XREF_TEXT, is_figure, typed_numbers

ALLOWED = [
    "2023 年 5 月 22 日，一張假照片在社群媒體上流傳。",
    "19 世紀攝影術的出現曾被認為將殺死繪畫。",
    "In 2024 the court ruled; on 18 March 2025 it affirmed.",
    "The 1990s saw desktop publishing spread; by May 22 it was over.",
    "20th century synthesisers changed music.",
    "自 2014 年起、至 2017 年止",
]
TYPED = [
    ("約有 26% 的工作", ["26%"]),
    ("增加 39 個百分點", ["39"]),
    ("8,500萬個工作崗位", ["8,500萬"]),
    ("85 million jobs", ["85 million"]),
    ("可提高三倍產出", ["三倍"]),
    ("超過一半的藝術家", ["一半"]),
    ("三分之二的任務", ["三分之二"]),
    ("兩成受訪者", ["兩成"]),
    ("a 3.5 rating", ["3.5"]),
    ("2023.5 is not a year", ["2023.5"]),
    ("20234 is not a year", ["20234"]),
    ("第 32 日以後", []),  # known limit: days are not checked against the calendar
    ("共 787 份回覆", ["787"]),
]


@pytest.mark.parametrize("text", ALLOWED)
def test_allow_rule_lets_dates_and_years_through(text: str) -> None:
    assert typed_numbers(text) == []


@pytest.mark.parametrize(("text", "expected"), TYPED, ids=[t for t, _ in TYPED])
def test_typed_quantities_are_flagged(text: str, expected: list[str]) -> None:
    assert typed_numbers(text) == expected


@pytest.mark.parametrize("text", ["42%", "三分之二", "8,500萬", "85 million", "1,234", "約 42%", "三倍", "一半"])
def test_a_figure_is_not_a_name(text: str) -> None:
    assert is_figure(text)


@pytest.mark.parametrize("text", ["GPT-4o", "No. 23-5233", "(2024)粤0192民初113号", "Regulation (EU) 2024/1689",
                                  "S&P 500", "3D", "Llama 4", "DALL-E 2"])
def test_names_with_digits_are_names(text: str) -> None:
    assert not is_figure(text)


@pytest.mark.parametrize("text", ["第 5.1 節", "第 A.2 节", "圖 5.1", "图 3.2", "表 1", "Figure 5.1", "Section 2",
                                  "Table A.1"])
def test_cross_reference_texts(text: str) -> None:
    assert XREF_TEXT.fullmatch(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Exhibit 5, p. 7", []), ("pp. 12–14", []), ("Table 3; section 2.1", []), ("press release, 3 Jun 2025", []),
    ("§ 4.2", []), ("Exhibit 5 shows 26%", ["26%"]), ("about 40 respondents", ["40"]),
])
def test_locator_rule_allows_places_in_a_source_only(text: str, expected: list[str]) -> None:
    assert typed_numbers(text, LOCATOR_ALLOWED) == expected
