"""Turning an executed chapter into plain pandoc Markdown.

Inline values and cell outputs are put in place, headings numbered, Quarto
cross references (``@sec-``/``@fig-``/``@tbl-``) resolved to links with their
numbers, callout titles marked, and links to ``.qmd`` files pointed at the
pages. What comes out is ordinary pandoc Markdown.
"""

from __future__ import annotations

import base64
import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportkit.api.charts import DATA_HREF
from reportkit.chapters.reader import HEADING, XREF, Cell, Chapter, Markdown
from reportkit.config.project import ChapterEntry, relative_href
from reportkit.errors import ChapterSyntaxError
from reportkit.execution.results import Executed, plain_value
from reportkit.i18n import Language
from reportkit.markup import escape_markdown


@dataclass(frozen=True)
class Target:
    """Where a cross-reference label points."""

    kind: str  # sec | fig | tbl
    number: str
    page: str  # its page, relative to the language's output folder
    title: str = ""

    def text(self, language: Language) -> str:
        word = language.t({"sec": "section", "fig": "figure", "tbl": "table"}[self.kind])
        if language.code.startswith("zh"):
            return f"第 {self.number} {word}" if self.kind == "sec" else f"{word} {self.number}"
        return f"{word} {self.number}"


def section_numbers(chapter: Chapter, entry: ChapterEntry) -> dict[int, str]:
    """Heading line -> number ("5.1", "A.2.1"); unnumbered chapters get none."""
    if entry.number is None:
        return {}
    numbers: dict[int, str] = {}
    counters = [0, 0, 0, 0, 0]
    for heading in chapter.headings:
        if "unnumbered" in heading.classes or heading.line in _callout_heading_lines(chapter):
            continue
        depth = heading.level - 2
        counters[depth] += 1
        for k in range(depth + 1, len(counters)):
            counters[k] = 0
        numbers[heading.line] = ".".join([entry.number, *map(str, counters[: depth + 1])])
    return numbers


def _callout_heading_lines(chapter: Chapter) -> set[int]:
    """Lines of headings that are the first line inside a callout div (its title)."""
    headings = {heading.line for heading in chapter.headings}
    lines: set[int] = set()
    for block in chapter.blocks:
        if not isinstance(block, Markdown):
            continue
        for k, row in enumerate(block.text.split("\n")):
            if row.startswith(":::") and "callout-" in row and block.line + k + 1 in headings:
                lines.add(block.line + k + 1)
    return lines


def targets(chapter: Chapter, entry: ChapterEntry, code: str) -> dict[str, Target]:
    """The cross-reference targets `chapter` defines, in language `code`."""
    out: dict[str, Target] = {}
    numbers = section_numbers(chapter, entry)
    page = entry.page(code)
    for heading in chapter.headings:
        if heading.ident and heading.ident.startswith("sec-"):
            out[heading.ident] = Target("sec", numbers.get(heading.line, ""), page, heading.text)
    counts = {"fig": 0, "tbl": 0}
    for cell in chapter.cells:
        if cell.label:
            kind = cell.label.split("-")[0]
            counts[kind] += 1
            number = f"{entry.number}.{counts[kind]}" if entry.number else str(counts[kind])
            out[cell.label] = Target(kind, number, page)
    return out


# Which output a cell's MIME bundle shows, per target: the site prefers interactive HTML,
# the PDF static images.
HTML_ORDER = ("text/markdown", "text/html", "image/svg+xml", "image/png", "text/plain")
BOOK_ORDER = ("text/markdown", "image/svg+xml", "image/png", "text/plain")
IMAGE_TYPES = {"image/svg+xml": "svg", "image/png": "png"}
QMD_LINK = re.compile(r"\]\(([\w./-]+\.qmd)(#[\w-]+)?\)")
EMPTY_LABEL = 'aria-label=""'  # in a chart's HTML: filled with the cell's fig-alt


