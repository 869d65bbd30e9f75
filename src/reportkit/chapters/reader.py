"""Chapters: executable Markdown (`.qmd`) parsed into the supported Quarto subset.

The subset (see DESIGN.md): YAML front matter; ```` ```{python} ```` cells whose
leading ``#|`` options are among :data:`CELL_OPTIONS`; inline
`` `{python} expr` `` expressions; pandoc Markdown with ``[@key]`` citations,
``@sec-``/``@fig-``/``@tbl-`` cross references and ``::: {.callout-*}`` divs.
Anything else Quarto-specific (other engines' cells, shortcodes, raw blocks,
layout divs, unknown options) is rejected with the file and line.

We parse ourselves rather than through jupytext's Rmd reader because every
error must point at the chapter line, and jupytext does not keep line numbers.
The Markdown structure (code blocks, HTML comments, headings, code spans) comes
from markdown-it-py's CommonMark tokenizer, which keeps line maps; regexes read
only the syntax CommonMark does not know (`{python}`, `#|`, divs, citations).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from reportkit.errors import ChapterSyntaxError
from reportkit.textfile import normalize, read_text
from reportkit.yamlfile import error_line, load_text

CELL_OPTIONS = frozenset({"label", "echo", "output", "fig-cap", "tbl-cap", "fig-alt"})
FRONT_MATTER_KEYS = frozenset({"title", "translation", "output-file", "reportkit"})
# reportkit's own front-matter section (Quarto passes unknown metadata through untouched)
REPORTKIT_KEYS = frozenset({"cell-timeout"})
TITLE_ATTRS = re.compile(r"^(?P<text>.*?)\s*\{(?P<attrs>[^{}]*)\}\s*$")  # "摘要 {.unnumbered}"
CALLOUTS = frozenset(f"callout-{k}" for k in ("note", "tip", "warning", "important", "caution"))
XREF_KINDS = ("sec", "fig", "tbl")
# Inline attributes an author may write: only name spans. Every other class or attribute
# (.citation, .xref, .stat, .generated, data-cites=…) is markup reportkit itself produces,
# and `reportkit check` treats some of it as not prose, so authors must not be able to type it.
INLINE_SPAN_CLASSES = frozenset({"name"})
HOME_PAGE = "index.html"  # the output-file of a book's home page

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<info>.*?)\s*$")
EXEC_INFO = re.compile(r"^\{(?P<lang>[A-Za-z0-9_+-]*)(?P<rest>[^}]*)\}$")
INLINE = re.compile(r"(?<!`)`\{(?P<lang>[A-Za-z0-9_]+)\}\s*(?P<expr>[^`]+?)`(?!`)")
SHORTCODE = re.compile(r"\{\{[<%]")
RAW_INLINE = re.compile(r"`[^`]*`\{=[A-Za-z0-9_]+\}")
DIV_OPEN = re.compile(r"^(?P<colons>:{3,})\s*(?P<attrs>\{[^}]*\}|[A-Za-z][\w-]*)?\s*$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)(?:\s+\{(?P<attrs>[^}]*)\})?\s*$")
CITATION = re.compile(r"(?:^|(?<=[\s\[;(\-]))-?@(?P<key>[A-Za-z0-9_][\w:.#$%&+?<>~/-]*[A-Za-z0-9_])")
INLINE_ATTRS = re.compile(r"(?<=[\])])\{(?P<attrs>[^{}\n]*)\}")
NAME_SPAN = re.compile(r"\[(?P<text>[^\[\]]*)\]\{\.name\}")
RAW_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")  # a tag; not an autolink <https://…>
COMMENT_MASK = "\x01"  # stands for a character of an HTML comment
XREF = re.compile(r"(?<![\w@\[])@(?P<label>(?:sec|fig|tbl)-[A-Za-z0-9_-]*[A-Za-z0-9_])")


@dataclass
class Markdown:
    text: str
    line: int  # first line in the file
    code_lines: frozenset[int] = frozenset()  # lines (in the file) of code blocks: shown as written


@dataclass
class Cell:
    code: str
    options: dict[str, Any]
    line: int  # line of the opening fence
    index: int  # 0-based position among the chapter's cells
    code_line: int  # line of the first code line (after the #| options)

    @property
    def label(self) -> str | None:
        return self.options.get("label")


@dataclass
class InlineExpression:
    expr: str
    line: int
    key: str  # placeholder key, unique within the chapter


@dataclass
class Heading:
    level: int
    text: str
    ident: str | None
    classes: list[str]
    line: int


@dataclass
class Chapter:
    path: Path
    title: str  # without its attributes
    front: dict[str, Any]
    blocks: list[Markdown | Cell]
    inline: list[InlineExpression]
    headings: list[Heading]
    citations: dict[str, int]  # key -> first line
    xrefs: list[tuple[str, int]]  # (label, line)
    source_hash: str = field(default="")
    text: str = field(default="", repr=False)  # the source as parsed
    numbered: bool = True  # False for a title marked {.unnumbered}, as Quarto's books read it

    @property
    def cell_timeout(self) -> int | None:
        """The chapter's own limit on one cell's run time (front matter `reportkit: cell-timeout:`)."""
        section = self.front.get("reportkit") or {}
        return int(section["cell-timeout"]) if "cell-timeout" in section else None

    @property
    def cells(self) -> list[Cell]:
        return [b for b in self.blocks if isinstance(b, Cell)]

    def labels(self) -> list[tuple[str, int]]:
        """Cross-reference targets defined here: section ids and cell labels."""
        out = [(h.ident, h.line) for h in self.headings if h.ident and h.ident.startswith("sec-")]
        out += [(c.label, c.line) for c in self.cells if c.label]
        return out


def content_hash(text: str) -> str:
    """The short content hash translations record of their source chapter."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def translation_source_hash(chapter: Chapter) -> str | None:
    """The source hash a translated chapter records in its front matter, if any."""
    translation = chapter.front.get("translation")
    if not isinstance(translation, dict):
        return None
    value = translation.get("source-hash")
    return str(value) if value is not None else None


