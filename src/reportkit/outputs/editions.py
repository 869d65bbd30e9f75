"""Editions: what changed between this edition and another git revision.

Both sides are read by `revisions` (the working tree, or git without a checkout). The
comparison covers the registry (statistics added, removed, changed: value, unit or source),
the works cited, the time-sensitive claims, and, per language, the sentences whose figures
changed, shown before and after with each side's values formatted as readers saw them.
`changes` writes the result as Markdown.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher

from reportkit.chapters.reader import CITATION
from reportkit.config.project import Project
from reportkit.evidence.claims import Claims
from reportkit.evidence.numbers import format_change, format_value
from reportkit.evidence.registry import Registry, Statistic
from reportkit.i18n import Language
from reportkit.outputs.revisions import Snapshot, at_revision, working_tree

SAME_SENTENCE = 0.6  # wording similarity above which an old and a new sentence are one sentence edited
STAT_CALL = re.compile(r"""`\{python\}\s*stat\(\s*["']([a-z0-9-]+)["']\s*\)\s*`""")

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
