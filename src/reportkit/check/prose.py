"""Which number-like tokens in prose are allowed outside a stat span.

The allow rule is explicit and small:

1. calendar years 1800–2099, alone or with 年/s (2023, 2023 年, 1990s);
2. calendar months and days and centuries: a number of one or two digits
   directly followed by 月, 日, 世紀/世纪, or an English month name next to it
   (5 月 22 日, 19 世紀, 22 May, May 22);
3. anything inside markup that is not prose: ``[..]{.name}`` spans (proper
   names and identifiers such as GPT-4o or case numbers), citations, the
   bibliography, cross-reference links, section/chapter numbers, figure and
   table labels, code, and generated data tables (``.generated``).

Everything else with a digit — or a quantity written in Chinese numerals
(三倍, 一半, 三分之二, 兩成) — is a typed statistic.
"""

from __future__ import annotations

import re

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
ALLOWED = [
    re.compile(r"(?<![\d.,])(1[89]\d\d|20\d\d)(?:\s*年|s)?(?![\d.,]*\d)"),
    re.compile(r"(?<![\d.,])\d{1,2}\s*(?:月|日|世紀|世纪)"),
    re.compile(rf"(?<![\d.,])\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\b"),
    re.compile(rf"\b(?:{MONTHS})\s+\d{{1,2}}(?![\d.,]*\d)"),
    re.compile(r"(?<![\d.,])\d{1,2}(?:st|nd|rd|th)[\s-]+century"),
]
NUMBER_TOKEN = re.compile(r"[-−+]?\d[\d,.]*(?:\s*(?:%|％|萬|万|億|亿|倍|million|billion|percent))?")
WORD_QUANTITY = re.compile(
    r"[一二三四五六七八九十百千萬万兩两]+(?:分之[一二三四五六七八九十]+|倍|成)|一半|半數|半数"
)


def typed_number_matches(text: str) -> list[re.Match[str]]:
    """Where `text` has number-like tokens that no allow rule covers (positions kept)."""
    masked = text
    for pattern in ALLOWED:
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    matches = [*NUMBER_TOKEN.finditer(masked), *WORD_QUANTITY.finditer(masked)]
    return sorted(matches, key=lambda m: m.start())


def typed_numbers(text: str) -> list[str]:
    """The number-like tokens of `text` that no allow rule covers."""
    return [m.group(0).strip() for m in typed_number_matches(text)]
