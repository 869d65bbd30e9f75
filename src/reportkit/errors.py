"""The exception hierarchy: every error a user can cause is a ReportkitError.

Each carries the file (and line, when known) it is about, and renders as the
one-line ``path:line: message`` that the command line prints.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

DEBUG_ENV = "REPORTKIT_DEBUG"  # set: an unexpected error shows its traceback


class ReportkitError(Exception):
    """Base class of every user-facing reportkit error."""

    #: An error located in a generated chapter is reported at the chapter it is generated from
    #: (see `origin`), unless the error is about the generated file itself.
    about_generated_file: ClassVar[bool] = False

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def location(self, root: Path | None = None) -> str:
        path = self.path or Path("reportkit")
        absolute = path.parent.resolve() / path.name  # the path as named, not where a symlink leads
        if root is not None and absolute.is_relative_to(root.resolve()):
            path = absolute.relative_to(root.resolve())
        return f"{path.as_posix()}:{self.line}" if self.line else path.as_posix()

    def format(self, root: Path | None = None) -> str:
        """The one-line form users see: ``path:line: message``."""
        if self.path is None:
            return self.message
        return f"{self.location(root)}: {self.message}"

    def __str__(self) -> str:
        return self.format()


class ConfigError(ReportkitError):
    """`_quarto.yml` is malformed, has unknown keys or names missing files."""


class RegistryError(ReportkitError):
    """`data/statistics.csv` or a source table is invalid."""


class ClaimError(RegistryError):
    """`data/claims.csv` is invalid, or a chapter marks a claim it does not register."""


class ChartError(RegistryError):
    """A chart cannot be drawn truthfully from its table (e.g. one axis mixes base populations)."""


class ChartLabelsMissingError(RegistryError):
    """Charts show terms (categories, groups, column names) that data/chart-labels.csv has no row for."""


class BibliographyError(ReportkitError):
    """`bib/references.bib` has a malformed entry or a missing key."""


class ChapterSyntaxError(ReportkitError):
    """A chapter uses something outside the supported Quarto subset."""


class ChapterExecutionError(ReportkitError):
    """Code in a chapter (a cell or an inline expression) raised an exception."""


class UnknownStatisticError(ReportkitError, KeyError):
    """A chapter asked for a statistic id that is not in the registry."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.format()


class NotebookError(ReportkitError):
    """A file cannot be opened as a notebook (not a chapter, a generated chapter), a notebook's edit
    is not a valid chapter, or jupytext and reportkit read a chapter's cells differently."""

    about_generated_file = True  # "this generated chapter cannot be opened" names the file itself


class EditionError(ReportkitError):
    """A git revision (a previous edition) cannot be read."""


class OutputError(ReportkitError):
    """The output folder (or the staging folder beside it) cannot be written: read-only, full disk."""


class StarterError(ReportkitError):
    """`reportkit new` cannot write a starter report (the folder is not empty, the language has no starter)."""


class ToolMissingError(ReportkitError):
    """An external tool (pandoc, typst, quarto, a font, chromium) is not available."""


class ToolFailedError(ReportkitError):
    """An external tool ran and failed."""


def describe(error: Exception, root: Path | None = None) -> str:
    """Any error as the one line users see: `path:line: message` for theirs, the file for a
    system error (full disk, permissions), and a plain report line for a bug in reportkit.
    (`origin.describe` first moves an error in a generated chapter to its origin chapter.)"""
    if isinstance(error, ReportkitError):
        return error.format(root) if error.path else f"reportkit: {error.message}"
    if isinstance(error, OSError):
        return ReportkitError(error.strerror or str(error), error.filename).format(root)
    first = next(iter(str(error).splitlines()), "")
    return (f"reportkit: internal error: {type(error).__name__}: {first} "
            f"(please report it; {DEBUG_ENV}=1 shows the traceback)")


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """" (did you mean 'x'?)" for the closest of `known` to a mistyped `name`, else ""."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _subclasses(cls: type[ReportkitError]) -> Iterable[type[ReportkitError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def raised_in_code(name: str, message: str, root: Path) -> str:
    """An exception a chapter's code raised, as users read it: reportkit's own (a missing chart
    label, an unknown statistic) by its message alone, paths relative to the project; any other
    with its class name (`ZeroDivisionError: division by zero`)."""
    if name in {cls.__name__ for cls in _subclasses(ReportkitError)}:
        return message.replace(f"{root.resolve().as_posix()}/", "").replace(f"{root.as_posix()}/", "")
    return f"{name}: {message}" if name else message


def debugging() -> bool:
    return bool(os.environ.get(DEBUG_ENV))


class ArchiveError(ReportkitError):
    """An earlier edition (a git tag) cannot be read or built for the site's archive."""


class ChecksFailedError(ReportkitError):
    """A render's checks found errors, so the build was not published."""

    def __init__(self, findings: list[Any], output: Path):
        self.findings = findings
        super().__init__(f"not published: {len(findings)} check error(s); the previous site is unchanged "
                         "(`reportkit render --allow-findings` publishes a draft anyway)", output)

    def format(self, root: Path | None = None) -> str:
        """Each finding on its own `path:line: [rule] message` line, then what happened."""
        return "\n".join([*(finding.format() for finding in self.findings), super().format(root)])
