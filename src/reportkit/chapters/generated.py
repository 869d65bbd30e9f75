"""Writing the generated language editions (zh-Hans) from their source language."""

from __future__ import annotations

from pathlib import Path

from reportkit.config.hans import convert_chapter
from reportkit.config.model import profile_file
from reportkit.config.project import Project
from reportkit.errors import ChapterSyntaxError
from reportkit.textfile import read_text, write_if_changed


def generate(project: Project) -> list[Path]:
    """Write every generated language's Quarto profile and chapters; return what changed."""
    written = []
    glossary = project.glossary
    for language in project.languages:
        text = project.generated_profile_text(language)
        if text is None:
            continue
        if write_if_changed(project.root / profile_file(language.code), text):
            written.append(project.root / profile_file(language.code))
        origin = project.origin(language)
        for entry in project.chapters:
            source = read_text(project.chapter_path(entry, origin), ChapterSyntaxError)
            target = project.chapter_path(entry, language)
            if write_if_changed(target, convert_chapter(source, glossary, project.conversion(language))):
                written.append(target)
    return written
