"""Rules that read a built PDF: statistics (links to their provenance row, whose
target carries the id) and typed numbers in the prose chapters.

Findings name the PDF and the page (in place of a line).
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2
import pypdfium2.raw as pdfium_c
from numpy.typing import NDArray

from reportkit.chapters.prose import CAPTION_LABEL, XREF_TEXT, typed_number_matches
from reportkit.checks.findings import Finding
from reportkit.checks.reports import PdfReport
from reportkit.evidence.registry import Registry
from reportkit.i18n import Language

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


Box = tuple[float, float, float, float]  # left, bottom, right, top, in PDF points


@dataclass
class PdfPage:
    """One page: its text (pdfium, reading order, with line breaks), each character's box
    (an n×4 array: left, bottom, right, top) and its link annotations: (box, URI or None)."""

    number: int  # 1-based
    height: float
    text: str
    boxes: NDArray[np.float64]
    links: list[tuple[Box, str | None]]

    def inside(self, box: Box, tolerance: float = 0.5) -> NDArray[np.bool_]:
        """Which characters have their centre in `box` (one flag per character)."""
        x = (self.boxes[:, 0] + self.boxes[:, 2]) / 2
        y = (self.boxes[:, 1] + self.boxes[:, 3]) / 2
        inside: NDArray[np.bool_] = ((box[0] - tolerance <= x) & (x <= box[2] + tolerance)
                                     & (box[1] - tolerance <= y) & (y <= box[3] + tolerance))
        return inside


def _char_boxes(textpage: pypdfium2.PdfTextPage, count: int) -> NDArray[np.float64]:
    """Every character's tight box, with one set of ctypes buffers for the page (pdfium has no
    bulk call; the helper's per-call allocations were a quarter of the time spent reading a PDF)."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    get = pdfium_c.FPDFText_GetCharBox
    boxes = np.zeros((count, 4))
    for i in range(count):
        if get(textpage, i, left, right, bottom, top):
            boxes[i] = (left.value, bottom.value, right.value, top.value)
    return boxes


def _links(document: pypdfium2.PdfDocument, page: pypdfium2.PdfPage) -> list[tuple[Box, str | None]]:
    """The page's link annotations in page order: (box, URI, or None for an internal link)."""
    links: list[tuple[Box, str | None]] = []
    position, link, rect = ctypes.c_int(0), pdfium_c.FPDF_LINK(), pdfium_c.FS_RECTF()
    while pdfium_c.FPDFLink_Enumerate(page, ctypes.byref(position), ctypes.byref(link)):
        if not pdfium_c.FPDFLink_GetAnnotRect(link, rect):
            continue
        uri = None
        action = pdfium_c.FPDFLink_GetAction(link)
        if action and pdfium_c.FPDFAction_GetType(action) == pdfium_c.PDFACTION_URI:
            size = pdfium_c.FPDFAction_GetURIPath(document, action, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_c.FPDFAction_GetURIPath(document, action, buffer, size)
            uri = buffer.value.decode("utf-8", "replace")
        links.append(((min(rect.left, rect.right), min(rect.bottom, rect.top),
                       max(rect.left, rect.right), max(rect.bottom, rect.top)), uri))
    return links


def read_pages(path: Path) -> list[PdfPage]:
    """Every page of the PDF, read once with pdfium."""
    document = pypdfium2.PdfDocument(path)
    pages = []
    try:
        for number, page in enumerate(document, 1):
            textpage = page.get_textpage()
            count = textpage.count_chars()
            text = textpage.get_text_range() if count else ""
            pages.append(PdfPage(number, page.get_size()[1], text[:count], _char_boxes(textpage, count),
                                 _links(document, page)))
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
            under = page.inside(box, tolerance=0.0)
            text = "".join(ch for i, ch in enumerate(page.text) if under[i] and ch.strip())
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
    document = pypdfium2.PdfDocument(path)
    try:
        destinations = [bookmark.get_dest() for bookmark in document.get_toc() if bookmark.level == 0]
        pages = [destination.get_index() for destination in destinations if destination is not None]
    finally:
        document.close()
    return [page for page in pages if page is not None]


def prose_text(page: PdfPage) -> str:
    """A page's text without statistics (the text under links to their provenance row, checked
    by the statistic rules), charts (drawn from a table in data/, which they link to), running
    header and page number; line breaks kept. Text under other links (citations, cross
    references) is prose like the rest."""
    boxes = [box for box, uri in page.links if STAT_TARGET.search(uri or "") or CHART_TARGET.search(uri or "")]
    dropped = (page.boxes[:, 3] > page.height - MARGIN_TOP) | (page.boxes[:, 1] < MARGIN_BOTTOM)
    linked = np.zeros(len(page.boxes), dtype=bool)
    for box in boxes:
        linked |= page.inside(box)
    kept = [ch for i, ch in enumerate(page.text)
            if ch in "\r\n" or not (dropped[i] or (linked[i] and ch.strip()))]
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
