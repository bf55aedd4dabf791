"""The report form's one write (``services.report_fill``): the month stored on the first write, the
draft, the evidence file and the submission all or nothing — also when the database refuses the
write (a conflict: 409 page), the stored file is removed again."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from jingjin.reporting import services
from jingjin.reporting.models import Evidence, Report, ReportingPeriod

pytestmark = pytest.mark.django_db


def test_a_submit_refused_by_a_busy_database_gives_409_and_keeps_no_file(
    client: Any, users: dict[str, Any], task_a: Any, settings: Any, monkeypatch: Any
) -> None:
    def busy(**kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "report_submit", busy)
    client.force_login(users["reporter_a"])
    response = client.post(
        f"/reports/2024-05/tasks/{task_a.pk}/",
        {
            "action": "submit",
            "progress": "进展",
            "completion_pct": "30",
            "evidence": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
        },
    )
    assert response.status_code == 409
    assert not Report.objects.exists() and not Evidence.objects.exists()
    assert not ReportingPeriod.objects.filter(year=2024, month=5).exists()
    assert not list((settings.MEDIA_ROOT / "evidence").rglob("*.pdf"))


def test_report_fill_stores_the_month_the_draft_the_file_and_submits(
    users: dict[str, Any], task_a: Any
) -> None:
    from jingjin.reporting.selectors import period_of

    period = period_of(year=2024, month=6)
    assert period.pk is None
    report = services.report_fill(
        actor=users["reporter_a"],
        task=task_a,
        period=period,
        data={"progress": "进展", "completion_pct": 40},
        upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4 y"),
        submit=True,
    )
    assert report.status == "submitted"
    assert report.period.code == "2024-06" and report.period.pk is not None
    assert report.evidence.count() == 1
