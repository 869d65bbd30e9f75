"""Chapters as Jupyter notebooks, through jupytext.

Two uses, both reading and writing chapters with jupytext's R Markdown reader and writer
(``Rmd``: it reads ```` ```{python} ```` chunks, ``#|`` lines included, without the Quarto
binary; jupytext's own ``qmd`` format calls that binary, which cannot be installed here).
reportkit's reader (``chapter.parse``) still validates every chapter and gives line numbers.

**Published notebooks.** Every chapter of every language is published as an executed notebook,
``_site/notebooks/<stem>.<lang>.ipynb`` (the home page is ``index.<lang>.ipynb``), built from the
chapter's text and the build's execution of it (from the cache when the chapter did not change:
nothing runs twice). The notebook finds the data relative to itself: the site's ``data/`` is
``../data`` from it, so a reviewer who downloads ``data/`` and a notebook into ``data/`` and
``notebooks/`` of one folder runs it with stock Jupyter and ``pip install reportkit``. Its cells:

1. Markdown, in the chapter's language: the title, what running it needs and where the data go.
2. Code: ``DATA = Path("../data")`` and the language (``REPORTKIT_DATA``, ``REPORTKIT_LANG``).
3. The chapter: Markdown cells as written, and code cells with their ``#|`` options (comments to
   Jupyter) and the outputs of the build. The front matter (its text) is in the notebook's
   metadata (``reportkit.front-matter``), its title in the first cell.

Inline expressions (`` `{python} stat("id")` ``) cannot run inside Markdown in Jupyter: a
Markdown cell shows each one as the value the published page shows (as Markdown, without the
statistic's span), and a code cell tagged ``inline-expressions`` right after it evaluates the
same expressions, ``display(stat("a"), stat("b"))``, with the build's values as its outputs. Re-run,
that cell recomputes the figures of the paragraph above from the data.

**Paired notebooks for authors.** ``reportkit notebook CHAPTER`` writes ``<chapter>.ipynb`` beside
the ``.qmd`` (ignored by git, never a chapter: chapters are the files the Quarto profiles list)
and synchronises the two the way ``jupytext --sync`` does: the more recently modified file is the
source, and the ``.qmd`` stays the source of truth for the build. Writing back, the text is
validated with reportkit's reader first, so a mistake made in Jupyter is reported at the chapter
line and the ``.qmd`` is left unchanged. Cell metadata added in Jupyter (tags, collapsed state) are
not written to the ``.qmd``; ``#|`` options, inline expressions and the front matter are text, and
survive the round trip byte for byte.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jupytext
import nbformat
from jupytext.combine import combine_inputs_with_outputs

from reportkit.api.stats import DATA_ENV, LANG_ENV
from reportkit.chapters.reader import Chapter, InlineExpression, inline_expressions
from reportkit.chapters.reader import parse as parse_chapter
from reportkit.config.project import ChapterEntry, Project
from reportkit.errors import ChapterSyntaxError, NotebookError
from reportkit.execution.cache import BuildCache, digest, environment
from reportkit.execution.results import Executed, plain_value
from reportkit.i18n import Language

Notebook = Any  # nbformat's NotebookNode (a dict with attribute access; nbformat has no types)
NOTEBOOKS_DIR = "notebooks"  # under the output folder, beside data/
DATA_FROM_NOTEBOOK = "../data"  # the site's data folder, seen from a published notebook
MEDIA_TYPE = "application/x-ipynb+json"
# jupytext's R Markdown format, with no jupytext header and no cell metadata in the text
TEXT_FORMAT: dict[str, str] = {"extension": ".Rmd", "format_name": "rmarkdown",
                               "notebook_metadata_filter": "-all", "cell_metadata_filter": "-all"}
INLINE_TAG = "inline-expressions"
STAT_SPAN = re.compile(r'\[(?P<text>(?:[^\[\]\\]|\\.)*)\]\{\.stat data-stat="[^"]*"\}')
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
SETUP = """\
# Where this notebook finds the report's data: the site's `data` folder, beside this notebook's folder.
import os
from pathlib import Path

DATA = Path("{data}")
os.environ["{data_env}"] = str(DATA.resolve())
os.environ["{lang_env}"] = "{language}"  # the language figures are written in
"""


def notebook_name(entry: ChapterEntry, code: str) -> str:
    """The published notebook of `entry` in language `code`, in the output's notebooks folder."""
    return f"{entry.stem}.{code}.ipynb"


def from_text(text: str) -> Notebook:
    """A chapter's text as a notebook (jupytext's Rmd reader; the front matter is a raw cell)."""
    return jupytext.reads(text, fmt=TEXT_FORMAT)


