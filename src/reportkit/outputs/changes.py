"""What changed since the previous edition, as Markdown: for a pull request, or for the readers
of the site's "what changed" page in their language (`editions.compare` makes the diff)."""

from __future__ import annotations

from reportkit.i18n import LANGUAGES, Language
from reportkit.markup import escape_markdown
from reportkit.outputs.editions import EditionDiff, StatisticChange


def to_markdown(diff: EditionDiff, language: Language | None = None,
                titles: dict[str, str] | None = None, measures: dict[str, str] | None = None,
                anchors: tuple[str | None, str | None] = (None, None)) -> str:
    """The diff as Markdown: for a pull request (`language` None: English, ids and file names),
    or for the readers of the site's "what changed" page in `language`, with what each
    statistic measures (`measures`, by id) instead of its id and chapter `titles` (by file
    name) instead of file names. Values are formatted as the pages show them; changes of
    percentages are in percentage points. `anchors` are the pages (older edition's, this one's)
    whose `#stat-<id>` anchors each side's value links to."""
    shown_in = language or LANGUAGES["en"]

    def word(key: str) -> str:
        return shown_in.t(f"diff-{key}")

    def value(c: StatisticChange, side: int) -> str:
        shown, page = c.shown((c.old, c.new)[side], shown_in), anchors[side]
        return f"[{shown}]({page}#stat-{c.id})" if page and (c.old, c.new)[side] is not None else shown

    def name(stat_id: str) -> str:
        return escape_markdown(measures[stat_id]) if measures and stat_id in measures else f"`{stat_id}`"

    out = [word("compared").format(year=diff.base_edition, ref=f"`{diff.base}`"), ""]
    lines = [f"| {word('statistic')} | {word('change')} | {word('before')} | {word('after')} | "
             f"{word('absolute')} | {word('relative')} | {word('source')} |", "|---|---|---|---|---|---|---|"]
    for c in diff.statistics:
        source = "—" if c.source_changed is None else word("yes") if c.source_changed else word("no")
        lines.append(f"| {name(c.id)} | {word(c.change)} | {value(c, 0)} | "
                     f"{value(c, 1)} | {c.shown_change(shown_in)} | {c.shown_relative()} | {source} |")
    out += ["::: {.generated}", *lines, ":::", ""]
    if diff.citations_added or diff.citations_removed:
        out += [f"**{word('citations')}**", ""]
        out += [f"- {word('added')}: `{k}`" for k in diff.citations_added]
        out += [f"- {word('removed')}: `{k}`" for k in diff.citations_removed]
        out.append("")
    if diff.claims:
        out += [f"**{word('claims')}**", "", "::: {.generated}",
                f"| {word('claim')} | {word('change')} | {word('what')} |", "|---|---|---|"]
        out += [f"| `{c.id}` | {word(c.change)} | {', '.join(c.fields) or '—'} |" for c in diff.claims]
        out += [":::", ""]
    sentences = [s for s in diff.sentences if language is None or s.language == language.code]
    if sentences:
        out += [f"**{word('sentences')}**", "", "::: {.generated}"]
        for s in sentences:
            where = (escape_markdown(titles[s.chapter]) if titles and s.chapter in titles
                     else f"`{s.language}/{s.chapter}`")
            out += [f"- {where} ({', '.join(name(i) for i in s.statistics)})",
                    f"    - {word('before')}: {escape_markdown(s.before) if s.before else '—'}",
                    f"    - {word('after')}: {escape_markdown(s.after) if s.after else '—'}"]
        out += [":::", ""]
    return "\n".join(out)
