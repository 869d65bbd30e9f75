"""The published site: pages around pandoc's HTML, the language chooser, assets,
and atomic publishing (build in a staging folder, swap only on success)."""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from reportkit import __version__
from reportkit.api.stats import localized_field
from reportkit.config.project import ChapterEntry, Project, relative_href
from reportkit.errors import OutputError
from reportkit.evidence.claims import Claim, marked_claims
from reportkit.evidence.datapackage import publish_datasets
from reportkit.evidence.registry import Statistic, quote_source
from reportkit.execution.cache import BuildCache, digest, environment
from reportkit.i18n import Language
from reportkit.outputs.archive import EditionNav
from reportkit.outputs.notebooks import NOTEBOOKS_DIR, notebook_name

ASSETS = ("site.css", "language.js", "charts.js", "provenance.js", "search.js", "favicon.svg")
VEGA_BUNDLE = "vega.js"  # Vega, Vega-Lite and Vega-Embed, one script for every chart


CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def text_html(text: str, language: Language) -> str:
    """`text` escaped for a page in `language`; on a Chinese page, text written in English (a
    source's title, a locator with no translation) is marked `lang="en"`."""
    english = language.code != "en" and bool(re.search(r"[A-Za-z]", text)) and not CJK.search(text)
    return f'<span lang="en">{html.escape(text)}</span>' if english else html.escape(text)


def provenance_rows(rows: list[tuple[str, str]]) -> str:
    """A provenance note's rows: (label, value already in HTML)."""
    return "".join(f'<span class="provenance-row"><span class="provenance-key">{html.escape(k)}</span> '
                   f"{v}</span>" for k, v in rows)


def quote_html(stat: Statistic) -> str:
    """The source's words, escaped, marked with their language (they are never translated)."""
    return f'<q class="quote" lang="{html.escape(stat.quote_lang)}">{html.escape(stat.quote)}</q>'


def quote_link_html(stat: Statistic, language: Language) -> str:
    """A link to where the quote was read (its host as the label), and the date it was read."""
    host, accessed = quote_source(stat, language)
    return (f'<a class="quote-link" href="{html.escape(stat.quote_url)}" rel="noopener">{html.escape(host)}</a>'
            + (f' <span class="accessed">({html.escape(accessed)})</span>' if accessed else ""))


@dataclass(frozen=True)
class PageLink:
    href: str
    title: str
    number: str | None = None
    current: bool = False
    part_start: str | None = None


@dataclass(frozen=True)
class Alternate:
    code: str
    bcp47: str
    name: str
    href: str


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("reportkit", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        keep_trailing_newline=True, trim_blocks=False,
    )


