"""Rules that read a built PDF: statistics (links to their provenance row, whose
target carries the id) and typed numbers in the prose chapters.

Findings name the PDF and the page (in place of a line).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
import pypdf

from ..i18n import Language
from ..registry import Registry
from .findings import Finding
from .prose import typed_number_matches

STAT_TARGET = re.compile(r"#stat-([a-z0-9-]+)$")
MARGIN_TOP = 60.0  # running header
MARGIN_BOTTOM = 55.0  # page number
WHITESPACE = r"\s*"
LINE_EDGE = 75.0  # distance from the page edge within which a line starts or ends
CAPTION_LABEL = re.compile(r"(?:圖|图|表|Figure|Table)\s*[A-Z0-9]+(?:\.\d+)*")


@dataclass(frozen=True)
class PdfStat:
    page: int  # 1-based
    stat_id: str
    text: str


@dataclass
class PdfReport:
    path: str
    findings: list[Finding] = field(default_factory=list)
    stat_ids: list[str] = field(default_factory=list)


def _links(page: Any) -> list[dict[str, Any]]:
    return [a for a in page.annots if a.get("uri") or a.get("data", {}).get("Dest") or a.get("data", {}).get("A")]


def _inside(obj: dict[str, Any], rect: dict[str, Any], tolerance: float = 0.5) -> bool:
    """Whether the centre of `obj` lies in `rect`."""
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bool(rect["x0"] - tolerance <= x <= rect["x1"] + tolerance
                and rect["top"] - tolerance <= y <= rect["bottom"] + tolerance)


def same_figure(shown: str, expected: str) -> bool:
    """typst sets a hyphen before a digit as a minus sign (U+2212) and may break a line
    inside a figure; neither changes the figure."""
    def norm(text: str) -> str:
        return text.replace("\u2212", "-").replace(" ", "")

    return norm(shown) == norm(expected)


def statistics(pdf: Any) -> Iterator[PdfStat]:
    """Every statistic shown in the PDF: the text under each link to a `#stat-<id>` target.
    A statistic broken across lines is two links with one target, the first ending at the
    right edge of the text and the second starting at the left edge: they are joined."""
    for number, page in enumerate(pdf.pages, 1):
        pending: list[tuple[str, dict[str, Any], str]] = []
        for annot in page.annots:
            match = STAT_TARGET.search(annot.get("uri") or "")
            if not match:
                continue
            text = "".join(c["text"] for c in page.chars if _inside(c, annot, tolerance=0.0))
            if pending:
                stat_id, previous, shown = pending[-1]
                wrapped = previous["x1"] > page.width - LINE_EDGE and annot["x0"] < LINE_EDGE
                if stat_id == match.group(1) and wrapped and annot["top"] > previous["top"]:
                    pending[-1] = (stat_id, annot, shown + text)
                    continue
            pending.append((match.group(1), annot, text))
        yield from (PdfStat(number, stat_id, shown) for stat_id, _, shown in pending)


def chapter_pages(path: Path) -> list[int]:
    """The first page (0-based) of each chapter, from the PDF's outline, in book order."""
    reader = pypdf.PdfReader(path)
    pages = [reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)]
    return [page for page in pages if page is not None]


def prose_text(page: Any) -> str:
    """A page's text without links (statistics, citations, cross references), header and footer."""
    links = _links(page)
    height = page.height

    def keep(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        if obj["top"] < MARGIN_TOP or obj["bottom"] > height - MARGIN_BOTTOM:
            return False
        return not any(_inside(obj, link) for link in links)

    return str(page.filter(keep).extract_text())


def mask_allowed(text: str, names: set[str], heading_numbers: set[str]) -> str:
    """A page's prose as one line, without what the HTML marks as not statistics: chapter
    and section numbers (at the start of a line, where a heading starts), names (anywhere,
    as whole words, also across a line break) and caption labels."""
    lines = []
    for line in text.splitlines():
        first, _, rest = line.strip().partition(" ")
        lines.append(rest if first in heading_numbers else line)
    text = " ".join(" ".join(lines).split())
    for name in sorted(names, key=len, reverse=True):
        # a line may break at a space or after a hyphen inside the name
        pattern = WHITESPACE.join(re.escape(w) for w in re.findall(r"[^\s-]+-?|-", name))
        text = re.sub(rf"(?<![\w.]){pattern}(?!\w)", " ", text)
    return CAPTION_LABEL.sub(" ", text)


def read_pdf(path: Path, rel: str, registry: Registry, language: Language, prose_chapters: list[bool],
             names: set[str], heading_numbers: set[str]) -> PdfReport:
    """Check one language's PDF. `prose_chapters` says, per chapter in book order, whether its
    pages are prose (not the bibliography or generated appendices); `names` and
    `heading_numbers` are what the HTML marks as names and as chapter/section numbers."""
    report = PdfReport(rel)
    with pdfplumber.open(path) as pdf:
        for item in statistics(pdf):
            if item.stat_id not in registry:
                report.findings.append(Finding(rel, item.page, "stat-unknown",
                                               f"link to #stat-{item.stat_id}, not in the registry"))
                continue
            report.stat_ids.append(item.stat_id)
            expected = registry[item.stat_id].format(language)
            if not same_figure(item.text, expected):
                report.findings.append(Finding(
                    rel, item.page, "stat-value",
                    f"[{item.stat_id}] shows {item.text!r}, registry value formats as {expected!r} "
                    f"for {language.code}",
                ))
        starts = chapter_pages(path)
        ranges = zip(starts, [*starts[1:], len(pdf.pages)], strict=True)
        for (start, end), prose in zip(ranges, prose_chapters, strict=False):
            if not prose:
                continue
            for index in range(start, end):
                text = mask_allowed(prose_text(pdf.pages[index]), names, heading_numbers)
                for match in typed_number_matches(text):
                    context = text[max(0, match.start() - 25):match.end() + 25]
                    report.findings.append(Finding(
                        rel, index + 1, "typed-number", f"{match.group(0)!r} in prose: {context!r}",
                    ))
    return report
