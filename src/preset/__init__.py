"""Preset: a marketplace for creative shoots."""

__version__ = "0.1.0"
