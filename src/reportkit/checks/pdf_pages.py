"""Rules that read a built PDF: statistics (links to their provenance row, whose
target carries the id) and typed numbers in the prose chapters.

Findings name the PDF and the page (in place of a line).
"""

from __future__ import annotations

import ctypes
import functools
import re
from collections.abc import Callable, Iterator
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
    """One page: its link annotations, (box, URI or None), and unless the reader was told the
    page is not needed, its text (pdfium, reading order, with line breaks) and each character's
    box (an n×4 array: left, bottom, right, top)."""

    number: int  # 1-based
    height: float
    links: list[tuple[Box, str | None]]
    content: tuple[str, NDArray[np.float64]] | None  # text, boxes

    @property
    def text(self) -> str:
        return self._content()[0]

    @property
    def boxes(self) -> NDArray[np.float64]:
        return self._content()[1]

    def _content(self) -> tuple[str, NDArray[np.float64]]:
        if self.content is None:
            raise ValueError(f"page {self.number} was read for its links only")
        return self.content

    def inside(self, box: Box, tolerance: float = 0.5) -> NDArray[np.bool_]:
        """Which characters have their centre in `box` (one flag per character)."""
        x = (self.boxes[:, 0] + self.boxes[:, 2]) / 2
        y = (self.boxes[:, 1] + self.boxes[:, 3]) / 2
        inside: NDArray[np.bool_] = ((box[0] - tolerance <= x) & (x <= box[2] + tolerance)
                                     & (box[1] - tolerance <= y) & (y <= box[3] + tolerance))
        return inside


def _char_boxes(textpage: pypdfium2.PdfTextPage, count: int) -> NDArray[np.float64]:
    """Every character's tight box, with one set of ctypes buffers for the page (pdfium has no
    bulk call; the helper's per-call allocations were a quarter of the time spent reading a PDF).
    The values are gathered in a list and made one array at the end: assigning each row into a
    NumPy array cost more than pdfium's call."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    get = pdfium_c.FPDFText_GetCharBox
    raw = textpage.raw  # the handle itself: the wrapper's conversion is paid on every call
    values: list[float] = []
    extend = values.extend
    missing = (0.0, 0.0, 0.0, 0.0)
    for i in range(count):
        extend((left.value, bottom.value, right.value, top.value) if get(raw, i, left, right, bottom, top)
               else missing)
    return np.array(values, dtype=np.float64).reshape(count, 4)


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


Wanted = Callable[[int, list[tuple[Box, str | None]]], bool]


def read_pages(path: Path, wanted: Wanted | None = None) -> list[PdfPage]:
    """Every page of the PDF, read once with pdfium. With `wanted`, a page's text and character
    boxes (most of the reading) are read only when it says yes, given the 0-based page index and
    the page's links; other pages keep their links only."""
    document = pypdfium2.PdfDocument(path)
    try:
        return _read_pages(document, wanted)
    finally:
        document.close()


def _read_pages(document: pypdfium2.PdfDocument, wanted: Wanted | None) -> list[PdfPage]:
    pages = []
    for number, page in enumerate(document, 1):
        links = _links(document, page)
        content = None
        if wanted is None or wanted(number - 1, links):
            textpage = page.get_textpage()
            count = textpage.count_chars()
            text = textpage.get_text_range() if count else ""
            content = (text[:count], _char_boxes(textpage, count))
            textpage.close()
        pages.append(PdfPage(number, page.get_size()[1], links, content))
        page.close()
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
            under = np.flatnonzero(page.inside(box, tolerance=0.0)[:len(page.text)])
            text = "".join(ch for ch in map(page.text.__getitem__, under.tolist()) if ch.strip())
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
        return _chapter_pages(document)
    finally:
        document.close()


def _chapter_pages(document: pypdfium2.PdfDocument) -> list[int]:
    destinations = [bookmark.get_dest() for bookmark in document.get_toc() if bookmark.level == 0]
    pages = [destination.get_index() for destination in destinations if destination is not None]
    return [page for page in pages if page is not None]


def _prose_ranges(starts: list[int], page_count: int, prose_chapters: list[bool]) -> list[range]:
    """The pages (0-based) of each prose chapter, from the chapters' first pages."""
    ranges = zip(starts, [*starts[1:], page_count], strict=True)
    return [range(start, end) for (start, end), prose in zip(ranges, prose_chapters, strict=False) if prose]


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
    # only the characters in a margin or under such a link may go: the rest are kept as they are
    kept = list(page.text)
    for i in np.flatnonzero((dropped | linked)[:len(kept)]).tolist():
        ch = kept[i]
        if ch not in "\r\n" and (dropped[i] or ch.strip()):
            kept[i] = ""
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
        text = name_pattern(name).sub(" ", text)
    return XREF_TEXT.sub(" ", CAPTION_LABEL.sub(" ", text))


@functools.lru_cache(maxsize=4096)
def name_pattern(name: str) -> re.Pattern[str]:
    r"""A name as a whole word in extracted text, which may put a space (or a line break) between
    any two of its characters. The check that no letter, digit or dot comes before the name
    follows its first character (`A(?<![\w.]A)`, the same as `(?<![\w.])A`): a pattern that
    starts with a character is searched for that character, several times faster."""
    chars = [re.escape(ch) for ch in name if not ch.isspace()]
    if not chars:
        return re.compile(r"(?<![\w.])(?!\w)")
    first, rest = chars[0], chars[1:]
    return re.compile(rf"{first}(?<![\w.]{first})" + "".join(WHITESPACE + ch for ch in rest) + r"(?!\w)")


def read_pdf(path: Path, rel: str, registry: Registry, language: Language, prose_chapters: list[bool],
             names: set[str], heading_numbers: set[str]) -> PdfReport:
    """Check one language's PDF. `prose_chapters` says, per chapter in book order, whether its
    pages are prose (not the bibliography or generated appendices); `names` and
    `heading_numbers` are what the HTML marks as names and as chapter/section numbers."""
    report = PdfReport(rel)
    document = pypdfium2.PdfDocument(path)
    try:
        starts = _chapter_pages(document)
        prose_ranges = _prose_ranges(starts, len(document), prose_chapters)
        prose_pages = {index for pages in prose_ranges for index in pages}

        def wanted(index: int, links: list[tuple[Box, str | None]]) -> bool:
            """The rules read the text of prose pages and the text under statistics' links,
            nothing else (not the bibliography, nor an appendix's pages without statistics)."""
            return index in prose_pages or any(STAT_TARGET.search(uri or "") for _, uri in links)

        pages = _read_pages(document, wanted)
    finally:
        document.close()
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
    for prose_range in prose_ranges:
        for index in prose_range:
            text = mask_allowed(prose_text(pages[index]), names, heading_numbers)
            for match in typed_number_matches(text):
                context = text[max(0, match.start() - 25):match.end() + 25]
                report.findings.append(Finding(
                    rel, index + 1, "typed-number", f"{match.group(0)!r} in prose: {context!r}",
                    subject=match.group(0).strip(),
                ))
    return report
