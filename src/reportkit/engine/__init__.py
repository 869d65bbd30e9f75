"""Render engines: the embedded one (registry packages only) and the Quarto adapter."""
