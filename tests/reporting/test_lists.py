"""The reporting task lists on a bigger plan: pages, filters, counts over all rows, the Excel
export of the overview, and a number of SQL queries that does not grow with the plan."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.core.models import Unit
from jingjin.plans.models import Task
from jingjin.reporting import lists, selectors
from jingjin.reporting.models import Report

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
OVERVIEW = "/reports/overview/?period=2024-03"
HOME = "/reports/?period=2024-03"
EXPORT = "/reports/overview/export.xlsx?period=2024-03"

#: report of the extra task number i: (status, completion %, first submitted late?) — the rest missing
PLAN = (
    [("approved", 90, False)] * 20
    + [("submitted", 40, False)] * 10
    + [("resubmitted", 50, False)] * 5
    + [("returned", 30, False)] * 10
    + [("draft", 20, None)] * 10
    + [("approved", 5, True)] * 5
)
EXTRA = 150  # extra tasks: with the plan's two, 152 due tasks in 2024-03


def _add_tasks(task_a: Any, n: int, *, first: int = 0) -> list[Task]:
    """``n`` tasks in the measure of A1.M1.T1, led alternately by t.a and t.b, after the plan's own."""
    units = [Unit.objects.get(code="t.a"), Unit.objects.get(code="t.b")]
    return Task.objects.bulk_create(
        [
            Task(
                measure=task_a.measure,
                code=f"A1.M1.X{i:03d}",
                name_zh=f"任务{i:03d}",
                name_en=f"Task number {i:03d}",
                lead_unit=units[i % 2],
                start=date(2021, 9, 1),
                end=date(2025, 12, 31),
                position=100 + i,
            )
            for i in range(first, first + n)
        ]
    )


def _add_reports(tasks: list[Task], period: Any) -> None:
    on_time = datetime.combine(period.deadline - timedelta(days=2), time(10), tzinfo=SHANGHAI)
    late = datetime.combine(period.deadline + timedelta(days=3), time(10), tzinfo=SHANGHAI)
    Report.objects.bulk_create(
        [
            Report(
                task=task,
                period=period,
                status=status,
                completion_pct=pct,
                progress="本月推进",
                first_submitted_at=None if was_late is None else (late if was_late else on_time),
                submitted_at=None if was_late is None else (late if was_late else on_time),
            )
            for task, (status, pct, was_late) in zip(tasks, PLAN, strict=False)
        ]
    )


@pytest.fixture
def many(users: dict[str, Any], task_a: Any, period: Any) -> list[Task]:
    """150 extra due tasks in 2024-03, 60 of them with a report in some state."""
    tasks = _add_tasks(task_a, EXTRA)
    tasks[7].name_zh, tasks[7].name_en = "污水处理厂提标改造", "Sewage Plant Upgrade"
    tasks[7].save()
    _add_reports(tasks, period)
    return tasks


@pytest.fixture
def office(client: Any, users: dict[str, Any]) -> Any:
    client.force_login(users["office"])
    return client


def _codes(response: Any) -> list[str]:
    return [row.code for row in response.context["rows"]]


def _all_codes(user: Any, period: Any) -> list[str]:
    return [row.code for row in lists.overview_rows(user=user, period=period)]


def _href(html: str, testid: str) -> dict[str, list[str]]:
    """The query of the link with ``data-testid=testid``."""
    match = re.search(rf'href="([^"]*)"[^>]*data-testid="{testid}"', html)
    assert match, testid
    return parse_qs(urlsplit(unescape(match.group(1))).query)


# Pages ---------------------------------------------------------------------------------------------


def test_page_two_shows_the_next_rows_and_the_counts_cover_all_rows(office, users, many, period):
    everything = _all_codes(users["office"], period)
    assert len(everything) == 152 and everything[:2] == ["A1.M1.T1", "A1.M1.T2"]  # plan order
    first = office.get(OVERVIEW)
    assert first.status_code == 200
    assert _codes(first) == everything[:100]
    second = office.get(OVERVIEW + "&page=2")
    assert _codes(second) == everything[100:]
    html = second.content.decode()
    assert f'data-task="{everything[100]}"' in html and f'data-task="{everything[99]}"' not in html
    assert 'data-testid="pagination"' in html
    for response in (first, second):
        counts = response.context["counts"]
        assert counts["total"] == 152 and counts["missing"] == 152 - len(PLAN)
        assert counts["approved"] == 25 and counts["review"] == 15 and counts["returned"] == 10
        assert counts["draft"] == 10 and counts["late"] == 152 - len(PLAN) + 10 + 5
        assert sum(v for k, v in counts.items() if k.startswith("light_")) == 152
    assert "Showing 101–152 of 152" in html


