"""Numbers as sources write them, read out of a quoted passage.

A registry row's ``quote`` is the source's own sentence or table cell. The
``source-quote`` check asks whether that passage states the row's value:
:func:`numbers_in` finds every number the passage writes, in the forms sources
use ("26%", "26 percent", "26 per cent", "85 million", "€22 billion",
"US$1.2bn", "2.5x", "twice", "8,500萬", "五成", "4分の1", "one in four",
"a quarter", "half"), and :func:`supports` compares them with the row's value
within its display precision.

A decrease is usually written as a positive number and a verb ("declined by
33%"), so values are compared by magnitude.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

Kind = str  # "percent", "count", "money", "multiplier"

SCALES = {
    "thousand": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
    "trillion": 1e12, "tn": 1e12, "萬": 1e4, "万": 1e4, "億": 1e8, "亿": 1e8, "兆": 1e12,
}
CURRENCIES = {"€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "us$": "USD", "$": "USD",
              "usd": "USD", "dollars": "USD", "£": "GBP", "nt$": "TWD", "au$": "AUD", "a$": "AUD"}
ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
        "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
ORDINALS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
            "fourths": 4, "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
MULTIPLES = {"twice": 2.0, "double": 2.0, "doubled": 2.0, "triple": 3.0, "tripled": 3.0,
             "quadruple": 4.0, "quadrupled": 4.0}
CJK_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
CJK_UNITS = {"十": 10, "百": 100, "千": 1000}

_WORD = "|".join(sorted([*TENS, *ONES], key=len, reverse=True))
WORD_NUMBER = rf"(?:(?:{'|'.join(TENS)})(?:[-\s](?:{'|'.join(k for k in ONES if ONES[k] < 10)}))?|{_WORD})"
DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CJK_NUMBER = rf"[{''.join(CJK_DIGITS)}{''.join(CJK_UNITS)}]+"
AMOUNT = rf"(?P<amount>{DIGITS}|{WORD_NUMBER}(?![\w-]))"
SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion|mn|bn|tn|m|b)\b|\s?(?P<cjk_scale>[萬万億亿兆]))"
PERCENT = r"(?P<percent>\s?(?:%|％|per\s?cent\b|percent\b))"
TIMES = r"(?P<times>\s?(?:x\b|×|倍|times\b))"
CURRENCY = r"(?P<currency>US\$|NT\$|AU\$|A\$|[€$£])\s?"
CURRENCY_AFTER = r"(?:\s(?P<currency_word>euros?|dollars|EUR|USD)\b)"

NUMBER = re.compile(
    rf"(?<![A-Za-z0-9.,])(?:{CURRENCY})?{AMOUNT}(?:{SCALE})?(?:{PERCENT}|{TIMES}|{CURRENCY_AFTER})?",
    re.IGNORECASE,
)
# "one in four", "4 in 10"
ONE_IN = re.compile(rf"(?<![A-Za-z0-9.,])(?P<num>\d+|{WORD_NUMBER})\s+in\s+(?P<den>\d+|{WORD_NUMBER})\b", re.IGNORECASE)
# "a quarter", "two-thirds", "three quarters", "half"
FRACTION_WORDS = re.compile(
    rf"\b(?:(?P<article>an?|one)\s+|(?P<num>{WORD_NUMBER})[-\s])?(?P<den>{'|'.join(ORDINALS)})\b",
    re.IGNORECASE,
)
MULTIPLE_WORDS = re.compile(rf"\b(?P<word>{'|'.join(MULTIPLES)})\b", re.IGNORECASE)
# 四分之一 (Chinese), 4分の1 (Japanese): denominator first
CJK_FRACTION = re.compile(rf"(?P<den>\d+|{CJK_NUMBER})分[之の](?P<num>\d+|{CJK_NUMBER})")
# 五成, 三成五 (tenths)
CJK_TENTHS = re.compile(rf"(?P<tens>[{''.join(CJK_DIGITS)}十]|\d)成(?P<ones>[{''.join(CJK_DIGITS)}])?")
CJK_PERCENT = re.compile(rf"百分之(?P<num>{CJK_NUMBER}|\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class QuotedNumber:
    """One number a passage writes, in base units (26% -> 0.26, 85 million -> 85000000)."""

    value: float
    kind: Kind
    text: str
    step: float  # the precision the source wrote it with, in base units (26% -> 0.01)
    currency: str | None = None


def word_number(text: str) -> int | None:
    """'forty' -> 40, 'forty-two' -> 42, 'five' -> 5; None if `text` is not one."""
    parts = re.split(r"[-\s]+", text.lower().strip())
    if len(parts) == 1:
        return ONES.get(parts[0], TENS.get(parts[0]))
    if len(parts) == 2 and parts[0] in TENS and parts[1] in ONES and ONES[parts[1]] < 10:
        return TENS[parts[0]] + ONES[parts[1]]
    return None


def cjk_number(text: str) -> int | None:
    """'二十六' -> 26, '四' -> 4, '一百' -> 100, '26' -> 26; None if not a number."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in CJK_DIGITS:
            digit = CJK_DIGITS[char]
        elif char in CJK_UNITS:
            total += (1 if digit is None else digit) * CJK_UNITS[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _amount(text: str) -> tuple[float, float] | None:
    """A written amount and the step it was written with: '21.4' -> (21.4, 0.1)."""
    plain = text.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", plain):
        decimals = len(plain.partition(".")[2])
        return float(plain), 10.0 ** -decimals
    word = word_number(text)
    return (float(word), 1.0) if word is not None else None


def numbers_in(text: str) -> list[QuotedNumber]:
    """Every number `text` writes, with its kind: percent, count, money or multiplier."""
    found: list[QuotedNumber] = []
    for match in NUMBER.finditer(text):
        amount = _amount(match.group("amount"))
        if amount is None:
            continue
        value, step = amount
        scale_word = (match.group("scale") or match.group("cjk_scale") or "").lower()
        if scale_word in ("m", "b") and not match.group("currency"):
            scale_word = ""  # "5 m" is metres; only "$5m" is a scale
        scale = SCALES.get(scale_word, 1.0)
        value, step = value * scale, step * scale
        currency = match.group("currency") or match.group("currency_word")
        if match.group("percent"):
            found.append(QuotedNumber(value / 100, "percent", match.group(0), step / 100))
        elif match.group("times"):
            found.append(QuotedNumber(value, "multiplier", match.group(0), step))
        elif currency:
            found.append(QuotedNumber(value, "money", match.group(0), step, CURRENCIES[currency.lower()]))
        else:
            found.append(QuotedNumber(value, "count", match.group(0), step))
    for match in ONE_IN.finditer(text):
        part, whole = _amount(match.group("num")), _amount(match.group("den"))
        if part and whole and whole[0] > part[0] > 0:
            found.append(QuotedNumber(part[0] / whole[0], "percent", match.group(0), 0.0))
    for match in FRACTION_WORDS.finditer(text):
        denominator = ORDINALS[match.group("den").lower()]
        numerator = word_number(match.group("num")) if match.group("num") else 1
        if numerator and numerator < denominator and (match.group("num") or match.group("article")
                                                      or denominator == 2):
            found.append(QuotedNumber(numerator / denominator, "percent", match.group(0), 0.0))
    for match in MULTIPLE_WORDS.finditer(text):
        found.append(QuotedNumber(MULTIPLES[match.group("word").lower()], "multiplier", match.group(0), 0.0))
    for match in CJK_FRACTION.finditer(text):
        below, above = cjk_number(match.group("den")), cjk_number(match.group("num"))
        if below and above is not None and above < below:
            found.append(QuotedNumber(above / below, "percent", match.group(0), 0.0))
    for match in CJK_TENTHS.finditer(text):
        tens = cjk_number(match.group("tens"))
        ones = cjk_number(match.group("ones")) if match.group("ones") else 0
        if tens is not None and ones is not None and tens <= 10:
            found.append(QuotedNumber(tens / 10 + ones / 100, "percent", match.group(0),
                                      0.01 if match.group("ones") else 0.1))
    for match in CJK_PERCENT.finditer(text):
        written = _amount(match.group("num"))
        hundredths = written[0] if written else cjk_number(match.group("num"))
        if hundredths is not None:
            found.append(QuotedNumber(hundredths / 100, "percent", match.group(0), 0.01))
    return found


KINDS_FOR_UNIT: dict[str, tuple[Kind, ...]] = {
    "percent": ("percent",), "count": ("count",), "hours": ("count",),
    "multiplier": ("multiplier",), "EUR": ("money", "count"), "USD": ("money", "count"),
}


def display_step(unit: str, decimals: int) -> float:
    """The smallest difference the row's display shows, in base units (26% at 0 decimals -> 0.01)."""
    return 10.0 ** -decimals / (100 if unit == "percent" else 1)


def matches(number: QuotedNumber, value: float, unit: str, decimals: int) -> bool:
    """Whether `number` states `value` (a registry value in `unit`) within display precision."""
    if number.kind not in KINDS_FOR_UNIT.get(unit, ()):
        return False
    if number.kind == "money" and number.currency != unit:
        return False
    tolerance = max(display_step(unit, decimals), number.step) / 2
    return math.isclose(abs(number.value), abs(value), abs_tol=tolerance + 1e-12, rel_tol=1e-9)


def supports(quote: str, value: float, unit: str, decimals: int, value_high: float | None = None) -> bool:
    """Whether `quote` states `value` (and `value_high`, for a range) as the source writes it."""
    numbers = numbers_in(quote)
    wanted = [value] if value_high is None else [value, value_high]
    return all(any(matches(n, v, unit, decimals) for n in numbers) for v in wanted)
