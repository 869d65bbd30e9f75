"""Generated chapters are reported at the chapter they are generated from.

A generated language's chapters (zh-Hans, converted from zh-Hant by OpenCC) are rewritten on
every render: authors must not edit them. An error or finding located in one is moved to the
same line of its origin chapter (conversion keeps lines), and says that it was found in the
generated version.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path, PurePosixPath

from reportkit import errors
from reportkit.checks.findings import Finding
from reportkit.config.project import HOME, ChapterEntry, Project
from reportkit.errors import ReportkitError


def origin_path(project: Project, path: str | Path) -> tuple[str, str] | None:
    """(origin chapter path, generated language code) for a generated chapter's `path`
    (relative to the project, or absolute), else None."""
    rel = Path(path)
    if rel.is_absolute():
        absolute = rel.parent.resolve() / rel.name
        if not absolute.is_relative_to(project.root.resolve()):
            return None
        rel = absolute.relative_to(project.root.resolve())
    parts = PurePosixPath(rel.as_posix()).parts
    for code, how in project.config.reportkit.generated.items():
        entry = ChapterEntry(HOME if len(parts) == 1 else parts[-1], None, False)
        if entry.source(code) == "/".join(parts):
            return entry.source(how.from_), code
    return None


def _note(code: str) -> str:
    return f" (found in the generated {code} version: edit this file, not the generated one)"


def error_at_origin(error: ReportkitError, root: Path) -> ReportkitError:
    """`error`, moved to the origin chapter when it is about a generated one."""
    if error.path is None or error.about_generated_file:
        return error
    try:
        located = origin_path(Project(root), error.path)
    except ReportkitError:  # no readable configuration: nothing is generated
        return error
    if located is None:
        return error
    path, code = located
    moved = type(error).__new__(type(error), error.message)  # the same kind of error, not re-initialised
    moved.__dict__.update(vars(error))
    moved.args, moved.message, moved.path = (error.message,), error.message + _note(code), root / path
    return moved


def describe(error: Exception, root: Path | None = None) -> str:
    """`errors.describe`, an error in a generated chapter reported at its origin chapter."""
    if isinstance(error, ReportkitError) and root is not None:
        error = error_at_origin(error, root)
    return errors.describe(error, root)


def finding_at_origin(project: Project, finding: Finding) -> Finding:
    """`finding`, moved to the origin chapter when it is about a generated one."""
    located = origin_path(project, finding.path)
    if located is None:
        return finding
    path, code = located
    return replace(finding, path=path, message=finding.message + _note(code))


def findings_at_origin(project: Project, findings: list[Finding]) -> list[Finding]:
    """`findings` moved off generated chapters; one found both in a chapter and in its generated
    version is reported once, at the chapter."""
    moved = [finding_at_origin(project, f) for f in findings]
    seen = {(f.path, f.line, f.rule, f.message) for f in moved}
    return [f for f, original in zip(moved, findings, strict=True)
            if f is original or (f.path, f.line, f.rule, original.message) not in seen]
