"""The quarto engine: hands the same project to a real Quarto, one profile per language.

Each language is its Quarto profile (`_quarto-<lang>.yml`, output `_site/<lang>`);
Simplified Chinese is written by the `pre-render` hook (`python -m reportkit
pre-render`) before Quarto reads the chapters. Chapter code sees the language in
QUARTO_PROFILE, so `stat()` formats exactly as under the embedded engine.
"""

from __future__ import annotations

from pathlib import Path

from ..generate import generate
from ..project import Project
from ..tools import quarto

QUARTO_FORMATS = {"html": "html", "pdf": "typst"}


def render(project: Project, formats: frozenset[str]) -> Path:
    """Render every language with Quarto; return the output folder."""
    project.validate()
    generate(project)
    targets = sorted(QUARTO_FORMATS[f] for f in formats)
    for language in project.languages:
        for target in targets if len(targets) < len(QUARTO_FORMATS) else [None]:
            quarto.render(project.root, language.code, target)
    return project.output_dir