def test_page_size_choice_and_bad_page_numbers(office, users, many, period):
    everything = _all_codes(users["office"], period)
    fifty = office.get(OVERVIEW + "&per_page=50&page=3")
    assert _codes(fifty) == everything[100:150] and fifty.context["page_obj"].paginator.num_pages == 4
    assert _codes(office.get(OVERVIEW + "&per_page=200")) == everything
    assert len(_codes(office.get(OVERVIEW + "&per_page=7"))) == 100  # not a choice: the default
    assert _codes(office.get(OVERVIEW + "&page=x")) == everything[:100]
    assert _codes(office.get(OVERVIEW + "&page=99")) == everything[100:]  # past the end: the last page


def test_home_of_the_plan_office_is_paged_too(office, users, many, period):
    everything = _all_codes(users["office"], period)
    first, second = office.get(HOME), office.get(HOME + "&page=2")
    assert _codes(first) == everything[:100] and _codes(second) == everything[100:]
    assert first.context["counts"]["total"] == second.context["counts"]["total"] == 152
    html = second.content.decode()
    assert 'data-testid="my-reports"' in html and f'data-task="{everything[100]}"' in html
    assert "152 tasks report this month." in html


def test_page_links_keep_the_period_and_the_filters(office, many):
    html = office.get(OVERVIEW + "&state=missing&per_page=50&q=task").content.decode()
    assert _href(html, "page-next") == {
        "period": ["2024-03"],
        "state": ["missing"],
        "per_page": ["50"],
        "q": ["task"],
        "page": ["2"],
    }
    second = office.get(OVERVIEW + "&state=missing&per_page=50&q=task&page=2").content.decode()
    assert _href(second, "page-previous")["page"] == ["1"] and _href(second, "page-previous")["state"] == [
        "missing"
    ]
    # the period picker carries the filters over (not the page); the export link has them too
    picker = second.split('data-testid="period-picker"')[1].split("</form>")[0]
    for name, value in (("state", "missing"), ("per_page", "50"), ("q", "task")):
        assert f'name="{name}" value="{value}"' in picker
    assert 'name="page"' not in picker
    assert _href(second, "export-xlsx") == {
        "period": ["2024-03"],
        "state": ["missing"],
        "per_page": ["50"],
        "q": ["task"],
    }
    # a quick filter (a count) keeps the other filters and goes back to the first page
    assert _href(second, "count-late") == {
        "period": ["2024-03"],
        "state": ["late"],
        "per_page": ["50"],
        "q": ["task"],
    }


# Filters -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("missing", 152 - len(PLAN)),
        ("late", 152 - len(PLAN) + 10 + 5),  # missing after the deadline, drafts, submitted late
        ("draft", 10),
        ("submitted", 15),  # submitted or resubmitted
        ("returned", 10),
        ("approved", 25),
    ],
)
def test_each_state_filter(office, users, many, period, state, expected):
    response = office.get(OVERVIEW + f"&state={state}&per_page=200")
    rows = response.context["rows"]
    assert len(rows) == expected == response.context["page_obj"].paginator.count
    assert response.context["counts"]["total"] == 152  # the counts stay over all rows
    for row in rows:
        if state == "late":
            assert row.late
        elif state == "submitted":
            assert row.state in ("submitted", "resubmitted")
        else:
            assert row.state == state and row.missing == (state == "missing")
    assert [r.code for r in rows] == [
        c for c in _all_codes(users["office"], period) if c in {r.code for r in rows}
    ]


def test_the_older_show_parameter_still_filters(office):
    for show in ("missing", "late"):
        with_show = office.get(OVERVIEW + f"&show={show}&per_page=200")
        assert _codes(with_show) == _codes(office.get(OVERVIEW + f"&state={show}&per_page=200"))
        assert with_show.context["filters"].state == show


def test_filters_apply_before_pagination(office, users, many, period):
    missing = [r.code for r in lists.overview_rows(user=users["office"], period=period) if r.missing]
    assert len(missing) > 50
    assert _codes(office.get(OVERVIEW + "&state=missing&per_page=50")) == missing[:50]
    assert _codes(office.get(OVERVIEW + "&state=missing&per_page=50&page=2")) == missing[50:]


