"""Generated appendix content: the data & sources table and the editorial note.

Called from chapter cells (``statistics_table()``, ``corrections_table()``,
``status_summary()``); the text comes from ``data/``, never typed. Output is
pandoc Markdown inside a ``.generated`` div, which `reportkit check` treats as
data rather than prose.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportkit.api.stats import (
    Stat,
    current_data_dir,
    current_language,
    current_project,
    current_registry,
    localize,
    localized_field,
    project_if_any,
)
from reportkit.config.project import CHAPTERS_DIR, ChapterEntry, Project, relative_href
from reportkit.errors import ChapterSyntaxError, RegistryError
from reportkit.evidence.claims import Claims, marked_claims
from reportkit.evidence.registry import STATUSES, Statistic, fill_placeholders, quote_source
from reportkit.i18n import LANGUAGES, Language
from reportkit.markup import escape_markdown
from reportkit.textfile import csv_rows, read_text

STAT_CALL = re.compile(r"""stat\(\s*["']([a-z0-9-]+)["']\s*\)""")
CORRECTIONS_FILE = "corrections.csv"
USAGE_ENV = "REPORTKIT_STAT_USAGE"


@dataclass(frozen=True)
class MarkdownBlock:
    text: str

    def _repr_markdown_(self) -> str:
        return self.text


def _cell(markdown: str) -> str:
    return " ".join(markdown.split())


def _text(text: str, language: Language, row: Statistic | None = None) -> str:
    """Source-language text from data/ for `language`, placeholders filled, as Markdown text."""
    return escape_markdown(fill_placeholders(localize(text, language, project_if_any()), current_registry(),
                                             language, row))


def _quote(stat: Statistic, language: Language) -> str:
    """The source's words in their own language, and where and when they were read."""
    if not stat.quote:
        return ""
    host, accessed = quote_source(stat, language)
    url = stat.quote_url.replace("(", "%28").replace(")", "%29")
    return (f' [{escape_markdown(stat.quote)}]{{.quote lang="{stat.quote_lang}"}}'
            f" [{escape_markdown(host)}]({url}){{.quote-link}} ({escape_markdown(accessed)})")


def _field(stat: Statistic, name: str, language: Language) -> str:
    """A registry text field for `language`, as Markdown text."""
    return escape_markdown(localized_field(stat, name, language, project_if_any()))


def _table(header: list[str], rows: list[list[str]]) -> MarkdownBlock:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return MarkdownBlock("::: {.generated}\n" + "\n".join(lines) + "\n:::")


def statistic_usage(project: Project) -> dict[str, Any]:
    """Which chapters show which statistics (source language, book order), how each chapter is
    numbered, and the titles of the unnumbered pages per language: all the data & sources table
    needs to know of the chapters (so it reads no chapter file, and a chapter edit that changes
    none of this does not re-run it)."""
    from reportkit.chapters.reader import parse

    usage: dict[str, list[str]] = {}
    claims: dict[str, list[str]] = {}
    titles: dict[str, dict[str, str]] = {}
    for entry in project.chapters:
        text = read_text(project.chapter_path(entry, project.source_language), ChapterSyntaxError)
        for stat_id in dict.fromkeys(STAT_CALL.findall(text)):
            usage.setdefault(stat_id, []).append(entry.name)
        for claim_id in dict.fromkeys(marked_claims(text)):
            claims.setdefault(claim_id, []).append(entry.name)
        if entry.number is None:
            for language in project.languages:
                path = project.chapter_path(entry, language)
                if path.is_file():
                    titles.setdefault(language.code, {})[entry.name] = parse(path).title
    chapters = [[entry.name, entry.number, entry.appendix] for entry in project.chapters]
    return {"usage": usage, "claims": claims, "titles": titles, "chapters": chapters}


@cache
def _usage(root: Path, language_code: str, kind: str = "usage") -> dict[str, list[tuple[str, str]]]:
    """Statistic id (with `kind="claims"`: claim id) -> [(chapter number or title, page)] in book
    order. The embedded engine writes what this needs to a small file (so a chapter edit that
    changes no statistic or claim leaves this appendix's inputs, and its cache entry, as they
    were); otherwise the chapters are read."""
    project = current_project()
    language = LANGUAGES[language_code]
    recorded = os.environ.get(USAGE_ENV)
    if recorded and Path(recorded).is_file():
        data = json.loads(Path(recorded).read_text(encoding="utf-8"))
    else:
        data = statistic_usage(project)
    entries = {name: ChapterEntry(name, number, appendix) for name, number, appendix in data["chapters"]}
    out: dict[str, list[tuple[str, str]]] = {}
    for stat_id, names in data.get(kind, {}).items():
        for name in names:
            entry = entries[name]
            if entry.number is None:
                label = data["titles"].get(language.code, {}).get(name, entry.stem)
            elif language.code.startswith("zh") and not entry.appendix:
                label = f"第 {entry.number} 章"
            else:
                label = f"{language.t('appendix' if entry.appendix else 'chapter')} {entry.number}"
            # a link as Quarto reads it: relative to the appendix's file, in chapters/<lang>/
            link = relative_href(f"{CHAPTERS_DIR}/{language.code}/appendix.qmd", entry.source(language.code))
            out.setdefault(stat_id, []).append((label, link))
    return out


def _scope(stat: Statistic, language: Language) -> str:
    territories = language.locale.territories
    parts = [_field(stat, "population", language)]
    if stat.geography:
        sep = "、" if language.code.startswith("zh") else ", "
        parts.append(escape_markdown(sep.join(territories.get(code, code) for code in stat.geography.split())))
    if stat.period:
        parts.append(escape_markdown(stat.period))
    if stat.horizon:
        parts.append(f"→ {stat.horizon}")
    return "；".join(p for p in parts if p) if language.code.startswith("zh") else "; ".join(
        p for p in parts if p)


def statistics_table() -> MarkdownBlock:
    """Every statistic: value, measure, scope, source and locator, status, where used."""
    language = current_language()
    registry = current_registry()
    project = project_if_any()
    usage = _usage(project.root, language.code) if project else {}  # outside the project: not known
    t = language.t
    header = [t("value"), t("measure"), t("source"), t("status"), t("used-in")]
    rows = []
    for stat in registry:
        value = Stat(stat, language)._repr_markdown_()
        measure = f"**{_field(stat, 'measure', language)}**；{_scope(stat, language)}"
        source = f"[@{stat.source}]；{_field(stat, 'locator', language)}{_quote(stat, language)}"
        status = f"[{t('status-' + stat.status)}]{{.status .status-{stat.status}}}"
        note = _field(stat, "note", language)
        if note:
            status += f"{language.t('label-separator')}{note}"
        used = "、".join(f"[{escape_markdown(label)}]({page}){{.xref}}" for label, page in usage.get(stat.id, []))
        # the id on a span around the value: a typst label needs something to attach to
        rows.append([f"[{value}]{{#stat-{stat.id}}}", measure, source, status, used])
    return _table(header, rows)


def claims_table() -> MarkdownBlock:
    """Every time-sensitive claim: what it states, its source, when it was last checked, when it
    must be checked again, and where the chapters make it."""
    language = current_language()
    project = project_if_any()
    usage = _usage(project.root, language.code, "claims") if project else {}  # outside the project: not known
    t = language.t
    header = [t("claim"), t("source"), t("claim-checked"), t("claim-recheck"), t("used-in")]
    sep = "、" if language.code.startswith("zh") else ", "
    rows = []
    for claim in project.claims if project else Claims.load(current_data_dir()):
        used = sep.join(f"[{label}]({page}){{.xref}}" for label, page in usage.get(claim.id, []))
        rows.append([f"[]{{#claim-{claim.id}}}{localized_field(claim, 'statement', language, project)}",
                     f"[@{claim.source}]", language.date(claim.checked_on), language.date(claim.recheck_by), used])
    return _table(header, rows)


def status_summary() -> MarkdownBlock:
    """How many statistics are confirmed, differ from the draft, or are unverified."""
    language = current_language()
    counts = Counter(stat.status for stat in current_registry())
    rows = [[language.t(f"status-{s}"), str(counts.get(s, 0))]
            for s in STATUSES]
    return _table([language.t("status"), "n"], rows)


def draft_differences() -> MarkdownBlock:
    """The draft's statistics that needed a change or a note: the draft's wording, the value this
    report shows (the source's where it differs; still the draft's where unverified), status, why."""
    language = current_language()
    rows = []
    for stat in current_registry():
        if stat.status == "confirmed" and not stat.note:
            continue
        if not stat.draft:
            continue
        rows.append([
            _text(stat.draft, language, stat),
            Stat(stat, language)._repr_markdown_() + " " + _field(stat, "measure", language)
            + f" [@{stat.source}]",
            language.t(f"status-{stat.status}"),
            _field(stat, "note", language),
        ])
    zh = language.code.startswith("zh")
    header = (["初稿寫法", "本報告採用的數值", "查核狀態", "說明"] if zh else
              ["Draft wording", "Value used in this report", "Status", "Note"])
    return _table([_text(h, language) for h in header], rows)


def corrections_table() -> MarkdownBlock:
    """Non-numeric corrections of the draft, from ``data/corrections.csv``."""
    language = current_language()
    path = current_data_dir() / CORRECTIONS_FILE
    records = csv_rows(path, RegistryError)
    zh = language.code.startswith("zh")
    rows = []
    for r in records:
        corrected = _text(r["corrected"] if zh else r["note_en"], language)
        rows.append([_text(r["section"], language), _text(r["draft"], language),
                     corrected + f" [@{r['source']}]" if r.get("source") else corrected])
    header = ["章節", "初稿寫法", "更正"] if zh else ["Section", "Draft wording", "Correction"]
    return _table([_text(h, language) for h in header], rows)
