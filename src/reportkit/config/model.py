"""The project configuration: `_quarto.yml` plus one Quarto profile per language.

Quarto's documented profile mechanism is the shape: `_quarto.yml` holds what all
languages share (project type, bibliography, execution, the ``reportkit:``
section) and `_quarto-<lang>.yml` what one language's book is (title, authors,
chapters, `lang`, output folder). Quarto merges a profile over `_quarto.yml`
and *appends* arrays, so chapter lists live only in the profiles.

Both files are read as typed, strict models: only the subset of Quarto keys
that both engines honour is accepted, and anything else is rejected with the
file and line.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reportkit.errors import ConfigError
from reportkit.i18n import LANGUAGES
from reportkit.yamlfile import Lines, error_line, line_of, load_file, load_text

CONFIG_FILE = "_quarto.yml"
SITE_DIR = "_site"
DEFAULT_CELL_TIMEOUT = 120  # seconds
DEFAULT_CACHE_SIZE = 1000  # megabytes of _cache/: about a hundred cold builds of the report
SITE_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?/")
DEFAULT_CONVERSION = "tw2sp"  # OpenCC: Taiwan standard to mainland Simplified Chinese, with phrases


def profile_file(code: str) -> str:
    return f"_quarto-{code}.yml"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class ProjectSection(Strict):
    type: Literal["book"]
    pre_render: list[str] | str | None = Field(None, alias="pre-render")


class ProfileSection(Strict):
    default: str
    group: list[list[str]]


class Part(Strict):
    part: str
    chapters: list[str]


class Book(Strict):
    title: str
    output_file: str = Field(alias="output-file")  # the PDF's file name, without .pdf (both engines)
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


class Generated(Strict):
    """How a generated language is made: converted from another language with OpenCC."""

    from_: str = Field(alias="from")  # the language it is converted from
    opencc: str = Field(DEFAULT_CONVERSION, pattern=r"^[a-z0-9]+$")  # the OpenCC configuration's name


class ReportkitSection(Strict):
    edition: int = Field(ge=1900, le=2999)
    as_of: date = Field(alias="as-of")  # the date the edition's research is current to
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    source_language: str = Field(alias="source-language")
    languages: list[str]
    # generated language -> the language it is converted from (`zh-Hans: zh-Hant`), or
    # {from: zh-Hant, opencc: tw2sp} to name the OpenCC conversion as well
    generated: dict[str, Generated] = {}
    # Quarto has no execution time limit (its Jupyter runner waits forever); reportkit stops a
    # cell after this many seconds. A chapter may set its own in front matter `reportkit:`.
    cell_timeout: int = Field(DEFAULT_CELL_TIMEOUT, alias="cell-timeout", gt=0)
    # Where the site is published (https://…/, ending in /): citations give readers this URL.
    # Without it they give none (reportkit never invents one).
    site_url: str | None = Field(None, alias="site-url")
    # Publish every earlier `edition-<year>` tag under _site/editions/<year>/ (see archive.py).
    archive: bool = True
    # Megabytes the build cache (_cache/) may keep: after each build, the entries used longest
    # ago go first; what that build used always stays (0 keeps only that).
    cache_size: int = Field(DEFAULT_CACHE_SIZE, alias="cache-size", ge=0)

    @field_validator("site_url")
    @classmethod
    def _site_url(cls, v: str | None) -> str | None:
        if v is not None and not SITE_URL.fullmatch(v):
            raise ValueError(f"{v!r} is not an absolute http(s) URL ending in / (e.g. https://example.org/report/)")
        return v

    @field_validator("generated", mode="before")
    @classmethod
    def _origin_only(cls, v: object) -> object:
        return {k: {"from": o} if isinstance(o, str) else o for k, o in v.items()} if isinstance(v, dict) else v

    @field_validator("languages")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        unknown = [code for code in v if code not in LANGUAGES]
        if unknown:
            raise ValueError(f"unknown language(s) {unknown} (known: {', '.join(LANGUAGES)})")
        return v


class QuartoConfig(Strict):
    """`_quarto.yml`: what every language shares."""

    project: ProjectSection
    profile: ProfileSection
    jupyter: str | None = None  # the kernel Quarto executes chapters with
    bibliography: str
    execute: Execute = Execute()
    format: dict[Literal["html", "typst"], dict[str, Any]] = {}
    reportkit: ReportkitSection


class ProfileProject(Strict):
    output_dir: str = Field(alias="output-dir")


class IncludeText(Strict):
    text: str


class TypstProfile(Strict):
    include_in_header: IncludeText = Field(alias="include-in-header")  # fonts and region


class ProfileFormats(Strict):
    typst: TypstProfile


class LanguageProfile(Strict):
    """`_quarto-<lang>.yml`: one language's book."""

    project: ProfileProject
    lang: str
    format: ProfileFormats
    book: Book


