"""An expired forecast warns (`forecast-expired`) until its registry row records, in
`horizon_acknowledged`, that the text says the forecast's year has passed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from reportkit.checks.runner import check_forecasts
from reportkit.config.project import Project
from reportkit.errors import RegistryError
from reportkit.evidence.registry import COLUMNS, OPTIONAL_COLUMNS, Registry

from ..conftest import FIXTURES, copy_project, copy_report


def _registry(columns: tuple[str, ...], **row: str) -> Registry:
    cells = {"id": "a", "value": "85000000", "unit": "count", "decimals": "0", "source": "k", "locator": "p. 7",
             "measure": "工作", "measure_en": "jobs", "status": "confirmed", **row}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow([cells.get(c, "") for c in columns])
    return Registry.parse(out.getvalue(), Path("data/statistics.csv"))


def _set_acknowledged(path: Path, stat_id: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert any(r["id"] == stat_id for r in rows), f"fixture changed: no {stat_id}"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**r, "horizon_acknowledged": value} if r["id"] == stat_id else r for r in rows)


def _expired(project: Project) -> list[str]:
    return [f.message.split("]")[0].lstrip("[") for f in check_forecasts(project, project.registry)]


def test_acknowledged_is_yes_or_empty() -> None:
    assert _registry(COLUMNS, horizon="2025", horizon_acknowledged="yes")["a"].horizon_acknowledged
    assert not _registry(COLUMNS, horizon="2025")["a"].horizon_acknowledged
    with pytest.raises(RegistryError, match=r"horizon_acknowledged: 'true' is not `yes` \(or empty\)"):
        _registry(COLUMNS, horizon="2025", horizon_acknowledged="true")


def test_only_a_forecast_can_be_acknowledged() -> None:
    with pytest.raises(RegistryError, match="horizon_acknowledged is for a forecast: the row has no horizon"):
        _registry(COLUMNS, horizon_acknowledged="yes")


def test_a_registry_written_before_the_column_still_loads() -> None:
    """A previous edition's registry (read by `reportkit diff`) lacks the column."""
    older = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)
    assert not _registry(older, horizon="2025")["a"].horizon_acknowledged
    with pytest.raises(RegistryError, match="missing: decimals"):  # only the optional ones may be missing
        _registry(tuple(c for c in older if c != "decimals"))


def test_an_unacknowledged_expired_forecast_warns(tmp_path: Path) -> None:
    project = Project(copy_project(FIXTURES / "mini", tmp_path / "mini"))
    stat = project.registry["wef-jobs-displaced"]
    assert stat.horizon is not None and stat.horizon < project.config.reportkit.edition
    assert _expired(project) == ["wef-jobs-displaced"]
    (finding,) = check_forecasts(project, project.registry)
    assert "set its horizon_acknowledged to `yes`" in finding.message

    _set_acknowledged(project.data_dir / "statistics.csv", "wef-jobs-displaced", "yes")
    assert _expired(Project(project.root)) == []


def test_the_reports_expired_forecasts_are_acknowledged(tmp_path: Path) -> None:
    """The WEF 2020 rows say in every language's text that they are a 2020 forecast for 2025."""
    project = Project(copy_report(tmp_path / "report"))
    edition = project.config.reportkit.edition
    acknowledged = [s.id for s in project.registry if s.expired(edition) and s.horizon_acknowledged]
    assert acknowledged and _expired(project) == []
    for stat_id in acknowledged:
        stat = project.registry[stat_id]
        for language in project.languages:
            lines = [line for entry in project.chapters
                     for line in project.chapter_path(entry, language).read_text(encoding="utf-8").splitlines()
                     if f'stat("{stat_id}")' in line]
            assert lines, f"{stat_id} not shown in {language.code}"
            assert all(str(stat.horizon) in line and stat.period[:4] in line for line in lines), (language, lines)

    _set_acknowledged(project.data_dir / "statistics.csv", acknowledged[0], "")
    assert _expired(Project(project.root)) == [acknowledged[0]]
