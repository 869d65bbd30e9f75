"""Publishing is gated by the checks: `reportkit render` runs every check on its staging
folder and publishes only a build without errors; findings about typed text are reported
once, at the chapter line; `reportkit check` says when the site is older than the sources."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ..conftest import Result, snapshot
from .test_bad_input import CHAPTER, _append, _edit

TYPED = "約 30% 的受訪者"  # a statistic typed by hand instead of stat("…")


def _type_a_number(root: Path) -> int:
    """Append a paragraph with a typed percentage; return its line in the chapter."""
    _append(root / CHAPTER, f"\n{TYPED}表示擔憂 [@gs2023]。\n")
    return len((root / CHAPTER).read_text(encoding="utf-8").splitlines())


def test_a_typed_number_stops_publishing_at_its_chapter_line(mini_with_site: Path,
                                                              run_cli: Callable[..., Result]) -> None:
    before = snapshot(mini_with_site / "_site")
    line = _type_a_number(mini_with_site)

    result = run_cli("--project", mini_with_site, "render", "--quiet")

    assert result.code == 1
    lines = result.err.strip().splitlines()
    typed = [x for x in lines if "[typed-number]" in x]
    # once, at the source line, although the number shows in the HTML page and in the PDF
    assert len(typed) == 1, lines
    assert typed[0].startswith(f"{CHAPTER}:{line}: [typed-number] '30%' typed in the text (shown in "
                               "_site/zh-Hant/chapters/zh-Hant/01-jobs.html, _site/zh-Hant/mini-zh-Hant.pdf)")
    assert 'stat("id")' in typed[0] and "{.name}" in typed[0]
    assert lines[-1].startswith("_site: not published: 1 check error(s); the previous site is unchanged")
    assert snapshot(mini_with_site / "_site") == before


def test_a_derived_value_that_no_longer_recomputes_stops_publishing(mini_with_site: Path,
                                                                    run_cli: Callable[..., Result]) -> None:
    before = snapshot(mini_with_site / "_site")
    _edit(mini_with_site / "data/exposure.csv", "Arts and media,0.26", "Arts and media,0.27")

    result = run_cli("--project", mini_with_site, "render", "--quiet")

    assert result.code == 1
    assert "data/statistics.csv:3: [registry-derived] [gs-arts-exposed] value 0.26 but exposure.csv gives 0.27" \
        in result.err
    assert snapshot(mini_with_site / "_site") == before


def test_allow_findings_publishes_a_draft_loudly(mini_with_site: Path, run_cli: Callable[..., Result]) -> None:
    _type_a_number(mini_with_site)

    result = run_cli("--project", mini_with_site, "render", "--quiet", "--allow-findings")

    assert result.code == 0
    assert "[typed-number]" in result.err and "published with 1 check error(s)" in result.err
    assert TYPED in (mini_with_site / "_site/zh-Hant/chapters/zh-Hant/01-jobs.html").read_text(encoding="utf-8")
    # `reportkit check` on that draft reports the same finding at the same place
    check = run_cli("--project", mini_with_site, "check", "--format", "json")
    findings = json.loads(check.out)["findings"]
    assert check.code == 1
    assert [(f["path"], f["rule"]) for f in findings if f["severity"] == "error"] == [(CHAPTER, "typed-number")]


def test_check_says_when_the_site_is_older_than_the_sources(mini_with_site: Path,
                                                            run_cli: Callable[..., Result]) -> None:
    assert run_cli("--project", mini_with_site, "check").code == 0  # built from these sources
    _edit(mini_with_site / CHAPTER, "更多內容", "更多的內容")

    result = run_cli("--project", mini_with_site, "check")

    assert result.code == 1
    assert "_site: [site-stale] the sources changed since this site was built" in result.out
    assert run_cli("--project", mini_with_site, "render", "--quiet").code == 0
    assert run_cli("--project", mini_with_site, "check").code == 0
