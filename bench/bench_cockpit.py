"""Benchmark of the cockpit, the task list and the status recomputation on a big plan (issue 3).

Target (issue 3, Performance): a plan of 5,000 tasks with 60 months of reports (300,000 reports)
on SQLite — the cockpit and the task list render in under 300 ms median server time; the status
and warning recomputation for all tasks takes under 5 s.

1. A fresh data directory (temp dir, a file SQLite database), ``migrate``.
2. A synthetic plan (fixed seed): 6 actions × 35 measures × 5,000 tasks, one numeric indicator per
   task, 30 departments and 10 counties, loaded through the plan-file importer
   :func:`jingjin.plans.services.plan_import` (the timing is printed).
3. 60 months of reports (2021-09 … 2026-08), one per task and month: 300,000 ``Report`` rows made
   with ``bulk_create(batch_size=…)``, most approved, the last months partly submitted/returned.
4. Server time through Django's test ``Client`` as a signed-in plan-office user, every row with
   the same warm-up and RUNS repeats (``--runs``, default 7), median, best and median CPU time,
   with the SQL query count:
   the cockpit ``/cockpit/`` on the **first request after a write** (issue 19's headline: a draft
   saved through ``report_save_draft`` before each request — audited, so the cached trends are
   stale — target < 300 ms) and **cached** beside it (no write in between, target < 100 ms), the
   plan tree ``/`` alone and with the task lists (htmx fragments) of its first three measures,
   the reporting overview ``/reports/overview/`` and ``/reports/``, with the longest garbage
   collector pause of the timed requests ("GC max", from ``gc.callbacks``; ``--gc-freeze`` freezes
   the objects made so far first, as ``jingjin/wsgi.py`` does after start-up; ``--malloc`` sets
   the allocator to keep freed memory before anything is loaded, as ``jingjin/wsgi.py`` does:
   ``jingjin.core.allocator``; ``--each`` prints every timed request's time and collector pause
   under its page's line; ``--gc-threshold A,B,C`` tries other thresholds of the collector than
   Python's, which the server keeps); then the time of
   the writes themselves and of ``jingjin summaries rebuild``. With the code before issue 19 (no
   ``jingjin.reporting.summaries``) the same script runs without the summary steps, for comparison.
5. The status recomputation for all tasks: the latest reported completion of every task (one
   query), :func:`jingjin.engines.status.task_status` and the weighted roll-up (the cockpit's own
   helpers), the due tasks of the period (``tasks_due``, their ids), and — if it exists —
   ``jingjin.alerts.services.warnings_refresh``.

Run: ``.venv/bin/python bench/bench_cockpit.py`` (``--tasks N`` for a smaller plan,
``--profile`` for a cProfile of each page that misses its target).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import importlib.util
import io
import os
import platform
import pstats
import random
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 7
PAGE_TARGET_MS = 300.0
CACHED_TARGET_MS = 100.0
RECOMPUTE_TARGET_S = 5.0
FIRST_MONTH = (2021, 9)
MONTHS = 60
ACTIONS = 6
MEASURES_PER_ACTION = 35


def machine() -> str:
    model = "unknown"
    out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    import sqlite3

    import django

    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Django {django.get_version()}, SQLite {sqlite3.sqlite_version}"
    )


def has_summaries() -> bool:
    """Whether the code measured keeps the tasks' report summaries (issue 19)."""
    return importlib.util.find_spec("jingjin.reporting.summaries") is not None


