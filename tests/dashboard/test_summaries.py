"""The tasks' report summaries (issue 19): kept at write time, equal to a from-scratch computation
after every kind of write, and what the cockpit's trends read instead of every report.

After each write below (a report made through the model, saved as a draft, submitted, returned,
resubmitted, approved at 100 % — a strike-off —, reopened, copied from last month, imported from
a batch workbook, created in bulk, changed in bulk, deleted; a plan re-imported without a task):

* the stored summaries equal the ones computed from the reports (``summaries_check``);
* the cockpit's facts read from the summaries equal the from-scratch scan of the report table;
* the cockpit's trends (page and API) equal the trends computed from that scan.
"""

from __future__ import annotations

import copy
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jingjin.dashboard import selectors
from jingjin.dashboard import trends as cockpit_trends
from jingjin.plans.models import Plan, Task
from jingjin.reporting import batch, batch_template, services
from jingjin.reporting.models import Report, ReportingPeriod, TaskSummary
from jingjin.reporting.summaries import summaries_check, summaries_rebuild
from tests.conftest import small_plan
from tests.dashboard.conftest import add_report

pytestmark = pytest.mark.django_db

JINGJIN = str(Path(sys.executable).parent / "jingjin")


def _sorted(facts: np.ndarray) -> np.ndarray:
    return facts[np.lexsort((facts[:, 1], facts[:, 0]))] if len(facts) else facts


def _trends_from_scratch(user: Any, period: ReportingPeriod, monkeypatch: Any) -> list[Any]:
    """The cockpit's trends with the reports read from the report table, not the summaries."""
    with monkeypatch.context() as patch:
        patch.setattr(cockpit_trends, "_report_facts", cockpit_trends._report_facts_scan)
        cache.clear()
        trends = selectors.cockpit(user=user, period=period).trends
    cache.clear()
    return trends


def assert_fresh(user: Any, period: ReportingPeriod, monkeypatch: Any, client: Any = None) -> None:
    assert summaries_check() == []
    plan = Plan.objects.get()
    for month in ReportingPeriod.objects.filter(year__lte=period.year):
        np.testing.assert_array_equal(
            _sorted(cockpit_trends._report_facts(plan, month)),
            _sorted(cockpit_trends._report_facts_scan(plan, month)),
        )
    expected = _trends_from_scratch(user, period, monkeypatch)
    assert expected and any(p.reports for p in expected)
    assert selectors.cockpit(user=user, period=period).trends == expected
    if client is not None:
        cache.clear()
        client.force_login(user)
        page = client.get(f"/cockpit/?period={period.code}")
        assert page.status_code == 200 and page.context["data"].trends == expected
        api = client.get(f"/api/cockpit?period={period.code}").json()
        assert [(p["month"], p["reports"], p["on_time"], p["due"]) for p in api["trends"]] == [
            (p.month, p.reports, p.on_time, p.due) for p in expected
        ]


def _draft(users: dict[str, Any], code: str, period: ReportingPeriod, pct: int) -> Report:
    task = Task.objects.get(code=code)
    reporter = users["reporter_a"] if task.lead_unit.code == "t.a" else users["reporter_b"]
    return services.report_save_draft(
        actor=reporter, task=task, period=period, data={"progress": "进展", "completion_pct": pct}
    )


def test_every_kind_of_write_keeps_the_summaries_equal_to_the_reports(
    users, scenario, monkeypatch, client, settings
):
    office, reporter_a = users["office"], users["reporter_a"]
    march = scenario["march"]
    assert_fresh(office, march, monkeypatch, client)  # reports made with Report.objects.create

    april = services.period_get_or_create(year=2024, month=4)
    report = _draft(users, "A1.M1.T1", april, 60)
    assert_fresh(office, april, monkeypatch)
    services.report_submit(actor=reporter_a, report=report)
    assert_fresh(office, april, monkeypatch)
    services.report_return(actor=office, report=report, comment="请补充")
    assert_fresh(office, april, monkeypatch)
    report = _draft(users, "A1.M1.T1", april, 100)
    services.report_submit(actor=reporter_a, report=report)  # resubmitted
    assert_fresh(office, april, monkeypatch)
    services.report_approve(actor=office, report=report)  # 100 % approved: struck off from May
    assert Task.objects.get(code="A1.M1.T1").strike_offs.exists()
    may = services.period_get_or_create(year=2024, month=5)
    assert_fresh(office, may, monkeypatch, client)

    settings.JINGJIN_AS_OF = "2024-06"
    june = services.period_get_or_create(year=2024, month=6)
    services.task_reopen(
        actor=office, task=Task.objects.get(code="A1.M1.T1"), reason="验收不合格", period=june
    )
    assert_fresh(office, june, monkeypatch)
    services.report_copy_previous(actor=reporter_a, task=Task.objects.get(code="A1.M1.T1"), period=june)
    assert Report.objects.filter(task__code="A1.M1.T1", period=june).exists()
    assert_fresh(office, june, monkeypatch, client)


