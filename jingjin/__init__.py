"""Jingjin 竞进 — runs a city's multi-year action plan."""

__version__ = "0.1.0"
