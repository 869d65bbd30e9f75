"""Time-sensitive claims, ``data/claims.csv``: statements that can go stale.

A pending case, a bill, a regulation's application date, a product release or a
company policy is registered like a statistic: what it states, the source it was
checked against, when it was last checked and when it must be checked again.
Chapters mark the sentence that makes the claim with a span both engines render,
``[第三巡迴上訴法院尚未判決]{.claim data-claim="ross-third-circuit-pending"}``.
Rows are validated on load; errors name the CSV line, and a chapter naming an
unknown claim stops the build with its file and line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .errors import ClaimError
from .registry import ID_PATTERN

CLAIMS_FILE = "claims.csv"
COLUMNS = ("id", "statement", "statement_en", "source", "checked_on", "recheck_by", "kind")
Kind = Literal["case", "settlement", "regulation", "bill", "report", "product", "policy"]
# The marker in a chapter's Markdown, and the span pandoc makes of it in HTML.
MARKER = re.compile(r"""\{\.claim\s+data-claim=["']([^"']+)["']\}""")
SPAN_OPEN = re.compile(r'<span class="claim" data-claim="([^"]+)">')
SPAN_TAG = re.compile(r"<span\b|</span>")


class Claim(BaseModel):
    """One row of ``claims.csv``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    statement: str
    statement_en: str
    source: str
    checked_on: date
    recheck_by: date
    kind: Kind
    line: int = 0  # line in claims.csv, for messages

    @field_validator("id")
    @classmethod
    def _kebab(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise ValueError(f"id {v!r} is not kebab-case")
        return v

    @field_validator("statement", "statement_en", "source")
    @classmethod
    def _required(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v.strip()

    @model_validator(mode="after")
    def _recheck_after_check(self) -> Claim:
        if self.recheck_by <= self.checked_on:
            raise ValueError(f"recheck_by {self.recheck_by} must be after checked_on {self.checked_on}")
        return self

    def due(self, as_of: date) -> bool:
        """Whether the claim must be checked again before an edition current to `as_of`."""
        return self.recheck_by <= as_of


class Claims:
    """All registered claims, keyed by id, in file order."""

    def __init__(self, path: Path, claims: list[Claim]):
        self.path = path
        self.claims = {c.id: c for c in claims}

    @classmethod
    def load(cls, data_dir: Path) -> Claims:
        """The claims of the project; an empty register when the file does not exist."""
        path = data_dir / CLAIMS_FILE
        if not path.is_file():
            return cls(path, [])
        return cls.parse(path.read_text(encoding="utf-8"), path)

    @classmethod
    def parse(cls, text: str, path: Path) -> Claims:
        """The claims in `text` (the contents of `path`, perhaps at another git revision)."""
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = tuple(reader.fieldnames or ())
        if header != COLUMNS:
            raise ClaimError(f"columns must be {', '.join(COLUMNS)}", path, 1)
        claims: list[Claim] = []
        seen: dict[str, int] = {}
        for record in reader:
            line = reader.line_num
            if None in record:
                raise ClaimError("row has more cells than the header", path, line)
            try:
                claim = Claim.model_validate({**record, "line": line})
            except ValidationError as err:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg'].removeprefix('Value error, ')}"
                    for e in err.errors()
                )
                raise ClaimError(f"[{record.get('id') or '?'}] {problems}", path, line) from None
            if claim.id in seen:
                raise ClaimError(f"[{claim.id}] duplicate id (first on line {seen[claim.id]})", path, line)
            seen[claim.id] = line
            claims.append(claim)
        return cls(path, claims)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self.claims

    def __getitem__(self, claim_id: str) -> Claim:
        return self.claims[claim_id]

    def __iter__(self) -> Iterator[Claim]:
        return iter(self.claims.values())

    def __len__(self) -> int:
        return len(self.claims)

    def check_sources(self, bib_keys: set[str]) -> None:
        """Every claim's source must be a key of the bibliography."""
        for claim in self:
            if claim.source not in bib_keys:
                raise ClaimError(
                    f"[{claim.id}] source {claim.source!r} is not a key in the bibliography", self.path, claim.line
                )

    def check_markers(self, chapter: Path) -> set[str]:
        """The claims a chapter marks; every one must be registered."""
        marked = set()
        for number, text in enumerate(chapter.read_text(encoding="utf-8").splitlines(), start=1):
            for match in MARKER.finditer(text):
                if match.group(1) not in self:
                    raise ClaimError(f"unknown claim {match.group(1)!r} (not in {CLAIMS_FILE})", chapter, number)
                marked.add(match.group(1))
        return marked


def claim_spans(html: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, id) of each claim span in pandoc's HTML, its nested spans included."""
    for match in SPAN_OPEN.finditer(html):
        depth = 1
        for tag in SPAN_TAG.finditer(html, match.end()):
            depth += 1 if tag.group(0) == "<span" else -1
            if depth == 0:
                yield match.start(), tag.end(), match.group(1)
                break


def marked_claims(markdown: str) -> list[str]:
    """The claim ids a chapter's Markdown marks, in order."""
    return [m.group(1) for m in MARKER.finditer(markdown)]
