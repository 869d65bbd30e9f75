"""Figure by figure: every statistic, in every language and format, matches its source.

One test per statistic × language × format. The displayed text is read back
into a number by tests/figures.py (not by reportkit) and compared with
data/statistics.csv.
"""

from __future__ import annotations

from functools import cache

import pytest
from bs4 import Tag

from reportkit.checks.pdf_pages import PdfStat, statistics
from reportkit.config.project import Project
from reportkit.evidence.registry import Statistic
from reportkit.outputs.book import pdf_name

from ..conftest import ROOT
from ..figures import close, parse_displayed
from ..pages import parsed, pdf_pages

REPO = Project(ROOT)
FORMATS = ("html", "pdf")
CASES = [(stat.id, lang.code, fmt) for stat in REPO.registry for lang in REPO.languages for fmt in FORMATS]


@cache
def _prose_spans(project: Project, code: str) -> dict[str, list[tuple[str, Tag]]]:
    """Each statistic's spans in the prose of a language's pages, with their page (every page
    parsed once for all statistics; read-only)."""
    found: dict[str, list[tuple[str, Tag]]] = {}
    for entry in project.chapters:
        page = project.output_dir / code / entry.page(code)
        soup = parsed(page)
        for span in soup.select("main span.stat[data-stat]"):
            if not span.find_parent(class_="generated"):
                found.setdefault(str(span["data-stat"]), []).append((entry.page(code), span))
    return found


@cache
def _pdf_figures(project: Project, code: str) -> list[PdfStat]:
    language = next(lang for lang in project.languages if lang.code == code)
    return list(statistics(pdf_pages(project.output_dir / code / pdf_name(project, language))))


def _assert_reads_as(stat: Statistic, where: str, shown: str) -> None:
    # typst sets a hyphen before a digit as a minus sign (U+2212)
    low, high, unit = parse_displayed(shown.replace("\u2212", "-"))
    assert unit == stat.unit, f"{where}: {shown!r} reads as {unit}, registry says {stat.unit}"
    assert close(low, stat.value), f"{where}: shows {shown!r}, registry value is {stat.value}"
    if stat.value_high is None:
        assert high is None, f"{where}: {shown!r} is a range"
    else:
        assert high is not None and close(high, stat.value_high), f"{where}: {shown!r}"


def assert_figure_matches_source(project: Project, stat_id: str, lang: str, fmt: str) -> None:
    """Statistic `stat_id` as `project` shows it in `lang` and `fmt` reads back as its registry
    value, and (in HTML) its paragraph cites its source."""
    stat = project.registry[stat_id]
    if fmt == "pdf":
        figures = [f for f in _pdf_figures(project, lang) if f.stat_id == stat_id]
        assert figures, f"{stat_id} is not in the {lang} PDF"
        for figure in figures:
            _assert_reads_as(stat, f"{lang} PDF page {figure.page}", figure.text)
        return
    spans = _prose_spans(project, lang).get(stat_id, [])
    assert spans, f"{stat_id} is not shown in any {lang} chapter"
    for page, span in spans:
        _assert_reads_as(stat, page, span.get_text())
        block = span.find_parent(["p", "li", "td"])
        cites = {k for c in (block.select("[data-cites]") if block else []) for k in str(c["data-cites"]).split()}
        assert stat.source in cites, f"{page}: {stat_id} shown without citing {stat.source}"


@pytest.mark.parametrize(("stat_id", "lang", "fmt"), CASES, ids=["-".join(c) for c in CASES])
def test_figure_matches_source(rendered_report: Project, stat_id: str, lang: str, fmt: str) -> None:
    assert_figure_matches_source(rendered_report, stat_id, lang, fmt)