def _attrs(text: str) -> tuple[str | None, list[str], dict[str, str]]:
    ident = None
    classes: list[str] = []
    keyvals: dict[str, str] = {}
    for token in re.findall(r'[^\s"=]+="[^"]*"|\S+', text.strip("{} ")):
        if token.startswith("#"):
            ident = token[1:]
        elif token.startswith("."):
            classes.append(token[1:])
        elif "=" in token:
            k, _, v = token.partition("=")
            keyvals[k] = v.strip('"')
    return ident, classes, keyvals


def _cell_options(lines: list[str], path: Path, first_line: int) -> tuple[dict[str, Any], int]:
    """Parse leading ``#|`` lines; return options and how many lines they used."""
    option_lines: list[str] = []
    for raw in lines:
        if not raw.startswith("#|"):
            break
        option_lines.append(raw[2:].strip())
    if not option_lines:
        return {}, 0
    try:
        options, key_lines = load_text("\n".join(option_lines))
    except yaml.YAMLError as err:
        offset = error_line(err) or 1
        raise ChapterSyntaxError("malformed #| cell option", path, first_line + offset) from None
    if not isinstance(options, dict):
        raise ChapterSyntaxError("#| cell options must be `key: value` lines", path, first_line + 1)
    for key in options:
        if key not in CELL_OPTIONS:
            known = ", ".join(sorted(CELL_OPTIONS))
            raise ChapterSyntaxError(
                f"unsupported cell option {key!r} (supported: {known})",
                path, first_line + key_lines.get((key,), 1),
            )
    for key in ("fig-cap", "tbl-cap"):
        if key in options:
            _scan_inline_markup(str(options[key]), path, first_line + key_lines.get((key,), 1))
    label = options.get("label")
    if label is not None and not re.fullmatch(r"(fig|tbl)-[A-Za-z0-9_-]+", str(label)):
        raise ChapterSyntaxError(
            f"cell label {label!r} must start with fig- or tbl-", path,
            first_line + key_lines.get(("label",), 1),
        )
    return options, len(option_lines)


def _scan_inline_markup(prose: str, path: Path, n: int) -> None:
    """Markup an author could use to choose which text the checks read: raw HTML is rejected, and
    inline attributes (`[text]{…}`, `[text](url){…}`) may only be `{.name}` (never around a figure)
    or a time-sensitive claim's `{.claim data-claim="id"}`."""
    from reportkit.chapters.prose import is_figure  # check/ imports this module: import when first used

    raw = RAW_HTML.search(prose)
    if raw:
        raise ChapterSyntaxError(f"raw HTML {raw.group(0)} is not supported", path, n)

    for match in INLINE_ATTRS.finditer(prose):
        ident, classes, keyvals = _attrs(match.group("attrs"))
        link = prose[match.start() - 1] == ")"
        name = bool(classes) and not keyvals and not set(classes) - INLINE_SPAN_CLASSES
        claim = classes == ["claim"] and set(keyvals) == {"data-claim"}  # a time-sensitive claim
        if link or ident is not None or not (name or claim):
            raise ChapterSyntaxError(
                f"unsupported inline attributes {{{match.group('attrs')}}} (supported: [name]{{.name}} "
                "for proper names and identifiers)", path, n,
            )
    for match in NAME_SPAN.finditer(prose):
        if is_figure(match.group("text")):
            raise ChapterSyntaxError(
                f"[{match.group('text')}]{{.name}} holds a figure, not a name: show statistics with "
                "`{python} stat(\"id\")`", path, n,
            )


