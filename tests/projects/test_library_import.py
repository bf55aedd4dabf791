"""The import of the commission's key-project workbook (slice projlib): every error with its row
and column, nothing written on any error; a good file creates, the same codes again update."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import translation

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.projects import imports
from jingjin.projects.models import KeyProject
from tests.projects.library_data import row, workbook

pytestmark = pytest.mark.django_db


def test_every_error_is_named_by_row_and_column_and_nothing_is_written(users: Any) -> None:
    raw = workbook(
        [
            row("XM-A"),  # good
            row("XM-B", **{"级别": "国重点", "总投资（万元）": "abc"}),
            row("XM-C", **{"业主单位": "无此单位", "开工时间": "2024-13-01"}),
            row("XM-A"),  # the code again
            row("XM-D", **{"关联任务": "Z9.T9", "2024年计划投资（万元）": -5}),
            row("XM/E"),
        ]
    )
    with translation.override("en"), pytest.raises(imports.ImportFileError) as caught:
        imports.project_import(actor=users["office"], raw=raw)
    places = sorted((e.row, e.column, e.header) for e in caught.value.errors)
    assert places == [
        (3, "C", "级别"),
        (3, "I", "总投资（万元）"),
        (4, "E", "业主单位"),
        (4, "K", "开工时间"),
        (5, "A", "项目编码"),
        (6, "J", "2024年计划投资（万元）"),
        (6, "S", "关联任务"),
        (7, "A", "项目编码"),
    ]
    text = [str(e) for e in caught.value.errors]
    assert "Row 3, column C (级别): 国重点 is not one of 省重点、市重点、县重点." in text
    assert any(
        t.startswith("Row 5, column A (项目编码): the code XM-A appears again (first in row 2)") for t in text
    )
    assert not KeyProject.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="keyproject").exists()


def test_a_missing_column_and_a_non_workbook_are_refused(users: Any) -> None:
    with pytest.raises(imports.ImportFileError) as caught:
        imports.project_import(actor=users["office"], raw=workbook([["XM-1"]], headers=["项目编码"]))
    assert {e.header for e in caught.value.errors} >= {"项目名称", "总投资（万元）", "业主单位"}
    with pytest.raises(imports.ImportFileError):
        imports.project_import(actor=users["office"], raw=b"not a workbook")
    with pytest.raises(PermissionDenied):
        imports.project_import(actor=users["reporter_a"], raw=workbook([row("XM-1")]))


@override_settings(JINGJIN_IMPORT_MAX_BYTES=2000)
def test_a_file_beyond_the_size_limit_is_refused(users: Any) -> None:
    with pytest.raises(imports.ImportFileError) as caught:
        imports.project_import(actor=users["office"], raw=workbook([row("XM-1")]))
    assert "MB" in str(caught.value.errors[0])


def test_a_good_file_creates_and_a_second_run_updates(users: Any) -> None:
    raw = workbook([row("XM-1"), row("XM-2", **{"业主单位": "乙局", "状态": None, "县区": None})])
    result = imports.project_import(actor=users["office"], raw=raw)
    assert result.as_dict() == {"created": 2, "updated": 0}
    first = KeyProject.objects.get(code="XM-1")
    assert (first.level, first.category, first.state) == ("city", "industry", "construction")
    assert first.owner_unit.code == "t.a" and first.county.code == "t.c"
    assert str(first.start) == "2024-03-01" and str(first.end) == "2026-12-01"
    assert first.name_en == first.name_zh == "示例项目XM-1"
    assert first.year_plans.get().planned_investment == Decimal("1200.00")
    assert list(first.tasks.values_list("code", flat=True)) == ["A1.M1.T1"]
    second = KeyProject.objects.get(code="XM-2")
    assert second.owner_unit.code == "t.b" and second.county is None and second.state == "reserve"

    again = workbook(
        [row("XM-1", **{"总投资（万元）": "6,000", "2024年计划投资（万元）": 1500, "状态": "竣工"})]
    )
    assert imports.project_import(actor=users["office"], raw=again).as_dict() == {"created": 0, "updated": 1}
    first.refresh_from_db()
    assert first.total_investment == Decimal("6000.00") and first.state == "completed"
    assert first.year_plans.get().planned_investment == Decimal("1500.00")
    audits = AuditEntry.objects.filter(object_id=first.pk, content_type__model="keyproject").order_by("pk")
    assert [a.action for a in audits] == ["create", "update", "update", "update"]
    assert KeyProject.objects.count() == 2


def test_a_large_workbook_is_imported_by_a_job(
    client: Any, users: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jingjin.jobs.models import Job

    settings.JINGJIN_IMPORT_JOB_BYTES = 300
    client.force_login(users["office"])
    good = SimpleUploadedFile("p.xlsx", workbook([row("XM-J1"), row("XM-J2")]))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/projects/import/", {"file": good})
    assert answer.status_code == 302 and answer["Location"].startswith("/jobs/")
    job = Job.objects.get(kind="project-import")
    assert job.state == "done", job.error
    assert set(KeyProject.objects.values_list("code", flat=True)) == {"XM-J1", "XM-J2"}
    bad = SimpleUploadedFile("p.xlsx", workbook([row("XM-J3", **{"级别": "国重点"})]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/projects/import/", {"file": bad})
    failed = Job.objects.filter(kind="project-import").latest("pk")
    assert failed.state == "failed" and "C" in failed.error and "国重点" in failed.error
    assert not KeyProject.objects.filter(code="XM-J3").exists()
