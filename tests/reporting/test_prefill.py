"""Never asked twice (不重复填报): a figure the system holds is filled in, read only, with its source —
on the report page, in the services and in the batch template — and a typed value never replaces it."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from jingjin.core.models import Unit
from jingjin.ecology.water_models import FedActual, IndicatorFeed
from jingjin.plans.models import Indicator
from jingjin.projects.models import KeyProject, NetworkLine, NetworkPlan
from jingjin.reporting import prefill
from jingjin.reporting.models import Report
from jingjin.reporting.services import report_save_draft

pytestmark = pytest.mark.django_db

URL = "/reports/2024-03/tasks/{}/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def fed(loaded_plan: Any) -> Indicator:
    """A1.M1.T1.I1 fed by the water figure: 66.67 for 2024, as of February."""
    indicator = Indicator.objects.get(code="A1.M1.T1.I1")
    IndicatorFeed.objects.create(indicator=indicator, figure="water_good_share")
    FedActual.objects.create(
        indicator=indicator,
        year=2024,
        month=2,
        figure="water_good_share",
        value=Decimal("66.67"),
        computed_at=timezone.now(),
    )
    return indicator


def test_the_report_page_shows_the_figure_read_only_with_its_source(client, users, task_a, fed):
    client.force_login(users["reporter_a"])
    page = client.get(URL.format(task_a.pk)).content.decode()
    field = page.split(f'name="ind_{fed.pk}"')[1].split(">")[0]
    assert 'value="66.67"' in field and "disabled" in field and "readonly" in field
    assert "Source: share of sections at class I–III, computed, as of 2024-02" in page
    # a value typed over it (a tampered form) is not stored: the figure is
    response = client.post(
        URL.format(task_a.pk), {"action": "save", "completion_pct": "40", f"ind_{fed.pk}": "12"}
    )
    assert response.status_code == 302
    assert Report.objects.get().indicator_values.get(indicator=fed).value == Decimal("66.67")


def test_the_services_store_the_figure_without_being_asked(users, task_a, period, fed):
    report = report_save_draft(actor=users["reporter_a"], task=task_a, period=period, data={"progress": "x"})
    assert report.indicator_values.get(indicator=fed).value == Decimal("66.67")
    # another year has no figure: nothing is known, the unit types it
    assert prefill.known_for_indicators([fed.pk], year=2023, month=3) == {}


def test_a_network_indicator_is_the_count_of_completed_lines(users, task_a, period):
    indicator = Indicator.objects.get(code="A1.M1.T1.I1")
    network = NetworkPlan.objects.create(
        code="rail", name_zh="铁路", name_en="Rail", kind="rail", indicator=indicator
    )
    unit = Unit.objects.get(code="t.a")
    for code, state in (("L1", "completed"), ("L2", "construction")):
        line = NetworkLine.objects.create(network=network, code=code, name_zh=code, name_en=code)
        KeyProject.objects.create(
            code=f"P{code}",
            name_zh=code,
            name_en=code,
            level="city",
            category="industry",
            owner_unit=unit,
            total_investment=1,
            state=state,
            line=line,
            start=date(2023, 1, 1),
        )
    known = prefill.known_values(task=task_a, period=period)
    assert known[indicator.pk].value == 1
    assert "completed lines of Rail" in known[indicator.pk].label


def _template(client, user) -> Any:
    client.force_login(user)
    response = client.get("/reports/batch/template.xlsx?period=2024-03")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _upload(client, book: Any) -> Any:
    out = io.BytesIO()
    book.save(out)
    raw = SimpleUploadedFile("r.xlsx", out.getvalue(), content_type=XLSX)
    return client.post("/reports/batch/", {"period": "2024-03", "file": raw})


def test_the_batch_template_prefills_the_figure_and_the_upload_keeps_it(client, users, task_a, fed):
    book = _template(client, users["reporter_a"])
    values = book.worksheets[1]
    header = [c.value for c in values[1]]
    assert header[-2:] == ["Actual value", "Source"]
    row = next(r for r in range(2, values.max_row + 1) if values.cell(row=r, column=2).value == fed.code)
    cell = values.cell(row=row, column=header.index("Actual value") + 1)
    assert cell.value == pytest.approx(66.67) and cell.protection.locked
    assert values.cell(row=row, column=len(header)).value.startswith("Source: share of sections")
    # the template sent back untouched reports nothing: the prefilled figure is no row of the unit's
    assert _upload(client, book).status_code in (200, 302)
    assert not Report.objects.exists()
    # a typed value over the figure is skipped; the report carries the figure
    cell.value = 5
    book.worksheets[0]["D2"].value = 30
    assert _upload(client, book).status_code in (200, 302)
    report = Report.objects.get()
    assert report.completion_pct == 30
    assert report.indicator_values.get(indicator=fed).value == Decimal("66.67")
