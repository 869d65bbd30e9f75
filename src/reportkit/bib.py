"""The bibliography, ``bib/references.bib``, validated before pandoc sees it.

pandoc aborts on the first malformed entry without a useful location, so the
file is parsed with bibtexparser first and any failed block is reported with
its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

from .errors import BibliographyError


@dataclass(frozen=True)
class Bibliography:
    path: Path
    entries: dict[str, dict[str, str]]  # key -> lower-case field -> value
    lines: dict[str, int]

    @property
    def keys(self) -> set[str]:
        return set(self.entries)

    @classmethod
    def load(cls, path: Path) -> Bibliography:
        if not path.is_file():
            raise BibliographyError("bibliography file not found", path)
        library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
        for block in library.failed_blocks:
            line = (block.start_line or 0) + 1
            if isinstance(block, DuplicateBlockKeyBlock):
                raise BibliographyError(f"duplicate entry key {block.key!r}", path, line)
            reason = "malformed entry"
            if isinstance(block, ParsingFailedBlock) and block.error:
                reason += f" ({str(block.error).splitlines()[0]})"
            raise BibliographyError(reason, path, line)
        entries: dict[str, dict[str, str]] = {}
        lines: dict[str, int] = {}
        for entry in library.entries:
            fields = {f.key.lower(): str(f.value) for f in entry.fields}
            if "title" not in fields:
                raise BibliographyError(
                    f"entry {entry.key!r} has no title", path, (entry.start_line or 0) + 1
                )
            entries[entry.key] = {"type": entry.entry_type.lower(), **fields}
            lines[entry.key] = (entry.start_line or 0) + 1
        return cls(path, entries, lines)


def check_with_pandoc(path: Path) -> list[dict[str, object]]:
    """Parse the bibliography with pandoc as citeproc will; return its CSL JSON items."""
    import json

    from .errors import ToolFailedError
    from .tools import pandoc

    try:
        out = pandoc.run([path.name, "-f", "bibtex", "-t", "csljson"], cwd=path.parent, what=path)
    except ToolFailedError as err:
        raise BibliographyError(
            f"malformed entry ({err.message.removeprefix('pandoc: ')})", path, err.line
        ) from None
    items: list[dict[str, object]] = json.loads(out)
    return items
