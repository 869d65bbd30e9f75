"""Reading text files as editors save them; stripping terminal escape codes from tool output;
the build cache's JSON form of a chapter's execution."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.errors import RegistryError
from reportkit.execution.results import Executed
from reportkit.textfile import decode, read_text
from reportkit.tools import strip_ansi

PATH = Path("data/statistics.csv")


@pytest.mark.parametrize("raw", [
    b"id,value\nx,1\n",
    b"\xef\xbb\xbfid,value\nx,1\n",  # Excel's "CSV UTF-8"
    b"id,value\r\nx,1\r\n",  # Windows line ends
    b"\xef\xbb\xbfid,value\r\nx,1\r\n",
])
def test_bom_and_crlf_read_as_plain_text(raw: bytes) -> None:
    assert decode(raw, PATH) == "id,value\nx,1\n"


def test_not_utf8_names_the_line_column_and_byte() -> None:
    with pytest.raises(RegistryError) as caught:
        decode("id,value\nx,1\n重要,Caf".encode() + b"\xe9\n", PATH, RegistryError)
    assert caught.value.line == 3
    assert caught.value.message == ("the file is not UTF-8 (byte 0xe9 at line 3, column 11); "
                                    "save it as UTF-8")


def test_a_bom_does_not_shift_lines() -> None:
    with pytest.raises(RegistryError) as caught:
        decode(b"\xef\xbb\xbfa\r\nb\r\n\xff\r\n", PATH, RegistryError)
    assert caught.value.line == 3


def test_nul_byte_is_rejected() -> None:
    with pytest.raises(RegistryError) as caught:
        decode(b"a\nb\x00c\n", PATH, RegistryError)
    assert (caught.value.line, caught.value.message) == (
        2, "the file contains a NUL byte (line 2, column 2): is it a binary file?")


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read the file"):
        read_text(tmp_path, RegistryError)  # a folder


@pytest.mark.parametrize(("coloured", "plain"), [
    ("\x1b[91mERROR\x1b[0m: bad", "ERROR: bad"),
    ("\x1b[1;31;40mx\x1b[K", "x"),
    ("\x1b]8;;https://example.org\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink
    ("\x1b[2J\x1b[Hclear", "clear"),
    ("no codes [91m", "no codes [91m"),
])
def test_strip_ansi(coloured: str, plain: str) -> None:
    assert strip_ansi(coloured) == plain


def test_execution_round_trips_through_json() -> None:
    executed = Executed({0: [{"output_type": "stream", "name": "stdout", "text": "hi\n"}]},
                        {"rk0": {"text/markdown": "**26%**"}}, ["data/exposure.csv"])
    assert Executed.from_json(executed.to_json()) == executed


@pytest.mark.parametrize("data", [None, [], {"outputs": {}}, {"outputs": {"x": []}, "inline": {}, "reads": []},
                                  {"outputs": {"0": 5}, "inline": {}, "reads": []}])
def test_execution_of_the_wrong_shape_is_refused(data: object) -> None:
    with pytest.raises(ValueError, match="not an execution record"):
        Executed.from_json(data)
