"""Yearly editions: `reportkit diff` against a tagged edition in a temporary git repository,
the site's "what changed" page, and expired forecasts."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reportkit import checks
from reportkit.checks import Severity
from reportkit.config.project import Project

from ..conftest import Result, copy_report

CHANGED, OLD, NEW = "pwc-ai-skills-wage-premium", 0.56, 0.58
POINTS = 2  # NEW - OLD in percentage points, as readers must read it (never "+2%")
REMOVED, ADDED, ADDED_VALUE = "dfdc-dataset-videos", "dfdc-dataset-videos-2026", 120000
RECHECKED, CLAIM_REMOVED, CLAIM_ADDED = "ross-third-circuit-pending", "japan-aca-checklist", "japan-aca-guidance"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root,
                   check=True, capture_output=True)


def _set_edition(root: Path, year: int) -> None:
    config = root / "_quarto.yml"
    text = config.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.strip().startswith("edition:"))
    config.write_text(text.replace(old, f"  edition: {year}"), encoding="utf-8")


def _rewrite_csv(path: Path, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(change(rows))


@pytest.fixture(scope="module")
def two_editions(rendered_report: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report tagged as edition 2025, then a 2026 working tree with a changed, a removed
    and an added statistic (the added one replaces the removed one in every language). It
    starts with the build cache of the session's report, as an author's working tree has its
    last build's (git ignores it): what the changes do not touch is reused, not built cold;
    there is no site yet, so a render builds every page and only the formats it is asked for."""
    root = copy_report(tmp_path_factory.mktemp("editions") / "report")
    shutil.copytree(rendered_report.root / "_cache", root / "_cache")
    _set_edition(root, 2025)
    _git(root, "init", "-q")
    (root / ".git" / "info" / "exclude").write_text("/_cache/\n/_site/\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "edition 2025")
    _git(root, "tag", "edition-2025")
    _set_edition(root, 2026)
    # the site's archive of earlier editions (a second full build) is tested on the mini project
    config = root / "_quarto.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("\nreportkit:\n", "\nreportkit:\n  archive: false\n"),
                      encoding="utf-8")

    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        # the new source's figure is no longer the draft's: the row now differs from the draft;
        # an author who updates a value quotes the new source's words too
        def requote(row: dict[str, str], old: str, new: str) -> str:
            assert old in row["quote"], row["quote"]
            return row["quote"].replace(old, new)

        values = {r["id"]: v for r in rows for v in [
            {"value": str(NEW), "status": "differs", "quote": requote(r, "56%", "58%")} if r["id"] == CHANGED else
            {"id": ADDED, "value": str(ADDED_VALUE), "quote": requote(r, "100,000", "120,000")} if r["id"] == REMOVED
            else {}]}
        return [{**row, **values.get(row["id"], {})} for row in rows]

    _rewrite_csv(root / "data/statistics.csv", change)
    _rewrite_csv(root / "data/pwc-2025-wage-premium.csv",
                 lambda rows: [{**r, "ai_skills_wage_premium": str(NEW)} if r["year"] == "2024" else r for r in rows])
    for chapter in (root / "chapters").rglob("03-ethics.qmd"):
        text = chapter.read_text(encoding="utf-8")
        chapter.write_text(text.replace(f'stat("{REMOVED}")', f'stat("{ADDED}")'), encoding="utf-8")
    # a claim re-checked for the new edition, and one replaced by a newly registered claim
    _rewrite_csv(root / "data/claims.csv", lambda rows: [
        {**r, "checked_on": "2027-01-15", "recheck_by": "2027-06-30"} if r["id"] == RECHECKED
        else {**r, "id": CLAIM_ADDED} if r["id"] == CLAIM_REMOVED else r for r in rows])
    for chapter in (root / "chapters").rglob("*.qmd"):
        text = chapter.read_text(encoding="utf-8")
        chapter.write_text(text.replace(f'data-claim="{CLAIM_REMOVED}"', f'data-claim="{CLAIM_ADDED}"'),
                           encoding="utf-8")
    assert subprocess.run([sys.executable, "-m", "reportkit", "--project", str(root), "stamp", "--all"],
                          capture_output=True).returncode == 0
    return root


