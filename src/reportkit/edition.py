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
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from .chapter import CITATION
from .config import profile_file
from .errors import ReportkitError
from .i18n import Language
from .project import CHAPTERS_DIR, DATA_DIR, Project
from .registry import REGISTRY_FILE, Registry, Statistic

SAME_SENTENCE = 0.6  # wording similarity above which an old and a new sentence are one sentence edited
STAT_CALL = re.compile(r"""`\{python\}\s*stat\(\s*["']([a-z0-9-]+)["']\s*\)\s*`""")
TAG_PREFIX = "edition-"


class EditionError(ReportkitError):
    """A git revision cannot be read."""


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


def _chapters_of(read: Any, names: list[str], project: Project) -> dict[tuple[str, str], str]:
    texts = {}
    for language in project.languages:
        if project.is_generated(language):
            continue
        for name in names:
            text = read(f"{CHAPTERS_DIR}/{language.code}/{name}")
            if text is not None:
                texts[(language.code, name)] = text
    return texts


def working_tree(project: Project) -> Snapshot:
    def read(path: str) -> str | None:
        file = project.root / path
        return file.read_text(encoding="utf-8") if file.is_file() else None

    names = [e.name for e in project.chapters]
    return Snapshot("working tree", project.config.reportkit.edition,
                    project.registry, _chapters_of(read, names, project))


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
    config = read("_quarto.yml") or ""
    match = re.search(r"^\s*edition:\s*(\d{4})", config, re.M)
    profile = read(profile_file(project.source_language.code)) or ""
    names = [Path(p).name for p in re.findall(r"chapters/[\w-]+/([\w.-]+\.qmd)", profile)]
    names = list(dict.fromkeys(names)) or [e.name for e in project.chapters]
    return Snapshot(ref, int(match.group(1)) if match else 0,
                    Registry.parse(text, root / registry_path), _chapters_of(read, names, project))


@dataclass
class StatisticChange:
    id: str
    change: str  # added | removed | changed
    unit: str
    old: float | None = None
    new: float | None = None
    absolute: float | None = None
    relative: float | None = None
    old_source: str | None = None
    new_source: str | None = None

    @property
    def source_changed(self) -> bool:
        return self.change == "changed" and self.old_source != self.new_source


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

    def to_json(self) -> str:
        data = asdict(self)
        for item, change in zip(data["statistics"], self.statistics, strict=True):
            item["source_changed"] = change.source_changed
        return json.dumps(data, ensure_ascii=False, indent=2)


def _changed(old: Statistic, new: Statistic) -> bool:
    return (old.value, old.value_high, old.unit, old.source) != (new.value, new.value_high, new.unit, new.source)


def compare_statistics(old: Registry, new: Registry) -> list[StatisticChange]:
    changes = []
    for stat in new:
        if stat.id not in old:
            changes.append(StatisticChange(stat.id, "added", stat.unit, new=stat.value, new_source=stat.source))
        elif _changed(old[stat.id], stat):
            before = old[stat.id]
            absolute = stat.value - before.value
            changes.append(StatisticChange(
                stat.id, "changed", stat.unit, before.value, stat.value, absolute,
                absolute / before.value if before.value else None, before.source, stat.source,
            ))
    changes += [StatisticChange(stat.id, "removed", stat.unit, old=stat.value, old_source=stat.source)
                for stat in old if stat.id not in new]
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
    from .convert import GLOSSARY_FILE, to_hans

    out: list[SentenceChange] = []
    for language in project.languages:
        origin = project.origin(language).code if project.is_generated(language) else language.code
        names = sorted({name for (lang, name) in {**old.chapters, **new.chapters} if lang == origin})
        for name in names:
            sides = []
            for snapshot in (old, new):
                text = snapshot.chapters.get((origin, name), "")
                if origin != language.code:
                    text = to_hans(text, project.root / GLOSSARY_FILE)
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


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:.4g}" if unit != "percent" else f"{value * 100:.4g}%"


def to_markdown(diff: EditionDiff, language: Language | None = None) -> str:
    """The diff as Markdown (a pull-request comment, or the site's "what changed" page)."""
    zh = language is not None and language.code.startswith("zh")
    words = dict(zip(("statistic", "change", "before", "after", "absolute", "relative", "source", "added",
                      "removed", "changed", "citations", "sentences", "chapter", "yes", "no"),
                     (("統計項目", "變動", "前版", "本版", "絕對變化", "相對變化", "來源更動", "新增", "移除", "更動",
                       "引用文獻", "數字有變動的句子", "章", "是", "否") if zh else
                      ("Statistic", "Change", "Before", "After", "Absolute", "Relative", "Source changed", "added",
                       "removed", "changed", "Citations", "Sentences whose figures changed", "Chapter", "yes", "no")),
                     strict=True))
    lines = [f"| {words['statistic']} | {words['change']} | {words['before']} | {words['after']} | "
             f"{words['absolute']} | {words['relative']} | {words['source']} |", "|---|---|---|---|---|---|---|"]
    for c in diff.statistics:
        relative = f"{c.relative:+.1%}" if c.relative is not None else "—"
        absolute = _number(c.absolute, c.unit) if c.absolute is not None else "—"
        lines.append(f"| `{c.id}` | {words[c.change]} | {_number(c.old, c.unit)} | {_number(c.new, c.unit)} | "
                     f"{absolute} | {relative} | {words['yes'] if c.source_changed else words['no']} |")
    out = ["::: {.generated}", *lines, ":::", ""]
    if diff.citations_added or diff.citations_removed:
        out += [f"**{words['citations']}**", ""]
        out += [f"- {words['added']}: `{k}`" for k in diff.citations_added]
        out += [f"- {words['removed']}: `{k}`" for k in diff.citations_removed]
        out.append("")
    sentences = [s for s in diff.sentences if language is None or s.language == language.code]
    if sentences:
        out += [f"**{words['sentences']}**", "", "::: {.generated}"]
        for s in sentences:
            out += [f"- `{s.language}/{s.chapter}` ({', '.join(f'`{i}`' for i in s.statistics)})",
                    f"    - {words['before']}: {s.before or '—'}", f"    - {words['after']}: {s.after or '—'}"]
        out += [":::", ""]
    return "\n".join(out)
