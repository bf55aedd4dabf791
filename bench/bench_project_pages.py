"""Benchmark of the key projects' pages on 10,000 projects × 60 months of reports (issue 12).

Target (issue 12, Performance): the campaign page, the project list and the monthly ranking under
300 ms server time, queries flat in size.

1. A fresh data directory (temp dir, file SQLite database), ``migrate``, the small test units.
2. N projects (default 10,000) with a plan per year, a "started" milestone, and one report per
   project and month for 60 months (2021-09 …): N × 60 ``ProjectReport`` rows by ``bulk_create``,
   approved except the last month (submitted). One campaign holds every project.
3. Server time through Django's test ``Client`` as the plan office (median of RUNS after a
   warm-up, wall and CPU time of this process — which runs SQLite too — with the query count):
   the campaign page ``/projects/campaigns/<code>/``, the cockpit (with its key projects panel,
   cache cleared each time), the networks page, the project list (by code and by gap);
   :func:`jingjin.projects.progress.progress_table` + :func:`jingjin.engines.projects.rollup`
   over all projects; the monthly key-project red/black list computed and stored
   (:func:`jingjin.assessment.services.ranking_list_compute`) and its page. The same at N/10
   projects shows whether the query counts stay flat.

Run: ``.venv/bin/python bench/bench_project_pages.py`` (``--projects N`` for fewer).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 5
FIRST = (2021, 9)
MONTHS = 60
TARGET_MS = 300.0


def _months() -> list[tuple[int, int]]:
    year, month = FIRST
    out = []
    for _ in range(MONTHS):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def build(n: int, start: int = 0) -> None:
    from jingjin.core.models import Unit
    from jingjin.projects.models import Campaign, KeyProject, ProjectMilestone, ProjectReport, ProjectYearPlan
    from jingjin.reporting.services import period_get_or_create

    rng = random.Random(12)
    units = list(Unit.objects.exclude(kind="city"))
    counties = [u for u in units if u.kind == "county"] or units
    periods = {m: period_get_or_create(year=m[0], month=m[1]) for m in _months()}
    projects = [
        KeyProject(
            code=f"B{i:05d}",
            name_zh=f"示例重点项目{i:05d}",
            name_en=f"Bench project {i}",
            level="city",
            category="industry",
            owner_unit=rng.choice(units),
            county=rng.choice(counties),
            total_investment=Decimal(100000),
            start=date(2021, 1, 1),
            end=date(2026, 12, 31),
            state="construction",
            is_synthetic=True,
        )
        for i in range(start, start + n)
    ]
    KeyProject.objects.bulk_create(projects, batch_size=2000)
    ProjectYearPlan.objects.bulk_create(
        [
            ProjectYearPlan(project=p, year=y, planned_investment=Decimal(20000))
            for p in projects
            for y in range(2021, 2027)
        ],
        batch_size=5000,
    )
    ProjectMilestone.objects.bulk_create(
        [
            ProjectMilestone(project=p, kind="started", planned=date(2021, 3, 1), actual=date(2021, 9, 1))
            for p in projects
        ],
        batch_size=5000,
    )
    campaign, _ = Campaign.objects.get_or_create(
        code="bench",
        defaults={
            "name_zh": "示例大会战",
            "name_en": "Bench",
            "start": date(2021, 9, 1),
            "end": date(2025, 12, 31),
        },
    )
    campaign.projects.add(*projects)
    last = _months()[-1]
    rows = []
    for p in projects:
        ytd = 0.0
        for y, m in _months():
            ytd = 0.0 if m == 1 else ytd
            amount = rng.uniform(800, 2400)
            ytd += amount
            period = periods[(y, m)]
            rows.append(
                ProjectReport(
                    project=p,
                    period=period,
                    period_index=period.index,
                    investment_month=Decimal(f"{amount:.2f}"),
                    investment_ytd=Decimal(f"{ytd:.2f}"),
                    status="submitted" if (y, m) == last else "approved",
                )
            )
        if len(rows) >= 30_000:
            ProjectReport.objects.bulk_create(rows, batch_size=5000)
            rows = []
    ProjectReport.objects.bulk_create(rows, batch_size=5000)


def timed(client: Any, url: str, *, cached: bool = False) -> tuple[float, float, int]:
    """Median server time of ``url`` (wall and CPU of this process, which runs the database too:
    SQLite) and its query count; the cache is cleared before each request
    unless ``cached`` (then the figures computed by the warm-up are read)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    client.get(url)
    times = []
    cpu = []
    queries = 0
    for _ in range(RUNS):
        if not cached:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return statistics.median(times), statistics.median(cpu), queries


