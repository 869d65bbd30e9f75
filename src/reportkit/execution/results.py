"""What running a chapter produced (:class:`Executed`), as the cache keeps it and the Markdown
and notebook stages read it: apart from the kernels (`kernel.py`), so that reading a cached
result does not load jupyter_client, nbclient and nbformat."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Executed:
    """What running a chapter produced."""

    outputs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # cell index -> outputs
    inline: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> MIME bundle
    reads: list[str] = field(default_factory=list)  # project files read, relative to the root

    def to_json(self) -> dict[str, Any]:
        return {"outputs": {str(k): v for k, v in self.outputs.items()}, "inline": self.inline, "reads": self.reads}

    @classmethod
    def from_json(cls, data: Any) -> Executed:
        """The inverse of :meth:`to_json`; ValueError when `data` does not have its shape."""
        try:
            outputs = {int(k): [dict(o) for o in v] for k, v in data["outputs"].items()}
            inline = {str(k): dict(v) for k, v in data["inline"].items()}
            reads = [p for p in data["reads"] if isinstance(p, str)]
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ValueError(f"not an execution record: {err}") from None
        return cls(outputs, inline, reads)


def plain_value(bundle: dict[str, Any]) -> str:
    """An inline value as Markdown: `text/markdown` if offered, else the plain text
    (a string's repr unquoted, as Quarto does)."""
    if "text/markdown" in bundle:
        return str(bundle["text/markdown"])
    text = str(bundle.get("text/plain", ""))
    if text[:1] in "'\"":
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        if isinstance(value, str):
            return value
    return text
