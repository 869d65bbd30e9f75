"""Editions: what changed between this edition and another git revision.

Both sides are read from git (`git show <ref>:<path>`) or the working tree, never
by checking anything out. The comparison covers the registry (statistics added,
removed, changed: value, unit or source), the works cited, and, per language,
the sentences whose figures changed, shown before and after with each side's
values formatted as readers saw them.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path, PurePosixPath
from typing import Any

from reportkit.chapters.reader import CITATION
from reportkit.config.model import CONFIG_FILE, LanguageProfile, M, QuartoConfig, profile_file, read_model
from reportkit.config.project import CHAPTERS_DIR, DATA_DIR, HOME, ChapterEntry, Project, chapter_paths
from reportkit.errors import EditionError
from reportkit.evidence.claims import CLAIMS_FILE, Claims
from reportkit.evidence.numbers import format_change, format_value
from reportkit.evidence.registry import REGISTRY_FILE, Registry, Statistic
from reportkit.i18n import LANGUAGES, Language
from reportkit.markup import escape_markdown

SAME_SENTENCE = 0.6  # wording similarity above which an old and a new sentence are one sentence edited
STAT_CALL = re.compile(r"""`\{python\}\s*stat\(\s*["']([a-z0-9-]+)["']\s*\)\s*`""")
TAG_PREFIX = "edition-"


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        raise EditionError(f"git {' '.join(args)}: {proc.stderr.strip().splitlines()[-1] if proc.stderr else ''}",
                           root)
    return proc.stdout


@dataclass
class Snapshot:
    """The sources of one revision of the report."""

    label: str
    edition: int
    registry: Registry
    chapters: dict[tuple[str, str], str]  # (language, file name) -> source text
    claims: Claims = field(default_factory=lambda: Claims(Path(CLAIMS_FILE), []))


def _chapters_of(read: Any, names: list[str], project: Project) -> dict[tuple[str, str], str]:
    texts = {}
    for language in project.languages:
        if project.is_generated(language):
            continue
        for name in names:
            # the home page moved from chapters/<lang>/index.qmd to index.<lang>.qmd (Quarto's rule)
            paths = (ChapterEntry(name, None, False).source(language.code), f"{CHAPTERS_DIR}/{language.code}/{name}")
            text = next((t for t in map(read, paths) if t is not None), None)
            if text is not None:
                texts[(language.code, name)] = text
    return texts


def working_tree(project: Project) -> Snapshot:
    def read(path: str) -> str | None:
        file = project.root / path
        return file.read_text(encoding="utf-8") if file.is_file() else None

    names = [e.name for e in project.chapters]
    return Snapshot("working tree", project.config.reportkit.edition,
                    project.registry, _chapters_of(read, names, project), project.claims)


def _read_config(read: Callable[[str], str | None], root: Path, path: str, model: type[M]) -> M:
    """A configuration file of another revision, read by the same strict reader as this one's."""
    text = read(path)
    if text is None:
        raise EditionError(f"the revision has no {path}", root / path)
    return read_model(root / path, model, text)[0]


def at_revision(project: Project, ref: str) -> Snapshot:
    root = project.root
    git(root, "rev-parse", "--verify", f"{ref}^{{commit}}")
    listed = set(git(root, "ls-tree", "-r", "--name-only", ref).splitlines())

    def read(path: str) -> str | None:
        return git(root, "show", f"{ref}:{path}") if path in listed else None

    registry_path = f"{DATA_DIR}/{REGISTRY_FILE}"
    text = read(registry_path)
    if text is None:
        raise EditionError(f"{ref} has no {registry_path}", root)
    edition = _read_config(read, root, CONFIG_FILE, QuartoConfig).reportkit.edition
    profile = _read_config(read, root, profile_file(project.source_language.code), LanguageProfile)
    names = [HOME if PurePosixPath(path).name.startswith("index.") else PurePosixPath(path).name
             for path, *_ in chapter_paths(profile.book)]
    claims_path = f"{DATA_DIR}/{CLAIMS_FILE}"
    claims_text = read(claims_path)
    claims = (Claims.parse(claims_text, root / claims_path) if claims_text is not None
              else Claims(root / claims_path, []))
    return Snapshot(ref, edition, Registry.parse(text, root / registry_path), _chapters_of(read, names, project),
                    claims)