class Assembler:
    """Builds the Markdown of one chapter in one language."""

    def __init__(self, chapter: Chapter, entry: ChapterEntry, executed: Executed,
                 language: Language, xrefs: dict[str, Target], figures_dir: Path, echo: bool,
                 entries: list[ChapterEntry], book: bool = False):
        """`book`: Markdown for the one-document PDF (which sits in the language's output
        folder), where every link stays inside the book. `figures_dir`: where images go, a
        folder beside the page (or the PDF)."""
        self.chapter = chapter
        self.entry = entry
        self.entries = entries
        self.page = entry.page(language.code)
        self.root = relative_href("index.html" if book else self.page, "..") + "/"  # the site's root
        self.executed = executed
        self.language = language
        self.xrefs = xrefs
        self.figures_dir = figures_dir
        self.echo = echo
        self.book = book
        self.numbers = section_numbers(chapter, entry)
        self.callout_titles = _callout_heading_lines(chapter)

    def markdown(self) -> str:
        parts = []
        for block in self.chapter.blocks:
            if isinstance(block, Markdown):
                parts.append(self._prose(block))
            else:
                parts.append(self._cell(block))
        return "\n\n".join(p for p in parts if p.strip()) + "\n"

    # prose ---------------------------------------------------------------
    def _prose(self, block: Markdown) -> str:
        """The block's lines, code blocks as written (the reader's tokenizer found them)."""
        rows = block.text.split("\n")
        return "\n".join(row if block.line + k in block.code_lines else self._prose_line(row, block.line + k)
                         for k, row in enumerate(rows))

    def _prose_line(self, row: str, line: int) -> str:
        heading = HEADING.match(row)
        if heading and line in self.callout_titles:
            return f"[{heading.group('text')}]{{.callout-title}}"
        if heading and line in self.numbers:
            attrs = f" {{{heading.group('attrs')}}}" if heading.group("attrs") else ""
            number = self.numbers[line]
            return (f"{heading.group('hashes')} [{number}]{{.header-section-number}} "
                    f"{heading.group('text')}{attrs}")

        def inline(match: re.Match[str]) -> str:
            return plain_value(self.executed.inline[match.group(1)])

        def xref(match: re.Match[str]) -> str:
            label = match.group("label")
            target = self.xrefs.get(label)
            if target is None:
                raise ChapterSyntaxError(f"cross reference @{label} has no target", self.chapter.path, line)
            same_page = self.book or target.page == self.page
            href = ("" if same_page else relative_href(self.page, target.page)) + f"#{label}"
            return f"[{target.text(self.language)}]({href}){{.xref}}"

        row = re.sub(r"\x00(rk\d+)\x00", inline, row)
        return self._chapter_links(XREF.sub(xref, row), line)

    def _chapter_links(self, markdown: str, line: int | None = None) -> str:
        """Links to chapter files (`05-economy.qmd#sec-x`, relative to this chapter's file, as
        Quarto reads them) pointed at the page or, in the book, at the chapter's heading or the
        anchor."""
        code = self.language.code
        here = posixpath.dirname(self.entry.source(code))
        by_source = {e.source(code): e for e in self.entries}

        def link(match: re.Match[str]) -> str:
            path, anchor = match.group(1), match.group(2)
            target = by_source.get(posixpath.normpath(posixpath.join(here, path)))
            if target is None:
                raise ChapterSyntaxError(f"link to {path}, which is not a chapter of the book", self.chapter.path,
                                         line)
            if self.book:
                return f"](#{anchor[1:] if anchor else 'chapter-' + target.stem})"
            return f"]({relative_href(self.page, target.page(code))}{anchor or ''})"

        return QMD_LINK.sub(link, markdown)

    # cells ---------------------------------------------------------------
    def _cell(self, cell: Cell) -> str:
        parts = []
        if cell.options.get("echo", self.echo):
            parts.append(f"```python\n{cell.code}\n```")
        if cell.options.get("output", True) is not False:
            rendered = [self._output(cell, out, i)
                        for i, out in enumerate(self.executed.outputs.get(cell.index, []))]
            parts.extend(r for r in rendered if r)
        body = "\n\n".join(parts)
        if cell.label and body.strip():
            return self._float(cell, body)
        return body

    def _output(self, cell: Cell, output: dict[str, Any], i: int) -> str:
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name") == "stderr":
                return ""
            return f"```\n{output.get('text', '').rstrip()}\n```"
        if kind not in ("execute_result", "display_data"):
            return ""
        data = output.get("data", {})
        alt = " ".join(str(cell.options.get("fig-alt", "")).split())
        for mime in HTML_ORDER if not self.book else BOOK_ORDER:
            if mime not in data:
                continue
            payload = data[mime]
            if mime == "text/markdown":
                return self._chapter_links(str(payload))
            if mime == "text/html":
                labelled = str(payload).replace(EMPTY_LABEL, f'aria-label="{html.escape(alt)}"')
                labelled = labelled.replace(f'href="{DATA_HREF}', f'href="{self.root}data/')
                return f"```{{=html}}\n{labelled}\n```"
            if mime == "text/plain":
                return f"```\n{payload}\n```"
            ext = IMAGE_TYPES[mime]
            name = f"{self.entry.stem}-{cell.label or f'cell{cell.index}'}-{i}.{ext}"
            self.figures_dir.mkdir(parents=True, exist_ok=True)
            target = self.figures_dir / name
            if ext == "png":
                target.write_bytes(base64.b64decode(payload))
            else:
                target.write_text(payload, encoding="utf-8")
            image = f"![{escape_markdown(alt)}]({self.figures_dir.name}/{name})"
            table = output.get("metadata", {}).get("reportkit", {}).get("table")
            return f"[{image}]({self.root}data/{table}){{.chart-data}}" if table else image
        return ""

    def _float(self, cell: Cell, body: str) -> str:
        label = cell.label or ""
        kind = label.split("-")[0]
        caption = str(cell.options.get("fig-cap" if kind == "fig" else "tbl-cap", ""))
        target = self.xrefs[label]
        prefix = target.text(self.language)
        zh = self.language.code.startswith("zh")
        label_text = f"{prefix}{'：' if zh else ':'}" if caption else prefix
        cap = f"[{label_text}]{{.float-label}}{'' if zh else ' '}{caption}"
        caption_block = f"::: {{.float-caption}}\n{cap}\n:::"
        inner = f"{caption_block}\n\n{body}" if kind == "tbl" else f"{body}\n\n{caption_block}"
        return f"::: {{#{label} .float .float-{kind}}}\n{inner}\n:::"