def test_diff_json(two_editions: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("--project", two_editions, "diff", "edition-2025", "--format", "json")
    assert result.code == 0, result.err
    diff = json.loads(result.out)
    assert (diff["base"], diff["base_edition"], diff["edition"]) == ("edition-2025", 2025, 2026)
    changes = {c["id"]: c for c in diff["statistics"]}
    assert set(changes) == {CHANGED, REMOVED, ADDED}
    changed = changes[CHANGED]
    assert (changed["change"], changed["old"], changed["new"]) == ("changed", OLD, NEW)
    assert changed["absolute"] == 0.02  # exactly: no float noise such as 0.020000000000000018
    assert changed["points"] == POINTS
    assert changed["relative"] == pytest.approx((NEW - OLD) / OLD)
    assert changed["source_changed"] is False
    assert (changes[ADDED]["change"], changes[ADDED]["new"]) == ("added", ADDED_VALUE)
    assert changes[ADDED]["source_changed"] is None  # not "no": there was no source before
    assert changes[REMOVED]["change"] == "removed"
    assert f'"absolute": {NEW - OLD!r}' not in result.out
    assert diff["citations_added"] == [] and diff["citations_removed"] == []


def test_diff_lists_claims_added_removed_and_changed(two_editions: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("--project", two_editions, "diff", "edition-2025", "--format", "json")
    claims = {c["id"]: c for c in json.loads(result.out)["claims"]}
    assert {k: c["change"] for k, c in claims.items()} == {
        RECHECKED: "changed", CLAIM_REMOVED: "removed", CLAIM_ADDED: "added"}
    assert claims[RECHECKED]["fields"] == ["checked_on", "recheck_by"]
    assert (claims[RECHECKED]["old_checked_on"], claims[RECHECKED]["new_checked_on"]) == ("2026-11-30", "2027-01-15")
    markdown = run_cli("--project", two_editions, "diff", "edition-2025", "--format", "md").out
    assert f"| `{RECHECKED}` | changed | checked_on, recheck_by |" in markdown
    table = run_cli("--project", two_editions, "diff", "edition-2025").out
    assert f"+ claim {CLAIM_ADDED}" in table and f"- claim {CLAIM_REMOVED}" in table


@pytest.mark.parametrize(("lang", "before", "after"), [("zh-Hant", "56%", "58%"), ("zh-Hans", "56%", "58%"),
                                                       ("en", "56%", "58%")])
def test_diff_shows_the_sentences_whose_figures_changed(two_editions: Path, run_cli: Callable[..., Result],
                                                        lang: str, before: str, after: str) -> None:
    diff = json.loads(run_cli("--project", two_editions, "diff", "edition-2025", "--format", "json").out)
    sentences = [s for s in diff["sentences"] if s["language"] == lang]
    wage = [s for s in sentences if CHANGED in s["statistics"]]
    assert wage and all(s["chapter"] == "05-economy.qmd" for s in wage)
    assert any(before in s["before"] and after in s["after"] for s in wage)
    dfdc = [s for s in sentences if ADDED in s["statistics"]]
    assert dfdc and dfdc[0]["chapter"] == "03-ethics.qmd"
    assert "100,000" in dfdc[0]["before"] and "120,000" in dfdc[0]["after"]
    if lang == "zh-Hans":
        assert "并不是" in dfdc[0]["after"]  # generated Simplified Chinese, not the source (並不是)


def test_diff_table_and_markdown(two_editions: Path, run_cli: Callable[..., Result],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # a narrow terminal must not cut ids
    table = run_cli("--project", two_editions, "diff", "edition-2025").out
    assert "…" not in table
    unfolded = "".join(line.strip(" │┃|") for line in table.splitlines())
    for stat_id in (CHANGED, REMOVED, ADDED):
        assert stat_id in unfolded.replace(" ", "").replace("│", "")
    assert "+3.6%" in table and f"+{POINTS} pp" in table and "56%" in table and "58%" in table
    markdown = run_cli("--project", two_editions, "diff", "edition-2025", "--format", "md").out
    assert f"| `{CHANGED}` | changed | 56% | 58% | +{POINTS} pp | +3.6% | no |" in markdown
    assert f"| `{ADDED}` | added | — | 120,000 | — | — | — |" in markdown
    assert "Compared with: the 2025 edition (`edition-2025`)" in markdown


def test_site_gets_a_what_changed_page(two_editions: Path, run_cli: Callable[..., Result], shared_checks: None) -> None:
    assert run_cli("--project", two_editions, "render", "--quiet", "--to", "html").code == 0
    pages = {lang: (two_editions / "_site" / lang / "changes.html").read_text(encoding="utf-8")
             for lang in ("zh-Hant", "zh-Hans", "en")}
    for lang, title, points, compared, chapter in (
            ("zh-Hant", "本版更新", f"+{POINTS} 個百分點", "比較對象：2025 年版", "倫理考量"),
            ("zh-Hans", "本版更新", f"+{POINTS} 个百分点", "比较对象：2025 年版", "伦理考量"),
            ("en", "What changed", f"+{POINTS} pp", "Compared with: the 2025 edition", "Ethical Considerations")):
        page = pages[lang]
        assert title in page and points in page and compared in page and chapter in page
        text = re.sub(r"<[^>]+>", "", page)  # what readers see (a value links to its `#stat-<id>` anchor)
        assert CHANGED not in text and ".qmd" not in text  # readers see measures and titles, not ids and files
        index = (two_editions / "_site" / lang / "index.html").read_text(encoding="utf-8")
        assert 'href="changes.html"' in index
    findings = [f for f in checks.run_checks(Project(two_editions)) if f.severity is Severity.ERROR]
    # only HTML was built: the check says plainly that the PDFs were not checked, and nothing else
    assert {(f.rule, Path(f.path).suffix) for f in findings} == {("site-missing", ".pdf")}


def test_expired_forecasts_are_flagged_only_when_the_horizon_has_passed(
    two_editions: Path, run_cli: Callable[..., Result], shared_checks: None
) -> None:
    def expired() -> set[str]:
        return {f.message.split("]")[0][1:] for f in checks.run_checks(Project(two_editions))
                if f.rule == "forecast-expired"}

    project = Project(two_editions)
    past = {s.id: s for s in project.registry if s.horizon is not None and s.horizon < 2026}
    assert past  # WEF's "by 2025" forecasts in the 2026 edition
    assert expired() == {i for i, s in past.items() if not s.horizon_acknowledged}
    registry = two_editions / "data/statistics.csv"
    text = registry.read_text(encoding="utf-8")
    _rewrite_csv(registry, lambda rows: [{**row, "horizon_acknowledged": ""} for row in rows])
    try:  # the text no longer acknowledging them, every past forecast is flagged, an error with --strict
        assert expired() == set(past)
        strict = run_cli("--project", two_editions, "check", "--strict")
        assert strict.code == 1 and "[forecast-expired]" in strict.out + strict.err
        _set_edition(two_editions, 2025)
        assert expired() == set()
    finally:
        registry.write_text(text, encoding="utf-8")
        _set_edition(two_editions, 2026)
