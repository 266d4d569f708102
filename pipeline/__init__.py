"""Bilag 3 pipeline: the Danish loneliness-strategy initiatives table as data."""

__version__ = "0.1.0"
