"""`reportkit trace ID`: the whole evidence chain of one statistic, for a reviewer.

Source entry and link, the source's own words and where they were read, the registry
row, the derivation from a source table (recomputed), every place the figure is shown
(language, page, section, sentence; PDF page) and the result of every check rule on it.
Pages are read with the check's own readers, so trace and check never disagree.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag

from reportkit.checks import Finding, Severity, run_checks
from reportkit.checks.html_pages import block_of
from reportkit.checks.pdf_pages import read_pages, statistics
from reportkit.config.project import Project
from reportkit.errors import ReportkitError, UnknownStatisticError
from reportkit.evidence.registry import QUOTED_STATUSES, Statistic, recompute
from reportkit.execution.cache import BuildCache
from reportkit.outputs.book import pdf_name

# The rules that judge one statistic, and when a rule does not apply to it.
STATISTIC_RULES = ("registry-source", "registry-derived", "source-quote", "quote-missing", "registry-unused",
                   "stat-value", "stat-uncited", "parity", "forecast-expired")


@dataclass
class Place:
    language: str
    page: str
    line: int
    section: str
    sentence: str


@dataclass
class PdfPlace:
    language: str
    pdf: str
    page: int
    text: str


@dataclass
class RuleResult:
    rule: str
    result: str  # pass, fail, warning, not applicable
    findings: list[str] = field(default_factory=list)


@dataclass
class Trace:
    id: str
    source: dict[str, str]
    evidence: dict[str, str]
    registry: dict[str, Any]
    derivation: dict[str, Any] | None
    shown: list[Place]
    pdf: list[PdfPlace]
    rules: list[RuleResult]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


def _text(node: Tag) -> str:
    return " ".join(node.get_text(" ").split())


SENTENCE_END = re.compile(r"(?<=[。！？；])|(?<=[.!?;])\s+(?=\S)")


def sentence_with(block: str, shown: str) -> str:
    """The sentence of `block` that shows `shown` (the whole block if none does alone)."""
    return next((part.strip() for part in SENTENCE_END.split(block) if shown in part), block)


class Evidence:
    """What tracing needs from the built site, read once for any number of statistics:
    every page's statistics (with section and sentence), every PDF's, and the check's findings."""

    def __init__(self, project: Project):
        self.project = project
        self.places: dict[str, list[Place]] = {}
        self.pdf: dict[str, list[PdfPlace]] = {}
        for language in project.languages:
            for entry in project.chapters:
                path = project.output_dir / language.code / entry.page(language.code)
                if path.is_file():
                    self._read_page(language.code, path)
            pdf = project.output_dir / language.code / pdf_name(project, language)
            if pdf.is_file():
                rel = pdf.relative_to(project.root).as_posix()
                for item in statistics(read_pages(pdf)):
                    self.pdf.setdefault(item.stat_id, []).append(PdfPlace(language.code, rel, item.page, item.text))
        self.findings = run_checks(project, cache=BuildCache(project.root))

    def _read_page(self, language: str, path: Path) -> None:
        main = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("main")
        if not isinstance(main, Tag):
            return
        for note in main.select(".provenance"):
            note.decompose()  # the tooltip is not part of the sentence
        for span in main.select("span.stat[data-stat]"):
            heading = span.find_previous(re.compile(r"^h[1-6]$"))
            block = block_of(span)
            self.places.setdefault(str(span["data-stat"]), []).append(Place(
                language, path.relative_to(self.project.root).as_posix(), span.sourceline or 0,
                _text(heading) if isinstance(heading, Tag) else "",
                sentence_with(_text(block), _text(span)) if block is not None else _text(span),
            ))

    def rules(self, stat: Statistic) -> list[RuleResult]:
        registry_path = (self.project.data_dir / "statistics.csv").relative_to(self.project.root).as_posix()
        mine = [f for f in self.findings if _about(f, stat, registry_path)]
        not_applicable = {
            "registry-derived": not stat.table,
            "source-quote": not stat.quote,
            "quote-missing": stat.status not in QUOTED_STATUSES or bool(stat.quote),
            "forecast-expired": stat.horizon is None,
        }
        results = []
        for rule in STATISTIC_RULES:
            found = [f for f in mine if f.rule == rule]
            if found:
                kind = "fail" if any(f.severity is Severity.ERROR for f in found) else "warning"
                results.append(RuleResult(rule, kind, [f.format() for f in found]))
            else:
                results.append(RuleResult(rule, "not applicable" if not_applicable.get(rule) else "pass"))
        return results


