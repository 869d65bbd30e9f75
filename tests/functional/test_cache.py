"""The build cache: what re-executes after which change, and chapter isolation on warm kernels."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest

from reportkit import starter
from reportkit.config.project import Project
from reportkit.engine import embedded
from reportkit.errors import ChapterExecutionError
from reportkit.evidence import bibliography
from reportkit.execution.cache import BuildCache
from reportkit.execution.kernel import KernelPool
from reportkit.outputs import notebooks
from reportkit.workers import WORKERS_ENV

from ..conftest import Result

HTML = frozenset({"html"})


def _render(root: Path, force: bool = False) -> embedded.BuildReport:
    return embedded.render(Project(root), formats=HTML, force=force)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def warm_mini(rendered_mini: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project built once with a filled cache (HTML only); read-only."""
    root = Path(shutil.copytree(rendered_mini, tmp_path_factory.mktemp("warm") / "mini", symlinks=True))
    report = _render(root, force=True)
    assert sorted(report.executed) == ["zh-Hant/01-jobs.qmd", "zh-Hant/index.qmd", "zh-Hant/references.qmd"]
    return root


@pytest.fixture
def warm(warm_mini: Path, tmp_path: Path) -> Path:
    """A private copy of the warm mini project (its cache included), free to change."""
    return Path(shutil.copytree(warm_mini, tmp_path / "mini", symlinks=True))


def test_nothing_changed_means_nothing_runs(warm: Path) -> None:
    assert _render(warm).up_to_date


CODE_EDIT = ("import pandas as pd", "import pandas as pd\nimport math")  # a cell of 01-jobs changes


def test_chapter_edit_reruns_only_that_chapter(warm: Path) -> None:
    _edit(warm / "chapters/zh-Hant/01-jobs.qmd", *CODE_EDIT)
    report = _render(warm)
    assert report.executed == ["zh-Hant/01-jobs.qmd"]
    assert sorted(report.reused) == ["zh-Hant/index.qmd", "zh-Hant/references.qmd"]


def test_chapter_edit_does_not_rerun_the_data_and_sources_table(warm: Path) -> None:
    # the table lists where each statistic is shown and how chapters are numbered, from a record
    # the build writes; a chapter edit that changes neither leaves the table's chapter cached
    _edit(warm / "chapters/zh-Hant/references.qmd", "::: {#refs}",
          "```{python}\nfrom reportkit import statistics_table\nstatistics_table()\n```\n\n::: {#refs}")
    assert _render(warm).executed == ["zh-Hant/references.qmd"]
    _edit(warm / "chapters/zh-Hant/01-jobs.qmd", *CODE_EDIT)
    report = _render(warm)
    assert report.executed == ["zh-Hant/01-jobs.qmd"]
    assert sorted(report.reused) == ["zh-Hant/index.qmd", "zh-Hant/references.qmd"]


def _page(root: Path) -> str:
    return (root / "_site/zh-Hant/chapters/zh-Hant/01-jobs.html").read_text(encoding="utf-8")


def _as_if_cold(root: Path, tmp_path: Path) -> str:
    """The chapter's page as a build without a cache makes it from the same sources."""
    cold = Path(shutil.copytree(root, tmp_path / "cold", symlinks=True))
    _render(cold, force=True)
    return _page(cold)


def test_prose_edit_runs_nothing_and_pages_show_it_with_the_right_values(warm: Path, tmp_path: Path) -> None:
    # prose edited, a paragraph added before the first inline expression and one moved after the
    # last: the values come from the cache (matched to their expressions, in order) and the page
    # is the one a build without a cache makes
    chapter = warm / "chapters/zh-Hant/01-jobs.qmd"
    _edit(chapter, "更多內容見", "更多的內容見")
    _edit(chapter, "## 自動化暴露", "新加的一段話。\n\n## 自動化暴露")
    _edit(chapter, "未經查證的數字：", "未經查證的數字（新）：")
    report = _render(warm)
    assert report.executed == []
    assert sorted(report.reused) == ["zh-Hant/01-jobs.qmd", "zh-Hant/index.qmd", "zh-Hant/references.qmd"]
    page = _page(warm)
    assert "更多的內容見" in page and "新加的一段話。" in page and "未經查證的數字（新）：" in page
    assert page == _as_if_cold(warm, tmp_path)