class SiteWriter:
    def __init__(self, project: Project, staging: Path, titles: dict[str, dict[str, str]],
                 appendix: ChapterEntry | None, pdf_names: dict[str, str], changes_page: str | None = None,
                 nav: EditionNav | None = None):
        self.project = project
        self.staging = staging
        self.titles = titles  # language code -> chapter name -> title
        self.appendix = appendix  # the data & sources appendix, which statistics link to
        self.pdf_names = pdf_names  # language code -> PDF file name, for languages that have one
        self.changes_page = changes_page
        self.nav = nav or EditionNav(project.config.reportkit.edition)  # links between editions
        self.env = _environment()

    def provenance(self, markdown: str, language: Language, page: str) -> dict[str, Any]:
        """What filters/html.lua puts around each statistic and after each claim that the
        Markdown of `page` shows: provenance notes, links to the data & sources appendix."""
        registry = self.project.registry
        stats = {stat.id: self._stat_provenance(stat, language, page) for stat in registry
                 if f'data-stat="{stat.id}"' in markdown}
        claims = {claim_id: self._claim_provenance(self.project.claims[claim_id], language, page)
                  for claim_id in marked_claims(markdown) if claim_id in self.project.claims}
        return {"stats": stats, "claims": claims}

    def _appendix_href(self, language: Language, page: str, csv: str) -> str:
        """Where `page` links to for a row of the data & sources appendix (without one, of the CSV)."""
        return relative_href(page, self.appendix.page(language.code) if self.appendix else f"../data/{csv}")

    def _claim_provenance(self, claim: Claim, language: Language, page: str) -> dict[str, str]:
        """After a time-sensitive claim, when it was last checked: a small link to its row in the
        data & sources appendix, with a note (on hover and focus) giving the statement, source,
        date checked and date due for re-checking. `@N@`: the note's number on the page."""
        t = language.t
        source = re.sub(r"[{}]", "", self.project.bibliography.entries[claim.source]["title"])
        rows = [(t("claim"), html.escape(localized_field(claim, "statement", language, self.project))),
                (t("source"), text_html(source, language)),
                (t("claim-checked"), html.escape(language.date(claim.checked_on))),
                (t("claim-recheck"), html.escape(language.date(claim.recheck_by)))]
        checked = f"{t('claim-checked')} {language.date(claim.checked_on)}"
        target = f"{self._appendix_href(language, page, 'claims.csv')}#claim-{claim.id}"
        return {"after": f'<span class="stat-ref claim-ref"><a class="stat-link claim-link" href="{target}" '
                         f'data-checked="{claim.checked_on.isoformat()}" aria-label="{html.escape(checked)}" '
                         f'aria-describedby="claim-note-@N@"><span class="claim-mark" aria-hidden="true">⏱</span></a>'
                         f'<span class="provenance" role="tooltip" id="claim-note-@N@" data-pagefind-ignore>'
                         f"{provenance_rows(rows)}</span></span>"}

    def _stat_provenance(self, stat: Statistic, language: Language, page: str) -> dict[str, str]:
        """A statistic's provenance: a status class, and a note naming the measure, source,
        locator, status and the source's own words (with a link to where they were read) that
        shows on hover and on keyboard focus; the statistic links to its row in the data &
        sources appendix. Every registry string reaches the page escaped. `open` and `close`
        go around the statistic's text; `@N@`: the note's number on the page."""
        source = re.sub(r"[{}]", "", self.project.bibliography.entries[stat.source]["title"])
        t = language.t
        rows = [(t("measure"), html.escape(localized_field(stat, "measure", language, self.project))),
                (t("source"), text_html(source, language)),
                (t("locator"), text_html(localized_field(stat, "locator", language, self.project), language)),
                (t("status"), html.escape(t(f"status-{stat.status}")))]
        expired = stat.horizon is not None and stat.horizon < self.project.config.reportkit.edition
        if expired:
            rows.append(("⌛", html.escape(f"{t('horizon-passed')} ({stat.horizon})")))
        if stat.quote:
            rows.append((t("quote"), quote_html(stat)))
            rows.append((t("read-at"), quote_link_html(stat, language)))
        classes = f"stat stat-{stat.status}" + (" stat-expired" if expired else "")
        target = f"{self._appendix_href(language, page, 'statistics.csv')}#stat-{stat.id}"
        return {"open": f'<span class="stat-ref"><a class="stat-link" href="{target}">'
                        f'<span class="{classes}" data-stat="{stat.id}" data-status="{stat.status}" '
                        'aria-describedby="provenance-@N@">',
                "close": '</span></a><span class="provenance" role="tooltip" id="provenance-@N@" '
                         f"data-pagefind-ignore>{provenance_rows(rows)}</span></span>"}

    def _links(self, language: Language, current: str) -> list[PageLink]:
        """The book's chapters as seen from the page `current`."""
        titles = self.titles[language.code]
        parts = self.project.parts(language)
        links = []
        previous_part: str | None = None
        for e in self.project.chapters:
            part = parts.get(e.name)
            part_start = part if part and part != previous_part else None
            previous_part = part
            page = e.page(language.code)
            links.append(PageLink(relative_href(current, page), titles[e.name], e.number, page == current,
                                  part_start))
        return links

    def _render(self, language: Language, pages: dict[str, str], title: str, number: str | None, toc: str,
                body: str, notice: str | None, prev: PageLink | None, next_: PageLink | None,
                notebook: str | None = None) -> Path:
        """Write the page `pages[language.code]`; `pages` is the same page in every language
        (paths relative to each language's folder)."""
        page = pages[language.code]
        root = relative_href(page, "..") + "/"  # the site's root, from this page

        def link(to: str) -> str:
            return relative_href(page, to)

        alternates = [Alternate(lang.code, lang.bcp47, lang.name, f"{root}{lang.code}/{pages[lang.code]}")
                      for lang in self.project.languages]
        pdf = self.pdf_names.get(language.code)
        html_text = self.env.get_template("page.html").render(
            lang=language, book_title=self.project.book(language).title, page_title=title, number=number,
            toc=toc, body=body, notice=notice, chapters=self._links(language, page), alternates=alternates,
            root=root, home=link("index.html"), prev=prev, next=next_, edition=self.project.config.reportkit.edition,
            as_of=language.as_of(self.project.config.reportkit.as_of), is_home=page == "index.html",
            version=__version__, pdf=link(pdf) if pdf else None,
            changes=link(self.changes_page) if self.changes_page else None,
            charts='class="vega-chart"' in body,
            notebook=f"{root}{notebook}" if notebook else None, edition_notice=self.nav.notice(language, page),
            editions=self.nav.editions_href(language, page), editions_label=language.t("archive-editions"),
            edition_filter=language.t("edition") if self.nav.searchable else None,
            archived_label=language.t("archive-result"),
        )
        path = self.staging / language.code / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html_text, encoding="utf-8")
        return path

    def write_page(self, language: Language, entry: ChapterEntry, toc: str, body: str,
                   notice: str | None = None) -> Path:
        links = self._links(language, entry.page(language.code))
        position = self.project.chapters.index(entry)
        pages = {lang.code: entry.page(lang.code) for lang in self.project.languages}
        return self._render(language, pages, self.titles[language.code][entry.name], entry.number,
                            toc, body, notice, links[position - 1] if position > 0 else None,
                            links[position + 1] if position + 1 < len(links) else None,
                            f"{NOTEBOOKS_DIR}/{notebook_name(entry, language.code)}")

    def write_extra_page(self, language: Language, page: str, title: str, toc: str, body: str) -> Path:
        """A page outside the book (e.g. what changed since the last edition)."""
        return self._render(language, {lang.code: page for lang in self.project.languages}, title, None,
                            toc, body, None, None, None)

    def write_common(self, cache: BuildCache) -> None:
        assets = self.staging / "assets"
        assets.mkdir(parents=True, exist_ok=True)
        for name in ASSETS:
            (assets / name).write_bytes(resources.files("reportkit").joinpath("assets", name).read_bytes())
        key = digest("vega-bundle", environment())
        cached = cache.get_bytes("asset", key)
        try:
            bundle = cached.decode("utf-8") if cached else None
        except UnicodeDecodeError:  # not the script it should be: make it again
            bundle = None
        if bundle is None:
            bundle = vega_bundle()
            cache.put_bytes("asset", key, bundle.encode("utf-8"))
        (assets / VEGA_BUNDLE).write_text(bundle, encoding="utf-8")
        publish_datasets(self.project.data_dir, self.project.bibliography, self.staging / "data",
                         self.project.config.reportkit.slug, self.project.book(self.project.source_language).title)
        chooser = self.env.get_template("chooser.html").render(
            books=[(lang, self.project.book(lang)) for lang in self.project.languages],
            as_of=self.project.config.reportkit.as_of,
        )
        (self.staging / "index.html").write_text(chooser, encoding="utf-8")


