"""The demo generator: synthetic, deterministic, idempotent, with some late, returned and missing reports."""

from __future__ import annotations

from datetime import date

import pytest

from jingjin.core.models import AuditEntry
from jingjin.reporting import lists
from jingjin.reporting.demo import demo_reports
from jingjin.reporting.models import Report, ReportingPeriod

pytestmark = pytest.mark.django_db


def test_demo_reports_are_synthetic_and_idempotent(users):
    made = demo_reports(today=date(2024, 3, 3))
    assert made == Report.objects.count() > 40
    assert not Report.objects.filter(is_synthetic=False).exists()
    assert ReportingPeriod.objects.count() == 31  # 2021-09 … 2024-03
    assert AuditEntry.objects.filter(content_type__model="report", source="demo").count() == made
    assert demo_reports(today=date(2024, 3, 3)) == 0
    assert Report.objects.count() == made

    # progress rises over the window and the states vary
    t1 = list(
        Report.objects.filter(task__code="A1.M1.T1")
        .order_by("period__year", "period__month")
        .values_list("completion_pct", flat=True)
    )
    assert t1 == sorted(t1) and t1[-1] > t1[0]
    states = set(Report.objects.values_list("status", flat=True))
    assert {"approved", "draft"} <= states
    # 2024-02 is still open on 2024-03-03 (deadline 03-05): nothing is late there yet
    february = ReportingPeriod.objects.get(year=2024, month=2)
    rows = lists.overview_rows(user=users["office"], period=february, as_of=date(2024, 3, 3))
    assert not any(r.late for r in rows)


def test_demo_reports_are_deterministic(users):
    demo_reports(today=date(2023, 6, 30), seed=7)
    first = list(
        Report.objects.order_by("task__code", "period__year", "period__month").values_list(
            "completion_pct", "status"
        )
    )
    Report.objects.all().delete()
    demo_reports(today=date(2023, 6, 30), seed=7)
    again = list(
        Report.objects.order_by("task__code", "period__year", "period__month").values_list(
            "completion_pct", "status"
        )
    )
    assert first == again


def test_a_later_run_only_adds_the_new_months(users):
    before = demo_reports(today=date(2023, 1, 20))
    added = demo_reports(today=date(2023, 3, 20))
    assert added > 0 and Report.objects.count() == before + added
    assert Report.objects.filter(period__year=2023, period__month=3).exists()