def test_inline_expression_edit_runs_the_chapter_again(warm: Path, tmp_path: Path) -> None:
    # the same expressions in another order: each value must go to its own place
    chapter = warm / "chapters/zh-Hant/01-jobs.qmd"
    _edit(chapter, '`{python} stat("gs-arts-exposed")`', "FIRST")
    _edit(chapter, '`{python} stat("speedup")`', '`{python} stat("gs-arts-exposed")`')
    _edit(chapter, "FIRST", '`{python} stat("speedup")`')
    report = _render(warm)
    assert report.executed == ["zh-Hant/01-jobs.qmd"]
    assert _page(warm) == _as_if_cold(warm, tmp_path)


def test_cell_option_edit_runs_the_chapter_again(warm: Path) -> None:
    _edit(warm / "chapters/zh-Hant/01-jobs.qmd", '#| tbl-cap: "各產業的自動化暴露"', '#| tbl-cap: "各產業"')
    assert _render(warm).executed == ["zh-Hant/01-jobs.qmd"]


def test_kernels_start_only_for_the_chapters_that_will_run(warm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    prepare = KernelPool.prepare
    monkeypatch.setattr(KernelPool, "prepare", lambda pool, count: (started.append(count), prepare(pool, count)))
    project = Project(warm)
    assert embedded.expected_runs(project, BuildCache(warm), "python3") == 0
    chapter = warm / "chapters/zh-Hant/01-jobs.qmd"
    _edit(chapter, "更多內容見", "更多的內容見")  # prose: nothing runs, no kernel starts
    assert embedded.expected_runs(Project(warm), BuildCache(warm), "python3") == 0
    assert _render(warm).executed == []
    assert started == [0]
    _edit(chapter, *CODE_EDIT)
    assert embedded.expected_runs(Project(warm), BuildCache(warm), "python3") == 1
    _edit(warm / "data/exposure.csv", "All industries,0.25", "All industries,0.24")  # read by 01-jobs
    _edit(warm / "data/statistics.csv", "Executive Summary", "Executive summary")  # read by two chapters
    assert embedded.expected_runs(Project(warm), BuildCache(warm), "python3") == 2
    assert embedded.expected_runs(Project(warm), BuildCache(warm, enabled=False), "python3") == 3  # --force


def test_with_no_record_every_chapter_file_may_run(tmp_path: Path) -> None:
    """Before a first build (or with --force) the forecast is the chapter files on disk, a generated
    language's counted as its origin's (they are not written yet), with nothing parsed."""
    root = tmp_path / "report"
    starter.create(root)
    project = Project(root)
    assert project.config.reportkit.generated  # zh-Hans, from zh-Hant
    authored = len(list((root / "chapters/zh-Hant").glob("*.qmd"))) + 1  # and the home page
    assert not (root / "chapters/zh-Hans").exists()
    assert embedded.expected_runs(project, BuildCache(root), "python3") == 2 * authored
    assert "chapters" not in vars(project)  # no profile read, no chapter parsed


def test_an_unchanged_bibliography_is_not_read_by_pandoc_again(warm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[Path] = []
    csl_json = bibliography._csl_json

    def counted(path: Path, content: str) -> str:
        read.append(path)
        return csl_json(path, content)

    monkeypatch.setattr(bibliography, "_csl_json", counted)  # this process has not read it yet
    _edit(warm / "chapters/zh-Hant/01-jobs.qmd", "更多內容見", "更多的內容見")
    _render(warm)  # validation and the check both take it from the cache
    assert read == []
    _edit(warm / "bib/references.bib", "@", "\n@")
    _render(warm)
    assert len(read) == 1


PDF = frozenset({"pdf"})


def _pdf_events(root: Path) -> list[str]:
    events: list[str] = []
    embedded.render(Project(root), lambda _lang, name, event: events.append(f"{name}: {event}"), PDF)
    return [event for event in events if ".pdf: pdf" in event]


def test_a_pdf_made_again_from_an_unchanged_book_does_not_run_pandoc_again(
        mini_with_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = mini_with_site / "_site/zh-Hant/mini-zh-Hant.pdf"
    before = pdf.read_bytes()
    books: list[str] = []
    typst_source = embedded.typst_source

    def counted(*args: Any, **kwargs: Any) -> str:
        books.append(args[1].code)
        return typst_source(*args, **kwargs)

    monkeypatch.setattr(embedded, "typst_source", counted)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # a new commit's time, the same book
    events = _pdf_events(mini_with_site)
    assert books == []
    assert len(events) == 1 and not events[0].endswith("cached"), events  # typst made it again
    assert pdf.read_bytes() != before  # with the new timestamp
    _edit(mini_with_site / "chapters/zh-Hant/01-jobs.qmd", "更多內容見", "更多的內容見")
    _pdf_events(mini_with_site)
    assert books == ["zh-Hant"]


def test_a_change_to_the_title_page_alone_makes_the_pdf_again(mini_with_site: Path) -> None:
    subtitle = "測試副標題"
    title = '  title: "迷你報告"\n'
    _edit(mini_with_site / "_quarto-zh-Hant.yml", title, f'{title}  subtitle: "{subtitle}"\n')
    events = _pdf_events(mini_with_site)
    assert len(events) == 1 and not events[0].endswith("cached"), events
    first_page = pypdf.PdfReader(mini_with_site / "_site/zh-Hant/mini-zh-Hant.pdf").pages[0].extract_text()
    assert subtitle in first_page


def test_the_cache_is_trimmed_to_its_configured_size(warm: Path) -> None:
    def pages() -> list[Path]:
        return sorted((warm / "_cache/html").glob("*/*.json"))

    built = pages()
    _edit(warm / "chapters/zh-Hant/01-jobs.qmd", "更多內容見", "更多的內容見")
    _render(warm)
    assert len(pages()) == len(built) + 1  # the default size keeps the page before the edit too
    _edit(warm / "_quarto.yml", "reportkit:\n", "reportkit:\n  cache-size: 0\n")
    assert not _render(warm).up_to_date  # a new configuration: the pages, unchanged, come from the cache
    assert len(pages()) == len(built)  # what that build did not use is gone
    assert _render(warm).up_to_date


def test_data_read_through_pandas_reruns_only_its_reader(warm: Path) -> None:
    # 01-jobs reads exposure.csv with pandas.read_csv in a cell; no other chapter does
    _edit(warm / "data/exposure.csv", "All industries,0.25", "All industries,0.24")
    assert _render(warm).executed == ["zh-Hant/01-jobs.qmd"]


def test_registry_change_reruns_the_chapters_using_statistics(warm: Path) -> None:
    _edit(warm / "data/statistics.csv", "Executive Summary", "Executive summary")
    assert sorted(_render(warm).executed) == ["zh-Hant/01-jobs.qmd", "zh-Hant/index.qmd"]


def test_reportkit_upgrade_reruns_everything(warm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "environment", lambda: "reportkit 9.9 in another environment")
    assert len(_render(warm).executed) == 3


def test_force_ignores_the_cache(warm: Path) -> None:
    assert len(_render(warm, force=True).executed) == 3


def test_only_the_edited_chapter_notebook_is_made_again(warm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _edit(warm / "chapters/zh-Hant/01-jobs.qmd", "更多內容見", "更多的內容見")
    made: list[str] = []
    published_notebook = notebooks.published_notebook

    def counted(*args: object) -> object:
        made.append(str(args[3]))
        return published_notebook(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(notebooks, "published_notebook", counted)
    _render(warm)
    assert made == ["01-jobs.zh-Hant.ipynb"]
    cached = {p.name: p.read_bytes() for p in (warm / "_site/notebooks").iterdir()}
    _render(warm, force=True)  # every notebook made from the chapter and its execution
    assert {p.name: p.read_bytes() for p in (warm / "_site/notebooks").iterdir()} == cached


def test_clean_removes_the_cache(warm: Path, run_cli: Callable[..., Result]) -> None:
    assert (warm / "_cache").is_dir()
    assert run_cli("--project", warm, "clean").code == 0
    assert not (warm / "_cache").exists()
    assert len(_render(warm).executed) == 3


def test_each_chapter_gets_a_fresh_namespace_on_a_reused_kernel(
    mini_with_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKERS_ENV, "1")  # one kernel runs every chapter in turn
    _edit(mini_with_site / "index.zh-Hant.qmd", "from reportkit import stat",
          "from reportkit import stat\nleaked = 'from the summary'")
    chapter = mini_with_site / "chapters/zh-Hant/01-jobs.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n```{python}\nleaked\n```\n", encoding="utf-8")
    with pytest.raises(ChapterExecutionError, match="NameError: name 'leaked' is not defined") as info:
        _render(mini_with_site, force=True)
    assert info.value.path == chapter
