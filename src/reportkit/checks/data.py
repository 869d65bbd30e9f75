"""Rules that read the text of `data/` that readers see: registry notes, drafts, locators,
measures and populations, the corrections table and chart labels. Figures in that text
come from the registry through placeholders (`{value}`, `{stat:<id>}`); any other
number-like token must pass the prose allow rule (locators also the locator rule), and a
typed registry value must not be more precise than it is shown."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

from reportkit.chapters.prose import LOCATOR_ALLOWED, is_figure, typed_numbers
from reportkit.checks.findings import Finding
from reportkit.errors import RegistryError
from reportkit.evidence.registry import PLACEHOLDER, Registry, Statistic
from reportkit.i18n import LANGUAGES
from reportkit.textfile import read_text

REGISTRY_TEXT = ("measure", "measure_en", "population", "population_en", "locator", "note", "note_en", "draft")
CORRECTIONS_TEXT = ("section", "draft", "corrected", "note_en")
LABELS_TEXT = ("zh_hant", "en")
BRACES = re.compile(r"\{[^{}]*\}")
SCALES = {"%": 0.01, "％": 0.01, "percent": 0.01, "萬": 1e4, "万": 1e4, "億": 1e8, "亿": 1e8,
          "million": 1e6, "billion": 1e9}
CHINESE_DIGITS = "一二三四五六七八九十"


def _text_findings(path: str, line: int, where: str, text: str, registry: Registry,
                   quoted: Callable[[str], bool] = lambda token: False, locator: bool = False,
                   row: bool = True) -> Iterator[Finding]:
    for match in PLACEHOLDER.finditer(text):
        if match.group(0) == "{value}" and not row:
            yield Finding(path, line, "registry-text", f"{where}: {{value}} outside a registry row; use {{stat:<id>}}")
        if match.group("id") and match.group("id") not in registry:
            yield Finding(path, line, "registry-text", f"{where}: {match.group(0)} is not a registry id")
        if match.group("name") and is_figure(match.group("name")):
            yield Finding(path, line, "registry-text", f"{where}: {match.group(0)} holds a figure, not a name")
    rest = PLACEHOLDER.sub(" ", text)
    for braces in BRACES.finditer(rest):
        yield Finding(path, line, "registry-text", f"{where}: unknown placeholder {braces.group(0)} "
                      "(known: {value}, {stat:<id>}, {name:<text>})")
    tokens = [t for t in typed_numbers(rest, LOCATOR_ALLOWED if locator else None) if not quoted(t)]
    if tokens:
        yield Finding(path, line, "registry-text",
                      f"{where}: typed figure {', '.join(repr(t) for t in tokens)} in {' '.join(text.split())[:60]!r}; "
                      "write {value} or {stat:<id>} (a name: {name:<text>}), or reword")


def _draft_figure(stat: Statistic) -> Callable[[str], bool]:
    """`draft` quotes the draft manuscript, figures included. A typed figure there is accepted
    when it is the row's value (or range end) — so a confirmed row's draft is checked against
    the source's figure — or when the row's status is `differs` (the draft's figure is not the
    source's; the note says what the source gives, with {value}) or `secondary` (only a secondary
    report was read, which may differ from the draft; the note says so)."""
    scale = 100.0 if stat.unit == "percent" else 1.0
    values = [abs(v) for v in (stat.value, stat.value_high) if v is not None]

    def quoted(token: str) -> bool:
        if stat.status in ("differs", "secondary"):
            return True
        number = figure_value(token)
        return number is not None and any(
            math.isclose(number, v, rel_tol=1e-9) or math.isclose(number, v * scale, rel_tol=1e-9) for v in values)

    return quoted


def figure_value(token: str) -> float | None:
    """The number a typed figure states (26% → 0.26, 8,500 萬 → 85000000, 三倍 → 3, 半數 → 0.5)."""
    token = token.replace(" ", "").lstrip("-−+")
    if token in ("一半", "半數", "半数"):
        return 0.5
    match = re.fullmatch(r"([\d,.]+)(%|％|萬|万|億|亿|倍|million|billion|percent)?", token)
    if match:
        try:
            number = float(match.group(1).replace(",", ""))
        except ValueError:
            return None
        return number * SCALES.get(match.group(2) or "", 1.0)
    match = re.fullmatch(f"([{CHINESE_DIGITS}])倍", token)
    return float(CHINESE_DIGITS.index(match.group(1)) + 1) if match else None


def precision_findings(path: str, registry: Registry) -> Iterator[Finding]:
    """A typed (not derived) value must not carry more precision than `decimals` shows."""
    for stat in registry:
        if stat.table:
            continue
        scale = Decimal(100) if stat.unit == "percent" else Decimal(1)
        for value in (stat.value, stat.value_high):
            if value is None:
                continue
            shown = Decimal(repr(value)) * scale
            if shown != round(shown, stat.decimals):
                yield Finding(path, stat.line, "registry-precision",
                              f"[{stat.id}] value {value!r} has more precision than its {stat.decimals} "
                              f"decimal(s) show ({stat.format(LANGUAGES['en'])}); round it, or raise decimals")


def registry_text_findings(path: str, registry: Registry) -> Iterator[Finding]:
    for stat in registry:
        for name in REGISTRY_TEXT:
            text = str(getattr(stat, name))
            if text:
                yield from _text_findings(path, stat.line, f"[{stat.id}] {name}", text, registry,
                                          _draft_figure(stat) if name == "draft" else lambda token: False,
                                          locator=name == "locator")


def table_text_findings(path: Path, rel: str, columns: tuple[str, ...], registry: Registry,
                        key: str) -> Iterator[Finding]:
    """Text cells of a CSV in data/ (corrections, chart labels); a file that cannot be read raises
    RegistryError."""
    if not path.is_file():
        return
    reader = csv.DictReader(io.StringIO(read_text(path, RegistryError), newline=""))
    for record in reader:
        for name in columns:
            text = record.get(name) or ""
            if text:
                yield from _text_findings(rel, reader.line_num, f"[{record.get(key, '?')}] {name}", text,
                                          registry, row=False)
