"""The project configuration: `_quarto.yml`, read as a typed, strict model.

`_quarto.yml` is the single source of truth for the book (title, authors,
chapter order, language, bibliography, output directory) and holds one
``reportkit:`` section for what Quarto has no key for. Only the subset of
Quarto keys that both engines honour is accepted; anything else is rejected
with the file and line, so the embedded engine never silently ignores a key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError
from .i18n import LANGUAGES
from .yamlfile import error_line, line_of, load_file

CONFIG_FILE = "_quarto.yml"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class ProjectSection(Strict):
    type: Literal["book"]
    output_dir: str = Field("_site", alias="output-dir")
    pre_render: list[str] | str | None = Field(None, alias="pre-render")


class Part(Strict):
    part: str
    chapters: list[str]


class Book(Strict):
    title: str
    subtitle: str | None = None
    author: list[str] | str
    date: str | None = None
    chapters: list[str | Part]
    appendices: list[str] = []

    @property
    def authors(self) -> list[str]:
        return [self.author] if isinstance(self.author, str) else list(self.author)


class Execute(Strict):
    echo: bool = False
    warning: bool = False


class ReportkitSection(Strict):
    edition: int = Field(ge=1900, le=2999)
    source_language: str = Field(alias="source-language")
    languages: list[str]
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")

    @field_validator("languages")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        unknown = [code for code in v if code not in LANGUAGES]
        if unknown:
            raise ValueError(f"unknown language(s) {unknown} (known: {', '.join(LANGUAGES)})")
        return v


class QuartoConfig(Strict):
    project: ProjectSection
    book: Book
    bibliography: str
    lang: str
    execute: Execute = Execute()
    format: dict[Literal["html", "typst"], dict[str, Any]] = {}
    reportkit: ReportkitSection


def _describe(err: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in err["loc"] if not (isinstance(p, str) and p in ("str", "list[str]")))
    if err["type"] == "extra_forbidden":
        return f"unknown key {loc!r} (not in the supported Quarto subset)"
    if err["type"] == "missing":
        return f"missing required key {loc!r}"
    return f"{loc}: {err['msg']}"


def load_config(root: Path) -> QuartoConfig:
    path = root / CONFIG_FILE
    if not path.is_file():
        raise ConfigError(f"no {CONFIG_FILE} here; run reportkit inside a report project", path)
    try:
        data, lines = load_file(path)
    except yaml.YAMLError as err:
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ConfigError(f"malformed YAML: {problem}", path, error_line(err)) from None
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of keys", path, 1)
    try:
        config = QuartoConfig.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(p for p in first["loc"] if p not in ("str", "list[str]", "Part"))
        raise ConfigError(_describe(first), path, line_of(lines, loc)) from None
    source = config.reportkit.source_language
    if source not in config.reportkit.languages:
        raise ConfigError(
            f"source-language {source!r} is not among languages", path,
            line_of(lines, ("reportkit", "source-language")),
        )
    if config.lang != LANGUAGES[source].csl:
        raise ConfigError(
            f"lang must be {LANGUAGES[source].csl!r}, the CSL locale of {source}", path,
            line_of(lines, ("lang",)),
        )
    return config
