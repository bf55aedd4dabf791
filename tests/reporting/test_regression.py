"""No silent regression (defect 2 of issue 10): a report whose completion is below the task's latest
approved completion is refused unless it gives a reason; and indicator values are checked against
their unit's range (the count part of defect 8)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from jingjin.core.models import AuditEntry
from jingjin.plans.models import Indicator
from jingjin.plans.units import UnitKind, unit_kind
from jingjin.reporting import services
from jingjin.reporting.models import Report

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _approved(users: dict[str, Any], task: Any, year: int, month: int, pct: int) -> Report:
    period = services.period_get_or_create(year=year, month=month)
    report = services.report_save_draft(
        actor=users["reporter_a"], task=task, period=period, data={"progress": "进展", "completion_pct": pct}
    )
    services.report_submit(actor=users["reporter_a"], report=report)
    return services.report_approve(actor=users["office"], report=report)


def test_a_lower_completion_needs_a_reason(users, task_a):
    _approved(users, task_a, 2025, 6, 70)
    december = services.period_get_or_create(year=2025, month=12)
    with pytest.raises(ValidationError) as caught:
        services.report_save_draft(
            actor=users["reporter_a"],
            task=task_a,
            period=december,
            data={"progress": "x", "completion_pct": 60},
        )
    (message,) = caught.value.message_dict["completion_pct"]
    assert "70 %" in message and "2025-06" in message
    assert not Report.objects.filter(period=december).exists()  # nothing half-written

    report = services.report_save_draft(
        actor=users["reporter_a"],
        task=task_a,
        period=december,
        data={"progress": "x", "completion_pct": 60, "regression_reason": "部分工程验收未通过，重新计算"},
    )
    services.report_submit(actor=users["reporter_a"], report=report)
    assert Report.objects.get(pk=report.pk).regression_reason == "部分工程验收未通过，重新计算"
    entries = AuditEntry.objects.filter(content_type__model="report", object_id=report.pk).order_by("pk")
    assert entries.first().after["regression_reason"] == "部分工程验收未通过，重新计算"

    # the same or a higher completion needs none; a draft made before the reason is checked on submit
    november = services.period_get_or_create(year=2025, month=11)
    services.report_save_draft(
        actor=users["reporter_a"], task=task_a, period=november, data={"progress": "x", "completion_pct": 70}
    )


def test_defect_2_a_96_after_an_approved_100_is_refused_without_a_reason(users, task_a, settings):
    _approved(users, task_a, 2025, 7, 100)
    settings.JINGJIN_AS_OF = "2025-12"
    services.task_reopen(actor=users["office"], task=task_a, reason="复核发现未完成")
    december = services.period_get_or_create(year=2025, month=12)
    with pytest.raises(ValidationError) as caught:
        services.report_save_draft(
            actor=users["reporter_a"],
            task=task_a,
            period=december,
            data={"progress": "x", "completion_pct": 96},
        )
    assert "100 %" in caught.value.message_dict["completion_pct"][0]


def test_bad_reasons_are_refused(users, task_a):
    _approved(users, task_a, 2025, 6, 70)
    december = services.period_get_or_create(year=2025, month=12)
    for reason in ("x" * 1001, "原因\x07"):
        with pytest.raises(ValidationError) as caught:
            services.report_save_draft(
                actor=users["reporter_a"],
                task=task_a,
                period=december,
                data={"progress": "x", "completion_pct": 60, "regression_reason": reason},
            )
        assert "regression_reason" in caught.value.message_dict


def test_the_api_refuses_a_lower_completion_with_400_naming_completion_pct(users, task_a):
    _approved(users, task_a, 2025, 6, 80)
    api = APIClient()
    api.force_authenticate(users["reporter_a"])
    body = {"period": "2025-12", "task": task_a.pk, "progress": "本月", "completion_pct": 50}
    refused = api.post("/api/reports", body, format="json")
    assert refused.status_code == 400 and "completion_pct" in refused.json()
    assert "80 %" in refused.json()["completion_pct"][0]
    created = api.post("/api/reports", {**body, "regression_reason": "统计口径调整"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["regression_reason"] == "统计口径调整"
    url = f"/api/reports/{created.json()['id']}"
    assert api.patch(url, {"regression_reason": ""}, format="json").status_code == 400
    assert api.post(f"{url}/submit").status_code == 200


def test_the_report_page_shows_the_drop_to_the_reporter_and_the_approver(users, task_a):
    _approved(users, task_a, 2025, 6, 80)
    reporter = Client()
    assert reporter.login(username="reporter_a", password=PASSWORD)
    url = f"/reports/2025-12/tasks/{task_a.pk}/"
    page = reporter.get(url)
    assert (
        page.status_code == 200
        and "2025-06" in page.content.decode()
        and "regression_reason" in page.content.decode()
    )
    refused = reporter.post(url, {"action": "save", "progress": "本月", "completion_pct": "50"})
    assert refused.status_code == 400
    assert "80 %" in refused.content.decode() and "本月" in refused.content.decode()  # the text is kept
    saved = reporter.post(
        url, {"action": "submit", "progress": "本月", "completion_pct": "50", "regression_reason": "返工"}
    )
    assert saved.status_code == 302
    office = Client()
    assert office.login(username="office", password=PASSWORD)
    html = office.get(url).content.decode()
    assert "down from 80 % (2025-06)" in html and "返工" in html
    review = office.get("/reports/review/").content.decode()
    assert "down from 80 % (2025-06)" in review


# --- indicator values and their unit's range -----------------------------------------------------


def test_unit_kinds():
    assert unit_kind("户") == unit_kind(" 个 ") == unit_kind("条") == UnitKind.COUNT
    assert unit_kind("亿元") == unit_kind("公里") == unit_kind("万人") == UnitKind.AMOUNT
    assert unit_kind("%") == unit_kind("％") == UnitKind.PERCENT
    assert unit_kind("级") == unit_kind("") == unit_kind(None) == unit_kind("furlongs") == UnitKind.OTHER


def test_every_unit_of_the_built_in_plan_has_a_kind_or_is_deliberately_other():
    """The units of the bundled plan: counts, amounts and percentages are known (级 is a level)."""
    import yaml

    from jingjin.data.plans import __file__ as plans_init

    path = __import__("pathlib").Path(plans_init).with_name("suining-2021.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    units = {
        indicator.get("unit") or ""
        for action in data["actions"]
        for measure in action["measures"]
        for task in measure["tasks"]
        for indicator in task.get("indicators", [])
    }
    assert {u for u in units if unit_kind(u) == UnitKind.OTHER} <= {"", "级"}


@pytest.mark.parametrize(
    ("unit", "value", "ok"),
    [
        ("户", "-5", False),
        ("户", "2.5", False),
        ("户", "0", True),
        ("户", "1200", True),
        ("户", "1200.000", True),
        ("亿元", "-0.5", False),
        ("亿元", "12.75", True),
        ("万人", "2.5", True),
        ("%", "-100.5", False),
        ("%", "1000.5", False),
        ("%", "-12.5", True),
        ("%", "99.9", True),
        ("级", "-3.5", True),  # an unknown unit keeps only the general check
        ("级", "1e20", False),
    ],
)
def test_indicator_values_are_checked_against_their_unit(users, task_a, unit, value, ok):
    Indicator.objects.filter(code="A1.M1.T1.I1").update(unit=unit)
    period = services.period_get_or_create(year=2024, month=3)

    def save() -> Report:
        return services.report_save_draft(
            actor=users["reporter_a"],
            task=task_a,
            period=period,
            data={"progress": "x", "completion_pct": 10},
            indicator_values={"A1.M1.T1.I1": value},
        )

    if ok:
        assert save().indicator_values.get().value == Decimal(value).quantize(Decimal("0.000001"))
        return
    with pytest.raises(ValidationError) as caught:
        save()
    (message,) = caught.value.message_dict["indicator_values"]
    assert "A1.M1.T1.I1" in message
    rule = {"户": "a whole number, 0 or more", "亿元": "is 0 or more", "%": "between -100 and 1000"}
    assert unit == "级" or ("Household toilets" in message and rule[unit] in message)
    assert not Report.objects.exists()
