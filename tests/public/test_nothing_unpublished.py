"""The public page shows what the plan opted in to show, and nothing else: every kind of object
that is not published is made, and none of it appears — unpublished plans, indicators not selected,
draft red/black lists, reports in draft or under review (their figures and texts), supervision
items, users."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _lists_section(page: str) -> str:
    return page[page.index('id="lists-title"') : page.index('id="indicators-title"')]


def test_the_page_opens_without_sign_in_and_shows_the_published(client: Any, world: dict[str, Any]) -> None:
    response = client.get("/public/test-plan/")
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("测试规划", "行动一", "措施一", "甲局任务", "乙局任务", "户厕", "A1.M1.T1"):
        assert shown in page, shown
    # progress from the approved report only (30 %, not the draft's 80 nor the submitted 55)
    row = re.search(r'data-code="A1.M1.T1">(.*?)</tr>', page, re.S)
    assert row is not None and 'value="30"' in row.group(1) and "80" not in row.group(1)
    other = re.search(r'data-code="A1.M1.T2">(.*?)</tr>', page, re.S)
    assert other is not None and "55" not in other.group(1) and "<progress" not in other.group(1)
    # the published list (2024-02), not the draft (2024-03)
    lists = _lists_section(page)
    assert world["published"].period.code in lists and world["draft"].period.code not in lists
    assert "777" in page  # the approved actual of the selected indicator


def test_nothing_unpublished_appears(client: Any, world: dict[str, Any], users: dict[str, Any]) -> None:
    page = client.get("/public/test-plan/").content.decode()
    never = [
        "未公开",  # the unpublished plan: its name, action, measure, task, indicator
        "机制建立",  # an indicator of the public plan not selected
        "12345",  # an indicator value of a draft report
        "草稿里的问题",
        "待审核的进展",
        "二月进展说明",  # report texts are never shown, even approved ones
        "督办事项不公开",
        world["item"].code,
        *(user.get_username() for user in users.values()),
    ]
    for text in never:
        assert text not in page, text
    assert client.get("/public/hidden-plan/").status_code == 404
    index = client.get("/public/").content.decode()
    assert "测试规划" in index and "未公开规划" not in index


def test_a_plan_that_opts_out_disappears_at_once(
    client: Any, world: dict[str, Any], users: dict[str, Any]
) -> None:
    from jingjin.public.services import public_page_set

    assert client.get("/public/test-plan/").status_code == 200
    public_page_set(actor=users["office"], plan=world["plan"], public=True, indicator_ids=[])
    assert "户厕" not in client.get("/public/test-plan/").content.decode()  # the cache follows the write
    public_page_set(actor=users["office"], plan=world["plan"], public=False, indicator_ids=[])
    assert client.get("/public/test-plan/").status_code == 404


def test_a_cached_page_costs_two_queries(
    client: Any, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    def without_token(content: bytes) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content.decode())

    first = client.get("/public/test-plan/").content
    with django_assert_max_num_queries(2):  # the plan and the data version; the figures are cached
        again = client.get("/public/test-plan/").content
    assert without_token(again) == without_token(first)


def test_only_the_plan_office_sets_the_public_page(
    client: Any, world: dict[str, Any], users: dict[str, Any]
) -> None:
    from jingjin.core.permissions import PermissionDenied
    from jingjin.public.services import public_page_set

    for who in ("reporter_a", "leader", "county_c"):
        with pytest.raises(PermissionDenied):
            public_page_set(actor=users[who], plan=world["plan"], public=False, indicator_ids=[])
        client.force_login(users[who])
        assert client.get("/public/test-plan/settings/").status_code == 403
        assert client.post("/public/test-plan/settings/", {}).status_code == 403
    client.force_login(users["office"])
    assert client.get("/public/test-plan/settings/").status_code == 200
    client.post("/public/test-plan/settings/", {})
    world["plan"].refresh_from_db()
    assert world["plan"].public is False
    client.logout()
    assert client.get("/public/test-plan/").status_code == 404
