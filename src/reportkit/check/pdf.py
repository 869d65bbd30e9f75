"""Rules that read a built PDF: statistics (links to their provenance row, whose
target carries the id) and typed numbers in the prose chapters.

Findings name the PDF and the page (in place of a line).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pypdf

from ..i18n import Language
from ..registry import Registry
from .findings import Finding
from .prose import CAPTION_LABEL, XREF_TEXT, typed_number_matches

STAT_TARGET = re.compile(r"#stat-([a-z0-9-]+)$")
CHART_TARGET = re.compile(r"(?:^|/)data/[\w.-]+\.csv$")  # a chart links to the table it draws
MARGIN_TOP = 60.0  # running header
MARGIN_BOTTOM = 55.0  # page number
WHITESPACE = r"\s*"
LINE_EDGE = 75.0
PAGE_WIDTH = 595.28  # A4, points  # distance from the page edge within which a line starts or ends


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


Box = tuple[float, float, float, float]  # left, bottom, right, top, in PDF points


@dataclass
class PdfPage:
    """One page: its text (pdfium, reading order, with line breaks), each character's box,
    and its link annotations (pypdf): (box, URI or None)."""

    number: int  # 1-based
    height: float
    text: str
    boxes: list[Box]
    links: list[tuple[Box, str | None]]

    def inside(self, index: int, box: Box, tolerance: float = 0.5) -> bool:
        left, bottom, right, top = self.boxes[index]
        x, y = (left + right) / 2, (bottom + top) / 2
        return bool(box[0] - tolerance <= x <= box[2] + tolerance and box[1] - tolerance <= y <= box[3] + tolerance)


def read_pages(path: Path) -> list[PdfPage]:
    import pypdfium2

    reader = pypdf.PdfReader(path)
    document = pypdfium2.PdfDocument(path)
    pages = []
    try:
        for number, (page, meta) in enumerate(zip(document, reader.pages, strict=True), 1):
            textpage = page.get_textpage()
            count = textpage.count_chars()
            text = textpage.get_text_range() if count else ""
            boxes = [textpage.get_charbox(i) for i in range(count)]
            links: list[tuple[Box, str | None]] = []
            for annot in meta.get("/Annots", []) or []:
                annot = annot.get_object()
                if annot.get("/Subtype") != "/Link":
                    continue
                x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
                action = annot.get("/A")
                uri = str(action.get_object().get("/URI")) if action and "/URI" in action.get_object() else None
                links.append(((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), uri))
            pages.append(PdfPage(number, page.get_size()[1], text[:count], boxes, links))
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages


def statistics(pages: list[PdfPage]) -> Iterator[PdfStat]:
    """Every statistic shown in the PDF: the text under each link to a `#stat-<id>` target.
    A statistic broken across lines is two links with one target, the first ending at the
    right edge of the text and the second starting at the left edge; one set in two fonts is two
    links side by side on one line: both are joined."""
    for page in pages:
        pending: list[tuple[str, Box, str]] = []
        for box, uri in page.links:
            match = STAT_TARGET.search(uri or "")
            if not match:
                continue
            text = "".join(ch for i, ch in enumerate(page.text)
                           if ch.strip() and page.inside(i, box, tolerance=0.0))
            if pending:
                stat_id, previous, shown = pending[-1]
                wrapped = previous[2] > PAGE_WIDTH - LINE_EDGE and box[0] < LINE_EDGE and box[3] < previous[3]
                # typst gives each font run its own link: US$15 (Latin) and 億 (CJK) side by side
                adjacent = abs(box[0] - previous[2]) < 1.0 and abs(box[1] - previous[1]) < 1.0
                if stat_id == match.group(1) and (wrapped or adjacent):
                    pending[-1] = (stat_id, box, shown + text)
                    continue
            pending.append((match.group(1), box, text))
        yield from (PdfStat(page.number, stat_id, shown) for stat_id, _, shown in pending)


def same_figure(shown: str, expected: str) -> bool:
    """typst sets a hyphen before a digit as a minus sign (U+2212) and may break a line
    inside a figure; neither changes the figure."""
    def norm(text: str) -> str:
        return text.replace("\u2212", "-").replace(" ", "")

    return norm(shown) == norm(expected)


def chapter_pages(path: Path) -> list[int]:
    """The first page (0-based) of each chapter, from the PDF's outline, in book order."""
    reader = pypdf.PdfReader(path)
    pages = [reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)]
    return [page for page in pages if page is not None]


def prose_text(page: PdfPage) -> str:
    """A page's text without statistics (the text under links to their provenance row, checked
    by the statistic rules), charts (drawn from a table in data/, which they link to), running
    header and page number; line breaks kept. Text under other links (citations, cross
    references) is prose like the rest."""
    boxes = [box for box, uri in page.links if STAT_TARGET.search(uri or "") or CHART_TARGET.search(uri or "")]
    kept = []
    for i, ch in enumerate(page.text):
        if ch in "\r\n":
            kept.append(ch)
            continue
        _, bottom, _, top = page.boxes[i]
        if top > page.height - MARGIN_TOP or bottom < MARGIN_BOTTOM:
            continue
        if ch.strip() and any(page.inside(i, box) for box in boxes):
            continue
        kept.append(ch)
    return "".join(kept).replace("\r\n", "\n")


def mask_allowed(text: str, names: set[str], heading_numbers: set[str]) -> str:
    """A page's prose as one line, without what the HTML marks as not statistics: chapter
    and section numbers (at the start of a line, where a heading starts), names (anywhere,
    as whole words, also across a line break), caption labels and cross-reference texts."""
    lines = []
    for line in text.splitlines():
        first, _, rest = line.strip().partition(" ")
        lines.append(rest if first in heading_numbers else line)
    text = " ".join(" ".join(lines).split())
    for name in sorted(names, key=len, reverse=True):
        # text extraction may put a space (or a line break) between any two characters of a name
        pattern = WHITESPACE.join(re.escape(ch) for ch in name if not ch.isspace())
        text = re.sub(rf"(?<![\w.]){pattern}(?!\w)", " ", text)
    return XREF_TEXT.sub(" ", CAPTION_LABEL.sub(" ", text))


def read_pdf(path: Path, rel: str, registry: Registry, language: Language, prose_chapters: list[bool],
             names: set[str], heading_numbers: set[str]) -> PdfReport:
    """Check one language's PDF. `prose_chapters` says, per chapter in book order, whether its
    pages are prose (not the bibliography or generated appendices); `names` and
    `heading_numbers` are what the HTML marks as names and as chapter/section numbers."""
    report = PdfReport(rel)
    pages = read_pages(path)
    for item in statistics(pages):
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
    ranges = zip(starts, [*starts[1:], len(pages)], strict=True)
    for (start, end), prose in zip(ranges, prose_chapters, strict=False):
        if not prose:
            continue
        for index in range(start, end):
            text = mask_allowed(prose_text(pages[index]), names, heading_numbers)
            for match in typed_number_matches(text):
                context = text[max(0, match.start() - 25):match.end() + 25]
                report.findings.append(Finding(
                    rel, index + 1, "typed-number", f"{match.group(0)!r} in prose: {context!r}",
                    subject=match.group(0).strip(),
                ))
    return report
