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

from reportkit.errors import ReportkitError

BOM = "\ufeff"


def normalize(text: str) -> str:
    """`text` without a leading byte-order mark and with ``\\n`` line ends."""
    return text.removeprefix(BOM).replace("\r\n", "\n")


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in bytes) of `offset` in `data`."""
    return data.count(b"\n", 0, offset) + 1, offset - data.rfind(b"\n", 0, offset)


def decode(data: bytes, path: Path, error: type[ReportkitError] = ReportkitError) -> str:
    """`data` (the contents of `path`) as normalized text; bytes that are not UTF-8, or a NUL
    (a binary file, or a placeholder smuggled into a chapter), raise `error` at their line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, column = _position(data, err.start)
        raise error(f"the file is not UTF-8 (byte 0x{data[err.start]:02x} at line {line}, column {column}); "
                    "save it as UTF-8", path, line) from None
    if "\x00" in text:
        line, column = _position(data, data.index(b"\x00"))
        raise error(f"the file contains a NUL byte (line {line}, column {column}): is it a binary file?",
                    path, line)
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


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` to `path` unless it already holds exactly that (its time stays as it is);
    whether it was written."""
    if path.is_file() and path.read_bytes() == text.encode("utf-8"):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
