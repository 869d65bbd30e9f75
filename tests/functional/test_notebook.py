"""`reportkit notebook`: chapters paired with Jupyter notebooks through jupytext, the .qmd the source."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from reportkit.api.stats import DATA_ENV, LANG_ENV, current_language
from reportkit.chapters.reader import INLINE, Chapter, InlineExpression, parse
from reportkit.config.project import ROOT_ENV
from reportkit.execution.cache import sources_fingerprint
from reportkit.execution.results import Executed
from reportkit.i18n import LANGUAGES
from reportkit.outputs.notebooks import INLINE_TAG, from_text, notebook_bytes, published_notebook, to_text

from ..conftest import GOLDEN, ROOT, Result, assert_golden, copy_report

# every chapter of the report, every language (the generated zh-Hans too: its text must survive as well)
CHAPTERS = sorted(p.relative_to(ROOT).as_posix() for p in [*ROOT.glob("chapters/*/*.qmd"), *ROOT.glob("index.*.qmd")])


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_report(tmp_path_factory.mktemp("notebook") / "report")


def _older(path: Path, than: Path) -> None:
    stat = than.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10**9))


def test_the_report_has_chapters_to_round_trip() -> None:
    assert len(CHAPTERS) == 36  # 12 files (home page included) x 3 languages


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_round_trip_is_byte_identical(chapter: str, tmp_path: Path) -> None:
    """.qmd -> .ipynb file (nbformat JSON, as Jupyter saves it) -> .qmd gives the same bytes:
    front matter, `#|` options and inline expressions included."""
    text = (ROOT / chapter).read_text(encoding="utf-8")
    path = tmp_path / "chapter.ipynb"
    nbformat.write(from_text(text), path)
    notebook = nbformat.read(path, as_version=4)
    assert notebook.cells[0].cell_type == "raw" and notebook.cells[0].source.startswith("---\ntitle:")
    assert to_text(notebook) == text


def test_notebook_keeps_options_and_inline_expressions_as_text() -> None:
    notebook = from_text((ROOT / "chapters/en/05-economy.qmd").read_text(encoding="utf-8"))
    code = [c.source for c in notebook.cells if c.cell_type == "code"]
    assert any(c.startswith("#| label: fig-economy-exposure\n#| fig-cap:") for c in code)
    assert any('`{python} stat("' in c.source for c in notebook.cells if c.cell_type == "markdown")


def test_create_then_sync_both_ways(report: Path, run_cli: Callable[..., Result]) -> None:
    chapter = report / "chapters/en/05-economy.qmd"
    original = chapter.read_bytes()
    paired = chapter.with_suffix(".ipynb")
    result = run_cli("--project", report, "notebook", chapter)
    assert result.code == 0, result.err
    assert result.out.startswith("chapters/en/05-economy.ipynb: created")
    assert run_cli("--project", report, "notebook", chapter).out.startswith("chapters/en/05-economy.ipynb: unchanged")

    # an edit made in Jupyter (and saved later than the .qmd) is written back to the .qmd
    notebook = nbformat.read(paired, as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == "markdown" and "`{python} stat(" in c.source)
    cell.source = cell.source.replace("Generative AI", "Generative artificial intelligence", 1)
    notebook.cells[1].metadata["tags"] = ["added-in-jupyter"]  # not written to the .qmd
    nbformat.write(notebook, paired)
    result = run_cli("--project", report, "notebook", chapter)
    assert result.out.startswith("chapters/en/05-economy.ipynb: written back"), result.err
    expected = original.decode("utf-8").replace(cell.source.replace("Generative artificial intelligence",
                                                                    "Generative AI", 1), cell.source, 1)
    assert chapter.read_text(encoding="utf-8") == expected != original.decode("utf-8")

    # an edit of the .qmd (now the newer file) updates the notebook
    chapter.write_bytes(original)
    _older(paired, chapter)
    assert run_cli("--project", report, "notebook", chapter).out.startswith("chapters/en/05-economy.ipynb: updated")
    assert to_text(nbformat.read(paired, as_version=4)) == original.decode("utf-8")


def test_an_invalid_notebook_edit_leaves_the_chapter(report: Path, run_cli: Callable[..., Result]) -> None:
    chapter = report / "chapters/en/03-ethics.qmd"
    before = chapter.read_bytes()
    assert run_cli("--project", report, "notebook", chapter).code == 0
    paired = chapter.with_suffix(".ipynb")
    notebook = nbformat.read(paired, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("{{< pagebreak >}}"))
    nbformat.write(notebook, paired)
    result = run_cli("--project", report, "notebook", chapter)
    assert result.code == 1
    assert_golden(result.err, GOLDEN / "errors" / "notebook-invalid-edit.txt")
    assert chapter.read_bytes() == before


def test_generated_chapters_are_not_opened(report: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("--project", report, "notebook", report / "chapters/zh-Hans/05-economy.qmd")
    assert result.code == 1
    assert_golden(result.err, GOLDEN / "errors" / "notebook-generated-chapter.txt")
    assert not (report / "chapters/zh-Hans/05-economy.ipynb").exists()


def test_a_file_that_is_not_a_chapter_is_refused(report: Path, run_cli: Callable[..., Result]) -> None:
    (report / "notes.qmd").write_text("---\ntitle: Notes\n---\n", encoding="utf-8")
    result = run_cli("--project", report, "notebook", report / "notes.qmd")
    assert result.code == 1
    assert_golden(result.err, GOLDEN / "errors" / "notebook-not-a-chapter.txt")


def test_paired_notebooks_are_not_sources(report: Path, run_cli: Callable[..., Result]) -> None:
    """A paired notebook (and Jupyter's checkpoints) neither is a chapter, nor makes the site stale,
    nor is committed."""
    before = sources_fingerprint(report, ["zh-Hans"])
    assert run_cli("--project", report, "notebook", report / "index.en.qmd").code == 0
    checkpoints = report / "chapters/en/.ipynb_checkpoints"
    checkpoints.mkdir(exist_ok=True)
    (checkpoints / "01-introduction-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    assert run_cli("--project", report, "notebook", report / "chapters/en/01-introduction.qmd").code == 0
    assert sources_fingerprint(report, ["zh-Hans"]) == before
    for path in ("chapters/en/05-economy.ipynb", "index.en.ipynb", "chapters/en/.ipynb_checkpoints/x.ipynb"):
        assert subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", path]).returncode == 0, path


def test_a_paired_notebook_kernel_writes_figures_in_its_chapter_folder_language(
        report: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jupyter runs a paired notebook's kernel in the chapter's folder, with no REPORTKIT_LANG."""
    for name in (LANG_ENV, DATA_ENV, ROOT_ENV, "QUARTO_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(report / "chapters/en")
    assert current_language().code == "en"
    monkeypatch.chdir(report)
    assert current_language().code == "zh-Hant"  # the source language, as before


def test_published_notebook_shows_inline_values_and_recomputes_them() -> None:
    """Built from a chapter and an execution record: Markdown shows each inline value as published,
    a tagged code cell after the paragraph evaluates the same expressions with those values as
    outputs, and every code cell keeps its own outputs and `#|` options."""
    chapter = parse(ROOT / "chapters/en/05-economy.qmd")
    executed = Executed(
        outputs={c.index: [{"output_type": "stream", "name": "stdout", "text": f"out {c.index}\n"}]
                 for c in chapter.cells},
        inline={item.key: {"text/markdown": f'[v{n}]{{.stat data-stat="s{n}"}}', "text/plain": f"v{n}"}
                for n, item in enumerate(chapter.inline)})
    notebook = published_notebook(chapter, executed, LANGUAGES["en"], "05-economy.en.ipynb")
    nbformat.validate(notebook)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "`{python}" not in markdown and "v0" in markdown and "{.stat" not in markdown
    inline = [c for c in notebook.cells if INLINE_TAG in c.metadata.get("tags", [])]
    shown = [o["data"]["text/plain"] for c in inline for o in c.outputs]
    assert shown == [f"v{n}" for n in range(len(chapter.inline))]
    assert ", ".join(c.source for c in inline) == ", ".join(
        "display(" + ", ".join(i.expr for i in group) + ")" for group in _groups(chapter))
    code = [c for c in notebook.cells if c.cell_type == "code" and c not in inline][1:]  # after the setup cell
    assert [c.source for c in code] == [
        "\n".join(line for line in chapter.text.splitlines()[cell.line:cell.code_line - 1]) + "\n" + cell.code
        if cell.options else cell.code for cell in chapter.cells]
    assert [c.outputs[0]["text"] for c in code] == [f"out {cell.index}\n" for cell in chapter.cells]
    assert notebook_bytes(notebook) == notebook_bytes(published_notebook(
        chapter, executed, LANGUAGES["en"], "05-economy.en.ipynb")), "not reproducible"


def _groups(chapter: Chapter) -> list[list[InlineExpression]]:
    """The chapter's inline expressions grouped by the Markdown block (between cells, blank lines)
    they are in: what jupytext makes one Markdown cell."""
    cells = from_text(chapter.text).cells
    groups, items = [], iter(chapter.inline)
    for cell in cells:
        if cell.cell_type == "markdown":
            count = len(INLINE.findall(cell.source))
            if count:
                groups.append([next(items) for _ in range(count)])
    return groups


def test_published_notebook_reads_inline_expressions_as_the_chapter_does() -> None:
    """An expression in a comment or in code is text for the reader, so for the notebook as well."""
    text = ('---\ntitle: t\n---\n\n一 `{python} stat("a")` <!-- `{python} stat("old")` -->\n\n'
            '    `{python} stat("code")`\n\n二 `` `{python} stat("span")` `` `{python} stat("b")`\n')
    chapter = parse(Path("ch.qmd"), text)
    executed = Executed(inline={item.key: {"text/plain": f"v-{item.expr}"} for item in chapter.inline})
    notebook = published_notebook(chapter, executed, LANGUAGES["en"], "ch.en.ipynb")
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert 'v-stat("a")' in markdown and 'v-stat("b")' in markdown
    for kept in ('<!-- `{python} stat("old")` -->', '    `{python} stat("code")`', '`` `{python} stat("span")` ``'):
        assert kept in markdown
