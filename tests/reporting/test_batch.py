"""Batch reporting (批量报送): the template, the upload (all or nothing), every error with its place."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jingjin.core.models import AuditEntry
from jingjin.plans.models import Indicator, Task
from jingjin.reporting import batch, batch_template
from jingjin.reporting.models import Report
from jingjin.reporting.services import report_save_draft, report_submit

pytestmark = pytest.mark.django_db

PAGE = "/reports/batch/"
TEMPLATE = "/reports/batch/template.xlsx?period=2024-03"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def task_a2(task_a):
    """A second task of unit t.a, with one numeric indicator."""
    task = Task.objects.create(
        measure=task_a.measure,
        code="A1.M1.T3",
        name_zh="甲局第二任务",
        name_en="Second task of A",
        lead_unit=task_a.lead_unit,
        position=3,
    )
    Indicator.objects.create(
        task=task,
        code="A1.M1.T3.I1",
        name_zh="覆盖率",
        name_en="Coverage",
        unit="%",
        direction="higher",
        position=1,
    )
    return task


def _language(client, language: str) -> None:
    """The UI language is the one of the language cookie (the browser's is not asked)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def _template(client, user, *, language: str = "en") -> bytes:
    client.force_login(user)
    _language(client, language)
    response = client.get(TEMPLATE)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    return response.content


def _fill(
    raw: bytes, reports: dict[str, dict[str, object]], values: dict[str, object] | None = None
) -> bytes:
    """Fill the template: ``reports`` maps task codes to {column letter: value} (rows added at the
    end for codes not in the template); ``values`` maps indicator codes to the actual value."""
    book = load_workbook(io.BytesIO(raw))
    sheet = book.worksheets[0]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    for code, cells in reports.items():
        row = rows.get(code)
        if row is None:
            row = sheet.max_row + 1
            sheet.cell(row=row, column=1).value = code
        for letter, value in cells.items():
            sheet[f"{letter}{row}"].value = value
    if values:
        indicators = book.worksheets[1]
        by_code = {indicators.cell(row=r, column=2).value: r for r in range(2, indicators.max_row + 1)}
        for code, value in values.items():
            row = by_code.get(code)
            if row is None:
                row = indicators.max_row + 1
                indicators.cell(row=row, column=2).value = code
            indicators[f"F{row}"].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, raw: bytes, *, submit: bool = False, language: str = "en", period: str = "2024-03"):
    data = {"period": period, "file": SimpleUploadedFile("reports.xlsx", raw, content_type=XLSX)}
    if submit:
        data["submit"] = "on"
    _language(client, language)
    return client.post(PAGE, data)


def test_template_lists_the_units_due_tasks_with_locked_and_validated_cells(client, users, task_a, task_a2):
    raw = _template(client, users["reporter_a"])
    book = load_workbook(io.BytesIO(raw))
    sheet, values = book.worksheets[0], book.worksheets[1]
    assert [c.value for c in sheet[1]][:6] == [
        "Task code",
        "Task",
        "Last completion (%)",
        "Completion (%)",
        "Milestone reached",
        "Progress this month",
    ]
    assert [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)] == [
        "A1.M1.T1",
        "A1.M1.T3",
    ]
    assert sheet.protection.sheet and sheet["A2"].protection.locked and sheet["B2"].protection.locked
    assert not sheet["D2"].protection.locked and not sheet["F2"].protection.locked
    assert sheet["A2"].fill.fgColor.rgb.endswith(batch_template.GREY)
    rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert rules["E2:E3"].formula1 == '"Yes,No"' and rules["D2:D3"].type == "whole"
    assert [values.cell(row=r, column=2).value for r in range(2, values.max_row + 1)] == [
        "A1.M1.T1.I1",
        "A1.M1.T3.I1",
    ]
    assert book.worksheets[2]["B1"].value == "2024-03"


def test_template_in_the_chinese_ui_has_chinese_headers(client, users, task_a):
    book = load_workbook(io.BytesIO(_template(client, users["reporter_a"], language="zh-hans")))
    header = [c.value for c in book.worksheets[0][1]]
    assert "本月进展" in header and "次月计划" in header and "存在问题" in header


