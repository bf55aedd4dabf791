"""Property-based tests (hypothesis) over the API writes not covered by the plan's bounds tests
(issue 18, "property-based tests over every API write"): reports (create, change, submit, approve,
return), supervision items (issue, steps), task shares (add, change), warnings (acknowledge), the
period's urging and the notification settings page.

Each example puts one hostile value (huge, non-finite and negative numbers, control characters,
formula prefixes, very long texts, wrong types, nested lists and objects, odd dates) into an
otherwise valid request. The answer is never a 500: a success stores only values within bounds,
a refusal is a 4xx naming the field, and then nothing is written (no row changed, no audit row).

Every example runs in a transaction rolled back at its end, so that examples start alike.
Budgets are small (a few dozen examples each) to keep the suite fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingjin.alerts.models import EarlyWarning
from jingjin.core import bounds
from jingjin.core.models import AuditEntry, Unit
from jingjin.notifications.models import Preference, UnitWebhook, UserChannels
from jingjin.plans.models import Task
from jingjin.reporting.models import Report, ReportingPeriod
from jingjin.supervision.models import SupervisionItem
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

hostile_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([1e300, -1e300, 1e14, -1, 0, 101, 2**63, 3000000000, 99999999999999.9999999, 1e-300]),
)
hostile_texts = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x0bb",
            "\u202etxt.exe",
            "=cmd|' /C calc'!A0",
            "@SUM(1)",
            "<img src=x onerror=alert(1)>",
            "x" * 6000,
            "中" * 2100,
            "0001-01-01",
            "9999-12-31",
            "2024-02-30",
            "NaN",
            "Infinity",
            "-1e400",
            "1e15",
            "2024-13",
            "0000-00",
            "t.a",
            "nowhere",
        ]
    ),
    st.dates().map(str),
)
hostile_values = st.one_of(
    hostile_numbers,
    hostile_texts,
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.lists(st.dictionaries(st.sampled_from(["indicator", "value", "position", "outcome"]), st.integers())),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)

BUDGET = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def approver_a(users: dict[str, Any], make_user: Any) -> Any:
    return make_user("approver_a", "approver", "t.a")


@pytest.fixture
def task_a(loaded_plan: Any) -> Task:
    return Task.objects.get(code="A1.M1.T1")


@pytest.fixture
def draft(users: dict[str, Any], task_a: Task) -> Report:
    """A filled-in draft of A1.M1.T1 for 2024-03 by reporter_a."""
    from jingjin.reporting.services import period_get_or_create, report_save_draft

    return report_save_draft(
        actor=users["reporter_a"],
        task=task_a,
        period=period_get_or_create(year=2024, month=3),
        data={"progress": "完成户厕改造1200户", "completion_pct": 55, "next_plan": "验收"},
        indicator_values={"A1.M1.T1.I1": "1200"},
    )


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@contextmanager
def _rolled_back() -> Iterator[None]:
    """One example: whatever it writes is undone at its end."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _body(data: dict[str, Any]) -> str | None:
    try:
        return json.dumps(data, allow_nan=True)
    except (TypeError, ValueError):
        return None


def _refusal_names(response: Any, field: str) -> None:
    """A 4xx that says which field is wrong (or, for a body that is no JSON, says so)."""
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:500])
    body = response.json()
    text = json.dumps(body, ensure_ascii=False)
    if "JSON parse error" in str(body.get("detail", "")) if isinstance(body, dict) else False:
        return
    assert field in (body if isinstance(body, dict) else {}) or field in text, (field, body)


def _state(*models: Any) -> Any:
    """Every row of ``models`` and the number of audit rows: what "nothing written" compares."""
    return (AuditEntry.objects.count(), [list(m.objects.order_by("pk").values()) for m in models])


def _no_control_characters(*texts: Any) -> None:
    for text in texts:
        assert not bounds.CONTROL_CHARACTERS.search(str(text or "")), repr(text)


def _post_or_patch(client: Client, method: str, url: str, data: dict[str, Any]) -> Any | None:
    body = _body(data)
    if body is None:
        return None
    call: Callable[..., Any] = client.post if method == "post" else client.patch
    return call(url, body, content_type="application/json")


# --------------------------------------------------------------------------------------------
# Reports


REPORT_FIELDS = [
    "period",
    "task",
    "progress",
    "completion_pct",
    "milestone_reached",
    "next_plan",
    "problems",
    "support_needed",
    "regression_reason",
    "indicator_values",
    "continuity",
]