def _about(finding: Finding, stat: Statistic, registry_path: str) -> bool:
    return (f"[{stat.id}]" in finding.message or f"'{stat.id}'" in finding.message
            or (finding.path == registry_path and finding.line == stat.line))


def trace(project: Project, stat_ids: list[str]) -> list[Trace]:
    """The evidence chain of each of `stat_ids` (every statistic if empty)."""
    registry = project.registry
    for stat_id in stat_ids:
        if stat_id not in registry:
            raise UnknownStatisticError(f"unknown statistic id {stat_id!r} (not in data/statistics.csv)")
    evidence = Evidence(project)
    return [_trace(project, evidence, registry[stat_id]) for stat_id in stat_ids or list(registry.rows)]


def _trace(project: Project, evidence: Evidence, stat: Statistic) -> Trace:
    entry: dict[str, str] = project.bibliography.entries.get(stat.source, {})
    source = {"key": stat.source}
    source.update((k, entry[k]) for k in ("author", "title", "year", "url", "note") if k in entry)
    quote = {"locator": stat.locator, "quote": stat.quote, "quote_lang": stat.quote_lang,
             "quote_url": stat.quote_url, "accessed": stat.accessed.isoformat() if stat.accessed else ""}
    row = {"line": stat.line, "status": stat.status, "value": stat.value, "value_high": stat.value_high,
           "unit": stat.unit, "decimals": stat.decimals,
           "shown": {lang.code: stat.format(lang) for lang in project.languages},
           "measure_en": stat.measure_en, "population_en": stat.population_en, "geography": stat.geography,
           "period": stat.period, "horizon": stat.horizon, "draft": stat.draft, "note": stat.note,
           "note_en": stat.note_en}
    derivation = None
    if stat.table:
        try:
            value: float | str = recompute(stat, project.data_dir)
        except ReportkitError as err:
            value = err.message
        derivation = {"table": stat.table, "column": stat.column, "filter": stat.filter, "recomputed": value,
                      "matches": isinstance(value, float) and abs(value - stat.value) <= 1e-9 * max(1.0, abs(value))}
    return Trace(stat.id, source, quote, row, derivation, evidence.places.get(stat.id, []),
                 evidence.pdf.get(stat.id, []), evidence.rules(stat))


def to_text(item: Trace) -> str:
    """The chain as plain text for the terminal."""
    out = [f"{item.id}", "", "Source"]
    out += [f"  {k}: {v}" for k, v in item.source.items()]
    out += ["", "Evidence"] + [f"  {k}: {v}" for k, v in item.evidence.items() if v]
    if not item.evidence["quote"]:
        out.append("  quote: (none)")
    out += ["", "Registry (data/statistics.csv)"] + [f"  {k}: {v}" for k, v in item.registry.items()
                                                      if v not in ("", None)]
    if item.derivation:
        out += ["", "Derivation"] + [f"  {k}: {v}" for k, v in item.derivation.items()]
    out += ["", f"Shown in the HTML ({len(item.shown)})"]
    out += [f"  {p.language} {p.page}:{p.line} § {p.section}\n    {p.sentence}" for p in item.shown]
    out += ["", f"Shown in the PDF ({len(item.pdf)})"]
    out += [f"  {p.language} {p.pdf} p. {p.page}: {p.text}" for p in item.pdf]
    out += ["", "Checks"]
    for rule in item.rules:
        out.append(f"  {rule.rule}: {rule.result}")
        out += [f"    {message}" for message in rule.findings]
    return "\n".join(out)
