"""Concurrency (issue 18, finding 7): two requests at the same moment give one success and one 409
(or two successes where both can be right), never a 500; SQLite waits for a writer instead of
failing. The races run with real threads on a real database (the SQLite test database is a file;
under ``DATABASE_URL`` they run on PostgreSQL).

Each race makes both requests read before either writes: the service step after the read waits at
a barrier (one second at most — with correct locking the other request cannot reach it, as it waits
for the first one's lock)."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError, connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db(transaction=True)

SQLITE = connection.vendor == "sqlite"


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` at the same moment in threads; their results (or exceptions), in order."""
    results: list[Any] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index: int) -> None:
        try:
            start.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as exc:  # reported to the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _hold_after(monkeypatch: Any, owner: Any, name: str, parties: int = 2) -> None:
    """Make ``owner.name`` wait (at most a second) until every racing request has called it."""
    original = getattr(owner, name)
    barrier = threading.Barrier(parties)

    def held(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        return result

    monkeypatch.setattr(owner, name, held)


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def submitted(users: dict[str, Any], make_user: Any) -> Any:
    from jingjin.plans.models import Task
    from jingjin.reporting import services

    make_user("approver_a", "approver", "t.a")
    period = services.period_get_or_create(year=2024, month=3)
    report = services.report_save_draft(
        actor=users["reporter_a"],
        task=Task.objects.get(code="A1.M1.T1"),
        period=period,
        data={"progress": "完成户厕改造1200户", "completion_pct": 55},
    )
    return services.report_submit(actor=users["reporter_a"], report=report)


def _status(result: Any) -> Any:
    return result.status_code if hasattr(result, "status_code") else repr(result)


def test_approve_and_return_at_once_one_wins_the_other_gets_409(
    submitted: Any, users: dict[str, Any], monkeypatch: Any
) -> None:
    from django.contrib.auth import get_user_model

    from jingjin.reporting import services
    from jingjin.reporting.models import Report

    _hold_after(monkeypatch, services, "_review")
    approver = get_user_model().objects.get(username="approver_a")
    url = f"/api/reports/{submitted.pk}"
    results = _race(
        lambda: _client(approver).post(url + "/approve", {"comment": "好"}, format="json"),
        lambda: _client(users["office"]).post(url + "/return", {"comment": "补充材料"}, format="json"),
    )
    assert sorted(_status(r) for r in results) == [200, 409], [getattr(r, "content", r) for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.json()["detail"]
    report = Report.objects.get(pk=submitted.pk)
    winner = "approved" if results[0].status_code == 200 else "returned"
    assert report.status == winner


def test_duplicate_report_creates_at_once_one_201_one_409(users: dict[str, Any], monkeypatch: Any) -> None:
    from jingjin.plans.models import Task
    from jingjin.reporting import services
    from jingjin.reporting.models import Report

    _hold_after(monkeypatch, services, "_refuse_struck_off")
    task = Task.objects.get(code="A1.M1.T1")
    body = {"period": "2024-03", "task": task.pk, "progress": "进展", "completion_pct": 10}

    def create(progress: str) -> Any:
        client = _client(users["reporter_a"])
        return client.post("/api/reports", {**body, "progress": progress}, format="json")

    results = _race(lambda: create("第一"), lambda: create("第二"))
    assert sorted(_status(r) for r in results) == [201, 409], [getattr(r, "content", r) for r in results]
    reports = list(Report.objects.filter(task=task, period__year=2024, period__month=3))
    assert len(reports) == 1
    created = next(r for r in results if r.status_code == 201)
    assert reports[0].progress == created.json()["progress"]  # the loser changed nothing


def test_supervision_items_issued_at_once_both_issued_with_their_own_codes(
    users: dict[str, Any], monkeypatch: Any
) -> None:
    from jingjin.supervision import services
    from jingjin.supervision.models import SupervisionItem

    _hold_after(monkeypatch, services, "next_code")
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()

    def issue(title: str) -> Any:
        body = {"title": title, "assignee_unit": "t.a", "deadline": deadline}
        return _client(users["office"]).post("/api/supervision-items", body, format="json")

    results = _race(lambda: issue("督办一"), lambda: issue("督办二"))
    assert [_status(r) for r in results] == [201, 201], [getattr(r, "content", r) for r in results]
    codes = sorted(SupervisionItem.objects.values_list("code", flat=True))
    assert len(codes) == 2 and codes[0] != codes[1]
    assert sorted(r.json()["code"] for r in results) == codes


# --------------------------------------------------------------------------------------------
# SQLite: WAL, the busy timeout, and a database still locked after it


def _settings_dict() -> dict[str, Any]:
    return connection.settings_dict


def _item_body() -> dict[str, str]:
    return {
        "title": "督办",
        "assignee_unit": "t.b",
        "deadline": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }


def _lock_for(seconds: float) -> threading.Thread:
    """Another process's long write (a large import): hold SQLite's write lock for ``seconds``."""
    name = _settings_dict()["NAME"]
    locked = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(name, timeout=30)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE core_unit SET name_en = name_en")
        locked.set()
        time.sleep(seconds)
        other.commit()
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert locked.wait(10)
    return thread


@pytest.mark.skipif(not SQLITE, reason="SQLite's journal mode and busy timeout")
def test_every_sqlite_connection_is_in_wal_mode_with_a_busy_timeout_and_immediate_writes() -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert _settings_dict()["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.skipif(not SQLITE, reason="SQLite's write lock")
def test_during_a_long_write_reads_go_on_and_writes_wait_for_it(users: dict[str, Any]) -> None:
    from jingjin.supervision.models import SupervisionItem

    holder = _lock_for(1.0)
    try:
        client = _client(users["office"])
        started = time.monotonic()
        read = client.get("/api/units")  # WAL: a reader does not wait for the writer
        read_time = time.monotonic() - started
        write = client.post("/api/supervision-items", _item_body(), format="json")
    finally:
        holder.join()
    assert read.status_code == 200 and read_time < 0.9
    assert write.status_code == 201, write.content  # waited for the lock, then wrote
    assert SupervisionItem.objects.count() == 1


@pytest.mark.skipif(not SQLITE, reason="SQLite's write lock")
def test_a_database_locked_longer_than_the_timeout_gives_409_on_api_and_pages(
    users: dict[str, Any], monkeypatch: Any
) -> None:
    from django.test import Client

    from jingjin.supervision.models import SupervisionItem

    monkeypatch.setitem(_settings_dict()["OPTIONS"], "timeout", 0.2)
    connections.close_all()  # the next connection takes the short timeout
    page = Client()
    page.force_login(users["office"])
    holder = _lock_for(1.5)
    try:
        api = _client(users["office"]).post("/api/supervision-items", _item_body(), format="json")
        issued = page.post("/supervision/new/", _item_body())
    finally:
        holder.join()
        connections.close_all()
    assert api.status_code == 409, api.content
    assert "busy" in api.json()["detail"] or "忙" in api.json()["detail"]
    assert issued.status_code == 409, issued.content[:500]
    assert b'data-testid="conflict"' in issued.content
    assert not SupervisionItem.objects.exists()  # nothing written


def test_conflicts_are_told_apart_from_bugs() -> None:
    from django.db import IntegrityError

    from jingjin.core.conflicts import is_conflict

    assert is_conflict(OperationalError("database is locked"))
    assert is_conflict(IntegrityError("UNIQUE constraint failed: reporting_report.task_id"))
    assert not is_conflict(IntegrityError("NOT NULL constraint failed: reporting_report.task_id"))
    assert not is_conflict(OperationalError("no such table: x"))
    assert not is_conflict(ValueError("database is locked"))


@pytest.mark.skipif(SQLITE, reason="PostgreSQL's row locks and lock timeout")
def test_postgresql_a_row_locked_past_the_lock_timeout_gives_409(
    submitted: Any, users: dict[str, Any], monkeypatch: Any
) -> None:
    import psycopg

    from jingjin.reporting.models import Report

    settings_dict = _settings_dict()
    monkeypatch.setitem(
        settings_dict, "OPTIONS", {**settings_dict["OPTIONS"], "options": "-c lock_timeout=200"}
    )
    connections.close_all()
    other = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        password=settings_dict["PASSWORD"] or None,
    )
    try:
        other.execute("SELECT id FROM reporting_report WHERE id = %s FOR UPDATE", [submitted.pk])
        response = _client(users["office"]).post(
            f"/api/reports/{submitted.pk}/approve", {"comment": "好"}, format="json"
        )
    finally:
        other.rollback()
        other.close()
        connections.close_all()
    assert response.status_code == 409, response.content
    assert Report.objects.get(pk=submitted.pk).status == "submitted"
