"""The embedded engine: `.qmd` → kernel → Markdown → pandoc → HTML site.

Built only from registry packages (nbclient, ipykernel, pypandoc-binary).
Everything is validated before any chapter runs; the site is built in a
staging folder and published only when every page succeeded.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import time
from collections.abc import Callable, Collection
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reportkit.api import chartlabels
from reportkit.api.stats import localized_field
from reportkit.api.tables import USAGE_ENV, statistic_usage
from reportkit.chapters import reader as chapter_mod
from reportkit.chapters.generated import generate
from reportkit.chapters.reader import Chapter, translation_source_hash
from reportkit.checks.findings import Finding, Severity
from reportkit.checks.runner import LanguageChecks, run_checks, start_workers
from reportkit.config.project import HOME, ChapterEntry, Project
from reportkit.errors import (
    BibliographyError,
    ChapterSyntaxError,
    ChecksFailedError,
    EditionError,
    ReportkitError,
    did_you_mean,
)
from reportkit.execution.cache import (
    BuildCache,
    Published,
    digest,
    environment,
    execution_key,
    file_hash,
    site_fingerprint,
    sources_fingerprint,
)
from reportkit.execution.results import Executed
from reportkit.i18n import Language
from reportkit.markdown.assembler import Assembler, Target, targets
from reportkit.outputs import archive as archive_mod
from reportkit.outputs.book import (
    book_document,
    build_timestamp,
    chapter_heading,
    pdf_name,
    render_book,
    typst_source,
)
from reportkit.outputs.changes import to_markdown
from reportkit.outputs.citation import citation_section
from reportkit.outputs.editions import EditionDiff, compare
from reportkit.outputs.publishing import publish, staging_dir
from reportkit.outputs.revisions import previous_edition_tag
from reportkit.outputs.website import SiteWriter
from reportkit.stopwatch import Stopwatch
from reportkit.textfile import normalize, read_text, write_if_changed
from reportkit.tools import git, pagefind, pandoc
from reportkit.tools.typst import FONT_PATH_ENV
from reportkit.workers import workers

if TYPE_CHECKING:  # imported where used: jupyter_client and nbclient cost a no-op render a quarter of its time
    from reportkit.execution.kernel import KernelPool

Progress = Callable[[str, str, str], None]  # (language, chapter or file name, event)
Page = pandoc.Document | tuple[str, str]  # an HTML page to convert, or its (toc, body) from the cache
FORMATS = frozenset({"html", "pdf"})
CHANGES_PAGE = "changes.html"  # "what changed", when a previous edition is tagged
STATISTICS_TABLE_CALL = "statistics_table("
STATISTIC_USAGE = "statistic-usage.json"  # in the cache folder: which chapters use each statistic
CHAPTER_KEYS = "chapter-keys"  # in the cache: each chapter file's text and execution key (`expected_runs`)


@dataclass
class Job:
    language: Language
    entry: ChapterEntry
    chapter: Chapter


def parse_language(project: Project, language: Language) -> list[Job]:
    return [
        Job(language, entry, chapter_mod.parse(project.chapter_path(entry, language)))
        for entry in project.chapters
    ]


def cross_references(jobs: list[Job]) -> dict[str, Target]:
    index: dict[str, Target] = {}
    seen: dict[str, tuple[Path, int]] = {}
    for job in jobs:
        for label, line in job.chapter.labels():
            if label in seen:
                where, first = seen[label]
                raise ChapterSyntaxError(
                    f"label {label!r} is already defined in {where.name} (line {first})", job.chapter.path, line
                )
            seen[label] = job.chapter.path, line
        index.update(targets(job.chapter, job.entry, job.language.code))
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
                    f"citation @{key} is not in the bibliography{did_you_mean(key, bib_keys)}", job.chapter.path, line
                )


def stale_translation(project: Project, job: Job, source: Chapter) -> bool:
    """A translated chapter whose recorded source hash is not its source's current hash."""
    if job.language == project.source_language or project.is_generated(job.language):
        return False
    return translation_source_hash(job.chapter) != source.source_hash


