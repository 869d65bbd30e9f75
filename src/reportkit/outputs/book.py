"""The PDF edition of one language: the chapters as one book, pandoc → typst → PDF.

Fonts are the Noto families of the language (CJK TC / SC, Noto Serif for
English); a missing one stops the build with the package to install. The
timestamp comes from SOURCE_DATE_EPOCH, else the last commit, so the same
commit gives the same bytes in any folder and on any day.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

from reportkit.config.project import ChapterEntry, Project
from reportkit.config.typefaces import TYPEFACES
from reportkit.i18n import Language
from reportkit.stopwatch import Stopwatch
from reportkit.tools import git, pandoc
from reportkit.tools.typst import compile_pdf, locate_fonts


def pdf_name(project: Project, language: Language) -> str:
    """The PDF's file name: the profile's `book.output-file`, which Quarto names it by too."""
    return f"{project.book(language).output_file}.pdf"


def build_timestamp(root: Path) -> int:
    """SOURCE_DATE_EPOCH, else the time of the last commit, else 0."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    out = (git.answer(root, "log", "-1", "--format=%ct") or "").strip()
    return int(out) if out.isdigit() else 0


def chapter_heading(entry: ChapterEntry, title: str) -> str:
    number = f"[{entry.number}]{{.chapter-number}} " if entry.number else ""
    return f"# {number}{title} {{#chapter-{entry.stem}}}"


def fonts_for(language: Language) -> list[Path]:
    face = TYPEFACES[language.code]
    return locate_fonts([*face.body, *face.heading])


def book_document(project: Project, language: Language, chapters: list[str], nocite: list[str],
                  appendix_page: str | None) -> str:
    """The book as pandoc reads it: its metadata block (title page, fonts, labels, the appendix,
    the works cited only there) and the chapters' Markdown in book order."""
    face = TYPEFACES[language.code]
    book = project.book(language)
    zh = language.code.startswith("zh")
    edition = project.config.reportkit.edition
    metadata = {
        "title": book.title, "subtitle": book.subtitle or "", "author": book.authors,
        "short-title": book.title, "text-lang": language.csl.split("-")[0], "region": face.region,
        "body-font": [f.family for f in face.body], "heading-font": [f.family for f in face.heading],
        "leading": face.leading, "toc-title": language.t("contents"),
        "edition-label": f"{edition} 年版" if zh else f"Edition {edition}",
        "as-of-label": language.as_of(project.config.reportkit.as_of),
        "keywords": [project.config.reportkit.slug], "link-citations": True,
        "reportkit-appendix": appendix_page or "", "nocite": ", ".join(f"@{k}" for k in nocite),
    }
    return f"---\n{json.dumps(metadata, ensure_ascii=False)}\n---\n\n" + "\n\n".join(chapters)


def typst_source(project: Project, language: Language, document: str, stopwatch: Stopwatch | None = None) -> str:
    """The typst source of `document` (:func:`book_document`): pandoc with the book template,
    the typst filter and citeproc over the project's bibliography."""
    template = resources.files("reportkit").joinpath("templates", "book.typ")
    lua = resources.files("reportkit").joinpath("filters", "typst.lua")
    with resources.as_file(template) as template_path, resources.as_file(lua) as lua_path, \
            (stopwatch or Stopwatch()).stage("pandoc"):
        return pandoc.run(
            ["-f", "markdown-implicit_figures", "-t", "typst", f"--template={template_path}",
             f"--lua-filter={lua_path}", "--citeproc", f"--bibliography={project.bibliography.path}",
             "-M", f"lang={language.csl}", "--wrap=none"],
            stdin=document, what=project.chapter_dir(language),
        )


def render_book(project: Project, language: Language, source: str, out_dir: Path, timestamp: int,
                stopwatch: Stopwatch | None = None) -> Path:
    """Write `<slug>-<lang>.pdf` into `out_dir` from the book's typst source (:func:`typst_source`)."""
    font_folders = fonts_for(language)
    out_dir.mkdir(parents=True, exist_ok=True)
    typ = out_dir / f".{language.code}-book.typ"
    typ.write_text(source, encoding="utf-8")
    output = out_dir / pdf_name(project, language)
    with (stopwatch or Stopwatch()).stage("typst"):
        compile_pdf(typ, output, font_folders, timestamp)
    typ.unlink()
    return output
