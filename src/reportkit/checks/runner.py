"""Running every rule over a project and its built site."""

from __future__ import annotations

import functools
import json
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import threading
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from reportkit.api.chartlabels import LABELS_FILE
from reportkit.api.tables import CORRECTIONS_FILE
from reportkit.chapters.reader import parse
from reportkit.checks.data import (
    CORRECTIONS_TEXT,
    LABELS_TEXT,
    precision_findings,
    registry_text_findings,
    table_text_findings,
)
from reportkit.checks.findings import Finding, Severity
from reportkit.checks.reports import PageReport, PdfReport
from reportkit.checks.sources import at_source
from reportkit.config.project import Project
from reportkit.errors import ReportkitError, did_you_mean
from reportkit.evidence.bibliography import Bibliography, check_with_pandoc
from reportkit.evidence.claims import CLAIMS_FILE
from reportkit.evidence.quotes import numbers_in, supports
from reportkit.evidence.registry import QUOTED_STATUSES, Registry, recompute
from reportkit.execution.cache import BuildCache, digest, environment, file_hash, sources_fingerprint
from reportkit.i18n import LANGUAGES, Language
from reportkit.outputs.book import pdf_name
from reportkit.workers import workers


def _rel(project: Project, path: Path) -> str:
    try:
        return path.resolve().relative_to(project.root).as_posix()
    except ValueError:
        return path.as_posix()


def _error_finding(project: Project, rule: str, err: ReportkitError) -> Finding:
    return Finding(_rel(project, err.path) if err.path else "reportkit", err.line or 0, rule, err.message)


def check_sources(project: Project, cache: BuildCache | None = None,
                  ) -> tuple[list[Finding], Registry | None, Bibliography | None]:
    """The rules on the sources (`cache`: where pandoc's reading of the bibliography is kept)."""
    findings: list[Finding] = []
    registry: Registry | None = None
    bibliography: Bibliography | None = None
    try:
        registry = project.registry
    except ReportkitError as err:
        findings.append(_error_finding(project, "registry-invalid", err))
    try:
        bibliography = project.bibliography
        check_with_pandoc(bibliography.path, cache)
    except ReportkitError as err:
        findings.append(_error_finding(project, "bib-malformed", err))
        bibliography = None
    registry_path = _rel(project, project.data_dir / "statistics.csv")
    if registry is not None:
        findings += precision_findings(registry_path, registry)
        findings += registry_text_findings(registry_path, registry)
        for name, columns, key in ((CORRECTIONS_FILE, CORRECTIONS_TEXT, "id"), (LABELS_FILE, LABELS_TEXT, "term")):
            path = project.data_dir / name
            try:
                findings += table_text_findings(path, _rel(project, path), columns, registry, key)
            except ReportkitError as err:
                findings.append(_error_finding(project, "registry-invalid", err))
        for stat in registry:
            if bibliography is not None and stat.source not in bibliography.keys:
                findings.append(Finding(registry_path, stat.line, "registry-source",
                                        f"[{stat.id}] source {stat.source!r} is not in the bibliography"
                                        f"{did_you_mean(stat.source, bibliography.keys)}"))
            if stat.table:
                try:
                    derived = recompute(stat, project.data_dir)
                except ReportkitError as err:
                    findings.append(Finding(registry_path, stat.line, "registry-derived", err.message))
                    continue
                if abs(derived - stat.value) > 1e-9 * max(1.0, abs(derived)):
                    findings.append(Finding(
                        registry_path, stat.line, "registry-derived",
                        f"[{stat.id}] value {stat.value:g} but {stat.table} gives {derived:g} "
                        f"({stat.column} where {stat.filter})",
                    ))
        findings += check_quotes(registry, registry_path)
    if bibliography is not None:
        for language in project.languages:
            for entry in project.chapters:
                path = project.chapter_path(entry, language)
                if not path.is_file():
                    continue
                try:
                    chapter = parse(path)
                except ReportkitError as err:
                    findings.append(_error_finding(project, "citation-missing", err))
                    continue
                for key, line in chapter.citations.items():
                    if key not in bibliography.keys:
                        findings.append(Finding(_rel(project, path), line, "citation-missing",
                                                f"citation @{key} is not in the bibliography"
                                                f"{did_you_mean(key, bibliography.keys)}"))
    return findings, registry, bibliography