# Differences are stored rounded to this many significant decimals: enough for any
# registry value, and free of binary float noise (0.58 - 0.56 is 0.02, not 0.020000000000000018).
CLEAN_DIGITS = 10


def _clean(value: float | None) -> float | None:
    return None if value is None else round(value, CLEAN_DIGITS) + 0.0


@dataclass
class StatisticChange:
    id: str
    change: str  # added | removed | changed
    unit: str
    decimals: int
    old: float | None = None
    new: float | None = None
    absolute: float | None = None  # new - old, in base units
    points: float | None = None  # for percentages: the change in percentage points
    relative: float | None = None
    old_source: str | None = None
    new_source: str | None = None

    @property
    def source_changed(self) -> bool | None:
        """Whether the source changed; None when the statistic was added or removed."""
        return self.old_source != self.new_source if self.change == "changed" else None

    def shown(self, value: float | None, language: Language) -> str:
        """A side's value as readers saw it in `language` ("—" where there is none)."""
        return "—" if value is None else format_value(value, self.unit, self.decimals, language)

    def shown_change(self, language: Language) -> str:
        """The absolute change as readers would read it (percentage points for percentages)."""
        if self.absolute is None:
            return "—"
        return format_change(self.absolute, self.unit, self.decimals, language)

    def shown_relative(self) -> str:
        return "—" if self.relative is None else f"{self.relative:+.1%}"


@dataclass
class ClaimChange:
    id: str
    change: str  # added | removed | changed
    kind: str
    statement: str  # the statement as the newer side has it (the older for a removed claim)
    fields: list[str] = field(default_factory=list)  # what changed: statement, source, checked_on, ...
    old_checked_on: str | None = None
    new_checked_on: str | None = None


@dataclass
class SentenceChange:
    language: str
    chapter: str
    statistics: list[str]
    before: str | None
    after: str | None


@dataclass
class EditionDiff:
    base: str
    base_edition: int
    edition: int
    statistics: list[StatisticChange] = field(default_factory=list)
    citations_added: list[str] = field(default_factory=list)
    citations_removed: list[str] = field(default_factory=list)
    sentences: list[SentenceChange] = field(default_factory=list)
    claims: list[ClaimChange] = field(default_factory=list)

    def to_json(self) -> str:
        data = asdict(self)
        for item, change in zip(data["statistics"], self.statistics, strict=True):
            item["source_changed"] = change.source_changed
        return json.dumps(data, ensure_ascii=False, indent=2)

    @property
    def empty(self) -> bool:
        return not (self.statistics or self.citations_added or self.citations_removed or self.claims)


def _changed(old: Statistic, new: Statistic) -> bool:
    return (old.value, old.value_high, old.unit, old.source) != (new.value, new.value_high, new.unit, new.source)


def compare_statistics(old: Registry, new: Registry) -> list[StatisticChange]:
    changes = []
    for stat in new:
        if stat.id not in old:
            changes.append(StatisticChange(stat.id, "added", stat.unit, stat.decimals, new=stat.value,
                                           new_source=stat.source))
        elif _changed(old[stat.id], stat):
            before = old[stat.id]
            absolute = _clean(stat.value - before.value)
            changes.append(StatisticChange(
                stat.id, "changed", stat.unit, stat.decimals, before.value, stat.value, absolute,
                _clean(absolute * 100) if stat.unit == "percent" and absolute is not None else None,
                _clean((stat.value - before.value) / before.value) if before.value else None,
                before.source, stat.source,
            ))
    changes += [StatisticChange(stat.id, "removed", stat.unit, stat.decimals, old=stat.value, old_source=stat.source)
                for stat in old if stat.id not in new]
    return changes


CLAIM_FIELDS = ("statement", "statement_en", "source", "checked_on", "recheck_by", "kind")


def compare_claims(old: Claims, new: Claims) -> list[ClaimChange]:
    """Claims added, removed, and changed (any field: re-checked, re-worded, re-sourced)."""
    changes = [ClaimChange(c.id, "added", c.kind, c.statement_en, new_checked_on=c.checked_on.isoformat())
               for c in new if c.id not in old]
    for claim in new:
        if claim.id in old:
            before = old[claim.id]
            fields = [f for f in CLAIM_FIELDS if getattr(before, f) != getattr(claim, f)]
            if fields:
                changes.append(ClaimChange(claim.id, "changed", claim.kind, claim.statement_en, fields,
                                           before.checked_on.isoformat(), claim.checked_on.isoformat()))
    changes += [ClaimChange(c.id, "removed", c.kind, c.statement_en, old_checked_on=c.checked_on.isoformat())
                for c in old if c.id not in new]
    return changes


