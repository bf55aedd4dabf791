"""Fixtures of the key-project tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english(english: Any) -> None:
    """These tests read the English messages and pages."""