def test_status_light_filter(office, users, many, period):
    rows = lists.overview_rows(user=users["office"], period=period)
    lights = {r.light for r in rows}
    assert len(lights) >= 3  # the reports above give several lights
    for light in lights:
        response = office.get(OVERVIEW + f"&light={int(light)}&per_page=200")
        assert _codes(response) == [r.code for r in rows if r.light == light]
        assert response.context["counts"][f"light_{light}"] == len(_codes(response))
    assert len(_codes(office.get(OVERVIEW + "&light=9&per_page=200"))) == 152  # unknown value: no filter


def test_lead_unit_filter_and_its_choices(office, many):
    response = office.get(OVERVIEW + "&unit=t.b&per_page=200")
    assert response.context["units"] == [("t.a", "Bureau A"), ("t.b", "Bureau B")]
    codes = _codes(response)
    assert len(codes) == 1 + EXTRA // 2
    assert set(codes) == set(Task.objects.filter(lead_unit__code="t.b").values_list("code", flat=True))


def test_text_search_on_code_and_both_names(office, many):
    assert _codes(office.get(OVERVIEW + "&q=x007")) == ["A1.M1.X007"]
    assert _codes(office.get(OVERVIEW + "&q=SEWAGE plant")) == ["A1.M1.X007"]
    assert _codes(office.get(OVERVIEW + "&q=污水处理")) == ["A1.M1.X007"]
    assert _codes(office.get(OVERVIEW + "&q=x14")) == [f"A1.M1.X{i}" for i in range(140, 150)]
    nothing = office.get(OVERVIEW + "&q=nothing-like-this")
    assert _codes(nothing) == [] and "No task matches the filters." in nothing.content.decode()


def test_filters_combine(office, many):
    codes = _codes(office.get(OVERVIEW + "&state=approved&unit=t.a&q=number&per_page=200"))
    expected = [f"A1.M1.X{i:03d}" for i in (*range(20), *range(55, 60)) if i % 2 == 0 and i != 7]
    assert codes == expected


def test_home_of_a_unit_filters_its_own_tasks(client, users, many, period):
    client.force_login(users["reporter_b"])
    response = client.get(HOME + "&state=missing")
    own = list(lists.my_rows(user=users["reporter_b"], period=period))
    assert response.context["counts"]["total"] == len(own) == 1 + EXTRA // 2
    assert _codes(response) == [r.code for r in own if r.missing]
    assert all(code not in _codes(response) for code in ("A1.M1.T1", "A1.M1.X000"))  # t.a's


# Excel ---------------------------------------------------------------------------------------------


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="reporting-overview-2024-03.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def test_the_export_holds_every_filtered_row_with_the_columns_of_the_page(office, users, many, period):
    Task.objects.filter(code="A1.M1.X149").update(name_en="=1+1")  # looks like a formula: stays text
    page = office.get(OVERVIEW)
    html = page.content.decode()
    assert 'data-testid="export-xlsx"' in html and "Export Excel" in html
    rows = _sheet(office.get(EXPORT))
    assert rows[0] == (
        "Code",
        "Task",
        "Lead unit",
        "Expected %",
        "Reported %",
        "Status light",
        "State",
        "Late",
    )
    expected = lists.overview_rows(user=users["office"], period=period)
    assert len(rows) == 1 + 152  # all pages
    for got, row in zip(rows[1:], expected, strict=True):
        assert got == (
            row.task.code,
            row.task.name,
            row.task.lead_unit.name,
            round(row.expected_pct) if row.expected_pct is not None else None,
            row.report.completion_pct if row.report is not None else None,
            str(row.light_label),
            str(row.state_label),
            "Yes" if row.late else "No",
        )
    assert rows[-1][:2] == ("A1.M1.X149", "=1+1")
    submitted = next(r for r in rows if r[0] == "A1.M1.X020")
    assert submitted[:3] == ("A1.M1.X020", "Task number 020", "Bureau A")
    assert isinstance(submitted[3], int) and submitted[4:] == (40, submitted[5], "Submitted", "No")