def _metadata(language: Language, nocite: list[str]) -> str:
    meta = {"lang": language.csl, "link-citations": True, "pagetitle": "-",
            "reportkit-table-label": language.t("table")}
    if nocite:
        meta["nocite"] = ", ".join(f"@{k}" for k in nocite)
    return json.dumps(meta, ensure_ascii=False)


@dataclass
class BuildReport:
    """What a render did: which chapters ran, which came from the cache, and how long
    each PDF took."""

    output: Path
    executed: list[str] = field(default_factory=list)  # "<lang>/<chapter>"
    reused: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # what the checks found in the published build
    pdf_seconds: dict[str, float] = field(default_factory=dict)
    stages: Stopwatch = field(default_factory=Stopwatch)  # where the time went
    up_to_date: bool = False  # nothing changed since the last build: nothing was done


def _cached_execution(project: Project, cache: BuildCache, key: str) -> Executed | None:
    """A chapter's cached execution, if every file it read is unchanged (and the entry is sound)."""
    entry = cache.get_json("chapter", key)
    try:
        reads, executed = dict(entry["reads"]), Executed.from_json(entry["executed"])
    except (TypeError, KeyError, ValueError):
        return None
    if all(file_hash(project.root / path) == sha for path, sha in reads.items()):
        return executed
    return None


def _chapter_keys(project: Project, jobs: list[Job], keys: dict[int, str]) -> dict[str, list[str]]:
    """What `expected_runs` reads at the next build: per chapter file (relative to the root), its
    language, the hash of its text, its execution key and, for a generated language, its origin's
    file."""
    by_name = {(job.language.code, job.entry.name): job for job in jobs}
    record: dict[str, list[str]] = {}
    for job in jobs:
        origin = ""
        if project.is_generated(job.language):
            source = by_name.get((project.origin(job.language).code, job.entry.name))
            origin = source.chapter.path.relative_to(project.root).as_posix() if source else ""
        record[job.chapter.path.relative_to(project.root).as_posix()] = [
            job.language.code, digest(job.chapter.text), keys[id(job)], origin]
    return record


def chapter_files(project: Project) -> int:
    """How many chapter files a build of every language may run, counted on disk without reading
    the profiles or parsing a chapter (it is told before validating): each language's home page
    and the `.qmd` files of its chapter folder; a generated language, its origin's (its own
    are written while validating)."""
    count = 0
    for language in project.languages:
        authored = project.origin(language) if project.is_generated(language) else language
        home = project.root / ChapterEntry(HOME, None, False).source(authored.code)
        count += home.is_file() + sum(path.is_file() for path in project.chapter_dir(authored).glob("*.qmd"))
    return count


def expected_runs(project: Project, cache: BuildCache, kernel: str) -> int:
    """How many chapters this build will run, told before the project is validated, so that only
    the kernels needed start while it validates (a kernel costs about half a second of CPU). The
    last build recorded each chapter file's text and execution key: a file with that text has
    that key; an edited file is parsed for its key (the parse is memoized, validating does not
    repeat it). A key runs unless its cache entry is sound with every file it read unchanged; a
    generated language's chapter runs when its origin's does. Only a forecast (the count is
    exact unless the chapter list, the glossary or a parse error changed): `execute_chapters`
    decides, and starts the kernels it still needs."""
    record = cache.get_json("site", CHAPTER_KEYS)
    if not isinstance(record, dict) or not record:
        return chapter_files(project)  # no record (a first build, --force): every chapter may run
    runs: dict[str, bool] = {}
    env = environment()
    for path, entry in record.items():
        try:
            code, text_hash, key, origin = (str(part) for part in entry)
        except (TypeError, ValueError):
            return len(record)
        if not origin:
            try:
                text = normalize(read_text(project.root / path, ChapterSyntaxError))
                if digest(text) != text_hash:
                    key = execution_key(chapter_mod.parse(project.root / path, text), project.root, code, kernel,
                                        env)
            except ReportkitError:
                runs[path] = True  # validating reports it
                continue
        runs[path] = _cached_execution(project, cache, key) is None
    origins = {path: str(record[path][3]) for path in runs}
    return sum(ran or bool(origins[path] and runs.get(origins[path], True)) for path, ran in runs.items())


