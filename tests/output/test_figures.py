"""Figure by figure: every statistic, in every language and format, matches its source.

One test per statistic × language × format. The displayed text is read back
into a number by tests/figures.py (not by reportkit) and compared with
data/statistics.csv.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag

from reportkit.project import Project

from ..conftest import ROOT
from ..figures import close, parse_displayed

REPO = Project(ROOT)
FORMATS = ("html",)
CASES = [(stat.id, lang.code, fmt) for stat in REPO.registry for lang in REPO.languages for fmt in FORMATS]


def _prose_spans(project: Project, code: str, stat_id: str) -> list[tuple[str, Tag]]:
    found = []
    for entry in project.chapters:
        page = project.output_dir / code / entry.html_name
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for span in soup.select(f'main span.stat[data-stat="{stat_id}"]'):
            if not span.find_parent(class_="generated"):
                found.append((entry.html_name, span))
    return found


@pytest.mark.parametrize(("stat_id", "lang", "fmt"), CASES, ids=["-".join(c) for c in CASES])
def test_figure_matches_source(rendered_report: Project, stat_id: str, lang: str, fmt: str) -> None:
    stat = rendered_report.registry[stat_id]
    spans = _prose_spans(rendered_report, lang, stat_id)
    assert spans, f"{stat_id} is not shown in any {lang} chapter"
    for page, span in spans:
        low, high, unit = parse_displayed(span.get_text())
        assert unit == stat.unit, f"{page}: {span.get_text()!r} reads as {unit}, registry says {stat.unit}"
        assert close(low, stat.value), f"{page}: shows {span.get_text()!r}, registry value is {stat.value}"
        if stat.value_high is None:
            assert high is None
        else:
            assert high is not None and close(high, stat.value_high)
        block = span.find_parent(["p", "li", "td"])
        cites = {k for c in (block.select("[data-cites]") if block else []) for k in str(c["data-cites"]).split()}
        assert stat.source in cites, f"{page}: {stat_id} shown without citing {stat.source}"
