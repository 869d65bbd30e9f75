"""The quarto engine: hands the same project to a real Quarto, one profile per language.

Each language is its Quarto profile (`_quarto-<lang>.yml`, output `_site/<lang>`);
Simplified Chinese is written before Quarto runs (and again by the `pre-render` hook,
`_pre-render.py`, when Quarto is run by hand). Chapter code sees the language in
QUARTO_PROFILE, so `stat()` formats exactly as under the embedded engine.

Quarto empties a language's output folder when it renders one format (`--to typst`
deletes the HTML), so, as the embedded engine does, every language is rendered into a
staging folder, the format not rendered keeps its last good output, and the site is
swapped in only when every language succeeded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from reportkit.chapters.generated import generate
from reportkit.config.model import profile_file
from reportkit.config.project import Project
from reportkit.errors import ToolFailedError
from reportkit.outputs.book import pdf_name
from reportkit.outputs.publishing import publish, staging_dir
from reportkit.outputs.website import SiteWriter
from reportkit.tools import quarto

QUARTO_FORMATS = {"html": "html", "pdf": "typst"}


def render(project: Project, formats: frozenset[str]) -> Path:
    """Render every language with Quarto and publish the site; return the output folder."""
    project.validate()
    generate(project)
    targets = sorted(QUARTO_FORMATS[f] for f in formats)
    with staging_dir(project.output_dir) as staging:
        if project.output_dir.is_dir():
            shutil.copytree(project.output_dir, staging, dirs_exist_ok=True)
        for language in project.languages:
            fresh = staging / f".quarto-{language.code}"
            for target in targets if len(targets) < len(QUARTO_FORMATS) else [None]:
                quarto.render(project.root, language.code, target, fresh)
            folder = staging / language.code
            pdf = pdf_name(project, language)
            if "pdf" in formats and not (fresh / pdf).is_file():
                raise ToolFailedError(f"quarto render --profile {language.code} wrote no {pdf}",
                                      project.root / profile_file(language.code))
            if formats == {"pdf"}:
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copy2(fresh / pdf, folder / pdf)
                shutil.rmtree(fresh)
                continue
            if "pdf" not in formats and (folder / pdf).is_file():
                shutil.copy2(folder / pdf, fresh / pdf)  # the PDF keeps its last good output
            shutil.rmtree(folder, ignore_errors=True)
            fresh.rename(folder)
        SiteWriter(project, staging, {}, None, {}).write_common()
        publish(staging, project.output_dir)
    return project.output_dir
