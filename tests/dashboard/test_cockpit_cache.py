"""The cockpit's figures cached until the next write (``jingjin.dashboard.figure_cache``).

A second look at the cockpit reads no task or report rows; what it shows is what a fresh
computation shows, and any write, another day, another language or another month shows fresh
figures at once. Start-up objects of the server are frozen out of the garbage collector's walks.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jingjin.dashboard.figure_cache import scope
from jingjin.dashboard.selectors import cockpit
from jingjin.plans.models import Task
from jingjin.reporting.models import Report
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

#: a query that reads rows of the report table or the task table (not the periods' table; the
#: supervision items, read live, join the tasks)
READS_ROWS = re.compile(r'FROM "(reporting_report|plans_task)"')


@pytest.fixture
def leader(client, users):
    client.login(username="leader", password=PASSWORD)
    return client


def _api(client, period: str = "2024-03") -> dict:
    response = client.get(f"/api/cockpit?period={period}")
    assert response.status_code == 200
    return json.loads(response.content)


def _html(response) -> str:
    """The page without its CSRF tokens (masked afresh at every rendering)."""
    return re.sub(
        r'(csrfmiddlewaretoken" value=|csrf-token" content=)"[^"]*"', r"\1", response.content.decode()
    )


def test_a_second_look_reads_no_task_or_report_rows(leader, scenario):
    first = leader.get("/cockpit/?period=2024-03")
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as second:
        again = leader.get("/cockpit/?period=2024-03")
    assert again.status_code == 200
    reads = [q["sql"] for q in second.captured_queries if READS_ROWS.search(q["sql"])]
    assert reads == []
    assert again.context["chart_data"] == first.context["chart_data"]
    assert 'data-testid="plan-progress">37.5%' in again.content.decode()


def test_the_cached_figures_are_the_fresh_ones(leader, scenario):
    """Page and API: the same figures from the cache as computed from scratch."""
    fresh = _api(leader)
    cached = _api(leader)
    cache.clear()
    assert cached == fresh == _api(leader)
    page = leader.get("/cockpit/?period=2024-03")
    cache.clear()
    recomputed = leader.get("/cockpit/?period=2024-03")
    assert page.context["chart_data"] == recomputed.context["chart_data"]
    assert _html(page) == _html(recomputed)
    assert [r.code for r in page.context["data"].attention_rows] == ["A1.M1.T2", "A2.M1.T1"]


def test_a_write_shows_at_once(leader, scenario, users):
    from jingjin.reporting.services import report_submit

    before = _api(leader)
    draft = Report.objects.get(task__code="A2.M1.T1", period=scenario["march"])
    report_submit(actor=users["reporter_b"], report=draft)  # a service: an audit row
    after = _api(leader)
    assert after["progress"] != before["progress"]
    cache.clear()
    assert _api(leader) == after


def test_a_write_the_cache_cannot_see_is_not_shown_until_a_write_it_can(leader, scenario, users):
    """The data version is the newest audit row: a change made behind the services' back (no
    audit row, against the platform's rules) waits for the next audited write."""
    from jingjin.reporting.services import report_submit

    before = _api(leader)
    Task.objects.filter(code="A1.M1.T2").update(weight=9)  # not through a service
    assert _api(leader) == before
    draft = Report.objects.get(task__code="A2.M1.T1", period=scenario["march"])
    report_submit(actor=users["reporter_b"], report=draft)
    after = _api(leader)
    cache.clear()
    assert _api(leader) == after


