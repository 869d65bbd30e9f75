"""Revisions of a report: its sources as the working tree has them, or as a git revision
(an edition tag) had them, read with `git show` without checking anything out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from reportkit.config.model import CONFIG_FILE, LanguageProfile, M, QuartoConfig, profile_file, read_model
from reportkit.config.project import CHAPTERS_DIR, DATA_DIR, HOME, ChapterEntry, Project, chapter_paths
from reportkit.errors import EditionError
from reportkit.evidence.claims import CLAIMS_FILE, Claims
from reportkit.evidence.registry import REGISTRY_FILE, Registry
from reportkit.tools import git

TAG_PREFIX = "edition-"


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
    git.output(root, "rev-parse", "--verify", f"{ref}^{{commit}}", error=EditionError)
    listed = set(git.output(root, "ls-tree", "-r", "--name-only", ref, error=EditionError).splitlines())

    def read(path: str) -> str | None:
        return git.output(root, "show", f"{ref}:{path}", error=EditionError) if path in listed else None

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




def previous_edition_tag(project: Project) -> str | None:
    """The newest `edition-YYYY` tag older than this edition, when the project is a git repository."""
    tags = (git.answer(project.root, "tag", "--list", f"{TAG_PREFIX}*") or "").split()
    years = sorted(int(t.removeprefix(TAG_PREFIX)) for t in tags if t.removeprefix(TAG_PREFIX).isdigit())
    older = [y for y in years if y < project.config.reportkit.edition]
    return f"{TAG_PREFIX}{older[-1]}" if older else None
