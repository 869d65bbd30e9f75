"""Translations and their sources: recording and detecting staleness.

A translated chapter records, in its front matter, the content hash of the
source-language chapter it was translated from::

    translation:
      source: zh-Hant
      source-hash: 3f2a9c0d1e4b5a67

When the source changes and the translation does not, the recorded hash no
longer matches: `reportkit check` reports it (warning; error with --strict) and
the page shows readers a notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .chapter import content_hash, parse, translation_source_hash
from .errors import ChapterSyntaxError
from .i18n import Language
from .project import ChapterEntry, Project
from .textfile import read_text

HASH_LINE = re.compile(r"^(\s+source-hash:\s*).*$", re.M)


@dataclass(frozen=True)
class Translation:
    language: Language
    entry: ChapterEntry
    path: Path
    recorded: str | None
    current: str

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
                                   content_hash(source)))
    return out


def stamp(project: Project, paths: list[Path]) -> list[Path]:
    """Record the current source hash in each translated chapter of `paths`; return changed files."""
    wanted = {p.resolve() for p in paths}
    changed = []
    for item in translations(project):
        if wanted and item.path.resolve() not in wanted:
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