def test_round_trip_saves_drafts_with_indicator_values_and_audit(client, users, task_a, task_a2):
    raw = _fill(
        _template(client, users["reporter_a"]),
        {"A1.M1.T1": {"D": 60, "E": "No", "F": "完成验收", "G": "1. 培训\n2. 总结", "H": "资金缺口"}},
        {"A1.M1.T1.I1": 1500},
    )
    audit_before = AuditEntry.objects.count()
    response = _upload(client, raw)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert 'data-testid="batch-summary"' in response.content.decode()
    report = Report.objects.get(task=task_a)
    assert report.status == "draft" and report.completion_pct == 60 and report.progress == "完成验收"
    assert report.next_plan == "1. 培训\n2. 总结" and report.problems == "资金缺口"
    assert report.indicator_values.get().value == Decimal("1500")
    assert not Report.objects.filter(task=task_a2).exists()  # an empty row is not reported
    assert AuditEntry.objects.count() == audit_before + 1

    # the template of the same month now shows the draft, and a second upload changes it
    book = load_workbook(io.BytesIO(_template(client, users["reporter_a"])))
    assert book.worksheets[0]["D2"].value == 60 and book.worksheets[0]["F2"].value == "完成验收"
    raw = _fill(
        _template(client, users["reporter_a"]), {"A1.M1.T1": {"D": 70}, "A1.M1.T3": {"D": 10, "F": "启动"}}
    )
    response = _upload(client, raw, submit=True)
    assert response.status_code == 200, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.completion_pct == 70 and report.status == "submitted"
    assert Report.objects.get(task=task_a2).status == "submitted"


def test_every_error_is_listed_with_row_and_column_and_nothing_is_written(
    client, users, task_a, task_a2, period
):
    submitted = report_save_draft(
        actor=users["reporter_a"], task=task_a2, period=period, data={"progress": "x", "completion_pct": 5}
    )
    report_submit(actor=users["reporter_a"], report=submitted)
    raw = _fill(
        _template(client, users["reporter_a"]),
        {
            "A1.M1.T1": {"D": 120, "E": "maybe", "F": "长" * 5001, "H": "bad\x7fdelete"},
            "A1.M1.T3": {"D": 20},  # submitted already
            "NOPE.1": {"D": 5},
            "A1.M1.T2": {"D": 5},  # unit t.b's task
        },
        {"A1.M1.T1.I1": "abc"},
    )
    reports_before, audit_before = Report.objects.count(), AuditEntry.objects.count()
    response = _upload(client, raw)
    assert response.status_code == 400
    assert Report.objects.count() == reports_before and AuditEntry.objects.count() == audit_before
    with pytest.raises(batch.BatchFileError) as caught:
        batch.validate(user=users["reporter_a"], period=period, raw=raw)
    places = {(e.sheet, e.row, e.column): e.message for e in caught.value.errors}
    assert "120 is not a whole number from 0 to 100" in places[("Reports", 2, "D")]
    assert "maybe" in places[("Reports", 2, "E")]
    assert "at most 5000 characters, now 5001" in places[("Reports", 2, "F")]
    assert "control character" in places[("Reports", 2, "H")]
    assert "submitted" in places[("Reports", 3, "A")].lower()
    assert "there is no task NOPE.1" in places[("Reports", 4, "A")]
    assert "belongs to another unit" in places[("Reports", 5, "A")]
    assert "abc is not a number" in places[("Indicator actuals", 2, "F")]
    html = response.content.decode()
    assert html.count('data-testid="batch-error"') == len(caught.value.errors) == 8
    assert "Problems" in str(next(e for e in caught.value.errors if e.column == "H"))


def test_errors_in_the_chinese_ui_name_the_field_in_chinese(client, users, task_a):
    raw = _fill(_template(client, users["reporter_a"], language="zh-hans"), {"A1.M1.T1": {"F": "长" * 5001}})
    response = _upload(client, raw, language="zh-hans")
    assert response.status_code == 400
    html = response.content.decode()
    assert "本月进展" in html and "5001" in html
    # a Chinese template uploaded from the English UI is read too (headers in either language)
    response = _upload(
        client, _fill(_template(client, users["reporter_a"], language="zh-hans"), {"A1.M1.T1": {"D": 5}})
    )
    assert response.status_code == 200 and Report.objects.get(task=task_a).completion_pct == 5