def cited(snapshot: Snapshot, language: str) -> set[str]:
    return {m.group("key") for (lang, _), text in snapshot.chapters.items() if lang == language
            for m in CITATION.finditer(text) if m.group("key").split("-")[0] not in ("sec", "fig", "tbl")}


def _sentences(text: str, language: Language) -> list[str]:
    body = re.sub(r"```.*?```", "", text, flags=re.S)
    splitter = r"(?<=[。！？])" if language.code.startswith("zh") else r"(?<=[.!?])\s+(?=[A-Z*(\[`])"
    out = []
    for paragraph in re.split(r"\n\s*\n", body):
        out += [s.strip() for s in re.split(splitter, " ".join(paragraph.split())) if s.strip()]
    return out


def readable(sentence: str, registry: Registry, language: Language) -> str:
    """A sentence as readers saw it: statistics formatted, citations and markup removed."""
    def value(match: re.Match[str]) -> str:
        stat_id = match.group(1)
        return registry[stat_id].format(language) if stat_id in registry else f"[{stat_id}]"

    text = STAT_CALL.sub(value, sentence)
    text = re.sub(r"\s*\[@[^\]]*\]", "", text)
    text = re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", text)
    return re.sub(r"\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)", "", text).strip()


def _pair(before: list[str], after: list[str]) -> list[tuple[str | None, str | None]]:
    """Old and new sentences matched by their wording (statistics masked); the rest stand alone."""
    def skeleton(sentence: str) -> str:
        return STAT_CALL.sub("§", sentence)

    pairs: list[tuple[str | None, str | None]] = []
    left = list(after)
    for old in before:
        scored = [(SequenceMatcher(None, skeleton(old), skeleton(new)).ratio(), new) for new in left]
        score, best = max(scored, default=(0.0, None))
        if best is not None and score >= SAME_SENTENCE:
            left.remove(best)
        pairs.append((old, best if score >= SAME_SENTENCE else None))
    return pairs + [(None, new) for new in left]


def compare_sentences(old: Snapshot, new: Snapshot, ids: set[str], project: Project) -> list[SentenceChange]:
    out: list[SentenceChange] = []
    for language in project.languages:
        origin = project.origin(language).code if project.is_generated(language) else language.code
        names = sorted({name for (lang, name) in {**old.chapters, **new.chapters} if lang == origin})
        for name in names:
            sides = []
            for snapshot in (old, new):
                text = snapshot.chapters.get((origin, name), "")
                if origin != language.code:
                    text = project.localize(text, language)
                sides.append(_sentences(text, language))
            for before, after in _pair(*(
                    [x for x in side if ids & set(STAT_CALL.findall(x))] for side in sides)):
                shown = (readable(before, old.registry, language) if before else None,
                         readable(after, new.registry, language) if after else None)
                if shown[0] != shown[1]:
                    stats = sorted(set(STAT_CALL.findall(before or "")) | set(STAT_CALL.findall(after or "")))
                    out.append(SentenceChange(language.code, name, stats, *shown))
    return out


def compare(project: Project, base: str) -> EditionDiff:
    """The working tree's edition compared with the revision `base`."""
    old, new = at_revision(project, base), working_tree(project)
    stats = compare_statistics(old.registry, new.registry)
    source = project.source_language.code
    result = EditionDiff(base, old.edition, new.edition, stats,
                         sorted(cited(new, source) - cited(old, source)),
                         sorted(cited(old, source) - cited(new, source)))
    result.sentences = compare_sentences(old, new, {c.id for c in stats}, project)
    result.claims = compare_claims(old.claims, new.claims)
    return result


def previous_edition_tag(project: Project) -> str | None:
    """The newest `edition-YYYY` tag older than this edition, when the project is a git repository."""
    try:
        tags = git(project.root, "tag", "--list", f"{TAG_PREFIX}*").split()
    except (EditionError, OSError):
        return None
    years = sorted(int(t.removeprefix(TAG_PREFIX)) for t in tags if t.removeprefix(TAG_PREFIX).isdigit())
    older = [y for y in years if y < project.config.reportkit.edition]
    return f"{TAG_PREFIX}{older[-1]}" if older else None


