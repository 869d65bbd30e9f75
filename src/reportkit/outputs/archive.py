"""Every edition stays readable: the earlier editions of the report on the site.

The latest edition is published at the usual addresses (`_site/<lang>/…`). Each earlier one,
every `edition-<year>` git tag older than the current `reportkit: edition:` (all of them, however
far back), is built from its tag's sources by this same engine and published under
`_site/editions/<year>/` with its pages, PDFs, datasets and its own search index. Building is on
by default whenever such tags exist; `reportkit: archive: false` turns it off.

An earlier edition is built in `_cache/editions/<year>/src/` (its tag's tree, written by
`git archive`, never a checkout of the project), with its own `_cache/` there, and reused while
the tag's commit, reportkit's version and what the edition must know of the newest one (its
year, its pages, the site URL) are unchanged: an unchanged archive costs a copy. A reportkit
change without a new version number does not rebuild archives; `reportkit render --force` does.
A PDF of an earlier edition is stamped with its tag's commit time (unless SOURCE_DATE_EPOCH is
set), so it is the same file on every build.

Each page of an earlier edition says so at the top, in its language, names the newest
edition's year and links to the same page there (its home page when the chapter is gone, the
language chooser when the language is); the newest edition's pages link to the list of
editions (`_site/<lang>/editions.html`). Every page carries its edition as a Pagefind filter
and meta field: the site's search shows the newest edition by default and marks results from
earlier ones (`assets/search.js`).
"""

from __future__ import annotations

import datetime
import html
import io
import json
import os
import posixpath
import shutil
import tarfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reportkit import __version__
from reportkit.config.project import ChapterEntry, Project, relative_href
from reportkit.errors import ArchiveError, ReportkitError
from reportkit.execution.cache import CACHE_DIR, Published, digest
from reportkit.i18n import Language
from reportkit.outputs.revisions import TAG_PREFIX
from reportkit.tools import git

ARCHIVE_DIR = "editions"  # _site/editions/<year>/
EDITIONS_PAGE = "editions.html"  # in each language's folder: every edition of the report

Notify = Callable[[str, str, str], None]

@dataclass(frozen=True)
class Tag:
    """An `edition-<year>` tag."""

    year: int
    name: str
    commit: str
    time: int  # the commit's time (seconds since the epoch)


def earlier_editions(project: Project) -> list[Tag]:
    """Every `edition-<year>` tag older than the current edition, newest first (none outside git)."""
    listed = (git.answer(project.root, "tag", "--list", f"{TAG_PREFIX}*") or "").split()
    years = sorted((int(t.removeprefix(TAG_PREFIX)) for t in listed if t.removeprefix(TAG_PREFIX).isdigit()),
                   reverse=True)
    tags = []
    for year in years:
        if year < project.config.reportkit.edition:
            name = f"{TAG_PREFIX}{year}"
            commit, stamp = git.output(project.root, "log", "-1", "--format=%H %ct", f"{name}^{{commit}}",
                                       error=ArchiveError).split()
            tags.append(Tag(year, name, commit, int(stamp)))
    return tags


def site_path(year: int | None, code: str, page: str) -> str:
    """A page's path from the site's root: the newest edition's (`year` None) or an earlier one's."""
    return f"{ARCHIVE_DIR}/{year}/{code}/{page}" if year else f"{code}/{page}"


@dataclass(frozen=True)
class ArchiveContext:
    """What the build of an earlier edition must know of the site it joins."""

    year: int  # this (earlier) edition
    latest: int  # the newest edition
    latest_pages: dict[str, list[str]]  # language code -> the newest edition's pages
    site_url: str | None  # the site's address (the latest edition's `reportkit: site-url:`)

    def key(self) -> str:
        return digest(json.dumps(asdict(self), sort_keys=True))


@dataclass(frozen=True)
class Notice:
    text: str
    href: str
    link: str