def test_batch_import_bulk_writes_deletions_and_plan_reimport_keep_the_summaries(
    users, scenario, monkeypatch, client
):
    office, reporter_a = users["office"], users["reporter_a"]
    march = scenario["march"]
    raw = batch_template.template(user=reporter_a, period=march)
    book = load_workbook(io.BytesIO(raw))
    sheet = book.worksheets[0]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == "A1.M1.T1":
            sheet[f"D{row}"].value = 70
            sheet[f"F{row}"].value = "批量导入"
    out = io.BytesIO()
    book.save(out)
    # the batch import: one report changed from 55 to 70 (resubmitted through the services)
    Report.objects.filter(task__code="A1.M1.T1", period=march).update(status="returned")
    assert_fresh(office, march, monkeypatch)
    summary = batch.batch_import(actor=reporter_a, period=march, raw=out.getvalue(), submit=True)
    assert summary.updated == 1
    assert Report.objects.get(task__code="A1.M1.T1", period=march).completion_pct == 70
    assert_fresh(office, march, monkeypatch, client)

    # bulk creation (the demo data and the benchmark make reports this way)
    january = services.period_get_or_create(year=2024, month=1)
    Report.objects.bulk_create(
        [
            Report(task=t, period=january, completion_pct=30, status="approved", first_submitted_at=None)
            for t in Task.objects.all()
        ]
    )
    assert_fresh(office, march, monkeypatch)
    # a report deleted alone, then in a query set
    Report.objects.get(task__code="A1.M1.T2", period=january).delete()
    assert_fresh(office, march, monkeypatch)
    Report.objects.filter(period=january).delete()
    assert_fresh(office, march, monkeypatch)

    # the plan imported again without task A1.M1.T2 (deleted with its reports) and a new window
    data = copy.deepcopy(small_plan())
    measure = data["actions"][0]["measures"][0]
    measure["tasks"] = [t for t in measure["tasks"] if t["code"] != "A1.M1.T2"]
    measure["tasks"][0]["start"] = "2024-03-01"
    from jingjin.plans.services import plan_import

    plan_import(data=data, actor=office, source="test")
    assert not Task.objects.filter(code="A1.M1.T2").exists()
    assert not TaskSummary.objects.exclude(task__in=Task.objects.all()).exists()
    assert_fresh(office, march, monkeypatch, client)


def test_rebuild_is_idempotent_and_restores_lost_or_wrong_summaries(users, scenario, monkeypatch):
    kept = dict(TaskSummary.objects.values_list("task_id", "facts"))
    assert len(kept) == 3  # every task with reports
    TaskSummary.objects.filter(task__code="A1.M1.T1").update(facts=b"")
    TaskSummary.objects.filter(task__code="A2.M1.T1").delete()
    assert summaries_check() == sorted(
        Task.objects.filter(code__in=["A1.M1.T1", "A2.M1.T1"]).values_list("pk", flat=True)
    )
    assert summaries_rebuild() == 3
    assert summaries_rebuild() == 3
    assert {k: bytes(v) for k, v in TaskSummary.objects.values_list("task_id", "facts")} == {
        k: bytes(v) for k, v in kept.items()
    }
    assert_fresh(users["office"], scenario["march"], monkeypatch)


