"""Stage 7, outputs: the HTML site, the PDF book, the notebooks, the editions and their archive, the
citation of an edition."""
