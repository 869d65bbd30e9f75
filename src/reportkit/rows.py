"""CSV registers of typed rows keyed by id (the statistics, the time-sensitive claims).

Each row is a strict pydantic model with an ``id``, a ``source`` (a BibTeX key) and the
``line`` it was read from; every error names the file and that line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Generic, Protocol, Self, TypeVar, cast

from pydantic import AfterValidator, BaseModel, ValidationError

from reportkit.errors import ReportkitError, did_you_mean
from reportkit.textfile import normalize, read_text

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _kebab(v: str) -> str:
    if not ID_PATTERN.match(v):
        raise ValueError(f"id {v!r} is not kebab-case")
    return v


def _nonblank(v: str) -> str:
    if not v.strip():
        raise ValueError("must not be empty")
    return v.strip()


KebabId = Annotated[str, AfterValidator(_kebab)]  # a row id: stable, kebab-case
NonBlank = Annotated[str, AfterValidator(_nonblank)]  # required text, stripped


class Row(Protocol):
    id: str
    source: str
    line: int


R = TypeVar("R", bound=Row)


def cell_errors(err: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg'].removeprefix('Value error, ')}"
        for e in err.errors()
    )


def _records(reader: csv.DictReader[str], path: Path,
             error: type[ReportkitError]) -> Iterator[dict[str | Any, str | Any]]:
    """The reader's records; malformed CSV (a quote never closed, text after a closing quote)
    raises at the line where the record began."""
    while True:
        start = reader.line_num + 1
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise error(f"malformed CSV: {err} (is a quote left open?)", path, start) from None


def parse_rows(text: str, path: Path, columns: tuple[str, ...], model: type[BaseModel],
               error: type[ReportkitError], optional: tuple[str, ...] = ()) -> list[BaseModel]:
    """The rows of a CSV register, validated: exactly `columns` (those of `optional` may be left
    out, as in a register written before they were added), each row a `model` (empty cells take
    the model's default), unique ids."""
    reader = csv.DictReader(io.StringIO(normalize(text), newline=""), strict=True)
    try:
        header = tuple(reader.fieldnames or ())
    except csv.Error as err:
        raise error(f"malformed CSV: {err}", path, 1) from None
    if not header:
        raise error(f"the file is empty; its first line must be the header {','.join(columns)}", path, 1)
    if header != columns and header != tuple(c for c in columns if c in header or c not in optional):
        missing = [c for c in columns if c not in header]
        extra = [c for c in header if c not in columns]
        raise error(
            f"columns must be {', '.join(columns)}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(extra)}" if extra else ""),
            path, 1,
        )
    rows: list[BaseModel] = []
    seen: dict[str, int] = {}
    for record in _records(reader, path, error):
        line = reader.line_num
        cells = {k: v for k, v in record.items() if v not in ("", None)}
        if None in record:
            raise error("row has more cells than the header", path, line)
        try:
            row: Any = model.model_validate({**cells, "line": line})
        except ValidationError as err:
            raise error(f"[{record.get('id') or '?'}] {cell_errors(err)}", path, line) from None
        ident = str(row.id)
        if ident in seen:
            raise error(f"[{ident}] duplicate id (first on line {seen[ident]})", path, line)
        seen[ident] = line
        rows.append(row)
    return rows


class Register(Generic[R]):
    """The rows of one register (``data/<file>``), keyed by id, in file order."""

    file: str  # file name in data/
    columns: tuple[str, ...]
    model: type[BaseModel]
    error: type[ReportkitError] = ReportkitError
    required = True  # False: a project without the file has an empty register
    missing = ""  # the message when a required file is missing (default: "<file> not found")
    optional: tuple[str, ...] = ()  # columns a register written before they were added lacks

    def __init__(self, path: Path, rows: list[R]):
        self.path = path
        self.rows = {r.id: r for r in rows}

    @classmethod
    def load(cls, data_dir: Path) -> Self:
        path = data_dir / cls.file
        if not path.is_file():
            if cls.required:
                raise cls.error(cls.missing or f"{cls.file} not found", path)
            return cls(path, [])
        return cls.parse(read_text(path, cls.error), path)

    @classmethod
    def parse(cls, text: str, path: Path) -> Self:
        """The register in `text` (the contents of `path`, perhaps at another git revision)."""
        rows: list[Any] = parse_rows(text, path, cls.columns, cls.model, cls.error, cls.optional)
        return cls(path, cast(list[R], rows))

    def __contains__(self, row_id: object) -> bool:
        return row_id in self.rows

    def __getitem__(self, row_id: str) -> R:
        return self.rows[row_id]

    def __iter__(self) -> Iterator[R]:
        return iter(self.rows.values())

    def __len__(self) -> int:
        return len(self.rows)

    def check_sources(self, bib_keys: set[str]) -> None:
        """Every row's source must be a key of the bibliography."""
        for row in self:
            if row.source not in bib_keys:
                raise self.error(f"[{row.id}] source {row.source!r} is not a key in the bibliography"
                                 f"{did_you_mean(row.source, bib_keys)}", self.path, row.line)
