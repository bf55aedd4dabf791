"""The cockpit page, its query bound, and the bulletin downloads (.docx, .xlsx, .pdf)."""

from __future__ import annotations

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from jingjin.reporting.models import Report
from tests.conftest import PASSWORD
from tests.dashboard.conftest import add_report
from tests.dashboard.test_selectors import fake_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(client, users):
    client.login(username="leader", password=PASSWORD)
    return client


def test_the_cockpit_needs_a_signed_in_user(client, scenario):
    response = client.get("/cockpit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_cockpit_page_shows_every_part(leader, scenario):
    response = leader.get("/cockpit/?period=2024-03")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="plan-progress">37.5%' in html
    for part in ("chart-actions", "chart-status", "chart-trends", "chart-counties", "ranking-lists"):
        assert part in html
    assert "No red/black list has been published yet." in html
    assert 'data-task="A1.M1.T2"' in html and "DB-2024-001" in html and "DB-2024-002" in html
    assert "DB-2024-003" not in html and "DB-2024-004" not in html
    assert 'data-county="t.c"' in html
    assert "vendor/echarts/echarts.min.js" in html and "jingjin/dashboard.js" in html
    data = response.context["chart_data"]
    assert data["actions"]["labels"] == ["A1", "A2"] and data["actions"]["progress"] == [30.0, 40.0]
    assert {s["name"]: s["value"] for s in data["status"]} == {"on track": 1, "overdue": 1, "unknown": 1}
    assert data["trends"]["months"][-1] == "2024-03" and data["trends"]["on_time"][-1] == 33.3
    assert json.loads(html.split('id="cockpit-data" type="application/json">')[1].split("</script>")[0])


def test_a_bad_or_out_of_range_period_is_404(leader, scenario):
    assert leader.get("/cockpit/?period=2024-13").status_code == 404
    assert leader.get("/cockpit/?period=2019-01").status_code == 404
    assert leader.get("/cockpit/bulletin/2099-01.docx").status_code == 404
    assert leader.get("/cockpit/?plan=no-such-plan").status_code == 404


def test_the_default_period_is_last_month(leader, scenario):
    response = leader.get("/cockpit/")
    assert response.status_code == 200
    from django.utils import timezone

    from jingjin.dashboard.periods import default_month

    year, month = default_month(timezone.localdate())
    assert response.context["period"].code == f"{year:04d}-{month:02d}"


def _count_queries(client) -> int:
    from django.core.cache import cache

    cache.clear()  # the trends are cached until the next write: count the queries that compute them
    with CaptureQueriesContext(connection) as context:
        assert client.get("/cockpit/?period=2024-03&county=t.c").status_code == 200
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_plan(leader, scenario, django_assert_max_num_queries):
    from jingjin.core.models import Unit
    from jingjin.plans.models import Measure, Task

    small = _count_queries(leader)
    measure = Measure.objects.get(code="A2.M1")
    county = Unit.objects.get(code="t.c")
    for n in range(30):
        task = Task.objects.create(
            measure=measure,
            code=f"A2.M1.X{n}",
            name_zh=f"任务{n}",
            name_en=f"Task {n}",
            lead_unit=county,
            weight=1 + n % 3,
        )
        task.counties.add(county)
        add_report(task.code, scenario["march"], n % 100, "approved", None)
    big = _count_queries(leader)
    assert big == small
    # 24, and the first reporting month and the plan's first month (the months one may choose),
    # read once when the period is checked and once for the choices
    with django_assert_max_num_queries(28):
        leader.get("/cockpit/?period=2024-03&county=t.c")


def _docx(leader, url="/cockpit/bulletin/2024-03.docx"):
    response = leader.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")
    assert 'filename="bulletin-2024-03.docx"' in response["Content-Disposition"]
    return Document(io.BytesIO(response.content))


def _rows(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_word_bulletin(leader, scenario):
    document = _docx(leader)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Test plan monthly bulletin, 2024-03" in text
    assert "weighted plan progress 37.5 percent" in text
    assert "Of 3 reports due, 1 are missing and 2 late; on-time rate 33.3 percent" in text
    assert "No red/black list has been published yet." in text
    assert "synthetic" not in text
    actions, a1, a2, attention, items = (_rows(t) for t in document.tables)
    assert actions[0][:4] == ["Code", "Plan action", "Weight", "Progress"]
    assert [r[:5] for r in actions[1:]] == [
        ["A1", "Action one", "1.0", "30.0", "2"],
        ["A2", "Action two", "3.0", "40.0", "1"],
    ]
    assert a1[1] == ["A1.M1.T1", "Task of A", "Bureau A", "55.0", "59.3", "on track"]
    assert a1[2][0] == "A1.M1.T2" and a1[2][-1] == "unknown"
    assert a2[1][0] == "A2.M1.T1" and a2[1][-1] == "overdue"
    assert [r[0] for r in attention[1:]] == ["A1.M1.T2", "A2.M1.T1"]
    assert attention[1][3:] == ["missing", "yes"]
    assert [r[0] for r in items[1:]] == ["DB-2024-001"]


def test_the_word_bulletin_with_red_black_lists_and_synthetic_reports(leader, scenario, monkeypatch):
    fake_assessment(monkeypatch)
    Report.objects.filter(period=scenario["march"]).update(is_synthetic=True)
    document = _docx(leader)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "The reports of this period are synthetic demo data, not real figures." in text
    ranking = _rows(document.tables[-1])
    assert ranking[1] == ["县区红黑榜", "2024-03", "red list", "丙县", "92.5", "按时报送，进度超前"]
    assert ranking[2][2:4] == ["black list", "丁县"]


def test_the_word_bulletin_is_chinese_by_default(leader, scenario, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        response = leader.get("/cockpit/bulletin/2024-03.docx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    document = Document(io.BytesIO(response.content))
    assert document.tables[1].rows[1].cells[1].text == "甲局任务"  # Chinese names of tasks
    assert document.tables[1].rows[1].cells[2].text == "甲局"


def test_the_excel_bulletin(leader, scenario):
    response = leader.get("/cockpit/bulletin/2024-03.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Summary",
        "Actions",
        "A1",
        "A2",
        "Late and missing",
        "Supervision overdue",
        "Red-black lists",
    ]
    assert book["Summary"]["A1"].value == "Test plan monthly bulletin, 2024-03"
    assert "37.5 percent" in book["Summary"]["A2"].value
    actions = list(book["Actions"].iter_rows(min_row=3, values_only=True))
    assert [r[:4] for r in actions] == [("A1", "Action one", 1, "30.0"), ("A2", "Action two", 3, "40.0")]
    a1 = list(book["A1"].iter_rows(min_row=2, values_only=True))
    assert a1[0][0] == "Code" and a1[1] == ("A1.M1.T1", "Task of A", "Bureau A", "55.0", "59.3", "on track")
    late = [r[0] for r in book["Late and missing"].iter_rows(min_row=3, values_only=True)]
    assert late == ["A1.M1.T2", "A2.M1.T1"]
    items = [r[0] for r in book["Supervision overdue"].iter_rows(min_row=3, values_only=True)]
    assert items == ["DB-2024-001"]
    assert book["Red-black lists"].max_row == 2  # title and header only


def test_every_role_may_read_the_cockpit(client, users, scenario):
    for name in ("office", "reporter_a", "county_c"):
        client.login(username=name, password=PASSWORD)
        assert client.get("/cockpit/?period=2024-03").status_code == 200


def test_the_trends_are_cached_until_the_next_write(scenario, users):
    """Computed once per data version: a second look reads no reports; a submission through the
    workflow service (which leaves an audit row) makes them stale at once."""
    from jingjin.dashboard.selectors import cockpit
    from jingjin.reporting.models import Report
    from jingjin.reporting.services import report_return, report_submit

    march = scenario["march"]
    leader = users["leader"]
    with CaptureQueriesContext(connection) as cold:
        first = cockpit(user=leader, period=march)
    with CaptureQueriesContext(connection) as warm:
        assert cockpit(user=leader, period=march).trends == first.trends  # cached now
    # the four queries of the trends (first month, periods, the reports in one pass, split and
    # struck-off tasks) are not run again (nor, now, the other figures read from the tasks and
    # reports: tests/dashboard/test_cockpit_cache.py)
    assert len(warm.captured_queries) <= len(cold.captured_queries) - 4
    assert not any("GROUP BY" in q["sql"] for q in warm.captured_queries)

    # the draft of 90 % does not count yet; once submitted it is the task's latest reported value
    draft = Report.objects.get(task__code="A2.M1.T1", period=march)
    report_submit(actor=users["reporter_b"], report=draft)
    after = cockpit(user=leader, period=march)
    assert after.trends[-1].progress != first.trends[-1].progress
    assert after.trends[-1].progress == pytest.approx(after.progress)  # the month's own roll-up
    assert after.trends[:-1] == first.trends[:-1]  # earlier months unchanged

    # returned by the plan office: no longer reported, the month is as it was
    report_return(actor=users["office"], report=Report.objects.get(pk=draft.pk), comment="请补充佐证材料")
    assert cockpit(user=leader, period=march).trends == first.trends