def _report_ok(report: Report) -> None:
    assert report.completion_pct is None or 0 <= report.completion_pct <= 100
    _no_control_characters(
        report.progress, report.next_plan, report.problems, report.support_needed, report.regression_reason
    )
    for value in report.indicator_values.values_list("value", flat=True):
        assert value is None or (value.is_finite() and abs(value) < 10**14)


def _report_value(field: str, value: Any) -> Any:
    """The hostile value where the field takes it: also inside the nested lists' items."""
    if field == "indicator_values" and not isinstance(value, list | dict):
        return [{"indicator": "A1.M1.T1.I1", "value": value}]
    if field == "continuity" and not isinstance(value, list | dict):
        return [{"position": value, "outcome": "done", "reason": value}]
    return value


@BUDGET
@given(field=st.sampled_from(REPORT_FIELDS), value=hostile_values)
def test_creating_a_report_with_a_hostile_value_never_fails_with_500(users, task_a, field, value):
    client = _client(users["reporter_a"])
    data = {"period": "2024-03", "task": task_a.pk, "progress": "完成", "completion_pct": 50}
    data[field] = _report_value(field, value)
    with _rolled_back():
        before = _state(Report, ReportingPeriod)
        response = _post_or_patch(client, "post", "/api/reports", data)
        if response is None:
            return
        if response.status_code == 201:
            _report_ok(Report.objects.get(pk=response.json()["id"]))
        else:
            _refusal_names(response, field if field not in {"task"} else "task")
            assert _state(Report, ReportingPeriod) == before


@BUDGET
@given(field=st.sampled_from(REPORT_FIELDS), value=hostile_values)
def test_changing_a_draft_with_a_hostile_value_never_fails_with_500(users, draft, field, value):
    client = _client(users["reporter_a"])
    with _rolled_back():
        before = _state(Report)
        response = _post_or_patch(
            client, "patch", f"/api/reports/{draft.pk}", {field: _report_value(field, value)}
        )
        if response is None:
            return
        if response.status_code == 200:
            _report_ok(Report.objects.get(pk=draft.pk))
            assert Report.objects.get(pk=draft.pk).period_id == draft.period_id  # read-only there
        else:
            _refusal_names(response, field)
            assert _state(Report) == before


@BUDGET
@given(step=st.sampled_from(["submit", "approve", "return"]), value=hostile_values)
def test_the_report_workflow_with_a_hostile_comment_never_fails_with_500(
    users, approver_a, draft, step, value
):
    from jingjin.reporting.services import report_submit

    with _rolled_back():
        if step != "submit":
            report_submit(actor=users["reporter_a"], report=draft, source="test")
        client = _client(users["reporter_a"] if step == "submit" else approver_a)
        before = _state(Report)
        response = _post_or_patch(client, "post", f"/api/reports/{draft.pk}/{step}", {"comment": value})
        if response is None:
            return
        if response.status_code == 200:
            report = Report.objects.get(pk=draft.pk)
            _no_control_characters(report.review_comment)
            assert len(report.review_comment) <= 2000
        else:
            _refusal_names(response, "comment")
            assert _state(Report) == before


# --------------------------------------------------------------------------------------------
# Supervision items


ITEM_FIELDS = ["title", "body", "assignee_unit", "task", "deadline"]


@BUDGET
@given(field=st.sampled_from(ITEM_FIELDS), value=hostile_values)
def test_issuing_a_supervision_item_with_a_hostile_value_never_fails_with_500(users, task_a, field, value):
    client = _client(users["office"])
    data = {
        "title": "督办",
        "body": "请办理",
        "assignee_unit": "t.a",
        "task": task_a.pk,
        "deadline": "2099-06-30",
    }
    data[field] = value
    with _rolled_back():
        before = _state(SupervisionItem)
        response = _post_or_patch(client, "post", "/api/supervision-items", data)
        if response is None:
            return
        if response.status_code == 201:
            item = SupervisionItem.objects.get(pk=response.json()["id"])
            _no_control_characters(item.title, item.body)
            assert item.title.strip() and len(item.title) <= 200
            assert bounds.YEAR_MIN <= item.deadline.year <= bounds.YEAR_MAX
        else:
            _refusal_names(response, field)
            assert _state(SupervisionItem) == before


