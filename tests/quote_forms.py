"""Reading the numbers a source's quote writes, independently of reportkit.evidence.quotes.

`test_quote_supports_value[...]` compares each registry value with its quote through
this reader, so a bug in reportkit's parser cannot vouch for itself. It is deliberately
built differently: the text is normalised into plain tokens first (words to digits,
"per cent" to "%", CJK fractions to "a/b"), then a single pattern reads them.
"""

from __future__ import annotations

import re

WORDS = {w: str(i) for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"])}
WORDS |= {"twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60",
          "seventy": "70", "eighty": "80", "ninety": "90"}
FRACTIONS = {"half": "1/2", "a third": "1/3", "a quarter": "1/4", "two-thirds": "2/3",
             "three quarters": "3/4", "three-quarters": "3/4"}
SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "萬": 1e4, "万": 1e4, "億": 1e8}
KANJI = dict(zip("一二三四五六七八九十", range(1, 11), strict=True))


def _normalise(text: str) -> str:
    text = text.replace("\u00a0", " ")
    text = re.sub(r"(\d+)\s*分[のの之]\s*(\d+)", r" \2/\1 ", text)  # 4分の1 -> 1/4
    text = re.sub(r"([一二三四五六七八九十])分[のの之]([一二三四五六七八九十])",
                  lambda m: f" {KANJI[m.group(2)]}/{KANJI[m.group(1)]} ", text)
    text = re.sub(r"([一二三四五六七八九十])成", lambda m: f" {KANJI[m.group(1)] * 10}% ", text)
    lowered = text.lower()
    for phrase, fraction in sorted(FRACTIONS.items(), key=lambda kv: -len(kv[0])):
        lowered = re.sub(rf"\b{re.escape(phrase)}\b", f" {fraction} ", lowered)
    small = r"(\d+|" + "|".join(WORDS) + ")"
    lowered = re.sub(rf"\b{small} in {small}\b",
                     lambda m: f" {WORDS.get(m.group(1), m.group(1))}/{WORDS.get(m.group(2), m.group(2))} ",
                     lowered)
    lowered = re.sub(r"\btwice\b|\bdouble\b", " 2x ", lowered)
    lowered = re.sub(r"\bper ?cent\b|％", "%", lowered)
    return re.sub(r"\b(" + "|".join(WORDS) + r")\b", lambda m: WORDS[m.group(1)], lowered)


TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:/(?P<den>\d+))?"
    r"\s?(?P<scale>thousand|million|billion|萬|万|億)?\s?(?P<suffix>%|x\b|×|倍)?"
)


def written_values(quote: str) -> list[tuple[float, str]]:
    """(value in base units, 'percent' | 'multiplier' | 'number') for each number in `quote`."""
    values = []
    for m in TOKEN.finditer(_normalise(quote)):
        number = float(m.group("num").replace(",", ""))
        if m.group("den"):
            values.append((number / float(m.group("den")), "percent"))
            continue
        number *= SCALE.get(m.group("scale") or "", 1.0)
        suffix = m.group("suffix")
        kind = "percent" if suffix == "%" else "multiplier" if suffix else "number"
        values.append((number / 100 if kind == "percent" else number, kind))
    return values


def states(quote: str, value: float, unit: str, decimals: int) -> bool:
    """Whether `quote` writes `value` (a registry value) to the row's display precision."""
    kind = {"percent": "percent", "multiplier": "multiplier"}.get(unit, "number")
    step = 10.0 ** -decimals / (100 if unit == "percent" else 1)
    for written, written_kind in written_values(quote):
        if written_kind != kind:
            continue
        # a fraction word ("a quarter") is exact; a written number is as precise as the row shows
        if abs(abs(written) - abs(value)) <= step / 2 + 1e-12 * max(1.0, abs(value)):
            return True
    return False
