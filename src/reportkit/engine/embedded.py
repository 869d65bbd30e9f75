"""The embedded engine: `.qmd` → kernel → Markdown → pandoc → HTML site.

Built only from registry packages (nbclient, ipykernel, pypandoc-binary).
Everything is validated before any chapter runs; the site is built in a
staging folder and published only when every page succeeded.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .. import chapter as chapter_mod
from ..chapter import Chapter, translation_source_hash
from ..errors import BibliographyError, ChapterSyntaxError
from ..generate import generate
from ..i18n import Language
from ..pdf import build_timestamp, chapter_heading, pdf_name, render_book
from ..project import ChapterEntry, Project
from ..site import SiteWriter, publish, staging_dir
from ..tools import pandoc
from .kernel import Executed, execute
from .markdown import Assembler, Target, targets

Progress = Callable[[str, str, str], None]  # (language, chapter or file name, event)
FORMATS = frozenset({"html", "pdf"})
STATISTICS_TABLE_CALL = "statistics_table("


@dataclass
class Job:
    language: Language
    entry: ChapterEntry
    chapter: Chapter


def _workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def parse_language(project: Project, language: Language) -> list[Job]:
    return [
        Job(language, entry, chapter_mod.parse(project.chapter_path(entry, language)))
        for entry in project.chapters
    ]


def cross_references(jobs: list[Job]) -> dict[str, Target]:
    index: dict[str, Target] = {}
    seen: dict[str, Path] = {}
    for job in jobs:
        for label, line in job.chapter.labels():
            if label in seen:
                raise ChapterSyntaxError(
                    f"label {label!r} is already defined in {seen[label].name}", job.chapter.path, line
                )
            seen[label] = job.chapter.path
        index.update(targets(job.chapter, job.entry))
    for job in jobs:
        for label, line in job.chapter.xrefs:
            if label not in index:
                raise ChapterSyntaxError(f"cross reference @{label} has no target", job.chapter.path, line)
    return index


def check_citations(jobs: list[Job], bib_keys: set[str]) -> None:
    for job in jobs:
        for key, line in job.chapter.citations.items():
            if key not in bib_keys:
                raise BibliographyError(
                    f"citation @{key} is not in the bibliography", job.chapter.path, line
                )


def stale_translation(project: Project, job: Job, source: Chapter) -> bool:
    """A translated chapter whose recorded source hash is not its source's current hash."""
    if job.language == project.source_language or project.is_generated(job.language):
        return False
    return translation_source_hash(job.chapter) != source.source_hash


def _metadata(language: Language, nocite: list[str]) -> str:
    meta = {"lang": language.csl, "link-citations": True, "pagetitle": "-"}
    if nocite:
        meta["nocite"] = ", ".join(f"@{k}" for k in nocite)
    return json.dumps(meta, ensure_ascii=False)


def render(project: Project, progress: Progress | None = None,
           formats: frozenset[str] = FORMATS) -> Path:
    """Build the site (HTML pages and/or PDFs of every language) and publish it to the
    output folder; return that folder."""
    notify = progress or (lambda *_: None)
    project.validate()
    generate(project)
    bib_keys = project.bibliography.keys
    plans: list[tuple[Language, list[Job], dict[str, Target]]] = []
    for language in project.languages:
        jobs = parse_language(project, language)
        check_citations(jobs, bib_keys)
        plans.append((language, jobs, cross_references(jobs)))
    source_jobs = plans[0][1]
    appendix = next(
        (j.entry.html_name for j in source_jobs
         if any(STATISTICS_TABLE_CALL in c.code for c in j.chapter.cells)), None,
    )
    titles = {lang.code: {j.entry.name: j.chapter.title for j in jobs} for lang, jobs, _ in plans}
    all_jobs = [job for _, jobs, _ in plans for job in jobs]

    def run(job: Job) -> tuple[Job, Executed]:
        notify(job.language.code, job.entry.name, "run")
        executed = execute(job.chapter, job.language, project.root)
        notify(job.language.code, job.entry.name, "executed")
        return job, executed

    with ThreadPoolExecutor(max_workers=_workers()) as pool:
        executed = dict((id(job), result) for job, result in pool.map(run, all_jobs))

    with staging_dir(project.output_dir) as staging:
        if formats != FORMATS and project.output_dir.is_dir():
            # formats not rebuilt keep their last good output
            shutil.copytree(project.output_dir, staging, dirs_exist_ok=True)
        pdf_names = {lang.code: pdf_name(project, lang) for lang in project.languages
                     if "pdf" in formats or (staging / lang.code / pdf_name(project, lang)).is_file()}
        site = SiteWriter(project, staging, titles, appendix, pdf_names)
        cited = sorted({k for job in source_jobs for k in job.chapter.citations})
        source_by_name = {job.entry.name: job.chapter for job in source_jobs}

        def assemble(job: Job, xrefs: dict[str, Target], book: bool) -> str:
            return Assembler(
                job.chapter, job.entry, executed[id(job)], job.language, xrefs,
                staging / job.language.code / "figures", project.config.execute.echo, book,
            ).markdown()

        def html_page(job: Job, xrefs: dict[str, Target]) -> None:
            markdown = assemble(job, xrefs, book=False)
            has_refs_div = "::: {#refs}" in markdown
            if job.chapter.citations and not has_refs_div:
                markdown += (f"\n\n## {job.language.t('references')} "
                             "{#bibliography .unnumbered}\n\n::: {#refs}\n:::\n")
            toc, body = pandoc.to_html(
                markdown, _metadata(job.language, cited if has_refs_div else []),
                project.bibliography.path, job.chapter.path,
            )
            body = site.finish_body(body, project.registry, job.language)
            notice = None
            if stale_translation(project, job, source_by_name[job.entry.name]):
                notice = job.language.t("stale")
            site.write_page(job.language, job.entry, toc, body, notice)
            notify(job.language.code, job.entry.name, "html")

        def pdf_book(language: Language, jobs: list[Job], xrefs: dict[str, Target]) -> None:
            chapters = [chapter_heading(job.entry, job.chapter.title) + "\n\n" + assemble(job, xrefs, book=True)
                        for job in jobs]
            render_book(project, language, chapters, staging / language.code, cited, appendix, timestamp)
            notify(language.code, pdf_name(project, language), "pdf")

        tasks: list[Callable[[], None]] = []
        if "html" in formats:
            tasks += [partial(html_page, job, xrefs) for _, jobs, xrefs in plans for job in jobs]
        if "pdf" in formats:
            timestamp = build_timestamp(project.root)
            tasks += [partial(pdf_book, language, jobs, xrefs) for language, jobs, xrefs in plans]
        with ThreadPoolExecutor(max_workers=_workers()) as pool:
            for future in [pool.submit(task) for task in tasks]:
                future.result()
        site.write_common()
        publish(staging, project.output_dir)
    return project.output_dir
