"""What the rules found on one built page or PDF, and what the rules across pages need from it.

Stored as JSON in the build cache (`_cache/check-*`), so an unchanged page is not read again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportkit.checks.findings import Finding


@dataclass
class PageReport:
    path: str
    findings: list[Finding] = field(default_factory=list)
    prose_ids: list[str] = field(default_factory=list)  # stat ids shown outside generated tables
    citations: set[str] = field(default_factory=set)  # keys cited in the page's text
    all_ids: list[str] = field(default_factory=list)  # every stat id shown, tables included
    names: set[str] = field(default_factory=set)  # texts of .name spans (digits allowed)
    heading_numbers: set[str] = field(default_factory=set)  # chapter and section numbers
    data_page: bool = False  # bibliography or generated tables: not prose in the PDF check

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "findings": [f.to_json() for f in self.findings], "prose_ids": self.prose_ids,
                "citations": sorted(self.citations), "all_ids": self.all_ids, "names": sorted(self.names),
                "heading_numbers": sorted(self.heading_numbers), "data_page": self.data_page}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageReport:
        """The report `to_json` wrote (raises TypeError, KeyError or ValueError on another shape)."""
        return cls(str(data["path"]), [Finding.from_json(f) for f in data["findings"]],
                   [str(i) for i in data["prose_ids"]], {str(k) for k in data["citations"]},
                   [str(i) for i in data["all_ids"]], {str(n) for n in data["names"]},
                   {str(n) for n in data["heading_numbers"]}, bool(data["data_page"]))


@dataclass
class PdfReport:
    path: str
    findings: list[Finding] = field(default_factory=list)
    stat_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "findings": [f.to_json() for f in self.findings], "stat_ids": self.stat_ids}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PdfReport:
        """The report `to_json` wrote (raises TypeError, KeyError or ValueError on another shape)."""
        return cls(str(data["path"]), [Finding.from_json(f) for f in data["findings"]],
                   [str(i) for i in data["stat_ids"]])
