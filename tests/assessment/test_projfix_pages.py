"""A long project list's page (slice projfix of issue 12): paged, with the red and black entries
always in full at the top; a recomputation replaces the entries and their alerts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.assessment.models import RankingEntry, RankingList
from jingjin.core.models import Unit
from jingjin.projects.models import KeyProject
from tests.assessment.conftest import period_of

pytestmark = pytest.mark.django_db


def _list(schemes: Any, n: int) -> RankingList:
    """A project list of ``n`` projects ranked 1 … n: the first two red, the last two black."""
    unit = Unit.objects.get(code="t.a")
    projects = KeyProject.objects.bulk_create(
        [
            KeyProject(
                code=f"L{i:03d}",
                name_zh=f"示例项目{i}",
                name_en=f"Demo project {i}",
                level="city",
                category="industry",
                owner_unit=unit,
                total_investment=1000,
                is_synthetic=True,
            )
            for i in range(1, n + 1)
        ]
    )
    listed = RankingList.objects.create(scheme=schemes["key-projects"], period=period_of(2024, 6), rule={})
    verdicts = {1: "red", 2: "red", n - 1: "black", n: "black"}
    RankingEntry.objects.bulk_create(
        [
            RankingEntry(
                ranking_list=listed,
                unit=unit,
                project=p,
                on_time_pct=100,
                score=200 - i,
                rank=i,
                bottom_rank=n + 1 - i,
                target_met=i <= n // 2,
                verdict=verdicts.get(i, ""),
            )
            for i, p in enumerate(projects, start=1)
        ]
    )
    return listed


def _cards(html: str, testid: str) -> list[str]:
    part = html.split(f'data-testid="{testid}"', 1)[1].split('data-testid="', 1)[0]
    return [chunk.split('"', 1)[0] for chunk in part.split('data-project="')[1:]]


def test_a_long_list_is_paged_with_the_red_and_black_entries_in_full(
    client: Any, users: Any, schemes: Any
) -> None:
    listed = _list(schemes, 120)
    client.force_login(users["office"])
    first = client.get(f"/lists/{listed.pk}/").content.decode()
    assert _cards(first, "flagged") == ["L001", "L002", "L119", "L120"]
    assert _cards(first, "entries") == [f"L{i:03d}" for i in range(1, 51)]
    assert "1 / 3" in first and 'href="?page=2"' in first
    last = client.get(f"/lists/{listed.pk}/?page=3").content.decode()
    assert _cards(last, "entries") == [f"L{i:03d}" for i in range(101, 121)]
    assert _cards(last, "flagged") == ["L001", "L002", "L119", "L120"]
    assert client.get(f"/lists/{listed.pk}/?page=99").content.decode().count('data-project="L120"') == 2
    with CaptureQueriesContext(connection) as few:
        client.get(f"/lists/{listed.pk}/?page=x")
    RankingList.objects.all().delete()
    KeyProject.objects.all().delete()
    listed = _list(schemes, 400)
    with CaptureQueriesContext(connection) as many:
        assert 'data-testid="flagged"' in client.get(f"/lists/{listed.pk}/").content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_short_list_is_one_page_without_the_top_block(client: Any, users: Any, schemes: Any) -> None:
    listed = _list(schemes, 6)
    client.force_login(users["office"])
    html = client.get(f"/lists/{listed.pk}/").content.decode()
    assert 'data-testid="flagged"' not in html and 'data-testid="entry-pages"' not in html
    assert _cards(html, "entries") == [f"L{i:03d}" for i in range(1, 7)]
