"""Findings and the catalogue of rules (documented in the README's reviewer guide)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


RULES: dict[str, str] = {
    "registry-invalid": "data/statistics.csv does not load (types, ids, units, required columns)",
    "registry-source": "a registry row's source is not a key of the bibliography",
    "registry-derived": "a derived registry value does not recompute from its source table",
    "registry-precision": "a typed (not derived) registry value has more precision than its decimals show",
    "registry-text": "a figure typed in data text readers see (note, draft, locator, measure, population, "
                     "corrections, chart labels) instead of a {value}/{stat:<id>} placeholder",
    "source-quote": "a registry row's quote does not state its value as the source writes it "
                    "(26%, 26 per cent, 85 million, €22 billion, twice, 五成, one in four, …)",
    "quote-missing": "a confirmed, differs or secondary registry row quotes no passage of its source "
                     "(warning; error with --strict)",
    "registry-unused": "a registry row is not shown on any page",
    "bib-malformed": "bib/references.bib has an entry that bibtexparser or pandoc cannot read",
    "citation-missing": "a chapter cites a key that is not in the bibliography",
    "site-missing": "an output readers get (a language's pages or PDF) has not been built, so it was not checked",
    "stat-unknown": "a span.stat names an id that is not in the registry",
    "stat-value": "a span.stat's text is not the registry value formatted for the page's locale",
    "stat-uncited": "a paragraph or list item shows a statistic without citing its source",
    "typed-number": "a number-like token in text readers see (prose, captions, table cells, alt/title/aria-label, "
                    "name spans) is not inside a stat span and no allow rule covers it",
    "parity": "languages disagree on which statistics (ids, with counts) or citations a chapter has",
    "translation-stale": "a translation records a source hash that is not its source chapter's "
                         "current one (warning; error with --strict)",
    "forecast-expired": "a statistic forecasts a year earlier than the edition and its row does not set "
                        "horizon_acknowledged (warning; error with --strict)",
    "claims-invalid": "data/claims.csv does not load, names a source not in the bibliography, or a chapter "
                      "marks a claim it does not register",
    "claim-unused": "a registered claim is not marked in any chapter",
    "claim-due": "a claim's re-check date is on or before the edition's as-of date (warning; error with --strict)",
    "site-stale": "the sources changed since the site was built, or the last render failed (an error; a warning "
                  "when no build record exists)",
}


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    rule: str
    message: str
    severity: Severity = Severity.ERROR
    subject: str = ""  # the text the finding is about (typed tokens, one per line), when it has one

    def format(self) -> str:
        location = f"{self.path}:{self.line}" if self.line else self.path
        kind = "warning: " if self.severity is Severity.WARNING else ""
        return f"{location}: [{self.rule}] {kind}{self.message}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        """The finding `to_json` wrote (raises TypeError, KeyError or ValueError on another shape)."""
        return cls(str(data["path"]), int(data["line"]), str(data["rule"]), str(data["message"]),
                   Severity(data["severity"]), str(data["subject"]))