def test_the_export_follows_the_filters(office, users, many, period):
    rows = _sheet(office.get(EXPORT + "&state=missing&page=2&per_page=50"))
    missing = [r.code for r in lists.overview_rows(user=users["office"], period=period) if r.missing]
    assert [r[0] for r in rows[1:]] == missing  # every page, whatever the page asked
    assert {r[6] for r in rows[1:]} == {"missing"} and {r[7] for r in rows[1:]} == {"Yes"}
    assert [r[0] for r in _sheet(office.get(EXPORT + "&show=late"))[1:]] == [
        r.code for r in lists.overview_rows(user=users["office"], period=period) if r.late
    ]


def test_only_the_plan_office_and_leaders_export(client, users, many):
    client.force_login(users["leader"])
    assert len(_sheet(client.get(EXPORT))) == 153
    client.force_login(users["reporter_a"])
    assert client.get(EXPORT).status_code == 403
    client.logout()
    assert client.get(EXPORT).status_code == 302


# Cost ----------------------------------------------------------------------------------------------

PAGES = [
    OVERVIEW,
    OVERVIEW + "&state=missing&unit=t.a&q=task&page=2&per_page=50",
    OVERVIEW + "&show=late",
    HOME,
    HOME + "&light=-1&page=2",
    EXPORT + "&state=approved",
]


def test_queries_do_not_grow_with_the_number_of_tasks(office, users, task_a, period):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert office.get(url).status_code == 200
        return len(captured.captured_queries)

    small = _add_tasks(task_a, 12)
    _add_reports(small, period)
    [queries(url) for url in PAGES]  # the first visit creates the period and loads the session
    before = [queries(url) for url in PAGES]
    big = _add_tasks(task_a, 600, first=12)
    _add_reports(big, period)
    assert Report.objects.count() == 12 + len(PLAN)
    after = [queries(url) for url in PAGES]
    assert after == before
    assert max(after) <= 12


def test_rows_make_models_only_for_what_is_used(users, many, period, django_assert_num_queries):
    """The callers' ReportRow API (cockpit, assessment, report page): task with its lead unit,
    report, state, late, missing, expected %, light — read without a query per row."""
    with django_assert_num_queries(2):
        rows = lists.report_rows(period=period, tasks=selectors.tasks_due(period=period))
    with django_assert_num_queries(0):
        seen = [
            (
                r.task.pk,
                r.task.code,
                r.task.name,
                r.task.lead_unit.code,
                r.task.lead_unit_id,
                r.task.end,
                r.report.status if r.report is not None else None,
                r.report.completion_pct if r.report is not None else None,
                r.report.first_submitted_at if r.report is not None else None,
                r.report.period.code if r.report is not None else None,
                r.state,
                r.late,
                r.missing,
                r.expected_pct,
                r.light,
                str(r.state_label),
                r.state_colour,
                str(r.light_label),
                r.light_colour,
            )
            for r in rows
        ]
    assert len(seen) == 152 and seen[0][1] == "A1.M1.T1" and seen[0][3] == "t.a"
    approved = next(r for r in rows if r.state == "approved")
    assert approved.report.task is approved.task
    with django_assert_num_queries(1):  # a text left out of the list query loads on use
        assert approved.report.progress == "本月推进"
    assert approved.report.pk == Report.objects.get(task=approved.task, period=period).pk


def test_the_moments_and_the_lateness_are_those_of_the_reports(users, task_a, period):
    """The moments are read as the database stores them and made datetimes when a row's report
    is made: the same aware datetimes as a query of the model; late from the first moment after
    the deadline day, to the microsecond."""
    late_from = lists._late_from(period)
    tasks = _add_tasks(task_a, 3)
    firsts = [late_from - timedelta(microseconds=1), late_from, late_from + timedelta(seconds=1)]
    Report.objects.bulk_create(
        [
            Report(
                task=task,
                period=period,
                status="approved",
                completion_pct=50,
                first_submitted_at=first,
                submitted_at=first + timedelta(days=1, microseconds=250),
                reviewed_at=first + timedelta(days=2),
            )
            for task, first in zip(tasks, firsts, strict=True)
        ]
    )
    rows = {r.code: r for r in lists.report_rows(period=period, tasks=selectors.tasks_due(period=period))}
    assert [rows[t.code].late for t in tasks] == [False, True, True]
    for task in tasks:
        stored = Report.objects.get(task=task, period=period)
        made = rows[task.code].report
        assert made is not None
        for name in ("first_submitted_at", "submitted_at", "reviewed_at"):
            assert getattr(made, name) == getattr(stored, name) and getattr(made, name).tzinfo is not None, (
                name
            )
