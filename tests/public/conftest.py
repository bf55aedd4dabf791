"""Fixtures of the public page's tests: :func:`tests.public.world.make_world`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.public.world import make_world


@pytest.fixture
def world(users: dict[str, Any], loaded_plan: Any) -> dict[str, Any]:
    return make_world(users, loaded_plan)