def kernel_pool(project: Project) -> KernelPool:
    """A pool of kernels for `project`'s chapters (none started yet)."""
    from reportkit.execution.kernel import DEFAULT_KERNEL, KernelPool

    usage = BuildCache(project.root).folder / STATISTIC_USAGE
    return KernelPool(project.root, {USAGE_ENV: str(usage)}, project.config.jupyter or DEFAULT_KERNEL)


def execute_chapters(project: Project, jobs: list[Job], cache: BuildCache, notify: Progress,
                     kernels: KernelPool) -> tuple[dict[int, Executed], list[str], list[str]]:
    """Each job's execution: from the cache when its code cells, inline expressions, language,
    environment and every file it read last time are unchanged (`execution_key`: a prose edit
    runs nothing); else run on `kernels` (and cached)."""
    from reportkit.execution.kernel import execute_all

    results: dict[int, Executed] = {}
    root, env, kernel = kernels.spec
    keys = {id(job): execution_key(job.chapter, root, job.language.code, kernel, environment())
            for job in jobs}
    to_run: list[Job] = []
    reused = []
    for job in jobs:
        cached = _cached_execution(project, cache, keys[id(job)])
        if cached is not None:
            results[id(job)] = cached
            reused.append(f"{job.language.code}/{job.entry.name}")
            notify(job.language.code, job.entry.name, "cached")
        else:
            to_run.append(job)

    def done(index: int, result: Executed) -> None:
        job = to_run[index]
        reads = {path: file_hash(project.root / path) or "" for path in result.reads}
        cache.put_json("chapter", keys[id(job)], {"reads": reads, "executed": result.to_json()})
        results[id(job)] = result
        notify(job.language.code, job.entry.name, "executed")

    cache.put_json("site", CHAPTER_KEYS, _chapter_keys(project, jobs, keys))
    write_if_changed(Path(env[USAGE_ENV]),
                     json.dumps(statistic_usage(project), ensure_ascii=False, sort_keys=True, indent=1))
    execute_all([(job.chapter, job.language) for job in to_run], root, workers(), done, env,
                project.config.reportkit.cell_timeout, kernel, kernels)
    return results, [f"{j.language.code}/{j.entry.name}" for j in to_run], reused


def run_in_order(tasks: dict[str, tuple[Callable[[], None], Collection[str]]], threads: int) -> None:
    """Run `tasks` (name: the task and the names of the tasks it needs done first) on `threads`
    threads; a free thread takes the first task, in the order of the dict, whose needs are met.
    A task whose need failed does not run; the first failure in the order of the dict is raised
    once no task runs."""
    futures: dict[str, Future[None]] = {}
    with ThreadPoolExecutor(max_workers=threads) as pool:
        while True:
            done = {name for name, future in futures.items() if future.done() and not future.exception()}
            running = [future for future in futures.values() if not future.done()]
            ready = [name for name, (_, needs) in tasks.items() if name not in futures and done.issuperset(needs)]
            for name in ready[:threads - len(running)]:
                futures[name] = pool.submit(tasks[name][0])
                running.append(futures[name])
            if not running:
                break
            wait(running, return_when=FIRST_COMPLETED)
    for name in tasks:
        if name in futures:
            futures[name].result()


def render(project: Project, progress: Progress | None = None,
           formats: frozenset[str] = FORMATS, force: bool = False, allow_findings: bool = False,
           archived: archive_mod.ArchiveContext | None = None, kernels: KernelPool | None = None,
           pages_ready: Callable[[Path], None] | None = None) -> BuildReport:
    """Build the site (HTML pages and/or PDFs of every language) in a staging folder, run
    every check on it, and publish it to the output folder only if no check finds an error
    (`allow_findings` publishes anyway; the findings are in the report). `force` ignores
    (and refreshes) the build cache. The site includes every earlier edition (archive.py);
    `archived` is given when this build is itself one of them. Chapters run on `kernels`
    (a pool kept by the caller, as `reportkit preview` does between builds) or on kernels
    started when the build starts, while it validates. `pages_ready(staging)` is called once
    the pages and PDFs are in the staging folder, before the checks, on a worker thread (the
    notebooks and the search index may still be made; the build goes on, and may still fail,
    afterwards). Then, published or not, a build that added to the build cache trims it to
    the configured `cache-size`, least recently used entries first (BuildCache.prune)."""
    cache = BuildCache(project.root, enabled=not force)
    try:
        return _build(project, cache, progress, formats, force, allow_findings, archived, kernels, pages_ready)
    finally:
        if cache.grew:
            cache.prune(project.config.reportkit.cache_size * 1_000_000)


