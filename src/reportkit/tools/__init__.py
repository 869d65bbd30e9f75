"""Thin adapters around the external tools reportkit drives."""
