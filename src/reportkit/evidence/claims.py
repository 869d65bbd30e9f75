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

import re
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from reportkit.errors import ClaimError
from reportkit.rows import KebabId, NonBlank, Register
from reportkit.textfile import read_text

CLAIMS_FILE = "claims.csv"
COLUMNS = ("id", "statement", "statement_en", "source", "checked_on", "recheck_by", "kind")
# "market": the state of a market or of work in it ("demand has grown", "studios have cut staff").
Kind = Literal["case", "settlement", "regulation", "bill", "report", "product", "policy", "market"]
# The marker in a chapter's Markdown (filters/html.lua finds the span pandoc makes of it)
MARKER = re.compile(r"""\{\.claim\s+data-claim=["']([^"']+)["']\}""")


class Claim(BaseModel):
    """One row of ``claims.csv``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: KebabId
    statement: NonBlank
    statement_en: NonBlank
    source: NonBlank
    checked_on: date
    recheck_by: date
    kind: Kind
    line: int = 0  # line in claims.csv, for messages

    @model_validator(mode="after")
    def _recheck_after_check(self) -> Claim:
        if self.recheck_by <= self.checked_on:
            raise ValueError(f"recheck_by {self.recheck_by} must be after checked_on {self.checked_on}")
        return self

    def due(self, as_of: date) -> bool:
        """Whether the claim must be checked again before an edition current to `as_of`."""
        return self.recheck_by <= as_of


class Claims(Register[Claim]):
    """All registered claims, keyed by id, in file order (empty when there is no claims.csv)."""

    file, columns, model, error, required = CLAIMS_FILE, COLUMNS, Claim, ClaimError, False

    def check_markers(self, chapter: Path) -> set[str]:
        """The claims a chapter marks; every one must be registered."""
        marked = set()
        for number, text in enumerate(read_text(chapter, ClaimError).splitlines(), start=1):
            for match in MARKER.finditer(text):
                if match.group(1) not in self:
                    raise ClaimError(f"unknown claim {match.group(1)!r} (not in {CLAIMS_FILE})", chapter, number)
                marked.add(match.group(1))
        return marked


def marked_claims(markdown: str) -> list[str]:
    """The claim ids a chapter's Markdown marks, in order."""
    return [m.group(1) for m in MARKER.finditer(markdown)]