def to_text(notebook: Notebook) -> str:
    """A notebook as chapter text (jupytext's Rmd writer): the inverse of :func:`from_text`."""
    return str(jupytext.writes(notebook, fmt=TEXT_FORMAT))


def _with_ids(cells: list[Notebook]) -> list[Notebook]:
    """Stable cell ids (nbformat 4.5 wants one per cell; random ones would change every build)."""
    for n, cell in enumerate(cells):
        cell["id"] = f"cell-{n}"
    return cells


def _code_cell(source: str, outputs: list[Any], **metadata: Any) -> Notebook:
    cell = nbformat.v4.new_code_cell(source, metadata=metadata)  # type: ignore[no-untyped-call]
    cell.outputs = [nbformat.from_dict(copy.deepcopy(output)) for output in outputs]  # type: ignore[no-untyped-call]
    return cell


def _number(cells: list[Notebook]) -> None:
    """Execution counts 1, 2, … in order, as a run from the top gives them."""
    code = [cell for cell in cells if cell.cell_type == "code"]
    for count, cell in enumerate(code, start=1):
        cell.execution_count = count
        for output in cell.outputs:
            if output.get("output_type") == "execute_result":
                output["execution_count"] = count


def _rendered(bundle: dict[str, Any]) -> str:
    """An inline value as the page shows it, as Markdown Jupyter reads (no statistic span)."""
    return STAT_SPAN.sub(lambda m: m.group("text"), plain_value(bundle))


def _shown_inline(markdown: str, inline: Iterator[InlineExpression], executed: Executed,
                  chapter: Chapter) -> tuple[str, list[InlineExpression]]:
    """`markdown` with each inline expression replaced by its value as published, and the
    expressions (the next ones of `inline`, which must be the same)."""
    found: list[InlineExpression] = []

    def value(match: re.Match[str]) -> str:
        item = next(inline, None)
        if item is None or item.expr != match.group("expr").strip():
            raise NotebookError(f"inline expression `{match.group('expr')}` is not the one reportkit read here",
                                chapter.path, item.line if item else 1)
        found.append(item)
        return _rendered(executed.inline.get(item.key, {}))

    pieces, position = [], 0
    for start, end, match in inline_expressions(markdown):  # not those in code or comments
        pieces += [markdown[position:start], value(match)]
        position = end
    return "".join(pieces) + markdown[position:], found


def published_notebook(chapter: Chapter, executed: Executed, language: Language, name: str) -> Notebook:
    """The executed notebook of `chapter` (see the module's docstring); `name` is its file name."""
    cells = from_text(chapter.text).cells
    front = cells.pop(0).source if chapter.front and cells and cells[0].cell_type == "raw" else ""
    if sum(c.cell_type == "code" for c in cells) != len(chapter.cells):
        raise NotebookError(f"jupytext reads {sum(c.cell_type == 'code' for c in cells)} code cells here, "
                            f"reportkit {len(chapter.cells)}", chapter.path, 1)
    layout = f"{DATA_FROM_NOTEBOOK.removeprefix('../')}/statistics.csv …\n{NOTEBOOKS_DIR}/{name}"
    intro = f"# {chapter.title}\n\n" + language.t("notebook-intro").format(title=chapter.title, layout=layout)
    setup = SETUP.format(data=DATA_FROM_NOTEBOOK, data_env=DATA_ENV, lang_env=LANG_ENV, language=language.code)
    out = [nbformat.v4.new_markdown_cell(intro), _code_cell(setup, [])]  # type: ignore[no-untyped-call]
    inline = iter(chapter.inline)
    code_cells = iter(chapter.cells)
    for cell in cells:
        if cell.cell_type == "code":
            index = next(code_cells).index
            out.append(_code_cell(cell.source, executed.outputs.get(index, [])))
            continue
        markdown, expressions = _shown_inline(cell.source, inline, executed, chapter)
        out.append(nbformat.v4.new_markdown_cell(markdown) if cell.cell_type == "markdown"  # type: ignore[no-untyped-call]
                   else nbformat.v4.new_raw_cell(markdown))  # type: ignore[no-untyped-call]
        if expressions:
            call = f"display({', '.join(item.expr for item in expressions)})"
            outputs = [{"output_type": "display_data", "data": executed.inline.get(item.key, {}), "metadata": {}}
                       for item in expressions]
            out.append(_code_cell(call, outputs, tags=[INLINE_TAG]))
    if next(inline, None) is not None:
        raise NotebookError("jupytext's cells hold fewer inline expressions than reportkit read", chapter.path, 1)
    _number(out)
    notebook = nbformat.v4.new_notebook(cells=_with_ids(out), metadata={  # type: ignore[no-untyped-call]
        "kernelspec": KERNELSPEC, "language_info": {"name": "python"},
        "reportkit": {"language": language.code, "front-matter": front},
    })
    nbformat.validate(notebook)
    return notebook


