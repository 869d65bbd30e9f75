"""The published site's pages around pandoc's HTML (navigation, language switcher, edition
links), the language chooser and the assets. `provenance` writes the notes around statistics;
`publishing` swaps the finished site in."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from reportkit import __version__
from reportkit.config.project import ChapterEntry, Project, relative_href
from reportkit.evidence.datapackage import publish_datasets
from reportkit.i18n import Language
from reportkit.outputs.archive import EditionNav
from reportkit.outputs.provenance import ProvenanceNotes

VEGA_BUNDLE = "vega.js"  # Vega, Vega-Lite and Vega-Embed, one script for every chart (see vega_bundle)
VEGA_NOTICES = VEGA_BUNDLE + ".LICENSE.txt"  # the licences of the npm packages in it, published beside it
ASSETS = ("site.css", "language.js", "charts.js", "provenance.js", "search.js", "favicon.svg", VEGA_BUNDLE,
          VEGA_NOTICES)


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
        self.provenance = ProvenanceNotes(project, appendix)
        self.pdf_names = pdf_names  # language code -> PDF file name, for languages that have one
        self.changes_page = changes_page
        self.nav = nav or EditionNav(project.config.reportkit.edition)  # links between editions
        self.env = _environment()

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
        # here, not at the top: the notebooks module loads jupytext (and jupyter_client with it)
        from reportkit.outputs.notebooks import NOTEBOOKS_DIR, notebook_name

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

    def write_common(self) -> None:
        assets = self.staging / "assets"
        assets.mkdir(parents=True, exist_ok=True)
        for name in ASSETS:
            (assets / name).write_bytes(resources.files("reportkit").joinpath("assets", name).read_bytes())
        publish_datasets(self.project.data_dir, self.project.bibliography, self.staging / "data",
                         self.project.config.reportkit.slug, self.project.book(self.project.source_language).title)
        chooser = self.env.get_template("chooser.html").render(
            books=[(lang, self.project.book(lang)) for lang in self.project.languages],
            as_of=self.project.config.reportkit.as_of,
        )
        (self.staging / "index.html").write_text(chooser, encoding="utf-8")


def vega_bundle() -> str:
    """The Vega runtime as vl-convert bundles it: what `assets/vega.js` holds. It is shipped with
    the package, not bundled by each build: bundling costs ~2.4 s of CPU (a cold build's
    largest item outside pandoc, typst and the kernels) and gives the same script for a given
    vl-convert (pinned in pyproject.toml). After upgrading vl-convert, write it again:
    `python -c "from reportkit.outputs.website import write_vega_bundle; write_vega_bundle()"`,
    then its licence notices (see write_vega_bundle); tests/unit/test_vega_bundle.py fails until then."""
    import vl_convert

    return str(vl_convert.javascript_bundle())  # type: ignore[call-arg]  # the snippet is optional


def write_vega_bundle() -> Path:
    """Write `assets/vega.js` of the source tree from the installed vl-convert; its path.

    The bundle keeps no licence comments: `assets/vega.js.LICENSE.txt` (published beside it in
    every site) lists each npm package in it with its version, licence and licence text. After
    writing the bundle of a new vl-convert, write the notices again with
    `python tools/vega_notices.py` (a development tool: it needs npm and the network; the build
    never runs it). tests/unit/test_vega_bundle.py fails while the notices are stale."""
    path = Path(__file__).parent.parent / "assets" / VEGA_BUNDLE
    path.write_text(vega_bundle(), encoding="utf-8")
    return path