def test_submit_needs_progress_and_a_template_of_another_month_is_refused(client, users, task_a, period):
    raw = _fill(_template(client, users["reporter_a"]), {"A1.M1.T1": {"D": 5}})
    response = _upload(client, raw, submit=True)
    assert response.status_code == 400 and "Describe this month" in response.content.decode()
    response = _upload(client, raw, period="2024-04")
    assert response.status_code == 400 and "template of 2024-03, not of 2024-04" in response.content.decode()
    assert not Report.objects.exists()


def test_another_units_reporter_and_other_roles_are_refused(client, users, approver_a, task_a):
    raw = _fill(_template(client, users["reporter_a"]), {"A1.M1.T1": {"D": 5}})
    client.force_login(users["reporter_b"])
    response = _upload(client, raw)
    assert response.status_code == 400 and "belongs to another unit" in response.content.decode()
    assert not Report.objects.exists()
    for user in (approver_a, users["leader"], users["office"]):
        client.force_login(user)
        assert client.get(PAGE).status_code == 403
        assert client.get(TEMPLATE).status_code == 403


def test_formula_prefixes_are_neutralised_in_the_template(client, users, task_a, period):
    task_a.name_zh = task_a.name_en = '=HYPERLINK("http://x","y")'
    task_a.save()
    report_save_draft(
        actor=users["reporter_a"],
        task=task_a,
        period=__import__("jingjin.reporting.services", fromlist=["x"]).period_get_or_create(
            year=2024, month=3
        ),
        data={"progress": "+1 完成", "problems": "@sum(A1)"},
    )
    sheet = load_workbook(io.BytesIO(_template(client, users["reporter_a"]))).worksheets[0]
    for ref in ("B2", "F2", "H2"):
        assert sheet[ref].data_type == "s" and sheet[ref].quotePrefix, ref
    assert sheet["B2"].value.startswith("=HYPERLINK")


def test_home_links_to_batch_reporting(client, users, task_a):
    client.force_login(users["reporter_a"])
    assert 'data-testid="batch-link"' in client.get("/reports/?period=2024-03").content.decode()
    page = client.get(f"{PAGE}?period=2024-03").content.decode()
    assert 'data-testid="batch-template"' in page and "2024-03" in page


def test_api_batch_upload_gives_counts_or_the_error_list(client, users, task_a):
    raw = _template(client, users["reporter_a"])
    client.force_login(users["reporter_a"])
    assert client.get("/api/reports/batch?period=2024-03")["Content-Type"] == XLSX
    bad = _fill(raw, {"A1.M1.T1": {"D": -1}})
    response = client.post(
        "/api/reports/batch", {"period": "2024-03", "file": SimpleUploadedFile("r.xlsx", bad)}
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["sheet"], error["row"], error["column"]) == ("Reports", 2, "D")
    good = _fill(raw, {"A1.M1.T1": {"D": 30, "F": "进展"}})
    response = client.post(
        "/api/reports/batch",
        {"period": "2024-03", "submit": "true", "file": SimpleUploadedFile("r.xlsx", good)},
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"period": "2024-03", "created": 1, "updated": 0, "submitted": 1, "skipped": 0}
    assert Report.objects.get().status == "submitted"
    assert client.post("/api/reports/batch", {"period": "2024-03"}).status_code == 400


def test_the_reason_for_a_lower_completion_is_a_column(client, users, task_a):
    assert batch.REASON_COLUMN in batch.report_columns()
    raw = _template(client, users["reporter_a"])
    sheet = load_workbook(io.BytesIO(raw)).worksheets[0]
    assert sheet["J1"].value == "Reason for a lower completion" and not sheet["J2"].protection.locked
    response = _upload(client, _fill(raw, {"A1.M1.T1": {"D": 5, "J": "口径调整"}}))
    assert response.status_code == 200, response.content.decode()[:2000]
    assert Report.objects.get(task=task_a).regression_reason == "口径调整"
    too_long = _fill(raw, {"A1.M1.T1": {"D": 5, "J": "x" * 1001}})
    with pytest.raises(batch.BatchFileError) as caught:
        batch.validate(user=users["reporter_a"], period=Report.objects.get().period, raw=too_long)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "J")]
