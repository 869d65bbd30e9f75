"""Findings about text typed into a chapter, taken back to the chapter line it comes from.

A number typed into a zh-Hant chapter shows in four built files (the zh-Hant and generated
zh-Hans pages and PDFs). An author needs one finding, at the line to edit, saying what to
do. A finding on a built file whose text is found on exactly one line of the chapter that
made it (any chapter of the language, for a PDF) is moved to that line of the chapter the
author edits (the origin chapter, for a generated language: conversion keeps lines), and
findings that land on the same line are merged. Text that is not in a chapter (a generated
table, a caption made from data) keeps its place in the built file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from reportkit.checks.findings import Finding
from reportkit.checks.origin import findings_at_origin
from reportkit.config.project import Project

ADVICE = {
    "typed-number": 'a statistic goes through `{python} stat("id")`; a name or identifier with digits goes '
                    "in `[…]{.name}`; a year, month or day may stay",
}
INLINE_CODE = re.compile(r"`[^`]*`")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def _prose_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of the chapter's prose lines: code cells and inline code left out."""
    if not path.is_file():
        return []
    out, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            out.append((number, INLINE_CODE.sub(" ", line)))
    return out


def _locate(project: Project, finding: Finding) -> tuple[str, int] | None:
    """The origin chapter file and line of the text a finding on a built file is about."""
    parts = PurePosixPath(finding.path).parts
    codes = {language.code: language for language in project.languages}
    if len(parts) < 3 or parts[1] not in codes:
        return None
    language = codes[parts[1]]
    origin = project.origin(language) if project.is_generated(language) else language
    page = PurePosixPath(*parts[2:]).as_posix()
    entries = [e for e in project.chapters if e.page(language.code) == page] or (
        project.chapters if page.endswith(".pdf") else [])
    tokens = finding.subject.splitlines()
    hits = [(entry, number) for entry in entries
            for number, text in _prose_lines(project.chapter_path(entry, language))
            if all(token in text for token in tokens)]
    if len(hits) != 1:
        return None
    entry, number = hits[0]
    path = project.chapter_path(entry, origin)
    return path.relative_to(project.root).as_posix(), number


def at_source(project: Project, findings: Iterable[Finding]) -> list[Finding]:
    """`findings` with those about typed text moved to their chapter line, one per line, and
    those about a generated chapter moved to its origin chapter."""
    kept: list[Finding] = []
    by_line: dict[tuple[str, int, str, str], list[Finding]] = {}
    for finding in findings_at_origin(project, list(findings)):
        located = _locate(project, finding) if finding.rule in ADVICE and finding.subject else None
        if located is None:
            kept.append(finding)
        else:
            by_line.setdefault((*located, finding.rule, finding.subject), []).append(finding)
    for (path, line, rule, subject), group in by_line.items():
        shown = sorted({f.path for f in group})
        tokens = ", ".join(repr(t) for t in subject.splitlines())
        kept.append(Finding(
            path, line, rule,
            f"{tokens} typed in the text (shown in {', '.join(shown)}): {ADVICE[rule]}",
            min(f.severity for f in group), subject,  # an error if any is one
        ))
    return kept
