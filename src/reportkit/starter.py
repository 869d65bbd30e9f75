"""`reportkit new`: a small working report to start from.

The starters are package data (`reportkit/starters/`): `common/` holds what every report
has (bibliography, data README, noxfile, README) and one folder per source language its
configuration and chapters. A few `{{ name }}` placeholders are filled in (the slug from
the folder's name, the edition year and as-of date from today, the pip requirement that
reinstalls this reportkit); everything else is copied as it is, and renders and passes
`reportkit check` unchanged.
"""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path

from reportkit import __version__
from reportkit.errors import StarterError

STARTERS = resources.files("reportkit") / "starters"
COMMON = "common"
DEFAULT_LANGUAGE = "zh-Hant"
RENAMED = {"gitignore": ".gitignore"}  # dot files are not package data


def starter_languages() -> list[str]:
    """The source languages a starter exists for."""
    return sorted(item.name for item in STARTERS.iterdir() if item.is_dir() and item.name != COMMON)


def slug_of(folder: Path) -> str:
    """A kebab-case slug from a folder name (`My Report 2` -> `my-report-2`)."""
    return "-".join(re.findall(r"[a-z0-9]+", folder.resolve().name.lower())) or "report"


def requirement() -> str:
    """What `pip install` needs to get this reportkit again: the wheel or folder it was
    installed from, else the release on the package index."""
    try:
        direct = metadata.distribution("reportkit").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        direct = None
    url = json.loads(direct).get("url", "") if direct else ""
    return url.removeprefix("file://") if url.startswith("file://") else f"reportkit=={__version__}"


def _files(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.name == "__pycache__":
            continue
        name = RENAMED.get(item.name, item.name) if not prefix else item.name
        out += _files(item, f"{prefix}{name}/") if item.is_dir() else [(prefix + name, item)]
    return out


def create(target: Path, language: str = DEFAULT_LANGUAGE, today: date | None = None) -> list[Path]:
    """Write the starter report of source `language` into `target` (missing or empty);
    return the files written."""
    if language not in starter_languages():
        raise StarterError(f"no starter report in {language!r} (available: {', '.join(starter_languages())})")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise StarterError("the folder is not empty; reportkit new writes only into a new or empty one", target)
    day = today or date.today()
    values = {"slug": slug_of(target), "edition": str(day.year), "as_of": day.isoformat(),
              "requirement": requirement()}
    written = []
    for name, item in _files(STARTERS / COMMON) + _files(STARTERS / language):
        text = item.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{ " + key + " }}", value)
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
