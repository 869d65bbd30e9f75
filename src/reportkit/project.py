"""A report project on disk: its root, configuration, chapters, registry and bibliography."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .bib import Bibliography
from .config import CONFIG_FILE, QuartoConfig, load_config
from .errors import ConfigError
from .i18n import LANGUAGES, Language
from .registry import Registry

CHAPTERS_DIR = "chapters"
DATA_DIR = "data"
ROOT_ENV = "REPORTKIT_ROOT"


def find_root(start: Path | None = None) -> Path:
    """The project root: $REPORTKIT_ROOT, else the nearest folder upwards with `_quarto.yml`."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ConfigError(f"no {CONFIG_FILE} in {here} or any parent folder", here / CONFIG_FILE)


@dataclass(frozen=True)
class ChapterEntry:
    """One chapter of the book, as listed in `_quarto.yml`."""

    name: str  # file name, the same in every language folder: "05-economy.qmd"
    number: str | None  # "5", "A", or None for unnumbered pages (index, references)
    part: str | None
    appendix: bool
    line: int | None

    @property
    def stem(self) -> str:
        return self.name.removesuffix(".qmd")

    @property
    def html_name(self) -> str:
        return self.stem + ".html"


UNNUMBERED = frozenset({"index.qmd", "references.qmd"})


class Project:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.config: QuartoConfig = load_config(self.root)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def data_dir(self) -> Path:
        return self.root / DATA_DIR

    @property
    def output_dir(self) -> Path:
        return self.root / self.config.project.output_dir

    @property
    def source_language(self) -> Language:
        return LANGUAGES[self.config.reportkit.source_language]

    @property
    def languages(self) -> list[Language]:
        return [LANGUAGES[code] for code in self.config.reportkit.languages]

    def chapter_dir(self, language: Language) -> Path:
        return self.root / CHAPTERS_DIR / language.code

    def chapter_path(self, entry: ChapterEntry, language: Language) -> Path:
        return self.chapter_dir(language) / entry.name

    @cached_property
    def chapters(self) -> list[ChapterEntry]:
        """The book's chapters in order, with their numbers (appendices lettered)."""
        from .yamlfile import line_of, load_file

        _, lines = load_file(self.config_path)
        prefix = f"{CHAPTERS_DIR}/{self.source_language.code}/"
        entries: list[ChapterEntry] = []
        number = 0

        def add(path: str, loc: tuple[object, ...], part: str | None, appendix: bool) -> None:
            nonlocal number
            line = line_of(lines, loc)
            if not path.startswith(prefix) or "/" in path.removeprefix(prefix):
                raise ConfigError(
                    f"chapter {path!r} must be a file in {prefix}", self.config_path, line
                )
            name = path.removeprefix(prefix)
            if not (self.root / path).is_file():
                raise ConfigError(f"chapter {path!r} is listed but missing", self.config_path, line)
            if any(e.name == name for e in entries):
                raise ConfigError(f"chapter {path!r} is listed twice", self.config_path, line)
            if appendix:
                label: str | None = chr(ord("A") + sum(e.appendix for e in entries))
            elif name in UNNUMBERED:
                label = None
            else:
                number += 1
                label = str(number)
            entries.append(ChapterEntry(name, label, part, appendix, line))

        book = self.config.book
        for i, item in enumerate(book.chapters):
            if isinstance(item, str):
                add(item, ("book", "chapters", i), None, False)
            else:
                for j, path in enumerate(item.chapters):
                    add(path, ("book", "chapters", i, "chapters", j), item.part, False)
        for i, path in enumerate(book.appendices):
            add(path, ("book", "appendices", i), None, True)
        if not entries or entries[0].name != "index.qmd":
            raise ConfigError(
                f"the first chapter must be {prefix}index.qmd (the book's home page)",
                self.config_path, line_of(lines, ("book", "chapters")),
            )
        return entries

    def entry(self, name: str) -> ChapterEntry:
        return next(e for e in self.chapters if e.name == name)

    @cached_property
    def bibliography(self) -> Bibliography:
        return Bibliography.load(self.root / self.config.bibliography)

    @cached_property
    def registry(self) -> Registry:
        return Registry.load(self.data_dir)

    def validate(self) -> None:
        """Everything that can be checked before any chapter runs."""
        from .bib import check_with_pandoc

        self.chapters  # noqa: B018 - validates the chapter list
        bib = self.bibliography
        check_with_pandoc(bib.path)
        self.registry.check_sources(bib.keys)
