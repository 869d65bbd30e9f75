"""Translations and their sources: recording and detecting staleness.

A translated chapter records, in its front matter, the content hash of the
source-language chapter it was translated from::

    translation:
      source: zh-Hant
      source-hash: 3f2a9c0d1e4b5a67

When the source changes and the translation does not, the recorded hash no
longer matches: `reportkit check` reports it (warning; error with --strict) and
the page shows readers a notice. The source as it was when stamped is found in the
project's git history (the version whose hash is the recorded one), so translators
see what changed since (`reportkit translation-diff`, and `reportkit stamp` before it
stamps a file).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from reportkit.chapters.reader import content_hash, parse, translation_source_hash
from reportkit.config.project import ChapterEntry, Project
from reportkit.errors import ChapterSyntaxError
from reportkit.i18n import Language
from reportkit.textfile import normalize, read_text
from reportkit.tools import git

HASH_LINE = re.compile(r"^(\s+source-hash:\s*).*$", re.M)
HISTORY_LIMIT = 500  # commits of a source chapter searched for the stamped version


@dataclass(frozen=True)
class Translation:
    language: Language
    entry: ChapterEntry
    path: Path
    recorded: str | None
    current: str

    source: Path

    @property
    def stale(self) -> bool:
        return self.recorded != self.current


def translations(project: Project) -> list[Translation]:
    """Every translated (not generated, not source) chapter with its recorded and current hash."""
    out = []
    for language in project.languages:
        if language == project.source_language or project.is_generated(language):
            continue
        for entry in project.chapters:
            path = project.chapter_path(entry, language)
            source = read_text(project.chapter_path(entry, project.source_language), ChapterSyntaxError)
            out.append(Translation(language, entry, path, translation_source_hash(parse(path)),
                                   content_hash(source), project.chapter_path(entry, project.source_language)))
    return out


def stale(project: Project) -> list[Translation]:
    return [item for item in translations(project) if item.stale]


def stamped_source(project: Project, item: Translation) -> str | None:
    """The source chapter as it was when `item` was stamped: the version in git (the index, then
    the commits that changed it, newest first) whose hash is the recorded one; None if not found."""
    if item.recorded is None:
        return None
    rel = f"./{item.source.relative_to(project.root).as_posix()}"
    log = git.answer(project.root, "log", f"-{HISTORY_LIMIT}", "--format=%H", "--", rel) or ""
    for revision in ["", *log.split()]:  # "" is the index
        text = git.answer(project.root, "show", f"{revision}:{rel}")
        if text is not None and content_hash(normalize(text)) == item.recorded:
            return normalize(text)
    return None


def source_changes(project: Project, item: Translation) -> str:
    """What changed in the source chapter since `item` was stamped: a unified diff, or why
    there is none to show."""
    rel = item.source.relative_to(project.root).as_posix()
    if not item.stale:
        return f"{rel}: unchanged since {item.path.relative_to(project.root).as_posix()} was stamped\n"
    before = stamped_source(project, item)
    if before is None:
        recorded = f"version {item.recorded}" if item.recorded else "no version (never stamped)"
        return (f"{rel}: the stamped source ({recorded}) is not in the project's git history, so what "
                "changed cannot be shown: compare the translation with the whole source\n")
    after = read_text(item.source, ChapterSyntaxError)
    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        f"{rel} (stamped {item.recorded})", f"{rel} (now {item.current})"))


def stamp(project: Project, paths: list[Path]) -> list[Path]:
    """Record the current source hash in each translated chapter of `paths`; return changed files."""
    wanted = {p.resolve() for p in paths}
    changed = []
    for item in translations(project):
        if item.path.resolve() not in wanted:
            continue
        wanted.discard(item.path.resolve())
        if not item.stale:
            continue
        text = read_text(item.path, ChapterSyntaxError)
        if not HASH_LINE.search(text):
            raise ChapterSyntaxError(
                "no `translation: source-hash:` in the front matter to update", item.path, 1
            )
        item.path.write_text(HASH_LINE.sub(rf"\g<1>{item.current}", text, count=1), encoding="utf-8")
        changed.append(item.path)
    for path in sorted(wanted):
        raise ChapterSyntaxError("not a translated chapter of this project", path)
    return changed
