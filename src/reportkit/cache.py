"""The build cache (``_cache/``): what a chapter's execution produced, reused while
everything it depended on is unchanged.

A chapter's key is the hash of its source text (as executed: zh-Hans after
conversion), its language, reportkit's version and the Python environment
(interpreter and installed distributions). Its entry also records the content
hash of every file under the project that the chapter's code opened while it ran
(an audit hook in the kernel sees every `open`, pandas included), so changing one
data file re-executes exactly the chapters that read it. Pandoc's output per page
and typst's PDF per language are cached the same way, keyed by their inputs.

The folder is safe to delete (`reportkit clean`) and ignored by git.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__

CACHE_DIR = "_cache"


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


@cache
def environment() -> str:
    """reportkit itself (version and files, so an upgrade or a local change counts), the
    interpreter, and every installed distribution with its version."""
    package = Path(__file__).parent
    own = [digest(p.relative_to(package).as_posix(), p.read_bytes()) for p in sorted(package.rglob("*"))
           if p.is_file() and p.suffix in (".py", ".html", ".typ", ".lua", ".css", ".js")]
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    return digest(sys.version, __version__, *own, *dists)


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


SOURCES = ("chapters", "data", "bib")


def site_fingerprint(root: Path, generated: list[str], formats: frozenset[str], environment: str) -> str:
    """Everything a build reads: the sources (not the generated language folders), the
    Quarto configuration, reportkit and the Python environment, and the formats asked for."""
    skip = {root / "chapters" / code for code in generated}
    files = [p for folder in SOURCES for p in sorted((root / folder).rglob("*"))
             if p.is_file() and not any(parent in skip for parent in p.parents)]
    files += sorted(root.glob("_quarto*.yml"))
    parts = [digest(p.relative_to(root).as_posix(), p.read_bytes()) for p in files]
    return digest(*parts, environment, *sorted(formats))


class BuildCache:
    def __init__(self, root: Path, enabled: bool = True):
        self.root = root
        self.folder = root / CACHE_DIR
        self.enabled = enabled

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}.pickle"

    def get(self, kind: str, key: str) -> Any | None:
        if not self.enabled:
            return None
        path = self._path(kind, key)
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError):
            return None

    def stamp(self) -> str | None:
        """The fingerprint of the last published build, if any."""
        path = self.folder / "site.fingerprint"
        return path.read_text(encoding="utf-8") if self.enabled and path.is_file() else None

    def set_stamp(self, fingerprint: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "site.fingerprint").write_text(fingerprint, encoding="utf-8")

    def put(self, kind: str, key: str, value: Any) -> None:
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
