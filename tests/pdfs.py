"""Reading PDFs in tests: embedded fonts and glyphs drawn as .notdef (empty boxes)."""

from __future__ import annotations

from pathlib import Path

import pypdf
from pypdf.generic import ContentStream


def _reader(pdf: Path | pypdf.PdfReader) -> pypdf.PdfReader:
    """An open PDF as is (a reader parses the file once for all its pages), or a file to open."""
    return pdf if isinstance(pdf, pypdf.PdfReader) else pypdf.PdfReader(pdf)


def font_names(pdf: Path | pypdf.PdfReader, page: int) -> set[str]:
    """BaseFont names used on a page, without the subset prefix (ABCDEF+)."""
    reader = _reader(pdf)
    fonts = reader.pages[page]["/Resources"]["/Font"]
    return {str(f.get_object()["/BaseFont"]).lstrip("/").split("+")[-1] for f in fonts.values()}


def notdef_glyphs(pdf: Path | pypdf.PdfReader, page: int) -> int:
    """How many glyphs a page draws with CID 0 (.notdef): a character its font lacks.
    typst writes every font as a Type0 font with Identity-H (two-byte codes)."""
    reader = _reader(pdf)
    content = ContentStream(reader.pages[page].get_contents(), reader)
    count = 0
    for operands, operator in content.operations:
        if operator == b"Tj":
            strings = [operands[0]]
        elif operator == b"TJ":
            strings = [item for item in operands[0] if not isinstance(item, int | float)]
        else:
            continue
        for string in strings:
            raw = getattr(string, "original_bytes", None) or bytes(string)
            count += sum(1 for i in range(0, len(raw) - 1, 2) if raw[i:i + 2] == b"\0\0")
    return count