def check_quotes(registry: Registry, registry_path: str) -> list[Finding]:
    """Each quote states its row's value as the source writes it (`source-quote`); each row that
    rests on a source has a quote (`quote-missing`, a warning)."""
    findings = []
    for stat in registry:
        if stat.quote:
            if not supports(stat.quote, stat.value, stat.unit, stat.decimals, stat.value_high):
                written = ", ".join(repr(n.text) for n in numbers_in(stat.quote)) or "no number"
                findings.append(Finding(
                    registry_path, stat.line, "source-quote",
                    f"[{stat.id}] the quote does not state {stat.format(LANGUAGES['en'])} "
                    f"(it writes {written})",
                ))
        elif stat.status in QUOTED_STATUSES:
            findings.append(Finding(
                registry_path, stat.line, "quote-missing",
                f"[{stat.id}] is {stat.status} but quotes no passage of its source", Severity.WARNING,
            ))
    return findings


def quote_coverage(registry: Registry) -> tuple[int, int]:
    """(rows quoted, rows that rest on a source): the check's summary line."""
    needing = [stat for stat in registry if stat.status in QUOTED_STATUSES]
    return sum(bool(stat.quote) for stat in needing), len(needing)


def _site_rel(project: Project, output: Path, path: Path) -> str:
    """A built file's path as readers of findings know it: under `_site/`, even when the
    site being checked is a render's staging folder."""
    return (Path(_rel(project, project.output_dir)) / path.relative_to(output)).as_posix()


class PageCache:
    """What the page rules found on each built page and PDF, in the build cache: keyed by the
    file's bytes, its place, its language and everything else the rules read (data/, the
    bibliography, the configuration, reportkit and the Python environment), so an unchanged
    page is not read again and the findings are those of reading it. A built file is hashed
    once: the files checked do not change while they are (a language looked up in the cache
    first and then read, in this process or in a worker given this object, is not hashed again)."""

    def __init__(self, project: Project, cache: BuildCache):
        self.cache = cache
        root = project.root
        files = sorted(p for p in project.data_dir.rglob("*") if p.is_file())
        files += [root / project.config.bibliography, *sorted(root.glob("_quarto*.yml"))]
        self.rules = digest(environment(), *(digest(_rel(project, p), file_hash(p) or "") for p in files))
        self.hashes: dict[Path, str] = {}

    def key(self, path: Path, *parts: str) -> str:
        sha = self.hashes.get(path)
        if sha is None:
            sha = self.hashes[path] = file_hash(path) or ""
        return digest(self.rules, sha, *parts)

    def page(self, key: str) -> PageReport | None:
        try:
            return PageReport.from_json(self.cache.get_json("check-html", key))
        except (TypeError, KeyError, ValueError):
            return None

    def pdf(self, key: str) -> PdfReport | None:
        try:
            return PdfReport.from_json(self.cache.get_json("check-pdf", key))
        except (TypeError, KeyError, ValueError):
            return None

    def store(self, key: str, report: PageReport | PdfReport) -> None:
        self.cache.put_json("check-pdf" if isinstance(report, PdfReport) else "check-html", key, report.to_json())


