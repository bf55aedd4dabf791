"""Past months as they stood (defect 7): the cockpit, the API and the bulletin of a month show the
supervision items and warnings as they were at the end of that month, not today's; a month without
any report due says so in words instead of "—%"."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from docx import Document
from openpyxl import load_workbook

from jingjin.alerts.models import EarlyWarning
from jingjin.core.models import Unit
from jingjin.dashboard.selectors import cockpit
from jingjin.reporting.services import period_get_or_create
from jingjin.supervision import services
from tests.conftest import PASSWORD

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _issue(title: str, issued: date, deadline: date, steps: list[tuple[str, date]]) -> Any:
    item = services.item_issue(
        actor=None,
        title=title,
        assignee_unit=Unit.objects.get(code="t.c"),
        deadline=deadline,
        issued_on=issued,
        source="test",
    )
    for step, day in steps:
        text = "已完成。" if step == "answer" else ""
        item = services.item_step(actor=None, item=item, step=step, text=text, source="test", at=_at(day))
    return item


@pytest.fixture
def history(users: dict[str, Any], loaded_plan: Any) -> dict[str, Any]:
    """Items and warnings around the end of March 2024."""
    closed_later = _issue(
        "三月逾期、四月办结",
        date(2024, 3, 1),
        date(2024, 3, 20),
        [("acknowledge", date(2024, 3, 2)), ("start", date(2024, 3, 5)), ("answer", date(2024, 4, 8)),
         ("close", date(2024, 4, 10))],
    )  # fmt: skip
    closed_in_time = _issue(
        "三月内办结",
        date(2024, 3, 1),
        date(2024, 3, 25),
        [("acknowledge", date(2024, 3, 2)), ("start", date(2024, 3, 3)), ("answer", date(2024, 3, 20)),
         ("close", date(2024, 3, 22))],
    )  # fmt: skip
    due_soon_then = _issue("三月底即将到期", date(2024, 3, 20), date(2024, 4, 2), [])
    issued_later = _issue("四月交办", date(2024, 4, 5), date(2024, 4, 6), [])
    for key, level, raised, resolved in (
        ("open-at-end", "red", date(2024, 3, 10), date(2024, 4, 2)),
        ("raised-later", "red", date(2024, 4, 3), None),
        ("resolved-before", "yellow", date(2024, 3, 1), date(2024, 3, 15)),
        ("still-open", "yellow", date(2024, 2, 20), None),
    ):
        EarlyWarning.objects.create(
            key=key,
            rule="supervision_overdue",
            level=level,
            reason=key,
            first_raised_at=_at(raised),
            last_seen_at=_at(resolved or raised),
            resolved_at=_at(resolved) if resolved else None,
        )
    return {
        "closed_later": closed_later,
        "closed_in_time": closed_in_time,
        "due_soon_then": due_soon_then,
        "issued_later": issued_later,
        "march": period_get_or_create(year=2024, month=3),
        "april": period_get_or_create(year=2024, month=4),
    }


def test_the_cockpit_shows_items_and_warnings_as_they_stood(users, history):
    data = cockpit(user=users["leader"], period=history["march"], today=date(2026, 11, 20))
    assert data.items_day == date(2024, 3, 31)
    # closed on 2024-04-10: open and overdue at the end of March, in the state it had then
    assert [i.code for i in data.overdue_items] == [history["closed_later"].code]
    assert data.overdue_items[0].state == "in_progress"
    assert [i.code for i in data.due_soon_items] == [history["due_soon_then"].code]
    assert (data.overdue_count, data.due_soon_count) == (1, 1)
    assert data.open_warnings == {"red": 1, "yellow": 1}

    april = cockpit(user=users["leader"], period=history["april"], today=date(2026, 11, 20))
    assert [i.code for i in april.overdue_items] == [
        history["due_soon_then"].code,
        history["issued_later"].code,
    ]
    assert april.open_warnings == {"red": 1, "yellow": 1}


def test_the_cockpit_of_the_running_month_shows_today(users, history):
    data = cockpit(user=users["leader"], period=history["april"], today=date(2024, 4, 9))
    assert data.items_day == date(2024, 4, 9)
    assert history["closed_later"].code in [i.code for i in data.overdue_items]  # answered, not closed yet
    assert data.open_warnings == {"red": 1, "yellow": 1}


def test_the_api_and_the_bulletin_of_a_past_month(client, users, history):
    client.login(username="leader", password=PASSWORD)
    body = client.get("/api/cockpit", {"period": "2024-03"}).json()
    assert body["supervision"]["as_of"] == "2024-03-31"
    assert [(i["code"], i["state"]) for i in body["supervision"]["overdue"]] == [
        (history["closed_later"].code, "in_progress")
    ]
    assert body["open_warnings"] == {"red": 1, "yellow": 1}

    book = load_workbook(io.BytesIO(client.get("/cockpit/bulletin/2024-03.xlsx").content))
    rows = list(book["Supervision overdue"].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [history["closed_later"].code]
    summary = book["Summary"]["A2"].value
    assert (
        "On 2024-03-31: supervision items 1 overdue, 1 due soon; early warnings open 1 red, 1 yellow."
        in summary
    )

    html = client.get("/cockpit/?period=2024-03").content.decode()
    assert history["closed_later"].code in html and history["issued_later"].code not in html
    assert "Supervision items as they stood on 2024-03-31" in html


@override_settings(JINGJIN_AS_OF="2026-12")
def test_a_month_without_reports_due_says_so(client, users, loaded_plan):
    from jingjin.plans.models import Task
    from jingjin.reporting.models import Report

    # after the plan's end (every task's window ends by 2025-12) every task is done (an approved
    # 100 % report): nothing is due in 2026-11
    Task.objects.filter(end__isnull=True).update(start=date(2022, 1, 1), end=date(2025, 12, 31))
    december = period_get_or_create(year=2025, month=12)
    for task in Task.objects.all():
        Report.objects.create(
            task=task,
            period=december,
            completion_pct=100,
            progress="完成",
            status="approved",
            first_submitted_at=_at(date(2026, 1, 4)),
            submitted_at=_at(date(2026, 1, 4)),
            reviewed_at=_at(date(2026, 1, 5)),
        )
    client.login(username="leader", password=PASSWORD)
    html = client.get("/cockpit/?period=2026-11").content.decode()
    assert 'data-testid="no-reports-due"' in html and "No reports due this month" in html
    document = Document(io.BytesIO(client.get("/cockpit/bulletin/2026-11.docx").content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "No reports due this month." in text
    assert "on-time rate" not in text and "—%" not in text and "rate — percent" not in text
