"""Resource limits of the imports (issue 18, finding 8): a small workbook that unzips to far more,
or whose one far-out cell makes every row 16,384 cells wide, is refused within a second with a
message, through the pages and the API as a user sends it; long error lists are cut with a count."""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook

from jingjin.plans import planfile
from tests.conftest import small_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _bomb(workbook: bytes, padding: int) -> bytes:
    """``workbook`` with one more member of ``padding`` bytes of zeros: a few KB zipped."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(member, source.read(member.filename))
        target.writestr("xl/media/padding.bin", b"\0" * padding)
    return out.getvalue()


def _far_cell(sheet_rows: list[list[Any]], *, title: str = "Sheet") -> bytes:
    """A workbook whose one sheet holds ``sheet_rows`` and one cell far below and right."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in sheet_rows:
        sheet.append(row)
    sheet.cell(row=200_000, column=5_000, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _office(users: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(users["office"])
    return client


def _upload(name: str, raw: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, raw)


def test_a_plan_workbook_that_unzips_too_far_is_refused_fast(users: dict[str, Any], settings: Any) -> None:
    from jingjin.plans.models import Plan

    settings.JINGJIN_IMPORT_MAX_UNZIPPED = 5 * 1024 * 1024
    raw = _bomb(planfile.to_xlsx(planfile.normalise(small_plan())), 8 * 1024 * 1024)
    assert len(raw) < 100_000
    plans = Plan.objects.count()
    started = time.monotonic()
    response = _office(users).post("/plan/import/", {"file": _upload("plan.xlsx", raw)})
    assert time.monotonic() - started < 2
    assert response.status_code == 400
    assert "unzips to" in response.content.decode()
    assert Plan.objects.count() == plans


def test_a_plan_workbook_with_one_far_cell_is_refused_by_the_cell_limit(users: dict[str, Any]) -> None:
    tables = planfile.to_xlsx(planfile.normalise(small_plan()))
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(tables))
    workbook["tasks"].cell(row=200_000, column=5_000, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    started = time.monotonic()
    response = _office(users).post("/plan/import/", {"file": _upload("plan.xlsx", buffer.getvalue())})
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert "cells" in response.content.decode() and "tasks" in response.content.decode()
    assert elapsed < 5, elapsed


def test_a_plan_file_with_thousands_of_errors_lists_some_and_counts_the_rest(
    users: dict[str, Any], settings: Any
) -> None:
    settings.JINGJIN_IMPORT_MAX_ERRORS = 20
    data = planfile.normalise(small_plan())
    task = data["actions"][0]["measures"][0]["tasks"][0]
    data["actions"][0]["measures"][0]["tasks"] = [
        {**task, "code": f"A1.M1.T{i}", "lead_unit": "nowhere", "indicators": []} for i in range(1, 500)
    ]
    raw = planfile.dumps(data, "json")
    response = _office(users).post("/plan/import/", {"file": _upload("plan.json", raw)})
    body = response.content.decode()
    assert response.status_code == 400
    assert "more errors" in body
    assert body.count("nowhere") <= 21
    assert len(body) < 200_000


def test_a_statistics_workbook_that_unzips_too_far_is_refused(users: dict[str, Any], settings: Any) -> None:
    settings.JINGJIN_IMPORT_MAX_UNZIPPED = 5 * 1024 * 1024
    workbook = Workbook()
    workbook.active.append(["city", "year", "indicator", "value", "unit", "source"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = _bomb(buffer.getvalue(), 8 * 1024 * 1024)
    response = _office(users).post("/benchmark/import/", {"file": _upload("stats.xlsx", raw)})
    assert response.status_code == 400
    assert "unzips to" in response.content.decode()


def test_a_statistics_file_beyond_the_row_or_cell_limit_is_refused(
    users: dict[str, Any], settings: Any
) -> None:
    settings.JINGJIN_IMPORT_MAX_ROWS = 50
    csv = "city,year,indicator,value,unit,source\n" + "遂宁,2024,gdp,1,亿元,x\n" * 100
    response = _office(users).post("/benchmark/import/", {"file": _upload("stats.csv", csv.encode())})
    assert response.status_code == 400
    assert "more than 50 rows" in response.content.decode()
    settings.JINGJIN_IMPORT_MAX_ROWS = 100_000
    started = time.monotonic()
    header = ["city", "year", "indicator", "value", "unit", "source"]
    far = _far_cell([header])
    response = _office(users).post("/benchmark/import/", {"file": _upload("stats.xlsx", far)})
    assert response.status_code == 400
    assert "cells" in response.content.decode()
    assert time.monotonic() - started < 5


def test_a_file_larger_than_the_upload_limit_is_refused(users: dict[str, Any], settings: Any) -> None:
    settings.JINGJIN_IMPORT_MAX_BYTES = 1000
    raw = planfile.dumps(planfile.normalise(small_plan()), "json")
    assert len(raw) > 1000
    response = _office(users).post("/plan/import/", {"file": _upload("plan.json", raw)})
    assert response.status_code == 400
    assert "at most" in response.content.decode()


def test_a_report_batch_that_unzips_too_far_is_refused(users: dict[str, Any], settings: Any) -> None:
    from jingjin.reporting import batch, batch_template
    from jingjin.reporting.services import period_get_or_create

    settings.JINGJIN_IMPORT_MAX_UNZIPPED = 5 * 1024 * 1024
    period = period_get_or_create(year=2024, month=3)
    template = batch_template.template(user=users["reporter_a"], period=period)
    with pytest.raises(batch.BatchFileError) as caught:
        batch.validate(user=users["reporter_a"], period=period, raw=_bomb(template, 8 * 1024 * 1024))
    assert "unzips to" in str(caught.value.errors[0])
    settings.JINGJIN_IMPORT_MAX_UNZIPPED = 200 * 1024 * 1024
    settings.JINGJIN_IMPORT_MAX_CELLS = 10
    with pytest.raises(batch.BatchFileError) as caught:
        batch.validate(user=users["reporter_a"], period=period, raw=template)
    assert "cells" in str(caught.value.errors[0])


def test_an_evaluation_workbook_that_unzips_too_far_is_refused_before_it_is_queued(
    users: dict[str, Any], settings: Any
) -> None:
    from rest_framework.test import APIClient

    from jingjin.jobs.models import Job

    settings.JINGJIN_EVALUATION_MAX_UNZIPPED = 5 * 1024 * 1024
    workbook = Workbook()
    workbook.active.append(["name", "x"])
    workbook.active.append(["a", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = APIClient()
    client.force_authenticate(users["office"])
    response = client.post(
        "/api/evaluations",
        {"kind": "score", "file": _upload("t.xlsx", _bomb(buffer.getvalue(), 8 * 1024 * 1024))},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert "unzips to" in str(response.json())
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (None, ""),
        ("  W1 ", "W1"),
        (101.0, "101"),  # a workbook's whole number comes as a float
        (2024, "2024"),
        (0.5, "0.5"),
        (0, "0"),
        (float("nan"), "nan"),  # left for the caller's check, not taken as empty
    ],
)
def test_cell_text_reads_a_workbook_number_as_the_whole_number_it_is(cell: object, text: str) -> None:
    from jingjin.core.limits import cell_text

    assert cell_text(cell) == text
