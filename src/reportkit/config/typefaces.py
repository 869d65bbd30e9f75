"""Each language's typefaces (Noto families), for reportkit's PDF and for the typst header
the Quarto profiles must carry. Pure data: the config reader checks profiles against it
without loading the PDF stage."""

from __future__ import annotations

from dataclasses import dataclass

from reportkit.i18n import Language
from reportkit.tools.typst import Font

CJK = "fonts-noto-cjk"
LATIN = "fonts-noto-core"


@dataclass(frozen=True)
class Typeface:
    body: tuple[Font, ...]
    heading: tuple[Font, ...]
    region: str
    leading: str  # space between lines: CJK text wants more


TYPEFACES: dict[str, Typeface] = {
    "zh-Hant": Typeface(
        (Font("Noto Serif CJK TC", "NotoSerifCJK-Regular.ttc", CJK),),
        (Font("Noto Sans CJK TC", "NotoSansCJK-Regular.ttc", CJK),), "TW", "1.05em"),
    "zh-Hans": Typeface(
        (Font("Noto Serif CJK SC", "NotoSerifCJK-Regular.ttc", CJK),),
        (Font("Noto Sans CJK SC", "NotoSansCJK-Regular.ttc", CJK),), "CN", "1.05em"),
    "en": Typeface(
        (Font("Noto Serif", "NotoSerif-Regular.ttf", LATIN),
         Font("Noto Serif CJK TC", "NotoSerifCJK-Regular.ttc", CJK)),
        (Font("Noto Sans", "NotoSans-Regular.ttf", LATIN),
         Font("Noto Sans CJK TC", "NotoSansCJK-Regular.ttc", CJK)), "US", "0.75em"),
}


def typst_header(language: Language) -> str:
    """The typst lines a language's Quarto profile includes in its header
    (`format.typst.include-in-header.text`): Quarto's typst book template sets neither fonts
    nor region, so without them Chinese falls back to a Japanese face and the contents are
    titled in Simplified Chinese. The same faces as reportkit's own template."""
    face = TYPEFACES[language.code]

    def families(fonts: tuple[Font, ...]) -> str:
        return "(" + ", ".join(f'"{f.family}"' for f in fonts) + ",)"

    return (f'#set text(font: {families(face.body)}, region: "{face.region}")\n'
            f"#show heading: set text(font: {families(face.heading)})\n")