def test_the_cockpit_right_after_a_write_does_not_read_every_report(users, scenario, client):
    """The first request after a write (trends not cached) reads the tasks' summaries — one row
    per task —, not one row per report of every month since the first."""
    office = users["office"]
    for month in range(1, 13):  # a year of reports of three tasks
        period = services.period_get_or_create(year=2023, month=month)
        for code in ("A1.M1.T1", "A1.M1.T2", "A2.M1.T1"):
            add_report(code, period, 3 * month, "approved", date(2023, month, 1))
    n_reports = Report.objects.count()
    assert n_reports >= 36
    cache.clear()
    client.force_login(office)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/cockpit/?period={scenario['march'].code}")
    assert response.status_code == 200
    assert [p.reports for p in response.context["data"].trends if p.month.startswith("2023")] == [3] * 12
    largest = 0
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT") and '"reporting_report"' in sql.split(" WHERE ")[0]:
                cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS q")  # noqa: S608 (the page's own SQL)
                largest = max(largest, cursor.fetchone()[0])
    assert largest <= 3, f"a query of the cockpit read {largest} of the {n_reports} reports"


@pytest.mark.own_sqlite
def test_the_command_line_rebuilds_and_checks_the_summaries(tmp_path, migrated_data_dir):
    """``jingjin summaries rebuild`` and ``check`` as a user runs them, in a fresh data directory
    (its database migrated already: tests/conftest.py ``migrated_sqlite``)."""
    import yaml

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["JINGJIN_DATA_DIR"] = str(migrated_data_dir)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [JINGJIN, *args], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
        )

    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(small_plan(), allow_unicode=True), encoding="utf-8")
    assert run("plan", "import", str(plan)).returncode == 0
    rebuilt = run("summaries", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "report summaries rebuilt: 0 tasks with reports" in rebuilt.stdout
    checked = run("summaries", "check", "--plan", "test-plan")
    assert checked.returncode == 0 and "agree" in checked.stdout
    missing = run("summaries", "rebuild", "--plan", "nowhere")
    assert missing.returncode == 2 and "no plan 'nowhere'" in missing.stderr


def test_a_deferred_block_refreshes_the_summaries_once_at_its_end(users, scenario, monkeypatch):
    """Bulk loaders writing one month at a time refresh the summaries once, at the end."""
    from jingjin.reporting import summaries

    calls: list[int] = []
    real = summaries.compute
    monkeypatch.setattr(summaries, "compute", lambda ids: calls.append(len(list(ids))) or real(ids))
    with summaries.summaries_deferred():
        for month in (1, 2, 3):
            period = services.period_get_or_create(year=2023, month=month)
            Report.objects.bulk_create(
                [
                    Report(task=t, period=period, completion_pct=month, status="approved")
                    for t in Task.objects.all()
                ]
            )
        assert summaries_check()  # not refreshed yet
        calls.clear()  # (the check computes them too)
    assert calls == [3]
    assert_fresh(users["office"], scenario["march"], monkeypatch)


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_of_one_task_leave_a_summary_with_both(loaded_plan):
    """Two transactions writing reports of the same task at once: the summary holds both (the
    second waits for the first's lock on the task, then reads its committed report; without the
    lock both insert the task's summary row and one fails). PostgreSQL only: SQLite runs one writer
    at a time."""
    import threading

    from django.db import connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL (CI runs with DATABASE_URL)")
    task = Task.objects.get(code="A1.M1.T1")
    periods = [services.period_get_or_create(year=2024, month=m) for m in (1, 2)]
    inside = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(period: ReportingPeriod) -> None:
        try:
            with transaction.atomic():
                report = Report(
                    task=task, period=period, completion_pct=10 * period.month, status="submitted"
                )
                super(Report, report).save()  # the row first (its foreign key's lock) …
                inside.wait(timeout=10)  # … both rows written, neither committed
                report.save()  # … then the refresh, as in every save
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(p,)) for p in periods]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert Report.objects.filter(task=task).count() == 2
    assert summaries_check() == []
    entries = cockpit_trends._report_facts(loaded_plan, periods[1])
    assert sorted(entries[:, 2].tolist()) == [10.0, 20.0]


def test_the_demo_reports_come_with_their_summaries(users, monkeypatch):
    """``jingjin demo`` makes its reports in bulk: the summaries are kept without a rebuild."""
    from jingjin.reporting.demo import demo_reports

    assert demo_reports(today=date(2024, 3, 3)) > 40
    assert TaskSummary.objects.count() == Report.objects.values("task").distinct().count()
    assert_fresh(users["office"], ReportingPeriod.objects.get(year=2024, month=3), monkeypatch)
