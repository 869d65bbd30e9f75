"""typst (PyPI `typst`), compiling pandoc's typst output to PDF, and the fonts it needs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import ToolFailedError, ToolMissingError

FONT_PATH_ENV = "REPORTKIT_FONT_PATH"
DEFAULT_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")


@dataclass(frozen=True)
class Font:
    family: str
    file: str  # a file that provides the family
    package: str  # the Debian/Ubuntu package that installs it


def font_dirs() -> list[Path]:
    configured = os.environ.get(FONT_PATH_ENV)
    dirs = configured.split(os.pathsep) if configured else DEFAULT_FONT_DIRS
    return [Path(d) for d in dirs if d]


@cache
def _font_index(dirs: tuple[Path, ...]) -> dict[str, Path]:
    index: dict[str, Path] = {}
    for folder in dirs:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.suffix.lower() in (".ttf", ".otf", ".ttc", ".otc"):
                    index.setdefault(path.name, path)
    return index


def locate_fonts(fonts: list[Font]) -> list[Path]:
    """The folders holding `fonts`; a missing font stops the build with how to install it."""
    dirs = font_dirs()
    index = _font_index(tuple(dirs))
    folders: list[Path] = []
    for font in fonts:
        path = index.get(font.file)
        if path is None:
            where = os.pathsep.join(str(d) for d in dirs)
            raise ToolMissingError(
                f"font {font.family!r} ({font.file}) not found in {where}: install it with "
                f"`sudo apt-get install {font.package}` or point {FONT_PATH_ENV} at a folder with it"
            )
        if path.parent not in folders:
            folders.append(path.parent)
    return folders


def is_available() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        return False
    return True


def compile_pdf(source: Path, output: Path, font_folders: list[Path], timestamp: int) -> None:
    """Compile `source` to `output` with only the given fonts and a fixed timestamp
    (so the same input gives the same bytes on any machine and any day)."""
    try:
        import typst
    except ImportError:
        raise ToolMissingError("typst not found: install it with `pip install typst`") from None
    try:
        typst.compile(
            str(source), output=str(output), root=str(source.parent),
            font_paths=[str(f) for f in font_folders], ignore_system_fonts=True,
            timestamp=timestamp,
        )
    except RuntimeError as err:
        message = " ".join(str(err).split())
        debug = os.environ.get("REPORTKIT_KEEP_TYPST")
        if debug:
            Path(debug).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        raise ToolFailedError(f"typst: {message[:300]}", source) from None