def _scan_markdown_line(line: str, path: Path, n: int) -> None:
    if SHORTCODE.search(line):
        raise ChapterSyntaxError("Quarto shortcodes ({{< >}}) are not supported", path, n)
    if RAW_INLINE.search(line):
        raise ChapterSyntaxError("raw inline content (`...`{=format}) is not supported", path, n)
    div = DIV_OPEN.match(line)
    if div and div.group("attrs"):
        ident, classes, keyvals = _attrs(div.group("attrs"))
        if not div.group("attrs").startswith("{"):
            classes = [div.group("attrs")]
        unsupported = [c for c in classes if c not in CALLOUTS]
        if unsupported or keyvals.keys() - {"title"}:
            raise ChapterSyntaxError(
                f"unsupported div {div.group('attrs')} (supported: .callout-note, "
                ".callout-tip, .callout-warning, .callout-important, .callout-caution, #refs)",
                path, n,
            )
        if ident is not None and classes == [] and ident != "refs":
            raise ChapterSyntaxError(f"unsupported div #{ident} (only #refs)", path, n)


def _check_reportkit_section(section: object, path: Path, key_lines: dict[tuple[Any, ...], int]) -> None:
    if section is None:
        return
    line = 1 + key_lines.get(("reportkit",), 1)
    if not isinstance(section, dict):
        raise ChapterSyntaxError("front matter `reportkit:` must be a mapping", path, line)
    for key, value in section.items():
        line = 1 + key_lines.get(("reportkit", key), 1)
        if key not in REPORTKIT_KEYS:
            raise ChapterSyntaxError(f"unsupported front matter key 'reportkit.{key}' (supported: "
                                     f"{', '.join(sorted(REPORTKIT_KEYS))})", path, line)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ChapterSyntaxError(f"reportkit.{key} must be a whole number of seconds above 0", path, line)


@cache
def _tokenizer() -> MarkdownIt:
    return MarkdownIt("commonmark")


@dataclass
class _Layout:
    """What a CommonMark tokenizer finds in a chapter's body; every index is a 0-based line."""

    prose: list[str]  # the lines, every character of an HTML comment replaced by COMMENT_MASK
    fences: dict[int, tuple[int, int, str]] = field(default_factory=dict)  # first line -> (end, level, info)
    code: set[int] = field(default_factory=set)  # lines of code blocks (fenced or indented), not prose
    headings: set[int] = field(default_factory=set)  # ATX headings (`## …`)
    spans: dict[int, list[str]] = field(default_factory=dict)  # line -> its one-line code spans, as written


def _children(token: Token) -> Iterator[Token]:
    for child in token.children or []:
        yield child
        yield from _children(child)  # an image's description


def _layout(lines: list[str], body_start: int) -> _Layout:
    """Tokenize the body (the lines from `body_start` on, after the front matter) once. Comments,
    code blocks, headings and code spans come from the tokenizer, so `<!--` in code is not a
    comment, `{python}` in a comment or a code block is not run, and a heading in a comment is
    not one; what stays regex is the Quarto syntax inside those (`{python}`, `#|`)."""
    shown = [""] * body_start + lines[body_start:]
    body = "\n".join(shown)
    starts = [0]
    for line in shown:
        starts.append(starts[-1] + len(line) + 1)
    layout = _Layout(lines)
    comments: list[tuple[int, int]] = []
    for token in _tokenizer().parse(body):
        if token.map is None:
            continue
        first, end = token.map
        if token.type == "html_block" and token.content.startswith("<!--"):
            comments.append((starts[first], starts[end] - 1))  # the block, to the end of its last line
        elif token.type == "fence":
            layout.fences[first] = (end, token.level, token.info.strip())
            layout.code.update(range(first, end))
        elif token.type == "code_block":
            layout.code.update(range(first, end))
        elif token.type == "heading_open" and token.markup.startswith("#"):
            layout.headings.add(first)
        elif token.type == "inline":
            cursor, row = starts[first], first
            for child in _children(token):
                if child.type in ("softbreak", "hardbreak"):
                    row += 1
                elif child.type == "code_inline":
                    source = child.markup + child.content + child.markup
                    if source in layout.prose[row]:
                        layout.spans.setdefault(row, []).append(source)
                    else:  # a span over several lines (their breaks read as spaces): not an expression
                        pattern = re.escape(child.markup) + r"\s*" + r"\s+".join(
                            map(re.escape, child.content.split())) + r"\s*" + re.escape(child.markup)
                        found = re.compile(pattern).search(body, starts[row])
                        row += found.group(0).count("\n") if found else 0
                elif child.type == "html_inline" and child.content.startswith("<!--"):
                    at = body.find(child.content, cursor)
                    if at >= 0:
                        comments.append((at, at + len(child.content)))
                        cursor = at + len(child.content)
                        row += child.content.count("\n")
    if comments:
        masked = list(body)
        for begin, stop in comments:
            masked[begin:stop] = [c if c == "\n" else COMMENT_MASK for c in body[begin:stop]]
        layout.prose = lines[:body_start] + "".join(masked).split("\n")[body_start:]
    return layout


