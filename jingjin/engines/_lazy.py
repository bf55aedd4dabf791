"""The engines' numba code, imported on first use: importing an engine stays cheap (numba's own
import takes a few tenths of a second and tens of MB), and an engine without numba keeps to its
numpy path."""

from __future__ import annotations

import functools
import importlib
from types import ModuleType


@functools.cache
def compiled_module(name: str) -> ModuleType | None:
    """The module ``name`` (an engine's numba code), or None when numba cannot be imported."""
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - numba is a dependency
        return None
