"""The datasets readers can download: every CSV in ``data/`` and a Frictionless
Data Package descriptor (``datapackage.json``) built from ``data/README.md``,
which documents each table and each column (type, unit, meaning)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from reportkit.errors import RegistryError
from reportkit.evidence.bibliography import Bibliography
from reportkit.textfile import read_text

README = "README.md"
TYPES = {"string": "string", "number": "number", "integer": "integer", "enum": "string",
         "boolean": "boolean", "year": "integer", "date": "date"}
# what a CSV cell of each Table Schema type looks like
VALID: dict[str, Callable[[str], bool]] = {
    "string": lambda v: True,
    "number": lambda v: re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", v) is not None,
    "integer": lambda v: re.fullmatch(r"-?\d+", v) is not None,
    "boolean": lambda v: v in ("true", "false"),
    "date": lambda v: re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None and _is_date(v),
}
HEADING = re.compile(r"^#{2,3} `([\w.-]+\.csv)`")
ROW = re.compile(r"^\|\s*`([\w]+)`\s*\|\s*([^|]+?)\s*\|\s*([^|]*?)\s*\|\s*(.*?)\s*\|$")


def _documented(readme: Path) -> dict[str, dict[str, Any]]:
    """Per documented CSV: its description and its columns, as README.md states them."""
    if not readme.is_file():
        raise RegistryError("missing: it documents every table in data/ and each of its columns", readme)
    tables: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for n, line in enumerate(read_text(readme, RegistryError).splitlines(), 1):
        heading = HEADING.match(line)
        if heading:
            current = {"description": [], "fields": [], "line": n}
            tables[heading.group(1)] = current
            continue
        if current is None:
            continue
        if line.startswith("#"):
            current = None
            continue
        row = ROW.match(line)
        if row:
            name, kind, unit, meaning = row.groups()
            kind = kind.strip()
            if kind not in TYPES:
                raise RegistryError(f"column `{name}` has unknown type {kind!r} "
                                    f"(known: {', '.join(TYPES)})", readme, n)
            field = {"name": name, "type": TYPES[kind], "description": meaning.strip()}
            if unit.strip() not in ("", "—"):
                field["unit"] = unit.strip()
            current["fields"].append(field)
        elif line.strip() and not line.startswith("|") and not current["fields"]:
            current["description"].append(line.strip())
    return tables


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def datapackage(data_dir: Path, bibliography: Bibliography, name: str, title: str) -> dict[str, Any]:
    """The descriptor of every CSV in `data_dir`; a CSV or column not documented in README.md
    (or documented but absent) is an error."""
    readme = data_dir / README
    documented = _documented(readme)
    resources = []
    for path in sorted(data_dir.glob("*.csv")):
        if path.name not in documented:
            raise RegistryError(f"{path.name} is not documented in {README}", readme)
        doc = documented[path.name]
        reader = csv.DictReader(io.StringIO(read_text(path, RegistryError), newline=""))
        header = list(reader.fieldnames or [])
        names = [f["name"] for f in doc["fields"]]
        if names != header:
            raise RegistryError(
                f"{path.name}: documented columns {names} differ from the file's {header}", readme, doc["line"]
            )
        rows = []
        for row in reader:
            _check_types(row, doc["fields"], path, reader.line_num)
            rows.append(row)
        sources = sorted({row["source"] for row in rows if row.get("source") in bibliography.keys})
        resources.append({
            "name": path.stem, "path": path.name, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "description": " ".join(doc["description"]),
            "schema": {"fields": doc["fields"]},
            "sources": [_source(bibliography, key) for key in sources],
        })
    return {"name": name, "title": title, "profile": "tabular-data-package", "resources": resources}


def _check_types(row: dict[str, str], fields: list[dict[str, Any]], path: Path, line: int) -> None:
    """Every non-empty cell of `row` is a value of its column's declared type (an empty cell is a
    missing value, which every type allows)."""
    for field in fields:
        value = row[field["name"]]
        if value and not VALID[field["type"]](value):
            raise RegistryError(f"column `{field['name']}` is declared {field['type']} in {README}, "
                                f"but holds {value!r}", path, line)


def _source(bibliography: Bibliography, key: str) -> dict[str, str]:
    entry = bibliography.entries[key]
    source = {"title": re.sub(r"[{}]", "", entry["title"]), "id": key}
    if "url" in entry:
        source["path"] = entry["url"]
    return source


def publish_datasets(data_dir: Path, bibliography: Bibliography, target: Path, name: str, title: str) -> None:
    """Copy every CSV to `target` and write `datapackage.json` beside them."""
    descriptor = datapackage(data_dir, bibliography, name, title)
    target.mkdir(parents=True, exist_ok=True)
    for resource in descriptor["resources"]:
        shutil.copyfile(data_dir / resource["path"], target / resource["path"])
    (target / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