def _expressions(layout: _Layout, i: int) -> Iterator[tuple[int, int, re.Match[str]]]:
    """The inline expressions on line `i`: the code spans the tokenizer found there that are
    `` `{lang} expr` ``, with their columns."""
    position = 0
    for span in layout.spans.get(i, []):
        at = layout.prose[i].find(span, position)
        if at >= 0:
            match = INLINE.fullmatch(span)
            if match:
                yield at, at + len(span), match
            position = at + len(span)


def inline_expressions(markdown: str) -> Iterator[tuple[int, int, re.Match[str]]]:
    """The inline expressions of a piece of Markdown (a notebook's Markdown cell), as :func:`parse`
    reads them: (start, end) offsets in `markdown` and the match of :data:`INLINE`."""
    lines = markdown.split("\n")
    layout, offset = _layout(lines, 0), 0
    for i, line in enumerate(lines):
        for start, end, match in _expressions(layout, i):
            yield offset + start, offset + end, match
        offset += len(line) + 1


def parse(path: Path, text: str | None = None) -> Chapter:
    """Parse a chapter file into front matter, Markdown and cell blocks (a text parsed before
    in this process is not parsed again: its copy is returned)."""
    if text is None:
        if not path.is_file():
            raise ChapterSyntaxError("chapter file not found", path)
        text = read_text(path, ChapterSyntaxError)
    text = normalize(text)  # also text given (from git, from a conversion)
    return copy.deepcopy(_parse(path, text))  # callers may change what they get