def notebook_bytes(notebook: Notebook) -> bytes:
    return str(nbformat.writes(notebook)).encode("utf-8") + b"\n"  # type: ignore[no-untyped-call]


def _notebook_or_none(data: bytes | None) -> bytes | None:
    """A cached notebook's bytes if they are a notebook; a damaged or planted entry is made again."""
    try:
        notebook = json.loads(data) if data else None
    except ValueError:  # not JSON, or not UTF-8
        return None
    if isinstance(notebook, dict) and notebook.get("nbformat") == 4 and isinstance(notebook.get("cells"), list):
        return data
    return None


def write_published(output: Path, items: list[tuple[Chapter, ChapterEntry, Language, Executed]],
                    datapackage: Path, cache: BuildCache | None = None) -> None:
    """Write each chapter's notebook to `output`/notebooks/ and list them in the site's
    `datapackage.json` (key `notebooks`: path from the descriptor, language, chapter, title).
    With `cache`, a notebook made before from the same chapter text and execution is reused."""
    folder = output / NOTEBOOKS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    listed = []
    for chapter, entry, language, executed in items:
        name = notebook_name(entry, language.code)
        key = digest("notebook", chapter.text, json.dumps(executed.to_json(), sort_keys=True), language.code, name,
                     environment())
        data = _notebook_or_none(cache.get_bytes("notebook", key)) if cache else None
        if data is None:
            data = notebook_bytes(published_notebook(chapter, executed, language, name))
            if cache:
                cache.put_bytes("notebook", key, data)
        (folder / name).write_bytes(data)
        listed.append({"path": f"../{NOTEBOOKS_DIR}/{name}", "mediatype": MEDIA_TYPE, "language": language.code,
                       "chapter": entry.source(language.code), "title": chapter.title})
    if datapackage.is_file():
        descriptor = json.loads(datapackage.read_text(encoding="utf-8"))
        descriptor["notebooks"] = listed
        datapackage.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                               encoding="utf-8")


# --- paired notebooks for authors -------------------------------------------------------------


def paired_path(chapter: Path) -> Path:
    return chapter.with_suffix(".ipynb")


def locate(project: Project, path: Path) -> tuple[ChapterEntry, Language]:
    """The chapter entry and language of the chapter file `path`; a generated chapter is refused."""
    path = path.resolve()
    for language in project.languages:
        for entry in project.chapters:
            if project.chapter_path(entry, language).resolve() != path:
                continue
            if project.is_generated(language):
                origin = project.chapter_path(entry, project.origin(language)).relative_to(project.root)
                raise NotebookError(f"{language.code} chapters are generated from {project.origin(language).code} "
                                    f"by every build and must not be edited: open {origin.as_posix()} instead",
                                    path, 1)
            return entry, language
    raise NotebookError("not a chapter of this report (chapters are the files the _quarto-<lang>.yml "
                        "profiles list)", path)


def sync(project: Project, chapter: Path) -> tuple[Path, str]:
    """Create or update the notebook paired with `chapter`, or write the notebook's edits back to
    the chapter: the more recently modified file wins. Returns the notebook and what was done
    (``created``, ``updated``, ``written back``, ``unchanged``)."""
    locate(project, chapter)
    text = parse_chapter(chapter).text  # validated; our reader gives the line of any error
    notebook_path = paired_path(chapter)
    if not notebook_path.is_file():
        _write_notebook(notebook_path, from_text(text))
        return notebook_path, "created"
    try:
        paired = nbformat.read(notebook_path, as_version=4)  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as err:
        raise NotebookError(f"cannot read the paired notebook: {err}", notebook_path) from None
    edited = to_text(paired)
    if edited == text:
        return notebook_path, "unchanged"
    if notebook_path.stat().st_mtime > chapter.stat().st_mtime:
        try:
            parse_chapter(chapter, edited)
        except ChapterSyntaxError as err:  # the line is the chapter's line the notebook would write
            raise NotebookError(f"the notebook's edit is not a valid chapter: {err.message} (line {err.line} "
                                f"of the chapter it would write); {chapter.name} is unchanged",
                                notebook_path) from None
        chapter.write_text(edited, encoding="utf-8")
        return notebook_path, "written back"
    _write_notebook(notebook_path, combine_inputs_with_outputs(from_text(text), paired, fmt=TEXT_FORMAT))
    return notebook_path, "updated"


def _write_notebook(path: Path, notebook: Notebook) -> None:
    notebook.metadata.setdefault("kernelspec", KERNELSPEC)
    nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