M = TypeVar("M", bound=BaseModel)


def _describe(err: Any) -> str:
    loc = ".".join(str(p) for p in err["loc"] if p not in ("str", "list[str]", "Part"))
    if err["type"] == "extra_forbidden":
        return f"unknown key {loc!r} (not in the supported Quarto subset)"
    if err["type"] == "missing":
        return f"missing required key {loc!r}"
    return f"{loc}: {err['msg'].removeprefix('Value error, ')}"


def read_model(path: Path, model: type[M], text: str | None = None) -> tuple[M, Lines]:
    """Read a YAML file (or `text` standing for it) into a strict model; every error
    names the file and line."""
    if text is None and not path.is_file():
        raise ConfigError(f"{path.name} not found", path)
    try:
        data, lines = load_text(text) if text is not None else load_file(path, ConfigError)
    except yaml.YAMLError as err:
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ConfigError(f"malformed YAML: {problem}", path, error_line(err)) from None
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of keys", path, 1)
    try:
        return model.model_validate(data), lines
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(p for p in first["loc"] if p not in ("str", "list[str]", "Part"))
        raise ConfigError(_describe(first), path, line_of(lines, loc)) from None


def opencc_config_exists(name: str) -> bool:
    """Whether the installed OpenCC has the conversion `name` (tw2sp, s2twp, hk2s, ...)."""
    from importlib import resources

    return (resources.files("opencc") / "clib" / "share" / "opencc" / f"{name}.json").is_file()


def load_config(root: Path) -> QuartoConfig:
    path = root / CONFIG_FILE
    if not path.is_file():
        raise ConfigError(f"no {CONFIG_FILE} here; run reportkit inside a report project", path)
    config, lines = read_model(path, QuartoConfig)
    rk = config.reportkit

    def fail(message: str, *loc: object) -> ConfigError:
        return ConfigError(message, path, line_of(lines, loc))

    if rk.source_language not in rk.languages:
        raise fail(f"source-language {rk.source_language!r} is not among languages",
                   "reportkit", "source-language")
    for generated, how in rk.generated.items():
        if generated not in rk.languages or how.from_ not in rk.languages or generated == how.from_:
            raise fail(f"generated language {generated!r} must be converted from another "
                       "declared language", "reportkit", "generated", generated)
        if not opencc_config_exists(how.opencc):
            raise fail(f"unknown OpenCC conversion {how.opencc!r}", "reportkit", "generated", generated)
    if not rk.edition - 1 <= rk.as_of.year <= rk.edition + 1:  # the edition's year, give or take one
        raise fail(f"as-of {rk.as_of.isoformat()} is not within a year of the {rk.edition} edition",
                   "reportkit", "as-of")
    if config.profile.default != rk.source_language:
        raise fail(f"profile default must be the source language {rk.source_language!r}",
                   "profile", "default")
    if sorted(code for group in config.profile.group for code in group) != sorted(rk.languages):
        raise fail("profile group must list exactly the languages of reportkit.languages",
                   "profile", "group")
    return config


def load_profile(root: Path, code: str, slug: str, text: str | None = None) -> tuple[LanguageProfile, Lines]:
    path = root / profile_file(code)
    profile, lines = read_model(path, LanguageProfile, text)
    language = LANGUAGES[code]
    if profile.lang != language.csl:
        raise ConfigError(f"lang must be {language.csl!r} for {code}", path, line_of(lines, ("lang",)))
    if profile.project.output_dir != f"{SITE_DIR}/{code}":
        raise ConfigError(f"output-dir must be {SITE_DIR}/{code}", path,
                          line_of(lines, ("project", "output-dir")))
    if profile.book.output_file != f"{slug}-{code}":
        raise ConfigError(f"book.output-file must be {slug}-{code} (the PDF's name)", path,
                          line_of(lines, ("book", "output-file")))
    return profile, lines