@functools.lru_cache(maxsize=512)  # one build reads each chapter several times
def _parse(path: Path, text: str) -> Chapter:
    lines = text.splitlines()
    front: dict[str, Any] = {}
    key_lines: dict[tuple[object, ...], int] = {}
    i = 0
    if lines and lines[0].strip() == "---":
        try:
            end = next(k for k in range(1, len(lines)) if lines[k].strip() in ("---", "..."))
        except StopIteration:
            raise ChapterSyntaxError("front matter is not closed with ---", path, 1) from None
        try:
            front, key_lines = load_text("\n".join(lines[1:end]))
        except yaml.YAMLError as err:
            raise ChapterSyntaxError(
                "malformed YAML front matter", path, 1 + (error_line(err) or 1)
            ) from None
        if not isinstance(front, dict):
            raise ChapterSyntaxError("front matter must be a mapping", path, 2)
        for key in front:
            if key not in FRONT_MATTER_KEYS:
                raise ChapterSyntaxError(
                    f"unsupported front matter key {key!r} (supported: "
                    f"{', '.join(sorted(FRONT_MATTER_KEYS))})", path, 1 + key_lines.get((key,), 1),
                )
        _check_reportkit_section(front.get("reportkit"), path, key_lines)
        i = end + 1
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ChapterSyntaxError("front matter must give the chapter a `title`", path, 1)
    numbered = True
    attrs = TITLE_ATTRS.match(title.strip())
    if attrs:
        if attrs.group("attrs").strip() != ".unnumbered":
            raise ChapterSyntaxError(
                f"unsupported title attributes {{{attrs.group('attrs')}}} (only {{.unnumbered}})", path,
                1 + key_lines.get(("title",), 1))
        title, numbered = attrs.group("text"), False
    output_file = front.get("output-file")
    if output_file is not None and output_file != HOME_PAGE:
        raise ChapterSyntaxError(f"output-file may only be {HOME_PAGE} (the home page)", path,
                                 1 + key_lines.get(("output-file",), 1))

    blocks: list[Markdown | Cell] = []
    inline: list[InlineExpression] = []
    headings: list[Heading] = []
    citations: dict[str, int] = {}
    xrefs: list[tuple[str, int]] = []
    buffer: list[str] = []
    buffer_start = i + 1
    n_cells = 0
    layout = _layout(lines, i)
    code_lines: set[int] = set()

    def flush(next_line: int) -> None:
        nonlocal buffer, buffer_start
        if buffer:
            code = frozenset(code_lines.intersection(range(buffer_start, buffer_start + len(buffer))))
            blocks.append(Markdown("\n".join(buffer), buffer_start, code))
        buffer = []
        buffer_start = next_line

    while i < len(lines):
        line = lines[i]
        n = i + 1
        if i in layout.fences:
            end, level, info = layout.fences[i]
            fence = FENCE.match(line) if level == 0 else None  # at the start of a line, in no list or quote
            executable = EXEC_INFO.match(info) if not info.startswith("{.") else None  # {.python}: shown code
            if executable and not fence:
                raise ChapterSyntaxError(f"a {info} block must start at the beginning of a line, not indented "
                                         "or inside a list or a quote", path, n)
            if fence:  # unclosed, CommonMark runs it to the end of the file
                marker = fence.group("fence")
                closing = lines[end - 1].strip()
                if end - 1 == i or closing.strip(marker[0]) or len(closing) < len(marker):
                    raise ChapterSyntaxError("code fence is never closed", path, n)
            if executable:
                lang = executable.group("lang")
                if info.startswith("{="):
                    raise ChapterSyntaxError(f"raw block {info} is not supported", path, n)
                if lang != "python":
                    raise ChapterSyntaxError(
                        f"unsupported cell language {info} (only {{python}} cells run)", path, n
                    )
                if executable.group("rest").strip():
                    raise ChapterSyntaxError(
                        "cell options go in `#|` lines, not in the fence", path, n
                    )
                body = lines[i + 1:end - 1]
                options, used = _cell_options(body, path, n)
                for option in ("fig-cap", "tbl-cap"):
                    for m in CITATION.finditer(str(options.get(option, ""))):
                        citations.setdefault(m.group("key"), n)
                flush(end + 1)
                blocks.append(Cell("\n".join(body[used:]), options, n, n_cells, n + 1 + used))
                n_cells += 1
            else:
                code_lines.update(range(n, end + 1))
                buffer.extend(lines[i:end])
            i = end
            continue
        if i in layout.code:  # an indented code block
            code_lines.add(n)
            buffer.append(line)
            i += 1
            continue
        visible = layout.prose[i]
        _scan_markdown_line(visible, path, n)
        heading = HEADING.match(line) if i in layout.headings else None
        if heading:
            ident, classes, _ = _attrs(heading.group("attrs") or "")
            level = len(heading.group("hashes"))
            if level == 1:
                raise ChapterSyntaxError(
                    "use `##` for sections; the chapter title comes from the front matter", path, n
                )
            headings.append(Heading(level, heading.group("text"), ident, classes, n))

        def replace(match: re.Match[str], n: int = n) -> str:
            if match.group("lang") != "python":
                raise ChapterSyntaxError(
                    f"unsupported inline expression language {{{match.group('lang')}}}", path, n
                )
            key = f"rk{len(inline)}"
            inline.append(InlineExpression(match.group("expr").strip(), n, key))
            return f"\x00{key}\x00"

        prose = re.sub(r"``[^`]+``|`[^`]*`", "", INLINE.sub("", visible)).replace(COMMENT_MASK, "")  # no code
        _scan_inline_markup(heading.group("text") if heading else prose, path, n)
        pieces, position = [], 0
        for start, stop, match in _expressions(layout, i):
            pieces += [line[position:start], replace(match)]
            position = stop
        line = "".join(pieces) + line[position:]
        for m in CITATION.finditer(prose):
            key = m.group("key")
            if key.split("-")[0] in XREF_KINDS:
                xrefs.append((key, n))
            else:
                citations.setdefault(key, n)
        buffer.append(line)
        i += 1
    flush(len(lines) + 1)
    return Chapter(
        path=path, title=title.strip(), front=front, blocks=blocks, inline=inline,
        headings=headings, citations=citations, xrefs=xrefs,
        source_hash=content_hash(text), text=text, numbered=numbered,
    )