def check_site(project: Project, registry: Registry, output: Path | None = None, pdfs: bool = True,
               cache: BuildCache | None = None, checked: dict[str, LanguageResult] | None = None,
               ) -> tuple[list[Finding], dict[str, dict[str, PageReport]]]:
    """Every built page (and PDF, with `pdfs`) in `output` (default: the published site).
    With `cache`, a page or PDF whose findings are stored there (the same bytes, read by the same
    rules) is not read again. Each language is checked on its own; when several languages have
    files to read and there are several cores, in parallel processes (reading HTML and PDFs is
    CPU-bound Python). `checked`: the languages already checked (`LanguageChecks`)."""
    output = output or project.output_dir
    pages_cache = PageCache(project, cache) if cache is not None else None
    check = functools.partial(_check_language, project, registry, output, pdfs, pages_cache)
    codes = [language.code for language in project.languages]
    results: dict[str, LanguageResult | None] = dict(checked or {})
    results.update((code, check(code, True)) for code in codes if code not in results and pages_cache)
    to_read = [code for code in codes if results.get(code) is None]
    processes = min(len(to_read), workers())
    if processes > 1:
        _ = project.chapters  # read here, once: the workers get them with the pickled project
        with ProcessPoolExecutor(processes, mp_context=_worker_context()) as pool:
            results.update(zip(to_read, pool.map(check, to_read), strict=True))
    else:
        results.update((code, check(code)) for code in to_read)
    findings: list[Finding] = []
    pages: dict[str, dict[str, PageReport]] = {}
    for code in codes:
        result = results[code]
        assert result is not None
        language_findings, reports = result
        findings += language_findings
        if reports is not None:
            pages[code] = reports
    return findings, pages


def _worker_context() -> multiprocessing.context.ForkServerContext:
    """Workers fork from a server process that has imported the page readers (no fork of a
    process that runs threads)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "reportkit.checks.html_pages", "reportkit.checks.pdf_pages"])
    return context


def start_workers(project: Project) -> None:
    """Start, in the background, the server the check's workers fork from (it imports what they
    run, about a second of work), so that it is ready when a build reaches its check."""
    if min(len(project.languages), workers()) > 1:
        _worker_context()
        multiprocessing.forkserver.ensure_running()


LanguageResult = tuple[list[Finding], dict[str, PageReport] | None]


class LanguageChecks:
    """The checks of each language's pages and PDF in a build's `output`, run while the build
    goes on: `run(code)` once that language's pages and PDF are written (findings all in the
    cache cost nothing; otherwise the files are read in a worker process, CPU-bound Python off
    the build's threads, or here when the project has one language or the machine one core),
    then `run_checks(..., checked=checks.results)`.
    Each language's result is what `check_site` would find, as the files are the same."""

    def __init__(self, project: Project, output: Path, pdfs: bool, cache: BuildCache):
        self.project, self.output, self.pdfs = project, output, pdfs
        self.pages_cache = PageCache(project, cache)
        self.results: dict[str, LanguageResult] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        # as check_site: in worker processes when several languages may be read at once (their
        # server, started by `start_workers`, has imported the readers), else in this process
        self.in_workers = min(len(project.languages), workers()) > 1

    def run(self, code: str) -> None:
        try:
            registry = self.project.registry
        except ReportkitError:
            return  # run_checks reports it, and checks no page
        check = functools.partial(_check_language, self.project, registry, self.output, self.pdfs, self.pages_cache)
        result = check(code, True)
        if result is None:
            if not self.in_workers:
                result = check(code)
            else:
                with self._lock:
                    if self._pool is None:
                        _ = self.project.chapters  # read here, once: the workers get them with the pickled project
                        self._pool = ProcessPoolExecutor(workers(), mp_context=_worker_context())
                    pool = self._pool
                result = pool.submit(check, code).result()
        assert result is not None
        with self._lock:
            self.results[code] = result

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown()