@BUDGET
@given(
    step=st.sampled_from(["acknowledge", "start", "answer", "close", "reopen"]),
    value=hostile_values,
    method=st.sampled_from(["post", "patch"]),
)
def test_supervision_steps_with_a_hostile_text_never_fail_with_500(users, step, value, method):
    from jingjin.supervision.services import item_issue

    with _rolled_back():
        item = item_issue(
            actor=users["office"],
            title="督办",
            assignee_unit=Unit.objects.get(code="t.a"),
            deadline=date(2099, 6, 30),
            source="test",
        )
        client = _client(
            users["reporter_a"] if step in {"acknowledge", "start", "answer"} else users["office"]
        )
        url = f"/api/supervision-items/{item.pk}" + ("" if method == "patch" else f"/{step}")
        before = _state(SupervisionItem)
        response = _post_or_patch(client, method, url, {"text": value, "state": value, "answer": value})
        if response is None:
            return
        assert response.status_code < 500
        if response.status_code == 200:
            item.refresh_from_db()
            _no_control_characters(item.answer, *item.steps.values_list("text", flat=True))
        elif response.status_code == 405:  # an item is changed by its steps only
            assert method == "patch" and _state(SupervisionItem) == before
        else:
            _refusal_names(response, "text" if response.status_code == 400 else "detail")
            assert _state(SupervisionItem) == before


# --------------------------------------------------------------------------------------------
# Task shares


SHARE_FIELDS = ["unit", "weight", "target", "target_unit", "start", "end"]


def _share_ok(share: Task) -> None:
    assert 0 <= share.weight < 10**14
    _no_control_characters(share.name_zh, share.share_target_unit)
    for day in (share.start, share.end):
        assert day is None or bounds.YEAR_MIN <= day.year <= bounds.YEAR_MAX
    for target in share.indicators.values_list("target_value", flat=True):
        assert target is None or (target.is_finite() and abs(target) < 10**14)


@BUDGET
@given(field=st.sampled_from(SHARE_FIELDS), value=hostile_values, change=st.booleans())
def test_adding_or_changing_a_share_with_a_hostile_value_never_fails_with_500(
    users, task_a, field, value, change
):
    from jingjin.plans import shares

    client = _client(users["office"])
    with _rolled_back():
        url = f"/api/tasks/{task_a.pk}/shares"
        if change:
            share = shares.task_share_create(
                actor=users["office"], task=task_a, unit=Unit.objects.get(code="t.c"), source="test"
            )
            url += f"/{share.pk}"
            data: dict[str, Any] = {field: value}
        else:
            data = {"unit": "t.c", "weight": "2", "target": "100", "target_unit": "户", field: value}
        before = _state(Task)
        response = _post_or_patch(client, "patch" if change else "post", url, data)
        if response is None:
            return
        if response.status_code in {200, 201}:
            _share_ok(Task.objects.get(pk=response.json()["id"]))
        else:  # a start after the end is named at the end
            _refusal_names(response, "end" if field == "start" and "end" in response.json() else field)
            assert _state(Task) == before


# --------------------------------------------------------------------------------------------
# Warnings, urging, notification settings


@pytest.fixture
def warning(users: dict[str, Any]) -> EarlyWarning:
    """An open warning of unit t.a (an overdue supervision item)."""
    from jingjin.alerts.services import warnings_refresh

    SupervisionItem.objects.create(
        code="W-001",
        title="督办事项",
        assignee_unit=Unit.objects.get(code="t.a"),
        deadline=date(2024, 4, 10),
        issued_on=date(2024, 3, 1),
    )
    warnings_refresh(as_of=date(2024, 4, 11))
    return EarlyWarning.objects.get(unit__code="t.a")


@BUDGET
@given(value=hostile_values, who=st.sampled_from(["reporter_a", "reporter_b", "office", "leader"]))
def test_acknowledging_a_warning_with_a_hostile_note_never_fails_with_500(users, warning, value, who):
    client = _client(users[who])
    with _rolled_back():
        before = _state(EarlyWarning)
        response = _post_or_patch(client, "post", f"/api/warnings/{warning.pk}/acknowledge", {"note": value})
        if response is None:
            return
        if response.status_code == 200:
            warning_now = EarlyWarning.objects.get(pk=warning.pk)
            _no_control_characters(warning_now.acknowledge_note)
            assert len(warning_now.acknowledge_note) <= 2000
        else:
            _refusal_names(response, "note" if response.status_code == 400 else "detail")
            assert _state(EarlyWarning) == before


@BUDGET
@given(code=hostile_texts)
def test_urging_a_hostile_period_never_fails_with_500(users, code):
    from urllib.parse import quote

    client = _client(users["office"])
    with _rolled_back():
        before = _state(ReportingPeriod)
        path = quote(code, safe="")
        if not path or path in {".", ".."}:
            return
        response = client.post(f"/api/periods/{path}/urge", "{}", content_type="application/json")
        assert response.status_code < 500, response.content[:500]
        if response.status_code >= 400:
            assert _state(ReportingPeriod) == before


