"""Stage 3, chapters: `.qmd` files read into Chapters, translations and their sources, the generated
zh-Hans chapters, which numbers prose may type outside a stat span."""