def _check_language(project: Project, registry: Registry, output: Path, pdfs: bool, cache: PageCache | None,
                    code: str, cached_only: bool = False) -> LanguageResult | None:
    """One language's pages (None when its site is missing) and PDF, and what they show;
    with `cached_only`, None when a page or the PDF is not in `cache`. (A worker process gets
    `project` pickled, its chapters already read.)"""
    language = LANGUAGES[code]
    folder = output / language.code
    if not folder.is_dir():
        return [Finding(_site_rel(project, output, folder), 0, "site-missing",
                        f"no built {language.code} site; run `reportkit render`")], None
    findings: list[Finding] = []
    pages: dict[str, PageReport] = {}
    for entry in project.chapters:
        path = folder / entry.page(language.code)
        if not path.is_file():
            findings.append(Finding(_site_rel(project, output, path), 0, "site-missing", "page not built"))
            continue
        rel = _site_rel(project, output, path)
        key = cache.key(path, rel, code) if cache else ""
        report = cache.page(key) if cache else None
        if report is None:
            if cached_only:
                return None
            from reportkit.checks.html_pages import read_page  # bs4: only for a page not checked before

            report = read_page(path, rel, registry, language)
            if cache:
                cache.store(key, report)
        pages[entry.name] = report
        findings.extend(report.findings)
    if pdfs:
        pdf_findings = check_pdf(project, registry, language, pages, output, cache, cached_only)
        if pdf_findings is None:
            return None
        findings += pdf_findings
    return findings, pages


def check_pdf(project: Project, registry: Registry, language: Language, pages: dict[str, PageReport],
              output: Path | None = None, cache: PageCache | None = None, cached_only: bool = False,
              ) -> list[Finding] | None:
    """The language's PDF, when one was built: its figures, its prose, and parity with the HTML
    (None with `cached_only` when the PDF's findings are not in `cache`)."""
    output = output or project.output_dir
    path = output / language.code / pdf_name(project, language)
    if not path.is_file():
        return [Finding(_site_rel(project, output, path), 0, "site-missing",
                        f"no {language.code} PDF: its pages were not checked; run `reportkit render`")]
    if len(pages) != len(project.chapters):
        return []  # a page is missing (reported): the PDF cannot be matched to the HTML
    reports = [pages[entry.name] for entry in project.chapters]
    rel = _site_rel(project, output, path)
    prose = [not r.data_page for r in reports]
    names = {n for r in reports for n in r.names}
    heading_numbers = {n for r in reports for n in r.heading_numbers}
    key = cache.key(path, rel, language.code, json.dumps([prose, sorted(names), sorted(heading_numbers)],
                                                         ensure_ascii=False)) if cache else ""
    pdf = cache.pdf(key) if cache else None
    if pdf is None:
        if cached_only:
            return None
        from reportkit.checks.pdf_pages import read_pdf  # pdfium and numpy: only for a PDF not checked before

        pdf = read_pdf(path, rel, registry, language, prose, names=names, heading_numbers=heading_numbers)
        if cache:
            cache.store(key, pdf)
    findings = list(pdf.findings)
    difference = _difference(Counter(sid for report in reports for sid in report.all_ids), Counter(pdf.stat_ids))
    if difference:
        findings.append(Finding(pdf.path, 0, "parity", f"shows different statistics than the HTML pages: {difference}"))
    return findings


def _difference(expected: Counter[str], actual: Counter[str]) -> str:
    """What `actual` lacks and has in excess of `expected` ("" when they are equal)."""
    missing = sorted((expected - actual).elements())
    extra = sorted((actual - expected).elements())
    return "; ".join(part for part in (f"missing {', '.join(missing)}" if missing else "",
                                       f"extra {', '.join(extra)}" if extra else "") if part)


def check_usage(project: Project, registry: Registry, pages: dict[str, dict[str, PageReport]]) -> list[Finding]:
    findings: list[Finding] = []
    source = project.source_language.code
    registry_path = _rel(project, project.data_dir / "statistics.csv")
    if pages.get(source):  # no pages read (none built): nothing can be said about use
        shown = {sid for report in pages[source].values() for sid in report.prose_ids}
        for stat in registry:
            if stat.id not in shown:
                findings.append(Finding(registry_path, stat.line, "registry-unused",
                                        f"[{stat.id}] is not shown in any chapter's prose"))
        for code, reports in pages.items():
            if code == source:
                continue
            for name, report in reports.items():
                if name not in pages[source]:
                    continue
                reference = pages[source][name]
                for what, expected, actual in (
                    ("cites different works", Counter(reference.citations), Counter(report.citations)),
                    ("shows different statistics", Counter(reference.prose_ids), Counter(report.prose_ids)),
                ):
                    difference = _difference(expected, actual)
                    if difference:
                        findings.append(Finding(report.path, 0, "parity",
                                                f"{what} than {source}/{name}: {difference}"))
    return findings