def months() -> list[tuple[int, int]]:
    year, month = FIRST_MONTH
    out = []
    for _ in range(MONTHS):
        out.append((year, month))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def plan_dict(n_tasks: int, rng: random.Random) -> dict[str, Any]:
    """A valid plan file with ``n_tasks`` tasks spread over 6 × 35 measures."""
    departments = [f"b.d{i:02d}" for i in range(30)]
    counties = [f"b.c{i:02d}" for i in range(10)]
    units = [{"code": "b", "name_zh": "基准市", "name_en": "Bench City", "kind": "city", "parent": None}]
    units += [
        {"code": c, "name_zh": f"部门{i}", "name_en": f"Department {i}", "kind": "department", "parent": "b"}
        for i, c in enumerate(departments)
    ]
    units += [
        {"code": c, "name_zh": f"区县{i}", "name_en": f"County {i}", "kind": "county", "parent": "b"}
        for i, c in enumerate(counties)
    ]
    n_measures = ACTIONS * MEASURES_PER_ACTION
    per_measure = [n_tasks // n_measures + (1 if i < n_tasks % n_measures else 0) for i in range(n_measures)]
    actions = []
    m_index = 0
    for a in range(ACTIONS):
        measures = []
        for m in range(MEASURES_PER_ACTION):
            tasks = []
            for t in range(per_measure[m_index]):
                code = f"A{a + 1}.M{m + 1}.T{t + 1}"
                start = date(2021, 9, 1) + timedelta(days=rng.randint(0, 200))
                end = date(2025, 12, 31) - timedelta(days=rng.randint(0, 500))
                target = rng.randint(100, 100000)
                tasks.append(
                    {
                        "code": code,
                        "name_zh": f"任务{code}",
                        "name_en": f"Task {code}",
                        "lead_unit": rng.choice(departments),
                        "counties": [rng.choice(counties)] if rng.random() < 0.3 else [],
                        "weight": rng.choice([1, 1, 1, 2, 3]),
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                        "indicators": [
                            {
                                "code": f"{code}.I1",
                                "name_zh": f"指标{code}",
                                "name_en": f"Indicator {code}",
                                "unit": "个",
                                "direction": "higher",
                                "baseline_value": 0,
                                "baseline_year": 2020,
                                "target_value": target,
                                "target_year": 2025,
                                "targets": [{"year": 2025, "value": target}],
                            }
                        ],
                    }
                )
            m_index += 1
            measures.append(
                {
                    "code": f"A{a + 1}.M{m + 1}",
                    "name_zh": f"措施{a + 1}.{m + 1}",
                    "name_en": f"Measure {a + 1}.{m + 1}",
                    "lead_unit": departments[(a * 7 + m) % len(departments)],
                    "tasks": tasks,
                }
            )
        actions.append(
            {
                "code": f"A{a + 1}",
                "name_zh": f"行动{a + 1}",
                "name_en": f"Action {a + 1}",
                "lead_unit": departments[a],
                "weight": 1,
                "start": "2021-09-01",
                "end": "2025-12-31",
                "measures": measures,
            }
        )
    return {
        "format": "jingjin-plan/1",
        "plan": {
            "code": "bench-plan",
            "name_zh": "基准规划",
            "name_en": "Bench plan",
            "city": "基准市",
            "start_year": 2021,
            "end_year": 2025,
        },
        "units": units,
        "actions": actions,
    }


def make_reports(rng: random.Random, batch_size: int = 5000) -> int:
    """One report per task and month (60 months), bulk-created; returns how many."""
    from django.db import transaction
    from django.utils import timezone

    from jingjin.plans.models import Task
    from jingjin.reporting.choices import ReportStatus
    from jingjin.reporting.models import Report, ReportingPeriod
    from jingjin.reporting.services import default_deadline

    all_months = months()
    ReportingPeriod.objects.bulk_create(
        [ReportingPeriod(year=y, month=m, deadline=default_deadline(y, m)) for y, m in all_months],
        batch_size=500,
    )
    periods = {(p.year, p.month): p for p in ReportingPeriod.objects.all()}
    # the code before issue 19 has no summaries (the same script measures it, for comparison)
    deferred: Any = contextlib.nullcontext
    if has_summaries():
        from jingjin.reporting.summaries import summaries_deferred

        deferred = summaries_deferred

    tasks = list(Task.objects.values_list("pk", flat=True))
    total = 0
    # the tasks' report summaries are refreshed once at the end, not after each month's batch
    with transaction.atomic(), deferred():
        for index, (y, m) in enumerate(all_months):
            period = periods[(y, m)]
            recent = index >= MONTHS - 3
            at = timezone.make_aware(
                datetime.combine(period.deadline - timedelta(days=rng.randint(0, 6)), datetime.min.time())
            )
            batch = []
            for task_id in tasks:
                if recent:
                    status = rng.choice(
                        [
                            ReportStatus.APPROVED,
                            ReportStatus.SUBMITTED,
                            ReportStatus.RETURNED,
                            ReportStatus.DRAFT,
                        ]
                    )
                else:
                    status = ReportStatus.APPROVED
                pct = min(100, int(100 * (index + 1) / MONTHS + rng.randint(-8, 8)))
                batch.append(
                    Report(
                        task_id=task_id,
                        period=period,
                        progress="本月按计划推进",
                        completion_pct=max(0, pct),
                        next_plan="1. 继续推进",
                        status=status,
                        submitted_at=None if status == ReportStatus.DRAFT else at,
                        first_submitted_at=None if status == ReportStatus.DRAFT else at,
                        reviewed_at=at if status in (ReportStatus.APPROVED, ReportStatus.RETURNED) else None,
                        is_synthetic=True,
                    )
                )
            Report.objects.bulk_create(batch, batch_size=batch_size)
            total += len(batch)
    return total


class QueryCounter:
    """Counts and times the SQL statements (Django's query log is reset at each request start)."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - start, sql))


class Writer:
    """A write through the report services before a request: a draft saved with a new completion
    (audited, so the data version changes and the cached cockpit trends are stale, and the task's
    report summary is refreshed), as a reporter does between two looks at the cockpit."""

    def __init__(self, period: Any) -> None:
        from jingjin.reporting.choices import ReportStatus
        from jingjin.reporting.models import Report

        self.period = period
        self.reports = list(
            Report.objects.filter(period=period, status=ReportStatus.DRAFT)
            .select_related("task__lead_unit")
            .order_by("pk")[:50]
        )
        assert self.reports, "no draft report in the period"
        self.count = 0
        self.times: list[float] = []
        self.users: dict[int, Any] = {}

    def __call__(self) -> None:
        from jingjin.core.services import user_ensure
        from jingjin.reporting.services import report_save_draft

        report = self.reports[self.count % len(self.reports)]
        self.count += 1
        unit = report.task.lead_unit
        if unit.pk not in self.users:
            self.users[unit.pk], _ = user_ensure(
                username=f"bench-{unit.code}",
                password=secrets.token_urlsafe(16),
                role="reporter",
                unit=unit,
                source="bench",
            )
        from django.db.models import Max

        from jingjin.core.models import AuditEntry

        last_audit = AuditEntry.objects.aggregate(last=Max("pk"))["last"]
        start = time.perf_counter()
        report_save_draft(
            actor=self.users[unit.pk],
            task=report.task,
            period=self.period,
            data={
                "progress": f"第{self.count}次修改 {secrets.token_hex(4)}",
                "completion_pct": 100,  # never below an approved %
            },
            source="bench",
        )
        self.times.append((time.perf_counter() - start) * 1000)
        # a write that changed nothing leaves no audit row and would not be a write at all
        assert AuditEntry.objects.aggregate(last=Max("pk"))["last"] != last_audit, "the write changed nothing"


class GcPauses:
    """Sums the garbage collector's pauses (``gc.callbacks``) into ``total`` (seconds)."""

    def __init__(self) -> None:
        self.total = 0.0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._start

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def time_page(
    client: Any, url: str, *, before: Any = None, also: tuple[str, ...] = (), runs: int = RUNS
) -> dict[str, Any]:
    """Median and best of ``runs`` requests after the same warm-up; ``before``: called before each
    request, untimed (a write, so the request is the first after a write); ``also``: URLs requested
    after ``url`` and timed with it (the task fragments of the plan tree)."""
    from django.db import connection

    def get_all() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        for extra in also:
            assert client.get(extra, headers={"HX-Request": "true"}).status_code == 200, extra
        return response

    get_all()  # warm-up
    times = []
    cpu = []
    pauses = []
    with GcPauses() as gc_pauses:
        for _ in range(runs):
            if before is not None:
                before()
            start, start_cpu = time.perf_counter(), time.process_time()
            gc_pauses.total = 0.0
            response = get_all()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            pauses.append(gc_pauses.total * 1000)
    counter = QueryCounter()
    if before is not None:
        before()
    with connection.execute_wrapper(counter):
        get_all()
    return {
        "url": url,
        "median": statistics.median(times),
        "best": min(times),
        "cpu": statistics.median(cpu),
        "gc_max": max(pauses),
        "each": list(zip(times, pauses, strict=True)),
        "queries": len(counter.queries),
        "sql_ms": sum(t for t, _ in counter.queries) * 1000,
        "bytes": len(response.content),
    }


def profile_page(client: Any, url: str, top: int = 25) -> str:
    from django.db import connection

    profiler = cProfile.Profile()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        profiler.enable()
        client.get(url)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    out.write("\nslowest SQL:\n")
    for seconds, sql in sorted(counter.queries, reverse=True)[:6]:
        out.write(f"  {seconds * 1000:8.1f} ms  {sql[:400]}\n")
    return out.getvalue()


def recompute_status(period: Any, user: Any) -> tuple[float, int]:
    """Latest reported completion of every task, the status engine and the roll-up; seconds, tasks."""
    try:
        from jingjin.dashboard import rollup as s
    except ImportError:  # the code before the dashboard's selectors were split
        from jingjin.dashboard import selectors as s  # type: ignore[no-redef]
    from jingjin.plans.models import Action, Measure, Plan

    start = time.perf_counter()
    plan = Plan.objects.get(code="bench-plan")
    tasks = s._task_rows(user=user, plan=plan, period=period)
    s._statuses(tasks, period)
    actions = list(Action.objects.filter(plan=plan).order_by("position"))
    measures = list(Measure.objects.filter(action__plan=plan).values_list("pk", "action_id", "weight"))
    tree = s._tree(plan, actions, measures, tasks)
    s._rollup(tree, tasks)
    return time.perf_counter() - start, len(tasks)


def due_tasks_time(period: Any, runs: int = RUNS) -> str:
    """The due tasks of ``period`` (``tasks_due``: the reporting lists, the cockpit, the warnings
    ask it), their ids read: median and best of ``runs`` after one call, as the pages."""
    from jingjin.reporting.selectors import tasks_due

    def ids() -> int:
        return len(list(tasks_due(period=period).values_list("pk", flat=True)))

    count = ids()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        ids()
        times.append((time.perf_counter() - start) * 1000)
    return (
        f"due tasks of {period.code} ({count}, tasks_due): median {statistics.median(times):.1f} ms, "
        f"best {min(times):.1f} ms"
    )


def memory_now_mb() -> float:
    """The process's resident memory (Linux: /proc/self/statm; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _thresholds(text: str) -> tuple[int, ...]:
    """``--gc-threshold``: one to three whole numbers, not negative, separated by commas."""
    try:
        numbers = tuple(int(part) for part in text.split(","))
    except ValueError:
        numbers = ()
    if not 1 <= len(numbers) <= 3 or min(numbers) < 0:
        raise argparse.ArgumentTypeError(f"expected one to three whole numbers >= 0 as A,B,C, got {text!r}")
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--period", default="", help="YYYY-MM measured (default: the last month, 2026-08)")
    parser.add_argument("--keep", action="store_true", help="keep the temp data directory")
    parser.add_argument(
        "--reuse",
        default="",
        metavar="DIR",
        help="measure the data directory DIR kept by an earlier --keep run (migrated, not reloaded)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile each page that misses 300 ms")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() before the pages are timed, as jingjin/wsgi.py does after start-up",
    )
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed requests per page (default {RUNS})")
    parser.add_argument(
        "--each", action="store_true", help="print every timed request's time and garbage collector pause"
    )
    parser.add_argument(
        "--gc-threshold",
        type=_thresholds,
        default=(),
        help="gc.set_threshold(A, B, C) before the pages are timed: 'A,B,C'",
    )
    parser.add_argument(
        "--malloc",
        action="store_true",
        help="keep freed memory for the next request, as jingjin/wsgi.py sets the allocator at start-up",
    )
    args = parser.parse_args()
    if args.malloc:
        from jingjin.core.allocator import keep_freed_memory

        print(f"allocator set to keep freed memory: {keep_freed_memory()}")

    data_dir = args.reuse or tempfile.mkdtemp(prefix="jingjin-bench-")
    os.environ["JINGJIN_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjin.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test Client's response.context and ALLOWED_HOSTS=testserver
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if hasattr(settings, "AXES_ENABLED"):
        settings.AXES_ENABLED = False

    print(f"machine: {machine()}")
    print(f"date:    {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(f"load:    {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    print(f"data:    {data_dir} ({settings.DATABASES['default']['ENGINE']})")

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate:              {time.perf_counter() - t0:7.1f} s")

    from jingjin.core.models import Unit
    from jingjin.core.services import user_ensure
    from jingjin.plans.services import plan_import
    from jingjin.reporting.models import Report, ReportingPeriod

    if args.reuse:
        from jingjin.alerts.models import EarlyWarning

        print(f"reused:               {Report.objects.count()} reports of an earlier run")
        EarlyWarning.objects.all().delete()  # the warning refresh starts from none, as in a fresh run
    else:
        rng = random.Random(2021)
        data = plan_dict(args.tasks, rng)
        t0 = time.perf_counter()
        plan_import(data=data, actor=None, source="bench")
        print(f"plan import:          {time.perf_counter() - t0:7.1f} s  ({args.tasks} tasks, plan_import)")

        t0 = time.perf_counter()
        n_reports = make_reports(rng)
        print(f"reports bulk_create:  {time.perf_counter() - t0:7.1f} s  ({n_reports} reports)")

    t0 = time.perf_counter()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"ANALYZE:              {time.perf_counter() - t0:7.1f} s")

    office, _ = user_ensure(
        username="bench-office",
        password=secrets.token_urlsafe(16),
        role="plan_office",
        unit=Unit.objects.get(code="b"),
        source="bench",
    )
    client = Client()
    client.force_login(office)
    # the newest month with reports (pages of an earlier run may have made later, empty periods)
    last = ReportingPeriod.objects.filter(reports__isnull=False).order_by("-year", "-month").first()
    if args.period:
        last = ReportingPeriod.objects.get(year=int(args.period[:4]), month=int(args.period[5:7]))
    assert last is not None
    code = last.code
    print(f"period:  {code}; reports in the database: {Report.objects.count()}")
    print()

    from jingjin.plans.models import Measure

    writer = Writer(last)
    measures = list(
        Measure.objects.filter(action__plan__code="bench-plan")
        .order_by("action__position", "position", "code")
        .values_list("code", flat=True)[:3]
    )
    fragments = tuple(f"/plan/bench-plan/measures/{m}/tasks/" for m in measures)
    # (name, url, write before each request, also requested, target ms)
    pages: list[tuple[str, str, Any, tuple[str, ...], float]] = [
        ("cockpit, after a write", f"/cockpit/?period={code}", writer, (), PAGE_TARGET_MS),
        ("cockpit, cached", f"/cockpit/?period={code}", None, (), CACHED_TARGET_MS),
        ("cockpit (default month)", "/cockpit/", writer, (), PAGE_TARGET_MS),
        ("plan tree", "/", None, (), PAGE_TARGET_MS),
        (f"plan tree + {len(fragments)} task lists", "/", None, fragments, PAGE_TARGET_MS),
        ("reporting overview", f"/reports/overview/?period={code}", None, (), PAGE_TARGET_MS),
        ("my reports", f"/reports/?period={code}", None, (), PAGE_TARGET_MS),
    ]
    results = []
    if args.gc_freeze:  # as the server does once loaded (jingjin/wsgi.py)
        gc.collect()
        gc.freeze()
        print(f"gc.freeze(): {gc.get_freeze_count()} objects frozen")
    if args.gc_threshold:  # a trial of the collector's thresholds (the server keeps Python's own)
        gc.set_threshold(*args.gc_threshold)
        print(f"gc thresholds: {gc.get_threshold()}")
    # CPU ms: the median processor time of this process (SQLite runs in it too) — less sensitive
    # than the wall time to other work on a shared machine
    print(
        f"{'page':30} {'median ms':>10} {'best ms':>9} {'CPU ms':>7} {'GC max':>7} {'SQL':>5} "
        f"{'SQL ms':>7} {'KB':>6}  target"
    )
    for name, url, before, also, target in pages:
        r = time_page(client, url, before=before, also=also, runs=args.runs)
        r["name"] = name
        r["target"] = target
        results.append(r)
        verdict = f"< {target:.0f} ms " + ("met" if r["median"] < target else "MISSED")
        print(
            f"{name:30} {r['median']:10.1f} {r['best']:9.1f} {r['cpu']:7.1f} {r['gc_max']:7.1f} "
            f"{r['queries']:5d} "
            f"{r['sql_ms']:7.1f} "
            f"{r['bytes'] / 1024:6.0f}  {verdict}"
        )
        if args.each:
            print("    each request, ms (of it in the garbage collector):")
            print("    " + ", ".join(f"{t:.1f} ({p:.1f})" for t, p in r["each"]))
    print(f"memory after the pages: {memory_now_mb():.0f} MB resident, {memory_peak_mb():.0f} MB at the peak")
    if writer.times:
        print(
            f"the write before each request (report_save_draft, summary refresh included): median "
            f"{statistics.median(writer.times):.1f} ms, best {min(writer.times):.1f} ms "
            f"({len(writer.times)} writes)"
        )
    if has_summaries():
        from jingjin.reporting.summaries import summaries_rebuild

        t0 = time.perf_counter()
        n_summaries = summaries_rebuild()
        print(
            f"summaries rebuild (jingjin summaries rebuild): {time.perf_counter() - t0:.1f} s "
            f"({n_summaries} tasks)"
        )

    times = []
    n_tasks = 0
    for _ in range(3):
        seconds, n_tasks = recompute_status(last, office)
        times.append(seconds)
    verdict = "met" if statistics.median(times) < RECOMPUTE_TARGET_S else "MISSED"
    print()
    print(
        f"status recomputation ({n_tasks} tasks): median {statistics.median(times):.3f} s, "
        f"best {min(times):.3f} s  target 5 s  {verdict}"
    )
    print(due_tasks_time(last, runs=args.runs))
    try:
        from jingjin.alerts.services import warnings_refresh
    except ImportError:
        print("warning recomputation: not measured (jingjin.alerts.services.warnings_refresh does not exist)")
    else:
        as_of = last.deadline + timedelta(days=10)  # every rule has something to say
        for label in ("first run", "second run"):
            t0 = time.perf_counter()
            outcome = warnings_refresh(as_of=as_of)
            seconds = time.perf_counter() - t0
            verdict = "met" if seconds < RECOMPUTE_TARGET_S else "MISSED"
            print(
                f"warning recomputation ({label}, as_of {as_of}): {seconds:.3f} s  target 5 s  {verdict}\n"
                f"    {outcome!r:.300}"
            )

    if args.profile:
        for r in results:
            if r["median"] >= r["target"]:
                print(f"\n===== profile of {r['name']} ({r['url']}) =====")
                print(profile_page(client, r["url"]))

    if args.keep or args.reuse:
        print(f"\ndata kept in {data_dir}")
    else:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
