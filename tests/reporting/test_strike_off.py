"""Strike-off (销号): a task whose 100 % report is approved is struck off from the next month — not
due, not missing, not late, not in any on-time denominator — and the plan office can reopen it.

Defect 1 of issue 10, as written: a task approved at 100 % in month M kept counting as missing and
late in M+1.. on /reports/, in the cockpit's ``reports.attention`` (``/api/cockpit?period=P``),
in the on-time rate and in the bulletin."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from rest_framework.test import APIClient

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.reporting import lists, selectors, services
from jingjin.reporting.models import Report, StrikeOff

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _approve(users: dict[str, Any], task: Any, year: int, month: int, pct: int, **data: Any) -> Report:
    """A report of ``task`` for the month, saved, submitted and approved (by the plan office)."""
    reporter = users["reporter_a"] if task.lead_unit.code == "t.a" else users["reporter_b"]
    period = services.period_get_or_create(year=year, month=month)
    report = services.report_save_draft(
        actor=reporter, task=task, period=period, data={"progress": "进展", "completion_pct": pct, **data}
    )
    services.report_submit(actor=reporter, report=report)
    return services.report_approve(actor=users["office"], report=report)


def _due_codes(year: int, month: int) -> set[str]:
    period = services.period_get_or_create(year=year, month=month)
    return set(selectors.tasks_due(period=period).values_list("code", flat=True))


def test_an_approved_100_percent_strikes_the_task_off_from_the_next_month(users, task_a):
    report = _approve(users, task_a, 2024, 9, 100)
    strike_off = StrikeOff.objects.get(task=task_a)
    assert strike_off.report == report and strike_off.from_month == "2024-10"
    assert "A1.M1.T1" in _due_codes(2024, 9)  # the month of the report stays due (it was reported)
    for year, month in ((2024, 10), (2024, 12), (2025, 6), (2026, 3)):
        assert "A1.M1.T1" not in _due_codes(year, month)
    entry = AuditEntry.objects.get(content_type__model="strikeoff", object_id=strike_off.pk)
    assert entry.action == "create" and entry.after["from_index"] == strike_off.from_index
    struck = list(selectors.struck_off_tasks(period=services.period_get_or_create(year=2024, month=11)))
    assert [(t.code, selectors.month_code(t.struck_off_from), t.struck_off_report) for t in struck] == [
        ("A1.M1.T1", "2024-10", report.pk)
    ]


def test_a_lower_or_submitted_only_report_strikes_nothing_off(users, task_a, approver_a):
    _approve(users, task_a, 2024, 8, 90)
    period = services.period_get_or_create(year=2024, month=9)
    report = services.report_save_draft(
        actor=users["reporter_a"],
        task=task_a,
        period=period,
        data={"progress": "完成", "completion_pct": 100},
    )
    services.report_submit(actor=users["reporter_a"], report=report)
    assert not StrikeOff.objects.exists()  # submitted, not yet approved
    services.report_return(actor=approver_a, report=report, comment="请补充佐证")
    assert not StrikeOff.objects.exists()
    assert "A1.M1.T1" in _due_codes(2024, 10)


def test_a_struck_off_month_takes_no_new_report(users, task_a):
    _approve(users, task_a, 2024, 9, 100)
    october = services.period_get_or_create(year=2024, month=10)
    with pytest.raises(ValidationError, match="struck off"):
        services.report_save_draft(
            actor=users["reporter_a"],
            task=task_a,
            period=october,
            data={"progress": "x", "completion_pct": 100},
        )
    assert not Report.objects.filter(task=task_a, period=october).exists()


def test_the_plan_office_reopens_with_a_reason_and_a_new_100_percent_strikes_off_again(
    users, task_a, settings
):
    _approve(users, task_a, 2024, 9, 100)
    settings.JINGJIN_AS_OF = "2025-02"
    with pytest.raises(PermissionDenied):
        services.task_reopen(actor=users["reporter_a"], task=task_a, reason="返工")
    with pytest.raises(PermissionDenied):
        services.task_reopen(actor=users["leader"], task=task_a, reason="返工")
    for bad in ("", "   ", "x" * 1001, "返工\x00"):
        with pytest.raises(ValidationError) as caught:
            services.task_reopen(actor=users["office"], task=task_a, reason=bad)
        assert "reason" in caught.value.message_dict
    assert StrikeOff.objects.get().reopened_from_index is None  # nothing half-written

    strike_off = services.task_reopen(actor=users["office"], task=task_a, reason="验收不合格，需整改")
    assert strike_off.reopened_from_index == 2025 * 12 + 1  # 2025-02, the as-of month
    assert strike_off.reopened_by == users["office"] and strike_off.reopen_reason == "验收不合格，需整改"
    # past months keep their verdict; from the reopening month the task is due again
    assert "A1.M1.T1" not in _due_codes(2025, 1)
    assert "A1.M1.T1" in _due_codes(2025, 2) and "A1.M1.T1" in _due_codes(2025, 5)
    entry = (
        AuditEntry.objects.filter(content_type__model="strikeoff", object_id=strike_off.pk)
        .order_by("pk")
        .last()
    )
    assert entry.action == "update" and entry.after["reopen_reason"] == "验收不合格，需整改"
    with pytest.raises(ValidationError, match="not struck off"):
        services.task_reopen(actor=users["office"], task=task_a, reason="再次")

    # reported again (a lower completion needs a reason), then 100 % approved: struck off again
    _approve(users, task_a, 2025, 2, 80, regression_reason="整改返工")
    _approve(users, task_a, 2025, 3, 100)
    assert StrikeOff.objects.filter(task=task_a).count() == 2
    assert "A1.M1.T1" not in _due_codes(2025, 4)
    assert "A1.M1.T1" in _due_codes(2025, 3)


def test_a_task_split_into_shares_is_not_due_itself(users, task_a, task_b):
    from jingjin.core.models import Unit
    from jingjin.plans.models import Task

    Task.objects.create(
        measure=task_a.measure,
        parent=task_a,
        code="A1.M1.T1.S1",
        name_zh="丙县分解",
        name_en="County C share",
        lead_unit=Unit.objects.get(code="t.c"),
        position=50,
    )
    due = _due_codes(2024, 3)
    assert "A1.M1.T1" not in due and "A1.M1.T1.S1" in due and "A1.M1.T2" in due


# --- defect 1, as written -----------------------------------------------------------------------


def _login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def done_in_september(users: dict[str, Any], task_a: Any, task_b: Any) -> dict[str, Any]:
    """A1.M1.T1 approved at 100 % for 2024-09; A1.M1.T2 reports 2024-09 (approved 50 %) and nothing
    later. The later months' deadlines have passed."""
    done = _approve(users, task_a, 2024, 9, 100)
    _approve(users, task_b, 2024, 9, 50)
    return {"done": done}