def vega_bundle() -> str:
    import vl_convert

    return str(vl_convert.javascript_bundle())  # type: ignore[call-arg]  # the snippet is optional


@contextmanager
def staging_dir(output: Path) -> Iterator[Path]:
    """A fresh folder beside `output` to build into; removed unless published. A file that
    cannot be written there (full disk, read-only folder) stops the build as an OutputError.
    What a killed build left behind is tidied first (see :func:`recover`)."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        recover(output)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.build-{os.getpid()}-", dir=output.parent))
    except OSError as err:
        raise OutputError(f"cannot create a staging folder here: {err.strerror or err}", output.parent) from None
    try:
        yield staging
    except OSError as err:
        raise OutputError(f"cannot write the site: {_reason(err)}; the previous site is unchanged", output) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _reason(err: OSError) -> str:
    """What went wrong, without paths (the staging folder's name means nothing to users)."""
    if err.strerror:
        return err.strerror
    found = re.search(r"\[Errno \d+\] ([^:'\]]+)", str(err))  # shutil.Error lists each file's error
    return found.group(1) if found else type(err).__name__


def recover(output: Path) -> None:
    """Undo what a build killed mid-way (SIGKILL, power loss) left: staging folders of processes
    that no longer run, and a site moved aside by a publish that did not finish."""
    for folder in output.parent.glob(f".{output.name}.build-*"):
        pid = folder.name.removeprefix(f".{output.name}.build-").partition("-")[0]
        if not (pid.isdigit() and _running(int(pid))):
            shutil.rmtree(folder, ignore_errors=True)
    previous = output.with_name(f".{output.name}.previous")
    if previous.is_dir() and not output.exists():
        os.replace(previous, output)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def publish(staging: Path, output: Path) -> None:
    """Replace `output` by `staging`; the old site is only removed once the new one is in place
    (and put back if the new one cannot be)."""
    previous = output.with_name(f".{output.name}.previous")
    shutil.rmtree(previous, ignore_errors=True)
    had_output = output.exists()
    if had_output:
        os.replace(output, previous)
    try:
        os.replace(staging, output)
    except OSError:
        if had_output:
            os.replace(previous, output)
        raise
    shutil.rmtree(previous, ignore_errors=True)