def check_translations(project: Project) -> list[Finding]:
    from reportkit.chapters.translation import translations

    findings = []
    source = project.source_language.code
    for item in translations(project):
        if item.stale:
            recorded = item.recorded or "nothing"
            findings.append(Finding(
                _rel(project, item.path), 1, "translation-stale",
                f"translated from a different version of {source}/{item.entry.name} (records "
                f"{recorded}, source is now {item.current}); update it, then `reportkit stamp`",
                Severity.WARNING,
            ))
    return findings


def check_forecasts(project: Project, registry: Registry) -> list[Finding]:
    edition = project.config.reportkit.edition
    path = _rel(project, project.data_dir / "statistics.csv")
    return [Finding(path, stat.line, "forecast-expired",
                    f"[{stat.id}] forecasts {stat.horizon}, before this {edition} edition: say so in the text "
                    "(in every language) and set its horizon_acknowledged to `yes`, or update it to a newer "
                    "source", Severity.WARNING)
            for stat in registry if stat.expired(edition) and not stat.horizon_acknowledged]


def check_claims(project: Project) -> list[Finding]:
    """The claims register loads, its sources and markers resolve, and no claim is due for
    re-checking at the edition's as-of date."""
    path = _rel(project, project.data_dir / CLAIMS_FILE)
    try:
        marked = project.validate_claims(project.bibliography.keys)
    except ReportkitError as err:
        return [_error_finding(project, "claims-invalid", err)]
    as_of = project.config.reportkit.as_of
    findings = [Finding(path, claim.line, "claim-due",
                        f"[{claim.id}] due for re-checking by {claim.recheck_by}, on or before this edition's "
                        f"as-of date {as_of}: check it against a current source, then update the text, "
                        "checked_on and recheck_by", Severity.WARNING)
                for claim in project.claims if claim.due(as_of)]
    findings += [Finding(path, claim.line, "claim-unused", f"[{claim.id}] is not marked in any chapter")
                 for claim in project.claims if claim.id not in marked]
    return findings


def check_built(project: Project) -> list[Finding]:
    """Whether the published site was built from the sources as they are now."""
    published = BuildCache(project.root).published()
    site = _rel(project, project.output_dir)
    if published is None or not published.sources:
        return [Finding(site, 0, "site-stale", "no record of the build that made this site; the findings below "
                        "may describe older sources: run `reportkit render`", Severity.WARNING)]
    if published.sources != sources_fingerprint(project.root, list(project.config.reportkit.generated)):
        return [Finding(site, 0, "site-stale", "the sources changed since this site was built (or the last "
                        "render failed): the findings below describe the last good build; run `reportkit render`")]
    return []


def run_checks(project: Project, output: Path | None = None, pdfs: bool = True,
               cache: BuildCache | None = None, checked: dict[str, LanguageResult] | None = None) -> list[Finding]:
    """Every rule on the sources and on the site built in `output` (default: the published
    site, which is then also checked for being up to date with the sources); `pdfs=False`
    leaves the PDFs out (a render that did not rebuild them). With `cache`, the findings of a
    page or PDF already read with the same bytes and the same rule inputs are taken from it (the
    rules across pages and on the sources always run). Findings about typed text are
    reported once, at the chapter line they come from. `checked`: the languages whose pages and
    PDF were already checked, as `check_site` would (`LanguageChecks`)."""
    findings, registry, bibliography = check_sources(project, cache)
    findings += check_translations(project)
    if bibliography is not None:
        findings += check_claims(project)
    if output is None:
        findings += check_built(project)
    if registry is not None:
        findings += check_forecasts(project, registry)
        site_findings, pages = check_site(project, registry, output, pdfs, cache, checked)
        findings += site_findings
        findings += check_usage(project, registry, pages)
    return sorted(set(at_source(project, findings)))
