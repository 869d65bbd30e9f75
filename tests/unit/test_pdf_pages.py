"""The PDF check's reader: it reads only the pages its rules look at, and finds what a reading
of every character of every page finds."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
from numpy.typing import NDArray

from reportkit.chapters.prose import CAPTION_LABEL, XREF_TEXT, typed_number_matches
from reportkit.checks import pdf_pages
from reportkit.checks.reports import PdfReport
from reportkit.evidence.registry import Registry
from reportkit.i18n import LANGUAGES
from reportkit.tools.typst import Font, compile_pdf, locate_fonts

from ..conftest import FIXTURES

LATIN = [Font("Noto Serif", "NotoSerif-Regular.ttf", "fonts-noto-core")]
STAT = '#box[#link("appendix-data-sources.html#stat-gs-arts-exposed")[26%]]'

# three chapters of two pages each (the outline gives where each starts): prose, a bibliography
# (not prose, no statistic), an appendix (not prose, a statistic on its second page only)
BOOK = f"""\
#set text(font: "Noto Serif")
#set page(width: 595.28pt, height: 300pt, margin: (top: 70pt, bottom: 60pt, x: 80pt),
          header: [Running header 2026], footer: context counter(page).display("1"))
#show heading.where(level: 1): it => {{ pagebreak(weak: true); it }}
= Prose
Some 26% of tasks, {STAT} by one estimate; 4321 people were typed in.
#pagebreak()
A second page, of 1234 words, cites Smith (2020).
= References
Smith, J. (2020). A book of 300 pages.
#pagebreak()
Jones, K. (1999). Another, of 250 pages.
= Appendix
A table of 12 rows.
#pagebreak()
The statistic: {STAT} (row 7).
"""


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pdf")
    (folder / "book.typ").write_text(BOOK, encoding="utf-8")
    compile_pdf(folder / "book.typ", folder / "book.pdf", locate_fonts(LATIN), timestamp=0)
    return folder / "book.pdf"


def _read(book: Path, prose: list[bool]) -> PdfReport:
    registry = Registry.load(FIXTURES / "mini" / "data")
    return pdf_pages.read_pdf(book, "book.pdf", registry, LANGUAGES["en"], prose, names=set(), heading_numbers=set())


def test_the_check_reads_the_text_of_prose_pages_and_of_pages_with_statistics_only(
        book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert pdf_pages.chapter_pages(book) == [0, 2, 4]
    read: list[int] = []
    char_boxes = pdf_pages._char_boxes

    def record(textpage: pypdfium2.PdfTextPage, count: int) -> NDArray[np.float64]:
        read.append(count)
        return char_boxes(textpage, count)

    monkeypatch.setattr(pdf_pages, "_char_boxes", record)
    report = _read(book, [True, False, False])
    # pages 1-2 (prose) and 6 (a statistic); not the bibliography (3-4) nor page 5
    assert len(read) == 3
    assert report.stat_ids == ["gs-arts-exposed", "gs-arts-exposed"]
    # the figures typed in prose, not the statistic's, the running header's year or a page number
    assert [(f.line, f.rule, f.subject) for f in report.findings] == [
        (1, "typed-number", "26%"), (1, "typed-number", "4321"), (2, "typed-number", "1234")]


def test_a_page_read_for_its_links_only_says_so(book: Path) -> None:
    pages = pdf_pages.read_pages(book, lambda index, links: index == 0)
    assert "26%" in pages[0].text and pages[0].boxes.shape == (len(pages[0].text), 4)
    assert [uri for _, uri in pages[5].links] == ["appendix-data-sources.html#stat-gs-arts-exposed"]
    with pytest.raises(ValueError, match="page 6 was read for its links only"):
        _ = pages[5].text


def test_findings_are_those_of_a_reading_of_every_page(book: Path) -> None:
    """Every chapter as prose: what the rules find on pages read in full by read_pages."""
    report = _read(book, [True, True, True])
    pages = pdf_pages.read_pages(book)
    assert all(page.boxes.shape == (len(page.text), 4) for page in pages)
    prose = [pdf_pages.mask_allowed(pdf_pages.prose_text(page), set(), set()) for page in pages]
    expected = [m.group(0).strip() for text in prose for m in typed_number_matches(text)]
    assert [f.subject for f in report.findings] == expected
    assert expected == ["26%", "4321", "1234", "300", "250", "12", "7"]


def _reference_mask(text: str, names: set[str]) -> str:
    """mask_allowed without heading numbers, as the check wrote it first: the lookbehind first."""
    text = " ".join(text.split())
    for name in sorted(names, key=len, reverse=True):
        pattern = r"\s*".join(re.escape(ch) for ch in name if not ch.isspace())
        text = re.sub(rf"(?<![\w.]){pattern}(?!\w)", " ", text)
    return XREF_TEXT.sub(" ", CAPTION_LABEL.sub(" ", text))


@pytest.mark.parametrize("text", [
    "GPT-4 and GPT-4o, then GPT-5.", "xGPT-4 .GPT-4 GPT-45 GPT-4", "S&P 500 fell; S & P  500 rose",
    "(2024)粤0192民初113号 and 粤0192", "No.\u00a01:23-cv-11195 No. 1:23-cv-11195", "G\nP\nT-4 at the end GPT-4",
    "Llama 4Llama 4 Llama 4.", "P.P P", "",
])
def test_names_are_masked_as_with_the_lookbehind_first(text: str) -> None:
    names = {"GPT-4", "GPT-4o", "GPT-5", "S&P 500", "(2024)粤0192民初113号", "No.\u00a01:23-cv-11195", "Llama 4", "P"}
    assert pdf_pages.mask_allowed(text, names, set()) == _reference_mask(text, names)
    assert pdf_pages.mask_allowed(text, {" "}, set()) == _reference_mask(text, {" "})  # a name of spaces only


def test_character_boxes_are_those_of_pdfium(book: Path) -> None:
    import ctypes

    import pypdfium2.raw as pdfium_c

    document = pypdfium2.PdfDocument(book)
    try:
        textpage = document[0].get_textpage()
        count = textpage.count_chars()
        boxes = pdf_pages._char_boxes(textpage, count)
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        for i in range(count):
            assert pdfium_c.FPDFText_GetCharBox(textpage, i, left, right, bottom, top)
            assert np.array_equal(boxes[i], [left.value, bottom.value, right.value, top.value])
    finally:
        document.close()