@dataclass(frozen=True)
class EditionNav:
    """The links between editions that a page shows: on an earlier edition's pages the notice
    (`archived`), on every page the list of editions and the edition's search filter."""

    edition: int
    archived: ArchiveContext | None = None
    has_archive: bool = False  # the newest edition, with earlier ones on the site

    def notice(self, language: Language, page: str) -> Notice | None:
        ctx = self.archived
        if ctx is None:
            return None
        here = site_path(ctx.year, language.code, page)
        pages = ctx.latest_pages.get(language.code)
        if pages is None:  # the newest edition has no such language: its language chooser
            target, link = "index.html", language.t("archive-home")
        elif page in pages:
            target, link = site_path(None, language.code, page), language.t("archive-same-page")
        else:
            target, link = site_path(None, language.code, "index.html"), language.t("archive-home")
        notice = language.t("archive-notice").format(year=ctx.year, latest=ctx.latest)
        return Notice(notice, relative_href(here, target), link.format(latest=ctx.latest))

    def editions_href(self, language: Language, page: str) -> str | None:
        """The list of editions, from `page`."""
        if self.archived is not None:
            if language.code not in self.archived.latest_pages:
                return None
            return relative_href(site_path(self.archived.year, language.code, page),
                                 site_path(None, language.code, EDITIONS_PAGE))
        return relative_href(page, EDITIONS_PAGE) if self.has_archive else None

    @property
    def searchable(self) -> bool:
        """Whether the site's search index holds more than one edition (so results carry theirs)."""
        return self.archived is not None or self.has_archive


@dataclass
class Archived:
    """An earlier edition as built: where its site is, and what the list of editions shows."""

    tag: Tag
    site: Path
    as_of: str  # ISO date
    books: dict[str, tuple[str, str]] = field(default_factory=dict)  # language -> (title, PDF file name)


RenderFn = Callable[[Project, ArchiveContext, bool], None]


@contextmanager
def _stamped(seconds: int) -> Iterator[None]:
    """PDFs stamped with the tag's time, unless SOURCE_DATE_EPOCH says otherwise."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _extract(root: Path, commit: str, target: Path) -> None:
    """The tree of `commit`, written to `target` (no checkout: the working tree is untouched)."""
    tree = git.raw(root, "archive", "--format=tar", commit, error=ArchiveError)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(tree)) as tar:
        tar.extractall(target, filter="data")


def build_archive(project: Project, render: RenderFn, notify: Notify, force: bool = False) -> list[Archived]:
    """Every earlier edition, built (or reused) for the site; newest first. `render` builds one
    edition's project with its context (and `force`)."""
    rk = project.config.reportkit
    if not rk.archive:
        return []
    latest_pages = {lang.code: [e.page(lang.code) for e in project.chapters] for lang in project.languages}
    out = []
    for tag in earlier_editions(project):
        context = ArchiveContext(tag.year, rk.edition, latest_pages, rk.site_url)
        out.append(_build_one(project, tag, context, render, notify, force))
    return out