def test_the_day_the_language_and_the_month_each_have_their_figures(scenario, users):
    leader, march = users["leader"], scenario["march"]
    # the deadline of March is 5 April: before it the missing report is not late yet
    early = cockpit(user=leader, period=march, today=date(2024, 4, 1))
    late = cockpit(user=leader, period=march, today=date(2024, 4, 10))
    assert [r.code for r in early.missing_rows] == [r.code for r in late.missing_rows] == ["A1.M1.T2"]
    assert early.late_rows == [] and [r.code for r in late.late_rows] == ["A1.M1.T2", "A2.M1.T1"]
    with translation.override("zh-hans"):
        chinese = cockpit(user=leader, period=march, today=date(2024, 4, 10))
    with translation.override("en"):
        english = cockpit(user=leader, period=march, today=date(2024, 4, 10))
    assert chinese.actions[1].name == "行动二" and english.actions[1].name == "Action two"
    assert chinese.tasks[0].name != english.tasks[0].name
    february = cockpit(user=leader, period=scenario["february"], today=date(2024, 4, 10))
    assert february.progress != late.progress and february.trends[-1].month == "2024-02"


def test_the_scope_tells_apart_what_users_may_see():
    tasks = Task.objects.filter(measure__action__plan__code="p")
    assert scope(tasks) == scope(Task.objects.filter(measure__action__plan__code="p"))
    assert scope(tasks) != scope(tasks.filter(lead_unit__code__in=["t.a"]))
    assert scope(tasks.none()) != scope(tasks)  # an empty queryset has no SQL and is told apart


def test_a_stale_entry_is_not_loaded(monkeypatch):
    """After a write only the small version stamp is read, never the stale figures."""
    from jingjin.dashboard import figure_cache

    read: list[str] = []
    real_get = cache.get
    monkeypatch.setattr(figure_cache.cache, "get", lambda key, *a: read.append(key) or real_get(key, *a))
    assert figure_cache.cached("k", 1, lambda: "figures of version 1") == "figures of version 1"
    assert figure_cache.cached("k", 1, lambda: "not computed") == "figures of version 1"
    read.clear()
    assert figure_cache.cached("k", 2, lambda: "figures of version 2") == "figures of version 2"
    assert read == ["k:version"]


def _report_row_values(row) -> tuple:
    return (row.task_id, row.code, row.name, row.state, row.late, row.expected_pct, row.light, row.missing)


def test_the_figures_are_the_same_after_the_cache_pickles_them(users, scenario):
    """The cached figures are pickled (``_PlanFigures.__reduce__``: task rows column by column,
    the lists that hold them as positions; ``ReportRow.__reduce__``: its values): after loading
    they equal the computed ones, a row in two lists is one row again, a task without days keeps
    none, and a report row makes its models from its values as before."""
    import pickle
    from dataclasses import replace

    from jingjin.dashboard.selectors import _plan_figures
    from jingjin.plans.models import Plan
    from jingjin.reporting.models import ReportingPeriod

    Task.objects.filter(code="A1.M1.T2").update(start=None, end=None)
    figures = _plan_figures(
        user=users["office"],
        plan=Plan.objects.get(),
        period=ReportingPeriod.objects.get(year=2024, month=3),
        today=date(2024, 4, 11),
    )
    assert any(t.start is None and t.end is None for t in figures.tasks)
    assert any(c.tasks for c in figures.counties) and figures.report_rows
    assert figures.report_rows[0].task.pk  # a model made on first use: pickled from the values
    loaded = pickle.loads(pickle.dumps(figures, pickle.HIGHEST_PROTOCOL))  # noqa: S301 (our own bytes)
    # every field, the task rows by value (the report rows, which do not compare: below)
    assert replace(loaded, report_rows=[]) == replace(figures, report_rows=[])
    assert [type(t.start) for t in loaded.tasks] == [type(t.start) for t in figures.tasks]
    rows = {id(t) for t in loaded.tasks}
    assert all(id(t) in rows for a in loaded.actions for t in a.tasks)
    shared = [t for c in loaded.counties for t in c.tasks if t.parent_id is None]
    assert shared and all(id(t) in rows for t in shared)
    assert [_report_row_values(r) for r in loaded.report_rows] == [
        _report_row_values(r) for r in figures.report_rows
    ]
    for before, after in zip(figures.report_rows, loaded.report_rows, strict=True):
        assert after.task.pk == before.task.pk and after.task.lead_unit == before.task.lead_unit
        assert (after.report.pk if after.report else None) == (before.report.pk if before.report else None)