@BUDGET
@given(
    webhook=hostile_texts,
    unit_webhook=hostile_texts,
    choices=st.dictionaries(st.text(max_size=20), hostile_texts, max_size=3),
)
def test_the_notification_settings_with_hostile_values_write_all_or_nothing(
    users, approver_a, webhook, unit_webhook, choices
):
    """An approver sets their own webhook and their unit's: both or neither are stored."""
    client = _client(approver_a)
    with _rolled_back():
        before = _state(Preference, UserChannels, UnitWebhook)
        data = {"webhook_url": webhook, "unit_webhook_url": unit_webhook, **choices}
        if any("\x00" in str(v) for v in (webhook, unit_webhook, *choices, *choices.values())):
            return  # the browser's form encoding cannot carry NUL; Django refuses it before the view
        response = client.post("/notifications/settings/", data)
        assert response.status_code in {302, 400}, response.status_code
        if response.status_code == 400:
            page = response.content.decode()
            assert "webhook" in page.lower()
            assert _state(Preference, UserChannels, UnitWebhook) == before
        else:
            for url in UnitWebhook.objects.values_list("url", flat=True):
                _no_control_characters(url)
                assert url.startswith("https://")


# --------------------------------------------------------------------------------------------
# What the properties found (each failed on the old main)


def test_a_warning_note_with_a_control_character_is_refused_naming_the_note(users, warning):
    client = _client(users["reporter_a"])
    before = _state(EarlyWarning)
    response = client.post(
        f"/api/warnings/{warning.pk}/acknowledge", {"note": "已安排\x1b[31m"}, content_type="application/json"
    )
    assert response.status_code == 400 and "note" in response.json()
    assert _state(EarlyWarning) == before
    page = client.post(f"/warnings/{warning.pk}/acknowledge/", {"note": "已\x85安排"})
    assert page.status_code == 302
    assert _state(EarlyWarning) == before  # the page refuses it too (with a message), nothing written
    response = client.post(
        f"/api/warnings/{warning.pk}/acknowledge", {"note": "已安排"}, content_type="application/json"
    )
    assert (
        response.status_code == 200 and EarlyWarning.objects.get(pk=warning.pk).acknowledge_note == "已安排"
    )


def test_notification_settings_with_a_bad_unit_webhook_store_nothing(approver_a):
    client = _client(approver_a)
    before = _state(Preference, UserChannels, UnitWebhook)
    response = client.post(
        "/notifications/settings/",
        {"webhook_url": "", "unit_webhook_url": "not an address"},
    )
    assert response.status_code == 400
    assert _state(Preference, UserChannels, UnitWebhook) == before  # the user's own part neither


def test_a_share_target_unit_with_a_delete_character_is_refused(users, task_a):
    client = _client(users["office"])
    before = _state(Task)
    response = client.post(
        f"/api/tasks/{task_a.pk}/shares",
        {"unit": "t.c", "weight": "1", "target": "10", "target_unit": "户\x7f"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "target_unit" in response.json()
    assert _state(Task) == before


@pytest.mark.parametrize(
    ("field", "item"),
    [("continuity", {}), ("continuity", {"outcome": "done"}), ("indicator_values", {"value": "1"})],
)
def test_patching_a_draft_with_an_incomplete_nested_item_is_a_400_not_a_500(users, draft, field, item):
    client = _client(users["reporter_a"])
    before = _state(Report)
    response = client.patch(f"/api/reports/{draft.pk}", {field: [item]}, content_type="application/json")
    assert response.status_code == 400 and field in response.json(), response.content[:300]
    assert _state(Report) == before


def test_a_supervision_item_due_after_the_last_year_is_refused_naming_the_deadline(users):
    client = _client(users["office"])
    before = _state(SupervisionItem)
    body = {"title": "督办", "assignee_unit": "t.a", "deadline": f"{bounds.YEAR_MAX + 1}-01-01"}
    response = client.post("/api/supervision-items", body, content_type="application/json")
    assert response.status_code == 400 and "deadline" in response.json(), response.content[:300]
    assert _state(SupervisionItem) == before
    page = client.post("/supervision/new/", {**body, "assignee_unit": Unit.objects.get(code="t.a").pk})
    assert page.status_code in {200, 400} and _state(SupervisionItem) == before
