"""Rules that read one built HTML page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, SoupStrainer, Tag

from reportkit.chapters.prose import CAPTION_LABEL, SECTION_NUMBER, XREF_TEXT, is_figure, typed_numbers
from reportkit.checks.findings import Finding
from reportkit.checks.reports import PageReport
from reportkit.evidence.registry import Registry
from reportkit.i18n import Language

# Markup whose digits are not prose (see prose.py for the allow rule). The chapter reader lets
# authors type none of these classes (only `.name`); numbering classes are skipped only when
# their text has the form the engine writes, so no class can hide a figure.
NOT_PROSE_CLASSES = frozenset({"stat", "generated", "sourceCode", "provenance", "csl-entry"})
NUMBERING_CLASSES = {"header-section-number": SECTION_NUMBER, "chapter-number": SECTION_NUMBER,
                     "float-label": CAPTION_LABEL}
XREF_HREF = re.compile(r"#(?:sec|fig|tbl)-[\w-]+$")
NOT_PROSE_TAGS = frozenset({"code", "pre", "script", "style", "nav", "svg", "math"})
TEXT_ATTRIBUTES = ("alt", "title", "aria-label")  # reader-visible text outside the element's content
BLOCKS = ("p", "li", "tr", "dd", "figcaption", "blockquote", "td", "th")


def _excluded(node: Tag) -> bool:
    if node.name in NOT_PROSE_TAGS:
        return True
    classes: list[str] = list(node.get("class") or [])
    if NOT_PROSE_CLASSES.intersection(classes):
        return True
    text = node.get_text().strip()
    if "name" in classes and node.name == "span":
        return not is_figure(text)
    if any(pattern.fullmatch(text.rstrip(":：")) for c, pattern in NUMBERING_CLASSES.items() if c in classes):
        return True
    # a cross reference: a link to a section, figure or table whose text is what resolution writes
    return node.name == "a" and bool(XREF_HREF.search(str(node.get("href", "")))) and bool(
        XREF_TEXT.fullmatch(" ".join(text.split())))


def _visible_attributes(node: Tag) -> Iterator[tuple[Tag, str, str]]:
    """Reader-visible attribute text (alt, title, aria-label) outside markup that is not prose:
    (element, attribute, value)."""
    for child in node.children:
        if isinstance(child, Tag) and not _excluded(child):
            for name in TEXT_ATTRIBUTES:
                value = child.get(name)
                if isinstance(value, str) and value.strip():
                    yield child, name, value
            yield from _visible_attributes(child)


def _prose_strings(node: Tag) -> Iterator[NavigableString]:
    for child in node.children:
        if isinstance(child, Tag):
            if not _excluded(child):
                yield from _prose_strings(child)
        elif type(child) is NavigableString:  # not comments, doctypes, CDATA
            yield child


def block_of(span: Tag) -> Tag | None:
    for parent in span.parents:
        if parent.name == "td":
            row = parent.find_parent("tr")
            return row if isinstance(row, Tag) else parent
        if parent.name in BLOCKS:
            return parent
    return None


def _in_generated(span: Tag) -> bool:
    return any("generated" in (p.get("class") or []) for p in span.parents if isinstance(p, Tag))


def _main(path: Path) -> Tag | None:
    """The page's <main> element, parsed alone (html.parser keeps source lines; the
    navigation and scripts around it are tokenized but not built into a tree). Not lxml:
    through BeautifulSoup it gives no source lines (every finding at line 0) and splits the
    text around a stray end tag differently, for ~0.3 s less CPU over the report's 36 pages
    (tests/unit/test_html_pages.py)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser", parse_only=SoupStrainer("main"))
    main = soup.find("main")
    return main if isinstance(main, Tag) else None


def _cited_under(citations: list[Tag]) -> dict[int, set[str]]:
    """The keys cited inside each element that contains a citation (by `id()` of the element)."""
    cited: dict[int, set[str]] = {}
    for citation in citations:
        keys = str(citation.get("data-cites", "")).split()
        for parent in citation.parents:
            cited.setdefault(id(parent), set()).update(keys)
    return cited


def read_page(path: Path, rel: str, registry: Registry, language: Language) -> PageReport:
    report = PageReport(rel)
    main = _main(path)
    if main is None:
        report.findings.append(Finding(rel, 1, "site-missing", "page has no <main> element"))
        return report
    # one walk over the page collects what the rules read (CSS selectors per statistic were
    # most of the check's HTML time)
    stats: list[Tag] = []
    names: list[Tag] = []
    numbers: list[Tag] = []
    citations: list[Tag] = []
    ids: set[str] = set()
    generated = False
    for node in main.descendants:
        if not isinstance(node, Tag):
            continue
        classes: list[str] = list(node.get("class") or [])
        if node.name == "span" and "stat" in classes:
            stats.append(node)
        if node.name == "span" and "name" in classes:
            names.append(node)
        if "header-section-number" in classes or "chapter-number" in classes:
            numbers.append(node)
        generated = generated or "generated" in classes
        if node.has_attr("data-cites"):
            citations.append(node)
        if node.has_attr("id"):
            ids.add(str(node["id"]))
    cited_under = _cited_under(citations)
    for span in stats:
        line = span.sourceline or 0
        stat_id = str(span.get("data-stat", ""))
        if stat_id not in registry:
            report.findings.append(Finding(rel, line, "stat-unknown", f"data-stat {stat_id!r} is not in the registry"))
            continue
        stat = registry[stat_id]
        shown = span.get_text()
        expected = stat.format(language)
        if shown != expected:
            report.findings.append(Finding(
                rel, line, "stat-value",
                f"[{stat_id}] shows {shown!r}, registry value formats as {expected!r} for {language.code}",
            ))
        report.all_ids.append(stat_id)
        if not _in_generated(span):
            report.prose_ids.append(stat_id)
        block = block_of(span)
        if block is None or stat.source not in cited_under.get(id(block), set()):
            report.findings.append(Finding(
                rel, line, "stat-uncited",
                f"[{stat_id}] is shown without citing its source @{stat.source} in the same paragraph",
            ))
    report.names = {node.get_text() for node in names if not is_figure(node.get_text())}
    report.heading_numbers = {node.get_text() for node in numbers if SECTION_NUMBER.fullmatch(node.get_text())}
    # the bibliography page or a generated appendix (a chapter's own reference list, under
    # its #bibliography heading, does not make it one)
    report.data_page = generated or ("refs" in ids and "bibliography" not in ids)
    for citation in citations:
        report.citations.update(str(citation.get("data-cites", "")).split())
    for string in _prose_strings(main):
        parent = string.parent
        _typed_number(report, str(string), (parent.sourceline if isinstance(parent, Tag) else None) or 0, "prose")
    for node, name, value in _visible_attributes(main):
        # a caption label ("表 1", "Figure 5.1") names a table or figure, as in a caption
        _typed_number(report, CAPTION_LABEL.sub(" ", value), node.sourceline or 0, f"{node.name} {name}")
    return report


def _typed_number(report: PageReport, text: str, line: int, where: str) -> None:
    tokens = typed_numbers(text)
    if tokens:
        shown = " ".join(text.split())
        report.findings.append(Finding(
            report.path, line, "typed-number", f"{', '.join(repr(t) for t in tokens)} in {where}: {shown[:60]!r}",
            subject="\n".join(tokens),
        ))
