"""The evidence chain: every quote states its registry value (read by the tests' own parser,
tests/quote_forms.py), a changed number in a quote or in the registry fails `reportkit check`
with the rule, file and line, and `reportkit trace` follows a statistic from source to page."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from reportkit.checks import Severity
from reportkit.checks.runner import check_sources
from reportkit.config.project import Project

from ..conftest import ROOT, Result, copy_report
from ..quote_forms import states

REGISTRY = "data/statistics.csv"
QUOTED_STATUSES = ("confirmed", "differs", "secondary")


def _rows(root: Path) -> list[dict[str, str]]:
    with (root / REGISTRY).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


ROWS = _rows(ROOT)
QUOTED = [row for row in ROWS if row["quote"]]


@pytest.mark.parametrize("row", QUOTED, ids=[row["id"] for row in QUOTED])
def test_quote_supports_value(row: dict[str, str]) -> None:
    """The source's words state the registry value (and the high end of a range)."""
    for key in ("value", "value_high"):
        if row[key]:
            assert states(row["quote"], float(row[key]), row["unit"], int(row["decimals"])), \
                f"{row['id']}: {row['quote']!r} does not state {row[key]} ({row['unit']})"


@pytest.mark.parametrize("row", QUOTED, ids=[row["id"] for row in QUOTED])
def test_quote_is_traceable(row: dict[str, str]) -> None:
    assert re.match(r"^https?://\S+$", row["quote_url"])
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", row["accessed"])
    assert row["quote_lang"]
    assert row["status"] in QUOTED_STATUSES


def test_most_sourced_statistics_are_quoted() -> None:
    sourced = [row for row in ROWS if row["status"] in QUOTED_STATUSES]
    assert len(QUOTED) >= 0.6 * len(sourced)


def test_unquoted_rows_say_why() -> None:
    for row in ROWS:
        if row["status"] in QUOTED_STATUSES and not row["quote"]:
            assert row["note"] and row["note_en"], f"{row['id']} has no quote and no note saying why"


def test_secondary_rows_name_their_reporter() -> None:
    for row in ROWS:
        if row["status"] == "secondary":
            assert row["note_en"].startswith("Seen only as reported by "), row["id"]


# --- mutations: the check must fail with rule, file and line ---------------------------------

def _rewrite(root: Path, stat_id: str, change: Callable[[dict[str, str]], None]) -> int:
    """Change one registry row in place; return its line in the CSV."""
    path = root / REGISTRY
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    index = next(i for i, row in enumerate(rows) if row["id"] == stat_id)
    change(rows[index])
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return index + 2


def _findings(root: Path) -> set[tuple[str, int, str, Severity]]:
    findings, _, _ = check_sources(Project(root))
    return {(f.path, f.line, f.rule, f.severity) for f in findings}


# a percentage quoted in a primary source, and the way the quote writes it
PERCENT_ROW = next(row for row in QUOTED if row["unit"] == "percent" and row["status"] != "secondary"
                   and f"{float(row['value']) * 100:.0f}%" in row["quote"])
WRITTEN = f"{float(PERCENT_ROW['value']) * 100:.0f}%"


@pytest.fixture
def report_sources(tmp_path: Path) -> Path:
    return copy_report(tmp_path / "report")


def test_report_sources_pass(report_sources: Path) -> None:
    assert not {f for f in _findings(report_sources) if f[3] is Severity.ERROR}


def test_changed_number_in_quote_fails(report_sources: Path) -> None:
    changed = f"{float(PERCENT_ROW['value']) * 100 + 7:.0f}%"
    line = _rewrite(report_sources, PERCENT_ROW["id"],
                    lambda row: row.update(quote=row["quote"].replace(WRITTEN, changed)))
    assert (REGISTRY, line, "source-quote", Severity.ERROR) in _findings(report_sources)


def test_changed_value_no_longer_supported_fails(report_sources: Path) -> None:
    line = _rewrite(report_sources, PERCENT_ROW["id"],
                    lambda row: row.update(value=f"{float(row['value']) + 0.07:.4f}"))
    assert (REGISTRY, line, "source-quote", Severity.ERROR) in _findings(report_sources)


def test_removed_quote_is_reported(report_sources: Path) -> None:
    line = _rewrite(report_sources, PERCENT_ROW["id"],
                    lambda row: row.update(quote="", quote_url="", quote_lang="", accessed=""))
    assert (REGISTRY, line, "quote-missing", Severity.WARNING) in _findings(report_sources)


def test_strict_check_fails_on_a_missing_quote(report_copy: Project, run_cli: Callable[..., Result]) -> None:
    _rewrite(report_copy.root, PERCENT_ROW["id"],
             lambda row: row.update(quote="", quote_url="", quote_lang="", accessed=""))
    result = run_cli("--project", report_copy.root, "check", "--strict")
    assert result.code == 1
    assert f"[quote-missing] [{PERCENT_ROW['id']}]" in result.out
    assert re.search(r"quotes: \d+ of \d+ statistics that rest on a source quote it", result.out)


# --- trace ----------------------------------------------------------------------------------

def test_trace_follows_a_statistic(checked_report: Project, run_cli: Callable[..., Result]) -> None:
    stat_id = PERCENT_ROW["id"]
    result = run_cli("--project", checked_report.root, "trace", stat_id, "--format", "json")
    assert result.code == 0, result.err
    chain = json.loads(result.out)
    assert chain["source"]["key"] == PERCENT_ROW["source"]
    assert chain["evidence"]["quote"] == PERCENT_ROW["quote"]
    assert chain["registry"]["status"] == PERCENT_ROW["status"]
    assert {place["language"] for place in chain["shown"]} == {lang.code for lang in checked_report.languages}
    assert all(WRITTEN in place["sentence"] for place in chain["shown"])
    assert chain["pdf"] and all(place["page"] >= 1 for place in chain["pdf"])
    results = {rule["rule"]: rule["result"] for rule in chain["rules"]}
    assert results["source-quote"] == "pass"
    assert results["stat-value"] == "pass"


def test_trace_works_for_every_id(checked_report: Project, run_cli: Callable[..., Result]) -> None:
    result = run_cli("--project", checked_report.root, "trace", "--all", "--format", "json")
    assert result.code == 0, result.err
    chains = {chain["id"]: chain for chain in json.loads(result.out)}
    assert set(chains) == {row["id"] for row in ROWS}
    for chain in chains.values():
        assert chain["shown"], f"{chain['id']} is shown nowhere"
        assert all(rule["result"] != "fail" for rule in chain["rules"]), chain["id"]


def test_trace_unknown_id(rendered_report: Project, run_cli: Callable[..., Result]) -> None:
    result = run_cli("--project", rendered_report.root, "trace", "no-such-statistic")
    assert result.code == 1
    assert "unknown statistic id 'no-such-statistic'" in result.err
