"""A report project on disk: its root, configuration, chapters, registry and bibliography."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reportkit.config.hans import GLOSSARY_FILE, Glossary, read_glossary, to_hans
from reportkit.config.model import (
    CONFIG_FILE,
    SITE_DIR,
    Book,
    LanguageProfile,
    QuartoConfig,
    load_config,
    load_profile,
    profile_file,
)
from reportkit.config.profiles import generated_profile
from reportkit.errors import ConfigError, RegistryError
from reportkit.evidence.claims import Claims
from reportkit.evidence.registry import Registry
from reportkit.i18n import LANGUAGES, Language
from reportkit.textfile import read_text
from reportkit.yamlfile import Lines, line_of

if TYPE_CHECKING:
    from reportkit.evidence.bibliography import Bibliography, Store

CHAPTERS_DIR = "chapters"
DATA_DIR = "data"
ROOT_ENV = "REPORTKIT_ROOT"
HOME = "index.qmd"  # the home page's language-neutral name; its file is index.<lang>.qmd


def relative_href(page: str, target: str) -> str:
    """A link from `page` to `target`, both relative to the same folder (a language's output
    folder, or the project root for sources)."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def find_root(project: Path | None = None) -> Path:
    """The project root: the nearest folder with `_quarto.yml` at or above `project` (the
    explicit `--project`), else $REPORTKIT_ROOT, else at or above the current folder."""
    if project is None and os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV]).resolve()
    here = (project or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ConfigError(f"no {CONFIG_FILE} in {here} or any parent folder", here / CONFIG_FILE)


@dataclass(frozen=True)
class ChapterEntry:
    """One chapter of the book, the same in every language.

    Where it lives follows Quarto's book rules, so both engines read and publish the same
    paths: the home page must be a file whose project-relative path starts with `index.`
    (`index.<lang>.qmd` at the root, published as the language folder's `index.html`); every
    other chapter is `chapters/<lang>/<name>` and keeps that path under the output folder
    (`_site/<lang>/chapters/<lang>/05-economy.html`).
    """

    name: str  # "05-economy.qmd"; the home page is HOME
    number: str | None  # "5", "A", or None for pages titled {.unnumbered}
    appendix: bool

    @property
    def stem(self) -> str:
        return self.name.removesuffix(".qmd")

    @property
    def home(self) -> bool:
        return self.name == HOME

    def source(self, code: str) -> str:
        """The chapter file of language `code`, relative to the project root."""
        return f"index.{code}.qmd" if self.home else f"{CHAPTERS_DIR}/{code}/{self.name}"

    def page(self, code: str) -> str:
        """Its HTML page, relative to the language's output folder `_site/<code>/`."""
        return "index.html" if self.home else f"{CHAPTERS_DIR}/{code}/{self.stem}.html"


def chapter_paths(book: Book) -> list[tuple[str, tuple[object, ...], str | None, bool]]:
    """(path, yaml location, part, appendix) for every chapter of a profile's book."""
    out: list[tuple[str, tuple[object, ...], str | None, bool]] = []
    for i, item in enumerate(book.chapters):
        if isinstance(item, str):
            out.append((item, ("book", "chapters", i), None, False))
        else:
            out += [(p, ("book", "chapters", i, "chapters", j), item.part, False)
                    for j, p in enumerate(item.chapters)]
    out += [(p, ("book", "appendices", i), None, True) for i, p in enumerate(book.appendices)]
    return out


class Project:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.config: QuartoConfig = load_config(self.root)

    @property
    def data_dir(self) -> Path:
        return self.root / DATA_DIR

    @property
    def output_dir(self) -> Path:
        return self.root / SITE_DIR

    @property
    def source_language(self) -> Language:
        return LANGUAGES[self.config.reportkit.source_language]

    @property
    def languages(self) -> list[Language]:
        return [LANGUAGES[code] for code in self.config.reportkit.languages]

    def is_generated(self, language: Language) -> bool:
        return language.code in self.config.reportkit.generated

    def origin(self, language: Language) -> Language:
        """The language a generated language is converted from."""
        return LANGUAGES[self.config.reportkit.generated[language.code].from_]

    def conversion(self, language: Language) -> str:
        """The OpenCC conversion a generated language is made with."""
        return self.config.reportkit.generated[language.code].opencc

    def chapter_dir(self, language: Language) -> Path:
        return self.root / CHAPTERS_DIR / language.code

    def chapter_path(self, entry: ChapterEntry, language: Language) -> Path:
        return self.root / entry.source(language.code)

    @cached_property
    def profiles(self) -> dict[str, tuple[LanguageProfile, Lines]]:
        """Each language's Quarto profile; a generated language's is derived from its origin's.
        Its typst header must name the fonts reportkit's own PDF uses."""
        from reportkit.config.typefaces import typst_header

        out = {}
        for lang in self.languages:
            profile, lines = load_profile(self.root, lang.code, self.config.reportkit.slug,
                                          self.generated_profile_text(lang))
            if profile.format.typst.include_in_header.text != typst_header(lang):
                raise ConfigError(
                    "format.typst.include-in-header.text must be: "
                    + typst_header(lang).strip().replace("\n", " ⏎ "), self.root / profile_file(lang.code),
                    line_of(lines, ("format", "typst", "include-in-header", "text")))
            out[lang.code] = profile, lines
        return out

    def generated_profile_text(self, language: Language) -> str | None:
        """What `_quarto-<lang>.yml` must contain for a generated language (None otherwise)."""
        if not self.is_generated(language):
            return None
        origin = self.origin(language)
        return generated_profile(read_text(self.root / profile_file(origin.code), ConfigError),
                                 origin, language, self.glossary, self.conversion(language))

    @cached_property
    def glossary(self) -> Glossary:
        """The zh-Hant → zh-Hans overrides OpenCC gets wrong (chapters/zh-Hans.glossary.csv)."""
        return read_glossary(self.root / GLOSSARY_FILE)

    def localize(self, text: str, language: Language) -> str:
        """Text written in the source language (registry fields, chart labels, generated tables)
        as shown in `language`: a generated language gets the same conversion, glossary included,
        as its chapters."""
        if not self.is_generated(language):
            return text
        return to_hans(text, self.glossary, self.conversion(language))

    def book(self, language: Language) -> Book:
        return self.profiles[language.code][0].book

    @cached_property
    def chapters(self) -> list[ChapterEntry]:
        """The chapters in order, the same in every language, numbered as Quarto numbers a book:
        every chapter, the home page included, unless its title is marked `{.unnumbered}`;
        appendices are lettered.

        The source language's profile is the reference; every other profile must list the
        same files, in the same order, in its own language's places.
        """
        from reportkit.chapters.reader import parse

        source = self.source_language
        reference: list[str] = []
        entries: list[ChapterEntry] = []
        for language in sorted(self.languages, key=lambda lang: lang != source):
            profile, lines = self.profiles[language.code]
            path = self.root / profile_file(language.code)
            home, prefix = f"index.{language.code}.qmd", f"{CHAPTERS_DIR}/{language.code}/"
            generated = self.is_generated(language)
            names: list[str] = []
            numbered: list[tuple[bool, str, int | None]] = []  # per chapter: numbered, file, line
            for k, (chapter, loc, _, _) in enumerate(chapter_paths(profile.book)):
                line = line_of(lines, loc)
                name = HOME if chapter == home else chapter.removeprefix(prefix)
                if k == 0 and chapter != home:
                    raise ConfigError(f"the first chapter must be the home page {home} (Quarto takes "
                                      "as a book's home page only a file whose name starts with index.)",
                                      path, line)
                if k > 0 and (not chapter.startswith(prefix) or "/" in name or name == HOME):
                    raise ConfigError(f"chapter {chapter!r} must be a file in {prefix}", path, line)
                if name in names:
                    raise ConfigError(f"chapter {chapter!r} is listed twice", path, line)
                if not generated:
                    self._check_chapter_file(chapter, path, line)
                names.append(name)
                if not generated:
                    numbered.append((parse(self.root / chapter).numbered, chapter, line))
            if language == source:
                reference = names
                entries = self._numbered(profile.book, names, [n for n, _, _ in numbered])
            elif names != reference:
                raise ConfigError(
                    f"chapters must be the files of {profile_file(source.code)} in the same order "
                    f"(expected {', '.join(ChapterEntry(n, None, False).source(language.code) for n in reference)})",
                    path, line_of(lines, ("book", "chapters")),
                )
            for entry, (is_numbered, chapter, line) in zip(entries, numbered, strict=False):
                if is_numbered != (entry.number is not None):
                    raise ConfigError(f"{chapter} must be {'numbered' if entry.number else 'titled {.unnumbered}'}"
                                      f" like {entry.source(source.code)}", path, line)
        return entries

    @staticmethod
    def _numbered(book: Book, names: list[str], numbered: list[bool]) -> list[ChapterEntry]:
        """Chapters numbered 1, 2, … and appendices A, B, …, skipping the unnumbered ones."""
        entries: list[ChapterEntry] = []
        counts = {False: 0, True: 0}
        for name, (_, _, _, appendix), is_numbered in zip(names, chapter_paths(book), numbered, strict=True):
            label = None
            if is_numbered:
                counts[appendix] += 1
                label = chr(ord("A") + counts[True] - 1) if appendix else str(counts[False])
            entries.append(ChapterEntry(name, label, appendix))
        return entries

    def _check_chapter_file(self, chapter: str, profile: Path, line: int | None) -> None:
        """A listed chapter must be a file of the project: a build depends on nothing outside it."""
        file = self.root / chapter
        if file.is_symlink() and not file.exists():
            raise ConfigError(f"chapter {chapter!r} is a symbolic link to a missing file", profile, line)
        if not file.is_file():
            raise ConfigError(f"chapter {chapter!r} is listed but missing", profile, line)
        if not file.resolve().is_relative_to(self.root):
            raise ConfigError(f"chapter {chapter!r} links to a file outside the project", profile, line)

    def parts(self, language: Language) -> dict[str, str]:
        """Chapter name -> the title of its part, in `language`."""
        prefix = f"{CHAPTERS_DIR}/{language.code}/"
        return {path.removeprefix(prefix): part
                for path, _, part, _ in chapter_paths(self.book(language)) if part}

    def entry(self, name: str) -> ChapterEntry:
        return next(e for e in self.chapters if e.name == name)

    @cached_property
    def bibliography(self) -> Bibliography:
        from reportkit.evidence.bibliography import (
            Bibliography,  # chapters' kernels never read the bibliography: not on their import path
        )

        return Bibliography.load(self.root / self.config.bibliography)

    @cached_property
    def registry(self) -> Registry:
        return Registry.load(self.data_dir)

    @cached_property
    def claims(self) -> Claims:
        return Claims.load(self.data_dir)

    def validate(self, store: Store | None = None) -> None:
        """Everything that can be checked before any chapter runs (`store`: where the
        bibliography's reading by pandoc is kept between runs, the build cache)."""
        from reportkit.evidence.bibliography import check_with_pandoc

        self.chapters  # noqa: B018 - loads and cross-checks every profile
        bib = self.bibliography
        check_with_pandoc(bib.path, store)
        self.registry.check_sources(bib.keys)
        for table in sorted(self.data_dir.glob("*.csv")):  # what chapters read must be text too
            read_text(table, RegistryError)
        self.validate_claims(bib.keys)

    def validate_claims(self, bib_keys: set[str]) -> set[str]:
        """Check the claims register against the bibliography and every authored chapter's
        markers; return the ids the chapters mark."""
        self.claims.check_sources(bib_keys)
        marked: set[str] = set()
        for language in self.languages:
            if self.is_generated(language):
                continue
            for entry in self.chapters:
                path = self.chapter_path(entry, language)
                if path.is_file():
                    marked |= self.claims.check_markers(path)
        return marked
