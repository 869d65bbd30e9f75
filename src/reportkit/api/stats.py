"""What chapters call: ``stat("id")`` and the generated appendix tables.

Runs inside the chapter's kernel. The language comes from ``REPORTKIT_LANG``
(set by the embedded engine and by the Quarto pre-render step), else from the
active Quarto profile, else the source language. The data come from the project's
``data/``, or, for a published notebook run outside any project, from the folder
``REPORTKIT_DATA`` names (the site's ``data/``, which holds the same files).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportkit.config.hans import to_hans
from reportkit.config.project import CHAPTERS_DIR, Project, find_root
from reportkit.errors import ConfigError, UnknownStatisticError, did_you_mean
from reportkit.evidence.claims import Claim
from reportkit.evidence.registry import Registry, Statistic, fill_placeholders
from reportkit.i18n import LANGUAGES, Language
from reportkit.markup import escape_markdown

LANG_ENV = "REPORTKIT_LANG"
DATA_ENV = "REPORTKIT_DATA"  # set by a published notebook's first code cell (see outputs/notebooks.py)


@cache
def _project(root: Path) -> Project:
    return Project(root)


def current_project() -> Project:
    return _project(find_root())


@cache
def _registry(path: Path, mtime: float) -> Registry:
    return Registry.load(path.parent)


def current_data_dir() -> Path:
    """The folder of the registry and the tables: $REPORTKIT_DATA, else the project's data/."""
    explicit = os.environ.get(DATA_ENV)
    return Path(explicit) if explicit else current_project().data_dir


def current_registry() -> Registry:
    path = current_data_dir() / "statistics.csv"
    return _registry(path, path.stat().st_mtime if path.exists() else 0.0)


def project_if_any() -> Project | None:
    """The current project; None for a published notebook run outside any project, beside the
    site's data (``REPORTKIT_DATA`` set and no project found)."""
    try:
        return current_project()
    except ConfigError:
        if os.environ.get(DATA_ENV):
            return None
        raise


def localize(text: str, language: Language, project: Project | None) -> str:
    """Text written in the source language (registry fields, chart labels, generated tables) as
    shown in `language` (see Project.localize). With no project (a published notebook run beside
    the site's data alone), Simplified-script text is converted by OpenCC without the glossary."""
    if project is None:
        return to_hans(text) if "Hans" in language.babel else text
    return project.localize(text, language)


def localized_field(row: Statistic | Claim, name: str, language: Language, project: Project | None) -> str:
    """A registry text field (written in zh-Hant, with an English `_en` twin where it has one) for
    `language`, a statistic's placeholders filled in. Plain text: whoever puts it in a page escapes it.
    `project` is None in a published notebook run outside the project (see project_if_any)."""
    if language.code == "en" and f"{name}_en" in type(row).model_fields:
        text = str(getattr(row, f"{name}_en"))
    else:
        text = localize(str(getattr(row, name)), language, project)
    if not isinstance(row, Statistic):
        return text
    return fill_placeholders(text, project.registry if project else current_registry(), language, row)


def current_language() -> Language:
    code = os.environ.get(LANG_ENV) or os.environ.get("QUARTO_PROFILE", "").split(",")[0]
    if code in LANGUAGES:
        return LANGUAGES[code]
    folder = Path.cwd()  # a kernel run beside its chapter (a paired notebook): the chapter's folder
    if folder.parent.name == CHAPTERS_DIR and folder.name in LANGUAGES:
        return LANGUAGES[folder.name]
    return current_project().source_language


@dataclass(frozen=True)
class Stat:
    """A statistic shown in prose; its Markdown form carries its identity."""

    statistic: Statistic
    language: Language

    @property
    def text(self) -> str:
        return self.statistic.format(self.language)

    def _repr_markdown_(self) -> str:
        return f'[{escape_markdown(self.text)}]{{.stat data-stat="{self.statistic.id}"}}'

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:  # what Jupyter shows as the plain-text form of a statistic
        return f"{self.text} [{self.statistic.id}]"


def stat(stat_id: str) -> Stat:
    """The registry statistic `stat_id`, formatted for the chapter's language."""
    registry = current_registry()
    if stat_id not in registry:
        raise UnknownStatisticError(f"unknown statistic id {stat_id!r} (not in data/statistics.csv)"
                                    + did_you_mean(stat_id, (s.id for s in registry)))
    return Stat(registry[stat_id], current_language())
