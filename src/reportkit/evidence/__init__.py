"""Stage 1, evidence: the statistics registry, claims, quotes, number formats, the bibliography and the
datapackage (what `data/` and `bib/` hold)."""
