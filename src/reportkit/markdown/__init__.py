"""Stage 6, Markdown: an executed chapter turned into pandoc Markdown."""
