"""typst (PyPI `typst`), compiling pandoc's typst output to PDF, and the fonts it needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportkit.errors import ToolFailedError, ToolMissingError
from reportkit.tools import strip_ansi

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


# typst lays a book out in memory (hundreds of MB for a long one) and keeps its caches for
# the life of the process: each compile runs in a short-lived child process; two small books
# may compile at once, a large one compiles alone, so the peak stays that of one large book.
_SLOTS = threading.Semaphore(2)
_GRAB = threading.Lock()
LARGE_SOURCE = 4_000_000  # bytes of typst source above which a compile runs alone


@contextmanager
def _memory_slots(count: int) -> Iterator[None]:
    with _GRAB:
        for _ in range(count):
            _SLOTS.acquire()
    try:
        yield
    finally:
        for _ in range(count):
            _SLOTS.release()


# The child imports typst alone (not reportkit, whose import costs more than a small book's
# layout): it reads its arguments as JSON and prints typst's error message, if any.
_CHILD = """\
import json, sys
import typst
args = json.loads(sys.argv[1])
try:
    typst.compile(args["source"], output=args["output"], root=args["root"], font_paths=args["font_paths"],
                  ignore_system_fonts=True, timestamp=args["timestamp"])
except RuntimeError as err:
    sys.stdout.write(str(err))
    sys.exit(1)
"""


def compile_pdf(source: Path, output: Path, font_folders: list[Path], timestamp: int) -> None:
    """Compile `source` to `output` with only the given fonts and a fixed timestamp
    (so the same input gives the same bytes on any machine and any day)."""
    if not is_available():
        raise ToolMissingError("typst not found: install it with `pip install typst`")
    slots = 2 if source.stat().st_size > LARGE_SOURCE else 1
    args = {"source": str(source), "output": str(output), "root": str(source.parent),
            "font_paths": [str(f) for f in font_folders], "timestamp": timestamp}
    with _memory_slots(slots):
        child = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(args)], capture_output=True,
                               text=True, encoding="utf-8")
    if child.returncode != 0:
        message = " ".join(strip_ansi(child.stdout or child.stderr).split()) or f"exit status {child.returncode}"
        debug = os.environ.get("REPORTKIT_KEEP_TYPST")
        if debug:
            Path(debug).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        raise ToolFailedError(f"typst: {message[:300]}", source)
