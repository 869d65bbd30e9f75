"""Chapters published as executed Jupyter notebooks: valid, with outputs, linked from every page,
listed with the datasets, and re-runnable next to the site's data folder alone.

Every notebook of every language is validated; re-executing costs a kernel start and the chapter's
charts (~10-20 s each here), so one chapter per language (05-economy: statistics and charts) is
re-run in a clean folder, and one appendix (its tables run without the project)."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from reportkit.api.stats import DATA_ENV, LANG_ENV
from reportkit.chapters.reader import parse
from reportkit.config.project import ROOT_ENV, Project
from reportkit.outputs.notebooks import DATA_FROM_NOTEBOOK, INLINE_TAG, NOTEBOOKS_DIR, notebook_name

from ..pages import parsed

STAT = re.compile(r'\[(?P<text>(?:[^\[\]\\]|\\.)*)\]\{\.stat data-stat="(?P<id>[^"]+)"\}')
RERUNS = [("zh-Hant", "05-economy.qmd"), ("zh-Hans", "05-economy.qmd"), ("en", "05-economy.qmd"),
          ("zh-Hans", "appendix-data-sources.qmd")]


def _notebook(project: Project, code: str, chapter: str) -> nbformat.NotebookNode:
    path = project.output_dir / NOTEBOOKS_DIR / notebook_name(project.entry(chapter), code)
    return nbformat.read(path, as_version=4)


def _figures(notebook: nbformat.NotebookNode) -> Counter[tuple[str, str]]:
    """(statistic id, text shown) of every statistic the notebook's outputs show."""
    found: Counter[tuple[str, str]] = Counter()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            markdown = output.get("data", {}).get("text/markdown", "")
            found.update((m.group("id"), re.sub(r"\\(.)", r"\1", m.group("text"))) for m in STAT.finditer(markdown))
    return found


def _page_figures(project: Project, code: str, chapter: str) -> Counter[tuple[str, str]]:
    page = project.output_dir / code / project.entry(chapter).page(code)
    soup = parsed(page)
    return Counter((span["data-stat"], span.get_text()) for span in soup.select("main span.stat[data-stat]"))


def test_every_chapter_is_published_as_an_executed_notebook(rendered_report: Project) -> None:
    count = 0
    for language in rendered_report.languages:
        for entry in rendered_report.chapters:
            chapter = parse(rendered_report.chapter_path(entry, language))
            notebook = _notebook(rendered_report, language.code, entry.name)
            nbformat.validate(notebook)
            intro, setup = notebook.cells[0], notebook.cells[1]
            assert intro.cell_type == "markdown" and intro.source.startswith(f"# {chapter.title}\n")
            assert f"{NOTEBOOKS_DIR}/{notebook_name(entry, language.code)}" in intro.source
            assert f'DATA = Path("{DATA_FROM_NOTEBOOK}")' in setup.source and f'"{language.code}"' in setup.source
            code = [c for c in notebook.cells if c.cell_type == "code"]
            assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
            inline = [c for c in code if INLINE_TAG in c.metadata.get("tags", [])]
            assert sum(len(c.outputs) for c in inline) == len(chapter.inline)
            # a figure or table cell carries what the build showed
            for cell in chapter.cells:
                if cell.label:
                    shown = next(c for c in code if c.source.startswith(f"#| label: {cell.label}\n"))
                    assert shown.outputs, f"{language.code}/{entry.name}: {cell.label} has no output"
            # the figures in the notebook are the page's
            if "`{python} stat(" in chapter.text:
                assert _figures(notebook) == _page_figures(rendered_report, language.code, entry.name)
            count += 1
    assert count == len(rendered_report.languages) * len(rendered_report.chapters) == 36


def test_every_page_links_its_notebook(rendered_report: Project) -> None:
    for language in rendered_report.languages:
        for entry in rendered_report.chapters:
            page = rendered_report.output_dir / language.code / entry.page(language.code)
            soup = parsed(page)
            links = soup.select("main a[href$='.ipynb']")
            assert len(links) == 1, page
            assert links[0].get_text() == language.t("notebook")
            target = (page.parent / str(links[0]["href"])).resolve()
            assert target == (rendered_report.output_dir / NOTEBOOKS_DIR
                              / notebook_name(entry, language.code)).resolve()
            assert target.is_file()


def test_notebooks_are_listed_with_the_datasets(rendered_report: Project) -> None:
    data = rendered_report.output_dir / "data"
    listed = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))["notebooks"]
    published = sorted((rendered_report.output_dir / NOTEBOOKS_DIR).glob("*.ipynb"))
    assert sorted((data / item["path"]).resolve() for item in listed) == [p.resolve() for p in published]
    languages, chapters = rendered_report.languages, rendered_report.chapters
    assert {(item["language"], item["chapter"]) for item in listed} == {
        (lang.code, entry.source(lang.code)) for lang in languages for entry in chapters}


@pytest.mark.parametrize(("code", "chapter"), RERUNS)
def test_a_notebook_reruns_beside_the_data_folder_to_the_same_figures(
        rendered_report: Project, code: str, chapter: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reviewer's path: the site's data/ and one notebook, no project, stock nbclient."""
    for name in (ROOT_ENV, LANG_ENV, DATA_ENV, "QUARTO_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    shutil.copytree(rendered_report.output_dir / "data", tmp_path / "data")
    folder = tmp_path / NOTEBOOKS_DIR
    folder.mkdir()
    published = _notebook(rendered_report, code, chapter)
    notebook = nbformat.from_dict(json.loads(json.dumps(published)))
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    rerun = _figures(notebook)
    assert rerun, "the re-run shows no statistic"
    assert rerun == _figures(published) == _page_figures(rendered_report, code, chapter)
    for cell in notebook.cells:  # every cell that showed something shows it again (charts as SVG)
        if cell.cell_type == "code" and "bar_chart(" in cell.source:
            assert any("image/svg+xml" in o.get("data", {}) for o in cell.outputs), cell.source
    shown = [bool(c.outputs) for c in published.cells if c.cell_type == "code"]
    assert [bool(c.outputs) for c in notebook.cells if c.cell_type == "code"] == shown
