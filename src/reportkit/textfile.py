"""Reading the project's text files (chapters, CSV, BibTeX, YAML) as ordinary editors save them.

UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8", Notepad) and LF or CRLF
line ends all read as the same text: the mark is dropped and line ends become ``\\n``,
so line numbers stay those the editor shows. Bytes that are not UTF-8, or a file that
cannot be read, stop with the file, the line and the offending byte, never a traceback.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import ReportkitError

BOM = "\ufeff"


def normalize(text: str) -> str:
    """`text` without a leading byte-order mark and with ``\\n`` line ends."""
    return text.removeprefix(BOM).replace("\r\n", "\n")


def decode(data: bytes, path: Path, error: type[ReportkitError] = ReportkitError) -> str:
    """`data` (the contents of `path`) as normalized text; not UTF-8 raises `error` at its line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - data.rfind(b"\n", 0, err.start)
        raise error(f"the file is not UTF-8 (byte 0x{data[err.start]:02x} at line {line}, column {column}); "
                    "save it as UTF-8", path, line) from None
    return normalize(text)


def read_text(path: Path, error: type[ReportkitError] = ReportkitError) -> str:
    """The text of `path` (see :func:`decode`); a file that cannot be read raises `error`."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise error(f"cannot read the file: {err.strerror or err}", path) from None
    return decode(data, path, error)


def csv_rows(path: Path, error: type[ReportkitError] = ReportkitError) -> list[dict[str, str]]:
    """The rows of a CSV file with a header line, as :func:`read_text` reads it."""
    return list(csv.DictReader(io.StringIO(read_text(path, error), newline="")))
