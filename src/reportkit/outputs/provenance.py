"""Provenance notes: what the reader sees around each statistic and after each time-sensitive
claim (a link to its row in the data & sources appendix, and a note on hover and focus saying
what it measures, its source, locator, status and the source's own words). `filters/html.lua`
puts them in the page; every registry string reaches the page escaped."""

from __future__ import annotations

import html
import re

from reportkit.api.stats import localized_field
from reportkit.config.project import ChapterEntry, Project, relative_href
from reportkit.evidence.claims import Claim, marked_claims
from reportkit.evidence.registry import Statistic, quote_source
from reportkit.i18n import Language

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


class ProvenanceNotes:
    def __init__(self, project: Project, appendix: ChapterEntry | None):
        self.project = project
        self.appendix = appendix  # the data & sources appendix, which statistics link to

    def for_page(self, markdown: str, language: Language, page: str) -> dict[str, dict[str, dict[str, str]]]:
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
