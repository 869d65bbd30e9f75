"""Charts and downloads: drawn from data/, localized, linked to their CSV, in HTML and PDF."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reportkit.checks import Severity, run_checks
from reportkit.config.project import Project
from reportkit.execution.cache import BuildCache
from reportkit.outputs.book import pdf_name

from ..conftest import ROOT, Result
from ..pages import parsed, pdf_pages

CHART_CALL = re.compile(r'bar_chart\("([\w.-]+\.csv)", value="(\w+)"')


def _charts_in_sources(project: Project) -> dict[str, list[tuple[str, str]]]:
    """Chapter file -> [(table, value column)] of its bar_chart calls, read from the source."""
    out = {}
    for entry in project.chapters:
        text = project.chapter_path(entry, project.source_language).read_text(encoding="utf-8")
        if CHART_CALL.search(text):
            out[entry.name] = CHART_CALL.findall(text)
    return out


def _csv_values(path: Path, column: str) -> set[float]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {float(row[column]) for row in csv.DictReader(fh) if row[column]}


def test_report_has_at_least_six_charts() -> None:
    assert sum(len(c) for c in _charts_in_sources(Project(ROOT)).values()) >= 6


def test_every_chart_draws_its_table_in_every_language(rendered_report: Project) -> None:
    for name, charts in _charts_in_sources(rendered_report).items():
        for lang in rendered_report.languages:
            page = rendered_report.output_dir / lang.code / rendered_report.entry(name).page(lang.code)
            soup = parsed(page)
            elements = soup.select("main .vega-chart")
            assert len(elements) == len(charts), f"{lang.code}/{page.name}"
            for element, (table, column) in zip(elements, charts, strict=True):
                spec = json.loads(element.select_one("script.vega-spec").string)
                drawn = {row["value"] for rows in spec["datasets"].values() for row in rows}
                assert drawn <= _csv_values(rendered_report.data_dir / table, column)
                assert element.select_one(".vega-static svg") is not None
                assert element["aria-label"].strip(), "chart without a text alternative"
                figure = element.find_parent(class_="float-fig")
                assert figure is not None and figure.select_one(".float-caption [data-cites]") is not None
                link = figure.select_one(".chart-data a")
                assert link["href"] == f"../../../data/{table}"  # from _site/<lang>/chapters/<lang>/
                assert (page.parent / link["href"]).resolve().is_file()


def test_cross_references_resolve_on_every_page(rendered_report: Project) -> None:
    for lang in rendered_report.languages:
        for entry in rendered_report.chapters:
            page = rendered_report.output_dir / lang.code / entry.page(lang.code)
            soup = parsed(page)
            for link in soup.select("main a.xref"):
                target, _, anchor = link["href"].partition("#")
                assert not target or (page.parent / target).is_file(), f"{page.name}: {link['href']}"
                if anchor:
                    html = soup if not target else parsed(page.parent / target)
                    assert html.find(id=anchor) is not None, f"{page.name}: {link['href']}"


@pytest.mark.parametrize("code", ["zh-Hant", "zh-Hans", "en"])
def test_pdf_charts_have_localized_labels_and_data_links(rendered_report: Project, code: str) -> None:
    language = next(lang for lang in rendered_report.languages if lang.code == code)
    with (rendered_report.data_dir / "chart-labels.csv").open(encoding="utf-8", newline="") as fh:
        labels = {row["term"]: row for row in csv.DictReader(fh)}
    pages = pdf_pages(rendered_report.output_dir / code / pdf_name(rendered_report, language))
    text = "".join(page.text for page in pages)
    uris = {uri for page in pages for _, uri in page.links}
    expected = {"zh-Hant": labels["translators"]["zh_hant"], "zh-Hans": "译者", "en": labels["translators"]["en"]}
    assert expected[code] in text
    for charts in _charts_in_sources(rendered_report).values():
        for table, _ in charts:
            assert f"../data/{table}" in uris


def test_datapackage_describes_every_download(rendered_report: Project) -> None:
    folder = rendered_report.output_dir / "data"
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} == {p.name for p in rendered_report.data_dir.glob("*.csv")}
    bib_keys = rendered_report.bibliography.keys
    parsers: dict[str, Callable[[str], object]] = {"number": float, "integer": int, "string": str,
                                                   "boolean": lambda v: {"true": True, "false": False}[v],
                                                   "date": date.fromisoformat}
    for resource in package["resources"]:
        with (folder / resource["path"]).open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = resource["schema"]["fields"]
            assert [f["name"] for f in fields] == reader.fieldnames
            for row in reader:
                for field in fields:
                    if row[field["name"]] != "":
                        parsers[field["type"]](row[field["name"]])
        assert all(source["id"] in bib_keys for source in resource["sources"])
        assert resource["description"], resource["path"]


def test_changed_source_value_flows_to_chart_and_download(
    report_copy: Project, run_cli: Callable[..., Result]
) -> None:
    table = report_copy.data_dir / "soa-2024-survey.csv"
    stat = next(s for s in report_copy.registry if s.table == table.name and "translators" in s.filter)
    old = stat.value
    new = round(old - 0.02, 2)
    table.write_text(table.read_text(encoding="utf-8").replace(f",{old:g},", f",{new:g},"), encoding="utf-8")
    registry = report_copy.data_dir / "statistics.csv"
    lines = registry.read_text(encoding="utf-8").split("\n")
    lines[stat.line - 1] = lines[stat.line - 1].replace(f"{stat.id},{old:g},", f"{stat.id},{new:g},", 1)
    registry.write_text("\n".join(lines), encoding="utf-8")

    # the row's quote still states the old figure (source-quote): publish the draft to read it
    assert run_cli("--project", report_copy.root, "render", "--quiet", "--to", "html", "--allow-findings").code == 0
    page = report_copy.output_dir / "zh-Hant" / report_copy.entry("06-perspectives.qmd").page("zh-Hant")
    specs = [json.loads(s.string) for s in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
             .select("script.vega-spec")]
    drawn = {row["value"] for spec in specs for rows in spec["datasets"].values() for row in rows}
    assert new in drawn and old not in drawn
    assert f",{new:g}," in (report_copy.output_dir / "data" / table.name).read_text(encoding="utf-8")
    # as `reportkit check` reads it: the pages the render just checked are not read again (same bytes, same
    # rule inputs: tests/functional/test_check_cache.py); the PDFs, built before the data changed, are
    errors = [f for f in run_checks(Project(report_copy.root), cache=BuildCache(report_copy.root))
              if f.severity is Severity.ERROR]
    assert [f for f in errors if not f.path.endswith(".pdf")] == []  # the PDFs were not rebuilt


def test_every_chart_draws_one_base_population(rendered_report: Project) -> None:
    """No drawn chart puts rows of different `base` populations on one axis (issue #17: Figure 6.3
    once drew shares of all respondents next to shares of the quarter already using GenAI)."""
    checked = 0
    for page in sorted(rendered_report.output_dir.glob("*/**/*.html")):
        soup = parsed(page)
        for figure in soup.select("div.float-fig"):
            spec, link = figure.select_one("script.vega-spec"), figure.select_one('a[href$=".csv"]')
            if spec is None or link is None:
                continue
            with (rendered_report.data_dir / Path(link["href"]).name).open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
            if not rows or "base" not in rows[0]:
                continue
            drawn = {row["value"] for rows_ in json.loads(spec.string)["datasets"].values() for row in rows_}
            bases = {r["base"] for r in rows for cell in r.values() if _is_number(cell) and float(cell) in drawn}
            assert len(bases) == 1, f"{page.parent.name}/{page.name}: one axis mixes {sorted(bases)}"
            checked += 1
    assert checked >= 2 * len(rendered_report.languages)  # both CVL charts, in every language


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_a_chart_mixing_bases_stops_the_build(report_copy: Project, run_cli: Callable[..., Result]) -> None:
    chapter = report_copy.chapter_path(report_copy.entry("06-perspectives.qmd"), report_copy.source_language)
    text = chapter.read_text(encoding="utf-8")
    mixed = text.replace(', where={"base": "all respondents"}', "", 1)
    assert mixed != text
    chapter.write_text(mixed, encoding="utf-8")
    result = run_cli("--project", report_copy.root, "render", "--quiet", "--to", "html")
    assert result.code == 1
    assert "cvl-2024-survey.csv" in result.err and "mix base populations" in result.err