CHANGE_WORDS = {
    "zh-Hant": ("統計項目", "變動", "前版", "本版", "變化", "相對變化", "來源變更", "新增", "移除", "變更",
                "引用文獻", "數字有變動的句子", "是", "否", "比較對象：{year} 年版（{ref}）", "時效性陳述", "陳述",
                "變更欄位"),
    "zh-Hans": ("统计项目", "变动", "前版", "本版", "变化", "相对变化", "来源变更", "新增", "移除", "变更",
                "引用文献", "数字有变动的句子", "是", "否", "比较对象：{year} 年版（{ref}）", "时效性陈述", "陈述",
                "变更栏位"),
    "en": ("Statistic", "Change", "Before", "After", "Change", "Relative", "Source changed", "added", "removed",
           "changed", "Citations", "Sentences whose figures changed", "yes", "no",
           "Compared with: the {year} edition ({ref})", "Time-sensitive claims", "Claim", "Fields changed"),
}


def to_markdown(diff: EditionDiff, language: Language | None = None,
                titles: dict[str, str] | None = None, measures: dict[str, str] | None = None,
                anchors: tuple[str | None, str | None] = (None, None)) -> str:
    """The diff as Markdown: for a pull request (`language` None: English, ids and file names),
    or for the readers of the site's "what changed" page in `language`, with what each
    statistic measures (`measures`, by id) instead of its id and chapter `titles` (by file
    name) instead of file names. Values are formatted as the pages show them; changes of
    percentages are in percentage points. `anchors` are the pages (older edition's, this one's)
    whose `#stat-<id>` anchors each side's value links to."""
    shown_in = language or LANGUAGES["en"]
    words = dict(zip(
        ("statistic", "change", "before", "after", "absolute", "relative", "source", "added", "removed",
         "changed", "citations", "sentences", "yes", "no", "compared", "claims", "claim", "what"),
        CHANGE_WORDS.get(shown_in.code, CHANGE_WORDS["en"]), strict=True))

    def value(c: StatisticChange, side: int) -> str:
        shown, page = c.shown((c.old, c.new)[side], shown_in), anchors[side]
        return f"[{shown}]({page}#stat-{c.id})" if page and (c.old, c.new)[side] is not None else shown

    def name(stat_id: str) -> str:
        return escape_markdown(measures[stat_id]) if measures and stat_id in measures else f"`{stat_id}`"

    out = [words["compared"].format(year=diff.base_edition, ref=f"`{diff.base}`"), ""]
    lines = [f"| {words['statistic']} | {words['change']} | {words['before']} | {words['after']} | "
             f"{words['absolute']} | {words['relative']} | {words['source']} |", "|---|---|---|---|---|---|---|"]
    for c in diff.statistics:
        source = "—" if c.source_changed is None else words["yes"] if c.source_changed else words["no"]
        lines.append(f"| {name(c.id)} | {words[c.change]} | {value(c, 0)} | "
                     f"{value(c, 1)} | {c.shown_change(shown_in)} | {c.shown_relative()} | {source} |")
    out += ["::: {.generated}", *lines, ":::", ""]
    if diff.citations_added or diff.citations_removed:
        out += [f"**{words['citations']}**", ""]
        out += [f"- {words['added']}: `{k}`" for k in diff.citations_added]
        out += [f"- {words['removed']}: `{k}`" for k in diff.citations_removed]
        out.append("")
    if diff.claims:
        out += [f"**{words['claims']}**", "", "::: {.generated}",
                f"| {words['claim']} | {words['change']} | {words['what']} |", "|---|---|---|"]
        out += [f"| `{c.id}` | {words[c.change]} | {', '.join(c.fields) or '—'} |" for c in diff.claims]
        out += [":::", ""]
    sentences = [s for s in diff.sentences if language is None or s.language == language.code]
    if sentences:
        out += [f"**{words['sentences']}**", "", "::: {.generated}"]
        for s in sentences:
            where = (escape_markdown(titles[s.chapter]) if titles and s.chapter in titles
                     else f"`{s.language}/{s.chapter}`")
            out += [f"- {where} ({', '.join(name(i) for i in s.statistics)})",
                    f"    - {words['before']}: {escape_markdown(s.before) if s.before else '—'}",
                    f"    - {words['after']}: {escape_markdown(s.after) if s.after else '—'}"]
        out += [":::", ""]
    return "\n".join(out)
