"""The statistics registry, ``data/statistics.csv``: one row per statistic the report shows.

Rows are validated on load (types, unique kebab-case ids, known units and
statuses, a source and a locator); errors name the CSV line. Rows derived from
a tidy source table in ``data/`` name it with ``table``/``column``/``filter``
and :func:`recompute` checks that the table still gives the row's value.
Rows that rest on a source carry its own words (``quote``, with ``quote_url``,
``quote_lang`` and ``accessed``); ``reportkit check`` reads the value in them
(:mod:`reportkit.evidence.quotes`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from reportkit.errors import RegistryError
from reportkit.evidence.numbers import UNITS, format_statistic
from reportkit.i18n import Language
from reportkit.rows import Register
from reportkit.textfile import normalize, read_text

REGISTRY_FILE = "statistics.csv"
COLUMNS = (
    "id", "value", "value_high", "unit", "decimals", "source", "locator", "measure",
    "measure_en", "population", "population_en", "geography", "period", "horizon",
    "status", "draft", "note", "note_en", "table", "column", "filter",
    "quote", "quote_url", "quote_lang", "accessed", "horizon_acknowledged",
)
EVIDENCE_COLUMNS = COLUMNS[-5:-1]  # added in the 2026 edition; older editions' registries lack them
# Added after the 2026 edition's registry was first published: an older revision (a previous
# edition's tag, read by `reportkit diff`) may lack it.
OPTIONAL_COLUMNS = ("horizon_acknowledged",)
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Figures inside text readers see (note, draft, corrections, chart labels): `{value}` is the row's
# own value, `{stat:<id>}` another row's, both formatted for the page's language as stat() formats
# them; `{name:<text>}` is a name or identifier with digits (GPT-5, S&P 500), like [..]{.name} in prose.
PLACEHOLDER = re.compile(r"\{(?:value|stat:(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)|name:(?P<name>[^{}]+))\}")
Status = Literal["confirmed", "differs", "secondary", "unverified"]
STATUSES: tuple[Status, ...] = ("confirmed", "differs", "secondary", "unverified")
QUOTED_STATUSES = frozenset({"confirmed", "differs", "secondary"})  # rows that need a quote
URL_PATTERN = re.compile(r"^https?://[^\s<>\"'`{}|\\^]+$")
LANG_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class Statistic(BaseModel):
    """One registry row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    value: float
    value_high: float | None = None
    unit: str
    decimals: int
    source: str
    locator: str
    measure: str
    measure_en: str
    population: str = ""
    population_en: str = ""
    geography: str = ""
    period: str = ""
    horizon: int | None = None
    status: Status
    draft: str = ""
    note: str = ""
    note_en: str = ""
    table: str = ""
    column: str = ""
    filter: str = ""
    quote: str = ""  # the source's own words stating the value, verbatim
    quote_url: str = ""  # where that passage was read
    quote_lang: str = ""  # BCP 47 language of the quote (the source's language)
    accessed: date | None = None  # when it was read
    horizon_acknowledged: bool = False  # the text says the forecast's year has passed (`yes`)
    line: int = 0  # line in statistics.csv, for messages

    @field_validator("id")
    @classmethod
    def _kebab(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise ValueError(f"id {v!r} is not kebab-case")
        return v

    @field_validator("value", "value_high")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        if v not in UNITS:
            raise ValueError(f"unknown unit {v!r} (known: {', '.join(UNITS)})")
        return v

    @field_validator("decimals")
    @classmethod
    def _decimals(cls, v: int) -> int:
        if not 0 <= v <= 4:
            raise ValueError("decimals must be between 0 and 4")
        return v

    @field_validator("source", "locator", "measure", "measure_en")
    @classmethod
    def _required(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v.strip()

    @field_validator("quote_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if v and not URL_PATTERN.match(v):
            raise ValueError(f"{v!r} is not an http(s) URL")
        return v

    @field_validator("quote_lang")
    @classmethod
    def _lang(cls, v: str) -> str:
        if v and not LANG_PATTERN.match(v):
            raise ValueError(f"{v!r} is not a BCP 47 language tag (e.g. en, ja, zh-Hant)")
        return v

    @field_validator("accessed", mode="before")
    @classmethod
    def _iso_date(cls, v: object) -> object:
        if isinstance(v, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            raise ValueError(f"{v!r} is not an ISO date (YYYY-MM-DD)")
        return v

    @field_validator("horizon_acknowledged", mode="before")
    @classmethod
    def _yes(cls, v: object) -> object:
        if isinstance(v, str) and v != "yes":
            raise ValueError(f"{v!r} is not `yes` (or empty)")
        return v == "yes" if isinstance(v, str) else v

    @field_validator("quote")
    @classmethod
    def _one_line(cls, v: str) -> str:
        return " ".join(v.split())

    @model_validator(mode="after")
    def _groups_complete(self) -> Statistic:
        parts = [bool(self.table), bool(self.column), bool(self.filter)]
        if any(parts) and not all(parts):
            raise ValueError("table, column and filter must be given together")
        evidence = {"quote": bool(self.quote), "quote_url": bool(self.quote_url),
                    "quote_lang": bool(self.quote_lang), "accessed": self.accessed is not None}
        if any(evidence.values()) and not all(evidence.values()):
            missing = ", ".join(name for name, given in evidence.items() if not given)
            raise ValueError(f"quote, quote_url, quote_lang and accessed go together; missing {missing}")
        if self.horizon_acknowledged and self.horizon is None:
            raise ValueError("horizon_acknowledged is for a forecast: the row has no horizon")
        return self

    def expired(self, edition: int) -> bool:
        """A forecast whose year is before `edition`."""
        return self.horizon is not None and self.horizon < edition

    def format(self, language: Language) -> str:
        """The value as readers of `language` see it."""
        return format_statistic(self.value, self.unit, self.decimals, language, self.value_high)

    def conditions(self) -> list[tuple[str, str]]:
        """The ``filter`` column as (column, value) pairs."""
        pairs = []
        for part in self.filter.split(" & "):
            key, sep, value = part.partition("=")
            if not sep:
                raise RegistryError(
                    f"[{self.id}] filter {part!r} is not key=value", None, self.line
                )
            pairs.append((key.strip(), value.strip()))
        return pairs


class Registry(Register[Statistic]):
    """All statistics of the report, keyed by id, in file order."""

    file, columns, model, error = REGISTRY_FILE, COLUMNS, Statistic, RegistryError
    optional = OPTIONAL_COLUMNS
    missing = "registry file not found"


def fill_placeholders(text: str, registry: Registry, language: Language, row: Statistic | None = None) -> str:
    """`text` with its placeholders filled: `{value}` / `{stat:<id>}` by the formatted figures,
    `{name:<text>}` by the name."""

    def figure(match: re.Match[str]) -> str:
        stat_id = match.group("id")
        if match.group("name") is not None:
            return match.group("name")
        if stat_id is None:
            if row is None:
                raise RegistryError(f"{{value}} outside a registry row: use {{stat:<id>}} in {text!r}")
            return row.format(language)
        if stat_id not in registry:
            raise RegistryError(f"{match.group(0)} names an id that is not in the registry", registry.path)
        return registry[stat_id].format(language)

    return PLACEHOLDER.sub(figure, text)


def recompute(stat: Statistic, data_dir: Path) -> float:
    """The value of a derived row, read again from its source table (the csv module, not pandas:
    one row of a small table, and the check should not pay pandas' import)."""
    def error(message: str) -> RegistryError:
        return RegistryError(f"[{stat.id}] {message}", data_dir / REGISTRY_FILE, stat.line)

    path = data_dir / stat.table
    if not path.is_file():
        raise error(f"source table {stat.table} not found")
    reader = csv.DictReader(io.StringIO(normalize(read_text(path, RegistryError)), newline=""))
    columns = reader.fieldnames or []
    if stat.column not in columns:
        raise error(f"column {stat.column!r} not in {stat.table}")
    conditions = stat.conditions()
    for key, _ in conditions:
        if key not in columns:
            raise error(f"filter column {key!r} not in {stat.table}")
    selected = [row[stat.column] for row in reader if all(row[key] == value for key, value in conditions)]
    if len(selected) != 1:
        raise error(f"filter {stat.filter!r} selects {len(selected)} rows of {stat.table}, not one")
    return float(selected[0])


def quote_source(stat: Statistic, language: Language) -> tuple[str, str]:
    """Where the quote was read, as a label (the host of `quote_url`), and when ("accessed …")."""
    host = urlsplit(stat.quote_url).hostname or stat.quote_url
    return host, f"{language.t('accessed')} {stat.accessed.isoformat()}" if stat.accessed else ""