def _timed_call(call: Any) -> tuple[float, float, int]:
    """Median wall and CPU time of ``call()`` over RUNS (after a warm-up) and its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    times, cpu = [], []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            t0, c0 = time.perf_counter(), time.process_time()
            call()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        queries = len(captured.captured_queries)
    return statistics.median(times), statistics.median(cpu), queries


def inputs() -> None:
    from jingjin.engines.projects import rollup
    from jingjin.projects.models import KeyProject
    from jingjin.projects.progress import progress_table

    table = progress_table(KeyProject.objects.all(), 2026, 8)
    owners = list(KeyProject.objects.order_by("pk").values_list("owner_unit_id", flat=True))
    rollup(owners, table.planned, table.ytd, table.result.lag)


def ranking() -> None:
    """The monthly project red/black list of 2026-08 computed and stored (the draft), as the plan
    office's "compute" button does."""
    from django.contrib.auth import get_user_model

    from jingjin.assessment.models import RankingScheme
    from jingjin.assessment.services import ranking_list_compute
    from jingjin.reporting.models import ReportingPeriod

    ranking_list_compute(
        actor=get_user_model().objects.get(username="bench_office"),
        scheme=RankingScheme.objects.get(code="key-projects"),
        period=ReportingPeriod.objects.get(year=2026, month=8),
        today=date(2026, 9, 30),
        source="bench",
    )


def _line(label: str, title: str, ms: float, cpu: float, q: int) -> None:
    verdict = "ok" if ms < TARGET_MS else "MISSED"
    print(f"{label:>8} {title:37s} {ms:8.1f} ms (CPU {cpu:7.1f} ms) {q:4d} queries  {verdict}")


def measure(label: str) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench_office"))
    rows = [
        ("campaign page", "/projects/campaigns/bench/?period=2026-08"),
        ("cockpit (with the panel)", "/cockpit/?period=2026-08"),
        ("networks page", "/projects/networks/?period=2026-08"),
        ("project list page", "/projects/?month=2026-08"),
        ("project list page, by gap", "/projects/?month=2026-08&sort=-gap"),
    ]
    for name, url in rows:
        for cached in (False, True) if "list" not in name else (False,):
            ms, cpu, q = timed(client, url, cached=cached)
            _line(label, f"{name}{' (cached)' if cached else ''}", ms, cpu, q)
    _line(label, "progress_table + rollup", *_timed_call(inputs))
    _line(label, "ranking compute (key projects)", *_timed_call(ranking))
    from jingjin.assessment.models import RankingList

    draft = RankingList.objects.get(scheme__code="key-projects", period__year=2026, period__month=8)
    ms, cpu, q = timed(client, f"/lists/{draft.pk}/")
    _line(label, "ranking list page (key projects)", ms, cpu, q)


def profile() -> None:
    """Each query of the campaign's figures (uncached) with its time: where the time goes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jingjin.projects.campaign_selectors import campaign_figures_compute
    from jingjin.projects.models import Campaign

    campaign = Campaign.objects.get(code="bench")
    with CaptureQueriesContext(connection) as captured:
        t0 = time.perf_counter()
        campaign_figures_compute(campaign, year=2026, month=8)
        total = (time.perf_counter() - t0) * 1000
    print(f"campaign figures: {total:.1f} ms, of which SQL:")
    for q in captured.captured_queries:
        print(f"  {float(q['time']) * 1000:8.1f} ms  {q['sql'][:100]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="time each query of the campaign's figures")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="jingjin-bench-projects-")
    os.environ["JINGJIN_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjin.settings"
    os.environ["JINGJIN_AS_OF"] = "2026-09"
    os.environ.pop("DATABASE_URL", None)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        settings.ALLOWED_HOSTS = ["*"]
        call_command("migrate", verbosity=0)
        sys.path.insert(0, str(ROOT / "tests"))
        from conftest import small_plan  # the test plan's units

        from jingjin.core.models import Unit
        from jingjin.core.services import user_ensure
        from jingjin.plans.services import plan_import

        plan_import(data=small_plan(), actor=None, source="bench")
        from jingjin.assessment.services import schemes_load_builtin

        schemes_load_builtin(source="bench")
        user_ensure(
            username="bench_office",
            password="x",  # noqa: S106 - a throwaway database
            role="plan_office",
            unit=Unit.objects.get(code="t"),
        )
        small = max(args.projects // 10, 1)
        t0 = time.perf_counter()
        build(small)
        print(f"built {small} projects × {MONTHS} months in {time.perf_counter() - t0:.1f} s")
        measure(f"{small}")
        t0 = time.perf_counter()
        build(args.projects - small, start=small)
        print(f"built {args.projects} projects × {MONTHS} months in {time.perf_counter() - t0:.1f} s (total)")
        measure(f"{args.projects}")
        if args.profile:
            profile()
        print(f"load: {os.getloadavg()}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
