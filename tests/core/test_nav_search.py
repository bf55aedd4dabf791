"""The menu's task search box shows what was searched, never another page's filters."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

BOX = re.compile(r'<input class="form-control form-control-sm" type="search" name="q" value="([^"]*)"')


def _box(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    match = BOX.search(response.content.decode())
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("url", ["/supervision/?state=assigned", "/projects/?sort=code", "/audit/?page=1"])
def test_a_list_page_with_filters_leaves_the_search_box_empty(client: Any, users: Any, url: str) -> None:
    client.force_login(users["office"])
    assert _box(client, url) == ""


def test_the_search_page_keeps_its_words_in_the_box(client: Any, users: Any) -> None:
    client.force_login(users["office"])
    assert _box(client, "/search/?q=%E4%BB%BB%E5%8A%A1") == "任务"
