"""A stand-in for `quarto render --profile <p> [--to <f>] [--output-dir <d>]` in tests.

It models the rules of real Quarto (1.10, read in quarto-cli's sources) that reportkit's
layout depends on, so a change that would break a real render fails a test here too:

- profile merging: `_quarto-<p>.yml` over `_quarto.yml`, maps merged, arrays appended
  (Quarto's profile mechanism);
- the book's chapters are checked when the configuration is read, before any pre-render
  hook: a listed file that does not exist stops the render (`Book chapter 'X' not found`),
  and so does a book without a home page, a file whose project-relative path starts
  with `index.` (`book-config.ts`: bookRenderItems, isBookIndexPage);
- the `pre-render` hook: a `.py` script runs with Quarto's Python ($QUARTO_PYTHON, else
  python3), anything else as a shell command; QUARTO_PROFILE names the active profile;
- numbering: every chapter, the home page included, is numbered unless its title carries
  `{.unnumbered}` (isNumberedChapter); appendices are numbered apart (shown as letters);
- output: a project render empties the output folder first (so `--to typst` deletes the
  HTML); a chapter keeps its source path under the output folder, its name from its
  `output-file` when set (no paths allowed); the single-file typst book is named by
  `book.output-file`, else the title, made safe by texSafeFilename; the typst book
  template needs an `author`.

It executes no code: pages carry the chapter and section numbers and titles, and the
"PDF" is a text file with the typst header and the same headings.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

RED, RESET = "\x1b[91m", "\x1b[39m"  # Quarto colours its errors
TITLE_ATTRS = re.compile(r"^(?P<text>.*?)\s*\{(?P<attrs>[^{}]*)\}\s*$")
HEADING = re.compile(r"^(#{2,6})\s+(.*?)(?:\s+\{([^}]*)\})?\s*$")


class QuartoError(Exception):
    pass


def merge(base: Any, over: Any) -> Any:
    """Quarto's profile merge: maps merged key by key, arrays concatenated, scalars replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{k: merge(base[k], v) if k in base else v for k, v in over.items()}}
    if isinstance(base, list) and isinstance(over, list):
        return base + over
    return over


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    data = yaml.safe_load(match.group(1)) if match else {}
    return data if isinstance(data, dict) else {}


def book_items(book: dict[str, Any]) -> list[tuple[str, bool]]:
    """(href, appendix) for every chapter, in order."""
    out: list[tuple[str, bool]] = []
    for item in book.get("chapters", []):
        if isinstance(item, dict):
            out += [(href, False) for href in item.get("chapters", [])]
        else:
            out.append((item, False))
    return out + [(href, True) for href in book.get("appendices", [])]


def numbered(title: str) -> tuple[str, bool]:
    match = TITLE_ATTRS.match(title)
    if match and ".unnumbered" in match.group("attrs").split():
        return match.group("text"), False
    return (match.group("text") if match else title), True


def run_pre_render(hooks: Any, root: Path, profile: str) -> None:
    env = dict(os.environ, QUARTO_PROFILE=profile, QUARTO_PROJECT_DIR=str(root))
    for hook in [hooks] if isinstance(hooks, str) else hooks or []:
        if hook.endswith(".py"):
            args = [os.environ.get("QUARTO_PYTHON") or "python3", hook]
            proc = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
        else:
            proc = subprocess.run(hook, shell=True, cwd=root, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise QuartoError(f"pre-render script {hook} failed: {proc.stderr.strip()[-300:]}")


def chapter_headings(path: Path, number: str | None) -> list[tuple[str, str]]:
    """(number, text) of the chapter's `##`… headings, numbered like Quarto's crossref
    (a heading that opens a callout is its title, not a section)."""
    out: list[tuple[str, str]] = []
    counters = [0] * 5
    previous = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = HEADING.match(line)
        if heading and not previous.startswith(":::"):
            level = len(heading.group(1)) - 2
            if number is None or ".unnumbered" in (heading.group(3) or "").split():
                out.append(("", heading.group(2)))
            else:
                counters[level] += 1
                counters[level + 1:] = [0] * (len(counters) - level - 1)
                out.append((".".join([number, *map(str, counters[:level + 1])]), heading.group(2)))
        previous = line.strip()
    return out


def render(root: Path, profile: str, to: str | None, output_dir: str | None) -> None:
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    profile_file = root / f"_quarto-{profile}.yml"
    if profile_file.is_file():
        config = merge(config, yaml.safe_load(profile_file.read_text(encoding="utf-8")))
    book = config.get("book", {})
    items = book_items(book)
    for href, _ in items:  # checked while reading the configuration, before any hook
        if not (root / href).is_file():
            raise QuartoError(f"Book chapter '{href}' not found")
    if not any(href.startswith("index.") for href, _ in items):
        raise QuartoError("Book contents must include a home page (e.g. index.md)")
    run_pre_render(config.get("project", {}).get("pre-render"), root, profile)
    if os.environ.get("FAKE_QUARTO_FAIL"):
        raise QuartoError(os.environ["FAKE_QUARTO_FAIL"])

    out = root / (output_dir or config["project"]["output-dir"])
    shutil.rmtree(out, ignore_errors=True)  # a project render starts from an empty folder
    out.mkdir(parents=True)
    formats = [to] if to else list(config.get("format", {}))
    counts = {False: 0, True: 0}
    pages: list[tuple[str, str | None, str, list[tuple[str, str]]]] = []
    for href, appendix in items:
        front = front_matter(root / href)
        title, is_numbered = numbered(str(front.get("title", "")))
        number = None
        if is_numbered:
            counts[appendix] += 1
            number = chr(ord("A") + counts[True] - 1) if appendix else str(counts[False])
        name = front.get("output-file") or Path(href).stem + ".html"
        if "/" in name:
            raise QuartoError(f"In file {href}\n  Invalid value for `output-file`: paths are not allowed")
        page = str(Path(href).parent / name).removeprefix("./")
        pages.append((page, number, title, chapter_headings(root / href, number)))
    if "html" in formats:
        for page, number, title, headings in pages:
            target = out / page
            target.parent.mkdir(parents=True, exist_ok=True)
            label = f'<span class="chapter-number">{number}</span> ' if number else ""
            sections = "".join(f'<h2><span class="header-section-number">{n}</span> {t}</h2>\n' if n
                               else f"<h2>{t}</h2>\n" for n, t in headings)
            target.write_text(f'<html lang="{config.get("lang", "")}"><body>\n'
                              f'<h1 class="title">{label}{title}</h1>\n{sections}</body></html>\n', encoding="utf-8")
    if "typst" in formats:
        if not book.get("author"):
            raise QuartoError("expected content, found array")
        stem = re.sub(r"[ <>()|\\:&;#?*'/]", "-", str(book.get("output-file") or book.get("title") or root.name))
        header = config.get("format", {}).get("typst", {}).get("include-in-header", {}).get("text", "")
        lines = [f"{number or ''} {title}".strip() for _, number, title, _ in pages]
        (out / f"{stem}.pdf").write_text("%PDF-fake\n" + header + "\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    log = os.environ.get("FAKE_QUARTO_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getcwd()}|{' '.join(argv)}\n")
    args = list(argv)
    if not args or args[0] != "render":
        print(f"{RED}ERROR: the fake quarto only renders{RESET}", file=sys.stderr)
        return 1

    def option(name: str) -> str | None:
        return args[args.index(name) + 1] if name in args else None

    try:
        render(Path.cwd(), option("--profile") or "", option("--to"), option("--output-dir"))
    except QuartoError as err:
        print(f"{RED}ERROR: {err}{RESET}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
