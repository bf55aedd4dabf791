"""The rules on their own: plain rows in, findings out, at the edges of their windows."""

from __future__ import annotations

from datetime import date

import pytest

from jingjin.alerts import rules
from jingjin.engines.status import Outlook, Status

DEADLINE = date(2024, 4, 5)


def _due(submitted: bool = False) -> rules.DueRow:
    return rules.DueRow(
        task_id=1,
        task_code="T1",
        unit_id=7,
        period_id=3,
        period_code="2024-03",
        deadline=DEADLINE,
        submitted=submitted,
    )


@pytest.mark.parametrize(
    ("as_of", "days", "raised"),
    [
        (date(2024, 4, 7), 3, False),  # deadline + N − 1
        (date(2024, 4, 8), 3, True),  # deadline + N
        (date(2024, 5, 1), 3, True),
        (date(2024, 4, 5), 0, True),  # N = 0: on the deadline day itself
        (date(2024, 4, 9), 5, False),
    ],
)
def test_report_missing_edges(as_of: date, days: int, raised: bool) -> None:
    found = rules.report_missing([_due()], as_of=as_of, days=days)
    assert bool(found) is raised
    if raised:
        assert found[0].level == "red"
        assert found[0].key == "report_missing:task:1:2024-03"
        assert found[0].unit_id == 7


def test_report_missing_not_for_submitted() -> None:
    assert rules.report_missing([_due(submitted=True)], as_of=date(2024, 6, 1), days=3) == []


def _light(light: int) -> rules.LightRow:
    return rules.LightRow(
        task_id=1,
        task_code="T1",
        unit_id=7,
        period_id=3,
        period_code="2024-03",
        light=light,
        expected_pct=60.0,
        reported_pct=10.0,
    )


@pytest.mark.parametrize(
    ("light", "raised"),
    [
        (Status.UNKNOWN, False),
        (Status.DONE, False),
        (Status.ON_TRACK, False),
        (Status.BEHIND, False),
        (Status.FAR_BEHIND, True),
        (Status.OVERDUE, True),
    ],
)
def test_status_red(light: int, raised: bool) -> None:
    found = rules.status_red([_light(light)], as_of=date(2024, 4, 8))
    assert bool(found) is raised
    if raised:
        assert found[0].level == "red"
        assert found[0].params["reported"] == "10%"
        assert rules.render_reason(found[0].rule, {**found[0].params, "_t": ["status"]}).startswith(
            "Task T1 is "
        )


@pytest.mark.parametrize(
    ("outlook", "level"),
    [
        (Outlook.NOT_APPLICABLE, None),
        (Outlook.UNKNOWN, None),
        (Outlook.LIKELY, None),
        (Outlook.AT_RISK, "yellow"),
        (Outlook.UNLIKELY, "red"),
    ],
)
def test_indicator_projected_to_miss(outlook: int, level: str | None) -> None:
    row = rules.OutlookRow(
        indicator_id=5,
        indicator_code="I1",
        task_id=1,
        unit_id=7,
        outlook=outlook,
        projected=9750.0,
        target=10000.0,
        target_year=2025,
    )
    found = rules.indicator_projected_to_miss([row], as_of=date(2024, 4, 8))
    assert [f.level for f in found] == ([level] if level else [])
    if level:
        reason = rules.render_reason(found[0].rule, {**found[0].params, "_t": ["outlook"]})
        assert reason == "Indicator I1 is projected at 9750 by 2025 against the target 10000: " + (
            "at risk." if level == "yellow" else "unlikely."
        )


ITEM = rules.ItemRow(item_id=9, item_code="DB-1", unit_id=7, task_id=None, deadline=date(2024, 4, 10))


@pytest.mark.parametrize(
    ("as_of", "due_soon", "overdue"),
    [
        (date(2024, 4, 6), False, False),  # 4 days before
        (date(2024, 4, 7), True, False),  # 3 days before
        (date(2024, 4, 10), True, False),  # the deadline day
        (date(2024, 4, 11), False, True),  # the day after
    ],
)
def test_supervision_edges(as_of: date, due_soon: bool, overdue: bool) -> None:
    soon = rules.supervision_due_soon([ITEM], as_of=as_of)
    late = rules.supervision_overdue([ITEM], as_of=as_of)
    assert bool(soon) is due_soon
    assert bool(late) is overdue
    assert all(f.level == "yellow" for f in soon)
    assert all(f.level == "red" for f in late)


def test_black_list_escalation() -> None:
    row = rules.EntryRow(
        entry_id=4,
        unit_id=7,
        unit_code="t.a",
        scheme_code="dept",
        period_id=3,
        period_code="2024-03",
        escalated=True,
    )
    calm = rules.EntryRow(**{**row.__dict__, "entry_id": 5, "escalated": False})
    found = rules.black_list_escalation([row, calm], as_of=date(2024, 4, 8))
    assert [(f.key, f.level) for f in found] == [("black_list_escalation:entry:4:2024-03", "red")]