def _build_one(project: Project, tag: Tag, context: ArchiveContext, render: RenderFn, notify: Notify,
               force: bool) -> Archived:
    folder = project.root / CACHE_DIR / ARCHIVE_DIR / str(tag.year)
    source, record_file = folder / "src", folder / "built.json"
    key = digest(tag.commit, __version__, context.key())
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
        built = Published(str(record["key"]), {str(k): str(v) for k, v in record["files"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        record, built = {}, None
    site = source / "_site"
    if not force and built is not None and built.fingerprint == key and built.intact(site):
        notify("editions", tag.name, "cached")
        return _archived(tag, source)
    start = time.perf_counter()
    if record.get("commit") != tag.commit or not source.is_dir():
        _extract(project.root, tag.commit, source)
    try:
        with _stamped(tag.time):
            render(Project(source), context, force)
    except ReportkitError as err:
        raise ArchiveError(f"the {tag.year} edition ({tag.name}) cannot be built: {err.format(source)} "
                           "(`reportkit: archive: false` publishes without earlier editions)",
                           project.root / "_quarto.yml") from None
    record_file.write_text(json.dumps({"key": key, "commit": tag.commit,
                                       "files": Published.of(key, site, "").files}), encoding="utf-8")
    notify("editions", tag.name, f"built {time.perf_counter() - start:.1f} s")
    return _archived(tag, source)


def _archived(tag: Tag, source: Path) -> Archived:
    from reportkit.outputs.book import pdf_name

    old = Project(source)
    books = {lang.code: (old.book(lang).title, pdf_name(old, lang)) for lang in old.languages}
    return Archived(tag, source / "_site", old.config.reportkit.as_of.isoformat(), books)


def publish_archive(archived: list[Archived], staging: Path) -> None:
    """Copy each earlier edition's site into the staging site (`editions/<year>/`)."""
    shutil.rmtree(staging / ARCHIVE_DIR, ignore_errors=True)  # a partial build starts from the last site
    for edition in archived:
        shutil.copytree(edition.site, staging / ARCHIVE_DIR / str(edition.tag.year))


FORWARD = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url={href}">
<link rel="canonical" href="{href}">
<title>{title}</title>
</head>
<body><p><a href="{href}">{title}</a></p></body>
</html>
"""


def write_forwarding(project: Project, staging: Path) -> None:
    """The latest edition's permanent addresses (`editions/<year>/…`, where citations point):
    while it is the latest, each forwards to the page at the usual address; once a newer
    edition is published, the edition itself is built there."""
    year = project.config.reportkit.edition
    source = project.source_language
    pages = [(f"{ARCHIVE_DIR}/{year}/index.html", "index.html", source)]
    for language in project.languages:
        pages += [(site_path(year, language.code, e.page(language.code)),
                   site_path(None, language.code, e.page(language.code)), language) for e in project.chapters]
    for path, target, language in pages:
        href = html.escape(relative_href(path, target))
        file = staging / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(FORWARD.format(lang=language.bcp47, href=href,
                                       title=html.escape(project.book(language).title)), encoding="utf-8")


def stat_pages(staging: Path, language: Language, appendix: ChapterEntry | None,
               older: int) -> tuple[str | None, str | None]:
    """The pages holding the `#stat-<id>` anchors (the data & sources appendix) of the `older`
    edition (when the site has it) and of this one, from the language's "what changed" page."""
    if appendix is None:
        return None, None
    page = appendix.page(language.code)
    # looked up from the staging folder itself: the language's folder may not be written yet
    present = (staging / ARCHIVE_DIR / str(older) / language.code / page).is_file()
    return (posixpath.join("..", ARCHIVE_DIR, str(older), language.code, page) if present else None), page


def editions_page(project: Project, language: Language, archived: list[Archived]) -> tuple[str, str]:
    """The list of editions for `language` (title, body HTML): the newest first, each with its
    home page and PDF in this language (else in the edition's first language)."""
    from reportkit.outputs.book import pdf_name

    rk = project.config.reportkit
    rows = [(rk.edition, language.t("archive-latest"), "index.html", pdf_name(project, language), rk.as_of.isoformat(),
             project.book(language).title)]
    for edition in archived:
        code = language.code if language.code in edition.books else next(iter(edition.books))
        title, pdf = edition.books[code]
        folder = posixpath.join("..", ARCHIVE_DIR, str(edition.tag.year), code)
        rows.append((edition.tag.year, "", f"{folder}/index.html", f"{folder}/{pdf}", edition.as_of, title))
    items = []
    for year, label, home, pdf, as_of, title in rows:
        as_of_text = language.as_of(datetime.date.fromisoformat(as_of))
        badge = f' <span class="edition-latest">{html.escape(label)}</span>' if label else ""
        items.append(
            f'<li class="edition" data-edition="{year}"><a href="{html.escape(home)}">'
            f"{html.escape(language.t('edition-year').format(year=year))}</a>{badge}: {html.escape(title)} · "
            f'<span class="as-of">{html.escape(as_of_text)}</span> · '
            f'<a href="{html.escape(pdf)}" type="application/pdf">{html.escape(language.t("pdf"))}</a></li>')
    body = (f'<p>{html.escape(language.t("archive-intro"))}</p>\n<ul class="editions-list">\n'
            + "\n".join(items) + "\n</ul>")
    return language.t("archive-editions"), body