def _build(project: Project, cache: BuildCache, progress: Progress | None, formats: frozenset[str], force: bool,
           allow_findings: bool, archived: archive_mod.ArchiveContext | None, kernels: KernelPool | None,
           pages_ready: Callable[[Path], None] | None) -> BuildReport:
    notify = progress or (lambda *_: None)
    report = BuildReport(project.output_dir)
    base = previous_edition_tag(project)
    base_commit = git.output(project.root, "rev-parse", base, error=EditionError).strip() if base else ""
    rk = project.config.reportkit
    earlier = archive_mod.earlier_editions(project) if rk.archive and archived is None else []
    sources = sources_fingerprint(project.root, list(project.config.reportkit.generated))
    fingerprint = site_fingerprint(project.root, list(project.config.reportkit.generated), formats,
                                   digest(environment(), base_commit, archived.key() if archived else "",
                                          *(tag.commit for tag in earlier)))
    published = cache.published()
    if published is not None and published.fingerprint == fingerprint and published.intact(project.output_dir):
        report.up_to_date = True
        return report
    stage = report.stages.stage
    plans: list[tuple[Language, list[Job], dict[str, Target]]] = []
    own_kernels = kernels is None
    kernels = kernels or kernel_pool(project)
    # the kernels the chapters to run need start while the project is validated
    kernels.prepare(min(workers(), expected_runs(project, cache, kernels.spec[2])))
    try:
        with stage("validate"):
            project.validate(cache)
            generate(project)
            bib_keys = project.bibliography.keys
            for language in project.languages:
                jobs = parse_language(project, language)
                check_citations(jobs, bib_keys)
                plans.append((language, jobs, cross_references(jobs)))
            chartlabels.check_chapters(project.data_dir, project.root,
                                       [job.chapter for language, jobs, _ in plans if not project.is_generated(language)
                                        for job in jobs])
        source_jobs = plans[0][1]
        appendix = next(
            (j.entry for j in source_jobs
             if any(STATISTICS_TABLE_CALL in c.code for c in j.chapter.cells)), None,
        )
        titles = {lang.code: {j.entry.name: j.chapter.title for j in jobs} for lang, jobs, _ in plans}
        all_jobs = [job for _, jobs, _ in plans for job in jobs]

        start_workers(project)  # while the chapters run
        with stage("execute"):
            executed, report.executed, report.reused = execute_chapters(project, all_jobs, cache, notify,
                                                                        kernels)
    finally:
        if own_kernels:
            kernels.close()
    bib_digest = file_hash(project.bibliography.path) or ""

    def render_earlier(old: Project, context: archive_mod.ArchiveContext, again: bool) -> None:
        # an earlier edition is a record: today's stricter checks report, they do not block it
        render(old, None, FORMATS, force=again, allow_findings=True, archived=context)

    editions = archive_mod.build_archive(project, render_earlier, notify, force) if earlier else []
    nav = archive_mod.EditionNav(rk.edition, archived, bool(editions))
    site_url = archived.site_url if archived else rk.site_url

    with staging_dir(project.output_dir) as staging:
        if formats != FORMATS and project.output_dir.is_dir():
            # formats not rebuilt keep their last good output
            shutil.copytree(project.output_dir, staging, dirs_exist_ok=True)
        pdf_names = {lang.code: pdf_name(project, lang) for lang in project.languages
                     if "pdf" in formats or (staging / lang.code / pdf_name(project, lang)).is_file()}
        archive_mod.publish_archive(editions, staging)
        site = SiteWriter(project, staging, titles, appendix, pdf_names, CHANGES_PAGE if base else None, nav)
        cited = sorted({k for job in source_jobs for k in job.chapter.citations})
        source_by_name = {job.entry.name: job.chapter for job in source_jobs}

        def assemble(job: Job, xrefs: dict[str, Target], book: bool) -> str:
            folder = staging / job.language.code
            if not book:
                folder /= posixpath.dirname(job.entry.page(job.language.code))
            with stage("markdown"):
                markdown = Assembler(
                    job.chapter, job.entry, executed[id(job)], job.language, xrefs, folder / "figures",
                    project.config.execute.echo, project.chapters, book,
                ).markdown()
                if job.entry.home:  # the home page and the PDF's summary end with how to cite the edition
                    markdown += citation_section(project, job.language, site_url, cache)
            return markdown

        def html_page(job: Job, xrefs: dict[str, Target]) -> tuple[Page, Callable[[str, str], None]]:
            """A chapter's page: its HTML from the cache or the pandoc document to convert, and
            what writes it."""
            markdown = assemble(job, xrefs, book=False)
            has_refs_div = "::: {#refs}" in markdown
            if job.chapter.citations and not has_refs_div:
                markdown += (f"\n\n## {job.language.t('references')} "
                             "{#bibliography .unnumbered}\n\n::: {#refs}\n:::\n")
            metadata = _metadata(job.language, cited if has_refs_div else [])
            with stage("site"):
                provenance = site.provenance.for_page(markdown, job.language, job.entry.page(job.language.code))
            key = digest("html", markdown, metadata, json.dumps(provenance, sort_keys=True), bib_digest,
                         environment())
            cached = cache.get_json("html", key)
            page: Page
            if isinstance(cached, list) and len(cached) == 2 and all(isinstance(p, str) for p in cached):
                page = (cached[0], cached[1])
            else:
                page = pandoc.html_page(markdown, metadata, project.bibliography.path, job.chapter.path, provenance)

            def write(toc: str, body: str) -> None:
                if not isinstance(page, tuple):
                    cache.put_json("html", key, [toc, body])
                notice = None
                if stale_translation(project, job, source_by_name[job.entry.name]):
                    notice = job.language.t("stale")
                with stage("site"):
                    site.write_page(job.language, job.entry, toc, body, notice)
                notify(job.language.code, job.entry.name, "html")
            return page, write

        def changes_page(language: Language, changes: EditionDiff) -> tuple[Page, Callable[[str, str], None]]:
            title = language.t("changes")
            measures = {stat.id: localized_field(stat, "measure", language, project) for stat in project.registry}
            diff = to_markdown(changes, language, titles[language.code], measures,
                               archive_mod.stat_pages(staging, language, appendix, changes.base_edition))
            markdown = f"{language.t('changes-intro')}\n\n{diff}"

            def write(toc: str, body: str) -> None:
                with stage("site"):
                    site.write_extra_page(language, CHANGES_PAGE, title, toc, body)
            return pandoc.html_page(markdown, _metadata(language, []), project.bibliography.path,
                                    project.chapter_dir(language)), write

        def html_pages(language: Language, jobs: list[Job], xrefs: dict[str, Target],
                       changes: EditionDiff | None) -> None:
            """Every HTML page of `language`; the pages not in the cache are converted by one pandoc
            process (starting pandoc and its citeproc once per page cost more than the pages)."""
            pages = [html_page(job, xrefs) for job in jobs]
            if changes is not None:
                pages.append(changes_page(language, changes))
            with stage("pandoc"):
                converted = iter(pandoc.convert([page for page, _ in pages if isinstance(page, pandoc.Document)]))
            for page, write in pages:
                write(*(page if isinstance(page, tuple) else pandoc.fragment(next(converted))))

        def pdf_book(language: Language, jobs: list[Job], xrefs: dict[str, Target]) -> None:
            start = time.perf_counter()
            chapters = [chapter_heading(job.entry, job.chapter.title) + "\n\n" + assemble(job, xrefs, book=True)
                        for job in jobs]
            target = staging / language.code / pdf_name(project, language)
            appendix_page = appendix.page(language.code) if appendix else None
            # two entries: the typst source (pandoc's work, keyed by the whole book and what reads
            # it) and the PDF (typst's, keyed by that source and what else goes into the file), so a
            # new commit's timestamp reruns typst alone
            document = book_document(project, language, chapters, cited, appendix_page)
            source_key = digest("typst", language.csl, document, bib_digest, environment())
            source = cache.get_json("typst", source_key)
            if not isinstance(source, str):
                source = typst_source(project, language, document, report.stages)
                cache.put_json("typst", source_key, source)
            key = digest("pdf", source, str(timestamp), environment(), os.environ.get(FONT_PATH_ENV, ""))
            cached = cache.get_bytes("pdf", key)
            if cached is None or not cached.startswith(b"%PDF-"):
                cached = None
                render_book(project, language, source, staging / language.code, timestamp, report.stages)
                cache.put_bytes("pdf", key, target.read_bytes())
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(cached)
            seconds = report.pdf_seconds[language.code] = time.perf_counter() - start
            event = f"pdf {seconds:.1f} s" if cached is None else "pdf cached"
            notify(language.code, pdf_name(project, language), event)

        def editions_page(language: Language) -> None:
            title, body = archive_mod.editions_page(project, language, editions)
            site.write_extra_page(language, archive_mod.EDITIONS_PAGE, title, "", body)

        tasks: list[Callable[[], None]] = []
        if "html" in formats:
            changes = compare(project, base) if base else None
            tasks += [partial(html_pages, language, jobs, xrefs, changes) for language, jobs, xrefs in plans]
            if archived is None:
                archive_mod.write_forwarding(project, staging)
            if editions:
                tasks += [partial(editions_page, language) for language in project.languages]
        books: list[Callable[[], None]] = []
        if "pdf" in formats:
            timestamp = build_timestamp(project.root)
            books = [partial(pdf_book, language, jobs, xrefs) for language, jobs, xrefs in plans]

        def common() -> None:
            with stage("site"):
                site.write_common()

        def notebooks() -> None:  # they are added to the datapackage that `common` writes
            from reportkit.outputs.notebooks import write_published

            with stage("site"):
                write_published(staging, [(job.chapter, job.entry, job.language, executed[id(job)])
                                          for job in all_jobs], staging / "data" / "datapackage.json", cache)

        def search_index() -> None:
            with stage("search index"):
                pagefind.index(staging)

        # the pages and the files they share first, then (`pages_ready` once the books are done
        # too) the notebooks and the search index (which needs them all), then the books: these
        # are made while the books compile, and no worker is left alone with a book at the end
        # (a book takes about as long as a language's pages). A failure is reported in this order.
        pages = {f"pages {number}": (task, ()) for number, task in enumerate(tasks)}
        pdfs = {f"book {number}": (book, ()) for number, book in enumerate(books)}
        written = [*pages, "common"]
        ready = {"pages ready": (partial(pages_ready, staging), [*written, *pdfs])} if pages_ready else {}
        # each language's pages and PDF are checked as soon as they are written, while the build
        # goes on (books, search index), not after everything
        checks = LanguageChecks(project, staging, "pdf" in formats, cache)

        def check(code: str) -> None:
            with stage("check"):
                checks.run(code)

        checked = {f"check {language.code}": (partial(check, language.code),
                                               [name for name in (f"pages {number}", f"book {number}")
                                                if name in pages or name in pdfs])
                   for number, (language, _, _) in enumerate(plans)}
        try:
            run_in_order({**pages, "common": (common, ()), **ready, "notebooks": (notebooks, ["common"]),
                          **({"search index": (search_index, written)} if "html" in formats else {}), **pdfs,
                          **checked}, workers())
        finally:
            checks.close()
        with stage("check"):
            report.findings = run_checks(project, staging, pdfs="pdf" in formats, cache=cache,
                                         checked=checks.results)
        # a format this render did not build and that was never built is missing, not wrong
        errors = [f for f in report.findings if f.severity is Severity.ERROR and f.rule != "site-missing"]
        if errors and not allow_findings:
            raise ChecksFailedError(errors, project.output_dir)
        manifest = Published.of(fingerprint, staging, sources)
        with stage("site"):
            publish(staging, project.output_dir)
    cache.set_published(manifest)
    return report
