"""A small village world on the test plan's units: county C (t.c) with two townships of two
villages each, and one township with one village under bureau B (t.b, standing in for a second
county); the demo's as-of date 2023-10-15."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from jingjin.core.models import Unit


@dataclass
class Villages:
    units: dict[str, Unit]
    users: dict[str, Any]

    def __getitem__(self, code: str) -> Unit:
        return self.units[code]


@pytest.fixture(autouse=True)
def _as_of(settings: Any) -> None:
    settings.JINGJIN_AS_OF = "2023-10-15"
    settings.JINGJIN_RURAL_BUREAU_UNITS = ("t.a",)


@pytest.fixture
def world(users: dict[str, Any], make_user: Any) -> Villages:
    units = {u.code: u for u in Unit.objects.all()}

    def add(code: str, kind: str, parent: str, name: str) -> None:
        units[code] = Unit.objects.create(
            code=code, kind=kind, parent=units[parent], name_zh=name, name_en=name
        )

    add("t.c.t1", "township", "t.c", "一镇")
    add("t.c.t2", "township", "t.c", "二镇")
    add("t.b.t1", "township", "t.b", "三镇")
    for town in ("t.c.t1", "t.c.t2"):
        for n in (1, 2):
            add(f"{town}.v{n}", "village", town, f"{units[town].name_zh}{n}村")
    add("t.b.t1.v1", "village", "t.b.t1", "三镇1村")
    all_users = dict(users)
    all_users["bureau"] = users["reporter_a"]  # t.a is the rural bureau in these tests
    all_users["township"] = make_user("township_c1", "reporter", "t.c.t1")
    return Villages(units=units, users=all_users)
