"""Fixtures of the appeal tests: the hand-built period 2024-03 of the red/black list tests, its
departments' list computed and published on a known day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from tests.assessment.conftest import AFTER, march, schemes  # noqa: F401 (fixtures)

#: the day the list is published; the window (5 days) ends on PUBLISHED + 5
PUBLISHED = date(2024, 4, 20)


@pytest.fixture(autouse=True)
def _english(english: Any) -> Any:
    """These tests read the English messages."""
    return english


@pytest.fixture
def published(users: Any, march: Any, schemes: Any) -> Any:  # noqa: F811
    """The departments' list of 2024-03, published on :data:`PUBLISHED` (t.a red, t.b black)."""
    from django.utils import timezone

    from jingjin.assessment.services import ranking_list_compute, ranking_list_publish

    listed = ranking_list_compute(
        actor=users["office"], scheme=schemes["departments"], period=march, today=AFTER
    )
    listed = ranking_list_publish(actor=users["office"], ranking_list=listed)
    listed.published_at = timezone.make_aware(datetime(2024, 4, 20, 10))
    listed.save(update_fields=["published_at"])
    return listed


def entry_of(ranking_list: Any, unit: str) -> Any:
    return ranking_list.entries.select_related("unit").get(unit__code=unit, project__isnull=True)
