"""The HTML check's reader on a page with the malformed markup an author's raw HTML can bring:
every finding has the line it is on, and the findings are those of html.parser's reading.

A faster parser was measured and not taken (issue #18): BeautifulSoup with lxml saves about
0.3 s CPU of ~2 s for the 36 pages of the real report, but gives no `sourceline` (every
finding at line 0) and groups the text around a stray end tag differently."""

from __future__ import annotations

from pathlib import Path

from reportkit.checks.html_pages import read_page
from reportkit.evidence.registry import Registry
from reportkit.i18n import LANGUAGES

from ..conftest import FIXTURES

# numbers typed outside <main> (head, a comment that looks like <main>, sidebar, footer) are not read
PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><title>42% x</title>
<script>if (a < b && "<main>") { x = "42%"; }</script></head>
<body><!-- <main><p>99% in a comment</p></main> -->
<nav class="sidebar"><h2>Contents</h2><p>12% outside main</p></nav>
<main id="content">
<h1 class="title"><span class="chapter-number">1</span> Jobs</h1>
<p><span class="stat" data-stat="gs-arts-exposed">26%</span> <span class="citation" data-cites="gs2023">(GS)</span>.
<p>Unclosed paragraph with 4321 typed in
<p>Stray close</span> and 17% after it</div>
<p><img src=x.svg alt="50% of jobs"><span class=stat data-stat=gs-arts-exposed>27%</span></p>
<table><tr><td>33%<td><span class="stat" data-stat="no-such-stat">1</span></table>
<ul><li>first 8%<li>second</ul>
</main>
<footer><p>2026</p></footer>
</body></html>
"""


def test_findings_of_malformed_author_html_keep_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    report = read_page(path, "page.html", Registry.load(FIXTURES / "mini" / "data"), LANGUAGES["en"])
    assert [(f.line, f.rule, f.message) for f in report.findings] == [
        (11, "stat-value", "[gs-arts-exposed] shows '27%', registry value formats as '26%' for en"),
        (11, "stat-uncited", "[gs-arts-exposed] is shown without citing its source @gs2023 in the same paragraph"),
        (12, "stat-unknown", "data-stat 'no-such-stat' is not in the registry"),
        (9, "typed-number", "'4321' in prose: 'Unclosed paragraph with 4321 typed in'"),
        (10, "typed-number", "'17%' in prose: 'and 17% after it'"),
        (12, "typed-number", "'33%' in prose: '33%'"),
        (13, "typed-number", "'8%' in prose: 'first 8%'"),
        (11, "typed-number", "'50%' in img alt: '50% of jobs'"),
    ]
    assert report.prose_ids == report.all_ids == ["gs-arts-exposed", "gs-arts-exposed"]
    assert report.citations == {"gs2023"}
    assert report.heading_numbers == {"1"}
    assert not report.data_page
