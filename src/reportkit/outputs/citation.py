"""How to cite an edition: `CITATION.cff` for the repository, and a "How to cite this edition"
block for each language's home page and PDF.

Everything comes from the configuration: the source language's book (title, authors), the
edition, its `as-of` date and `reportkit: site-url:`. An edition is cited at its permanent
address, `<site-url>editions/<year>/<lang>/`. Without a site URL no URL is given: reportkit
never invents one.

The block is written by citeproc (pandoc `--citeproc`) with the style and CSL locale the
report cites its own sources in (pandoc's default, Chicago author-date; `lang` zh-TW, zh-CN,
en), so the edition is cited the way the report cites every work, in each language's
conventions: `reportkit 編輯團隊. 2026年. *標題*. 2026 年版. <URL>.`
"""

from __future__ import annotations

import json
import re

import yaml

from reportkit.config.project import Project
from reportkit.execution.cache import BuildCache, digest, environment
from reportkit.i18n import LANGUAGES, Language
from reportkit.outputs.archive import ARCHIVE_DIR
from reportkit.tools import pandoc

CFF_FILE = "CITATION.cff"
CFF_VERSION = "1.2.0"
REFERENCE_ID = "this-edition"
CITE_ANCHOR = "cite-this-edition"

ENTRY = re.compile(rf"^::: \{{#ref-{REFERENCE_ID} [^}}]*\}}\n(.*?)\n:::$", re.M | re.S)


def edition_url(site_url: str | None, year: int, language: Language | None = None) -> str | None:
    """The permanent address of an edition (in one language) under `site_url` (None without one):
    `editions/<year>/`, where the latest edition forwards to the usual addresses and an earlier
    one is published (archive.py)."""
    if not site_url:
        return None
    return f"{site_url}{ARCHIVE_DIR}/{year}/" + (f"{language.code}/" if language else "")


def csl_reference(project: Project, language: Language, url: str | None) -> dict[str, object]:
    """The edition as a CSL-JSON item, in `language`."""
    rk = project.config.reportkit
    book = project.book(language)
    item: dict[str, object] = {
        "id": REFERENCE_ID, "type": "report", "title": book.title,
        "author": [{"literal": name} for name in book.authors],
        "issued": {"date-parts": [[rk.edition]]},
        "edition": language.t("edition-year").format(year=rk.edition),
    }
    if url:
        item["URL"] = url
    return item


def citation_entry(project: Project, language: Language, url: str | None, cache: BuildCache) -> str:
    """The bibliography entry of this edition in `language`, as Markdown (citeproc's output)."""
    metadata = {"lang": language.csl, "nocite": f"@{REFERENCE_ID}",
                "references": [csl_reference(project, language, url)]}
    stdin = f"---\n{json.dumps(metadata, ensure_ascii=False)}\n---\n"
    key = digest("citation", stdin, environment())
    cached = cache.get_json("citation", key)
    if isinstance(cached, str):
        return cached
    out = pandoc.run(["-f", "markdown", "-t", "markdown", "--citeproc", "--wrap=none"], stdin=stdin,
                     what=project.root / "_quarto.yml")
    found = ENTRY.search(out)
    entry = found.group(1).strip() if found else ""
    cache.put_json("citation", key, entry)
    return entry


def citation_section(project: Project, language: Language, site_url: str | None, cache: BuildCache) -> str:
    """The "How to cite this edition" section (Markdown) closing the home page and the PDF's
    summary: the citation, then the date the edition's research is current to."""
    url = edition_url(site_url, project.config.reportkit.edition, language)
    entry = citation_entry(project, language, url, cache)
    as_of = language.as_of(project.config.reportkit.as_of)
    return (f"\n\n## {language.t('cite-heading')} {{#{CITE_ANCHOR} .unnumbered}}\n\n"
            f"::: {{.edition-citation}}\n{entry}\n\n{as_of}\n:::\n")


def cff_text(project: Project) -> str:
    """`CITATION.cff` (Citation File Format 1.2.0) for the report's current edition."""
    rk = project.config.reportkit
    source = project.source_language
    book = project.book(source)
    languages = list(dict.fromkeys(lang.code.split("-")[0] for lang in project.languages))  # ISO 639-1
    authors = [{"name": name} for name in book.authors]
    reference: dict[str, object] = {
        "type": "report", "title": book.title, "authors": [dict(a) for a in authors], "year": rk.edition,
        "edition": LANGUAGES["en"].t("edition-year").format(year=rk.edition), "languages": languages,
        "notes": f"Research current to {rk.as_of.isoformat()}.",
    }
    data: dict[str, object] = {
        "cff-version": CFF_VERSION,
        "message": "If you cite this report, please cite the edition you read as below.",
        "title": book.title, "authors": authors, "version": str(rk.edition),
    }
    if rk.site_url:
        data["url"], reference["url"] = rk.site_url, edition_url(rk.site_url, rk.edition)
    data["keywords"] = [rk.slug]
    data["preferred-citation"] = reference
    header = (f"# Written by `reportkit citation` from _quarto.yml and _quarto-{source.code}.yml; "
              "do not edit by hand.\n")
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
