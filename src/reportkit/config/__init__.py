"""Stage 2, configuration: `_quarto.yml` and the language profiles as typed models, the project on
disk, the typefaces, the zh-Hans conversion (OpenCC and the glossary)."""
