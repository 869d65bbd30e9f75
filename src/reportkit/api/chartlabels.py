"""Chart labels, ``data/chart-labels.csv``: what a chart shows for each category, group and
column name of its table, in Traditional Chinese (``zh_hant``; zh-Hans is converted from it)
and English (``en``).

Labels are never typed in code, so a new chart needs a row for every term it shows. Before
any chapter runs, every ``bar_chart(...)`` call written with literal arguments is read from
the chapters and the labels all of them lack are reported at once, with the CSV rows to
paste; a chart whose arguments are computed is checked when it is drawn.
"""

from __future__ import annotations

import ast
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportkit.chapters.reader import Chapter
from reportkit.errors import ChartLabelsMissingError, RegistryError
from reportkit.textfile import read_text

LABELS_FILE = "chart-labels.csv"
LABEL_COLUMNS = ("term", "zh_hant", "en")
CHART_FUNCTION = "bar_chart"


def load(path: Path) -> dict[str, dict[str, str]]:
    """The labels of `path` by term; a row without both labels is an error (all named at once)."""
    return _load(path, path.stat().st_mtime if path.is_file() else 0.0)


@cache
def _load(path: Path, mtime: float) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    reader = csv.DictReader(io.StringIO(read_text(path, RegistryError), newline=""))
    if tuple(reader.fieldnames or ()) != LABEL_COLUMNS:
        raise RegistryError(f"columns must be {', '.join(LABEL_COLUMNS)}", path, 1)
    labels: dict[str, dict[str, str]] = {}
    blank: list[str] = []
    for record in reader:
        term = record.get("term") or ""
        if not all((record.get(column) or "").strip() for column in LABEL_COLUMNS):
            blank.append(f"{reader.line_num} ({term!r})" if term else str(reader.line_num))
        labels[term] = {k: v or "" for k, v in record.items() if isinstance(k, str)}
    if blank:
        raise RegistryError(f"a label is empty on line(s) {', '.join(blank)}: write the term and both labels "
                            "(zh_hant, en) readers see", path, int(blank[0].split()[0]))
    return labels


def chart_terms(data_dir: Path, table: str, value: str, category: str, group: str | None = None,
                where: dict[str, str | list[str]] | None = None) -> list[str]:
    """Every term a bar chart of `table` shows: its column names, then its categories and groups."""
    path = data_dir / table
    reader = csv.DictReader(io.StringIO(read_text(path, RegistryError), newline=""))
    wanted = {column: [v] if isinstance(v, str) else list(v) for column, v in (where or {}).items()}
    columns = [value, category] + ([group] if group else [])
    terms = list(columns)
    for record in reader:
        if all(record.get(column) in values for column, values in wanted.items()):
            terms += [record.get(column) or "" for column in columns[1:]]
    return list(dict.fromkeys(terms))


@dataclass(frozen=True)
class ChartCall:
    """A `bar_chart(...)` call of a chapter whose arguments are all literals."""

    path: Path
    line: int
    arguments: dict[str, Any]


def chart_calls(chapter: Chapter) -> Iterator[ChartCall]:
    for cell in chapter.cells:
        try:
            tree = ast.parse(cell.code)
        except SyntaxError:
            continue  # reported when the cell runs, at its line
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == CHART_FUNCTION and all(k.arg for k in node.keywords)):
                continue
            try:
                positional = [ast.literal_eval(arg) for arg in node.args[:3]]  # table, value, category
                arguments = {**dict(zip(("table", "value", "category"), positional, strict=False)),
                             **{str(k.arg): ast.literal_eval(k.value) for k in node.keywords}}
            except ValueError:
                continue  # computed arguments: checked when the chart is drawn
            yield ChartCall(chapter.path, cell.code_line + node.lineno - 1, arguments)


def missing(labels: dict[str, dict[str, str]], terms: Iterable[str]) -> list[str]:
    return [term for term in dict.fromkeys(terms) if term not in labels]


def missing_error(path: Path, root: Path, absent: dict[str, list[str]]) -> ChartLabelsMissingError:
    """One error for every missing label: where each is used, and the rows to paste."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    for term in absent:
        writer.writerow([term, "", ""])
    by_places: dict[str, list[str]] = {}
    for term, places in absent.items():
        by_places.setdefault(", ".join(places), []).append(repr(term))
    used = "; ".join(f"{places} shows {', '.join(terms)}" for places, terms in by_places.items())
    return ChartLabelsMissingError(
        f"{len(absent)} chart label(s) missing (every category, group and column name a chart shows needs "
        f"one): {used}. Add these rows to {rel} and write each label (zh_hant, en):\n"
        + rows.getvalue().rstrip("\n"),
        path,
    )


def missing_in_chart(path: Path, root: Path, table: str | None, terms: list[str]) -> ChartLabelsMissingError:
    """The labels one chart being drawn lacks, on one line: it is reported at the chart's cell,
    so it names no file of its own."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    return ChartLabelsMissingError(
        f"no chart label for {', '.join(repr(t) for t in terms)}{f' (a chart of {table})' if table else ''}: "
        f"add rows term,zh_hant,en to {rel}; every category, group and column name a chart shows needs one")


def check_chapters(data_dir: Path, root: Path, chapters: Iterable[Chapter]) -> None:
    """Raise one ChartLabelsMissingError for every label the chapters' literal charts lack."""
    path = data_dir / LABELS_FILE
    labels = load(path)
    absent: dict[str, list[str]] = {}
    for chapter in chapters:
        for call in chart_calls(chapter):
            arguments = {k: v for k, v in call.arguments.items() if k in ("value", "category", "group", "where")}
            table = str(call.arguments.get("table"))
            if not (data_dir / table).is_file() or not {"value", "category"} <= set(arguments):
                continue  # reported when the chart is drawn
            place = f"{call.path.relative_to(root).as_posix()}:{call.line}"
            for term in missing(labels, chart_terms(data_dir, table, **arguments)):
                absent.setdefault(term, []).append(place)
    if absent:
        raise missing_error(path, root, absent)