@override_settings(JINGJIN_AS_OF="2025-03-20")
def test_defect_1_a_finished_task_is_not_missing_later(done_in_september, users):
    from jingjin.dashboard.selectors import cockpit

    for year, month in ((2024, 10), (2024, 12), (2025, 1)):
        period = services.period_get_or_create(year=year, month=month)
        code = period.code
        # the reporting lists: my reports and the overview
        mine = {r.code for r in lists.my_rows(user=users["reporter_a"], period=period)}
        overview = {r.code: r for r in lists.overview_rows(user=users["office"], period=period)}
        assert "A1.M1.T1" not in mine and "A1.M1.T1" not in overview, code
        assert overview["A1.M1.T2"].missing and overview["A1.M1.T2"].late  # the other task still owes
        # the cockpit: attention, missing, late, on-time denominator (this month and the trend)
        data = cockpit(user=users["leader"], period=period)
        assert "A1.M1.T1" not in {r.code for r in data.attention_rows}, code
        assert {r.code for r in data.report_rows} == {"A1.M1.T2"}
        assert data.trends[-1].due == 1 and data.trends[-1].month == code
        points = {p.month: p for p in data.trends}
        assert points["2024-09"].due == 2 and points["2024-09"].reports == 2
        assert points["2024-10"].due == 1

    # the API: /api/cockpit?period=P never lists as missing a task that was done before P
    api = APIClient()
    api.force_authenticate(users["leader"])
    for code in ("2024-10", "2024-12", "2025-01"):
        body = api.get("/api/cockpit", {"period": code}).json()
        assert body["reports"]["due"] == 1 and body["reports"]["missing"] == 1
        assert [a["task"] for a in body["reports"]["attention"]] == ["A1.M1.T2"]
        assert body["trends"][-1]["due"] == 1 and body["trends"][-1]["on_time_rate"] == 0.0

    # /reports/ and the overview page, and the bulletin's figures
    client = _login(Client(), "office")
    page = client.get("/reports/overview/", {"period": "2024-12"})
    assert page.status_code == 200
    assert [r.code for r in page.context["rows"]] == ["A1.M1.T2"]
    assert page.context["counts"]["missing"] == 1 and page.context["counts"]["total"] == 1
    mine = _login(Client(), "reporter_a").get("/reports/", {"period": "2024-12"})
    assert [r.code for r in mine.context["rows"]] == []
    from jingjin.dashboard import bulletin

    data = cockpit(user=users["leader"], period=services.period_get_or_create(year=2024, month=12))
    assert "Of 1 reports due, 1 are missing and 1 late; on-time rate 0.0 percent" in bulletin.summary(data)
    late_and_missing = next(t for t in bulletin.tables(data) if t.sheet == "Late and missing")
    assert [row[0] for row in late_and_missing.rows] == ["A1.M1.T2"]


def test_the_task_page_shows_the_strike_off_and_the_plan_office_reopens_there(users, task_a, settings):
    report = _approve(users, task_a, 2024, 9, 100)
    url = "/plan/test-plan/tasks/A1.M1.T1/"
    reporter = _login(Client(), "reporter_a")
    html = reporter.get(url).content.decode()
    assert 'data-testid="struck-off-badge"' in html and "2024-10" in html
    assert f"/reports/2024-09/tasks/{task_a.pk}/" in html and 'data-testid="reopen-form"' not in html
    assert reporter.post(url + "reopen/", {"reason": "x"}).status_code == 403
    office = _login(Client(), "office")
    assert 'data-testid="reopen-form"' in office.get(url).content.decode()
    settings.JINGJIN_AS_OF = "2025-01-10"
    empty = office.post(url + "reopen/", {"reason": ""}, follow=True)
    assert "Give a reason." in empty.content.decode() and StrikeOff.objects.get().reopened_at is None
    done = office.post(url + "reopen/", {"reason": "复核未通过"}, follow=True)
    assert done.status_code == 200 and 'data-testid="struck-off-badge"' not in done.content.decode()
    assert StrikeOff.objects.get(report=report).reopened_from_index == 2025 * 12
    # the report page of a struck-off month says so
    page = reporter.get(f"/reports/2024-11/tasks/{task_a.pk}/").content.decode()
    assert 'data-testid="struck-off"' in page
