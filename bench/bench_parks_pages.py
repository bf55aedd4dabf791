"""Benchmark of the parks' rules pages at province size (issue 13): 100 parks, 5,000 sub-industries.

Target (issue 13, Performance): pages under 300 ms server time, the overlap matrix under 1 s.

1. A fresh data directory (temp dir, file SQLite database), ``migrate``, the small test units and
   10 synthetic counties.
2. 50 top industries with 100 sub-industries each (5,000); N parks (default 100), each in a
   county, with 1–4 leading industries (some over the cap, one with none) and 150–400 random
   sub-industries (about 27,500 park × sub-industry rows).
3. Server time through Django's test ``Client`` as the plan office (median of RUNS after a
   warm-up, with the query count): the overlap page (heatmap of every pair, flagged pairs with
   their shared sub-industries, shared leading industries), the parks list (caps through the
   engine) and the cockpit with its parks panel (cache cleared each time). The same at N/10 parks
   shows whether the query counts stay flat.

Run: ``.venv/bin/python bench/bench_parks_pages.py`` (``--parks N``).
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 5
TARGET_MS = 300.0
TOPS = 50
SUBS_PER_TOP = 100


def build_industries() -> tuple[list[Any], list[Any]]:
    from jingjin.parks.models import Industry

    tops = Industry.objects.bulk_create(
        [
            Industry(code=f"B{t:02d}", name_zh=f"示例产业{t:02d}", name_en=f"Bench {t}", is_synthetic=True)
            for t in range(TOPS)
        ]
    )
    subs = Industry.objects.bulk_create(
        [
            Industry(
                code=f"B{t:02d}.{s:03d}",
                name_zh=f"示例细分{t:02d}.{s:03d}",
                name_en=f"Bench {t}.{s}",
                parent=top,
                is_synthetic=True,
            )
            for t, top in enumerate(tops)
            for s in range(SUBS_PER_TOP)
        ],
        batch_size=2000,
    )
    return tops, subs


def build_parks(n: int, start: int, tops: list[Any], subs: list[Any]) -> None:
    from jingjin.core.models import Unit
    from jingjin.parks.models import Park

    rng = random.Random(13 + start)
    city = Unit.objects.get(code="t")
    counties = list(Unit.objects.filter(code__startswith="t.bc"))
    units = Unit.objects.bulk_create(
        [
            Unit(
                code=f"t.bp{i:03d}",
                name_zh=f"示例园区{i:03d}",
                name_en=f"Bench park {i}",
                kind="park",
                parent=city,
            )
            for i in range(start, start + n)
        ]
    )
    levels = ["national", "provincial", "city"]
    parks = Park.objects.bulk_create(
        [
            Park(unit=u, level=rng.choice(levels), county=rng.choice(counties), is_synthetic=True)
            for u in units
        ]
    )
    leading = Park.leading_industries.through
    present = Park.industries.through
    leading.objects.bulk_create(
        [
            leading(park_id=p.pk, industry_id=t.pk)
            for i, p in enumerate(parks)
            for t in rng.sample(tops, 0 if i == 0 else rng.randint(1, 4))
        ]
    )
    present.objects.bulk_create(
        [
            present(park_id=p.pk, industry_id=s.pk)
            for p in parks
            for s in rng.sample(subs, rng.randint(150, 400))
        ],
        batch_size=5000,
    )


def timed(client: Any, url: str) -> tuple[float, int]:
    """Median server time of ``url`` (cache cleared before each request) and its query count."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    client.get(url)
    times = []
    queries = 0
    for _ in range(RUNS):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return statistics.median(times), queries


def measure(label: str) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench_office"))
    rows = [
        ("overlap page", "/parks/overlap/"),
        ("overlap page, threshold 0.02", "/parks/overlap/?threshold=0.02"),
        ("parks list", "/parks/"),
        ("cockpit (with the parks panel)", "/cockpit/"),
    ]
    for name, url in rows:
        ms, q = timed(client, url)
        print(f"{label:>9} {name:32s} {ms:8.1f} ms  {q:3d} queries  {'ok' if ms < TARGET_MS else 'MISSED'}")
    ms, q = panel_alone()
    print(f"{label:>9} {'parks panel alone (uncached)':32s} {ms:8.1f} ms  {q:3d} queries")


def panel_alone() -> tuple[float, int]:
    """The cockpit's parks panel computed without the cache: its share of the cockpit's time."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jingjin.dashboard import parks_panel

    user = get_user_model().objects.get(username="bench_office")
    times = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            parks_panel._compute(user, 2026)
            times.append((time.perf_counter() - t0) * 1000)
        queries = len(captured.captured_queries)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parks", type=int, default=100)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="jingjin-bench-parks-")
    os.environ["JINGJIN_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjin.settings"
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
        user_ensure(
            username="bench_office",
            password="x",  # noqa: S106 - a throwaway database
            role="plan_office",
            unit=Unit.objects.get(code="t"),
        )
        city = Unit.objects.get(code="t")
        Unit.objects.bulk_create(
            [
                Unit(code=f"t.bc{c}", name_zh=f"示例县{c}", name_en=f"County {c}", kind="county", parent=city)
                for c in range(10)
            ]
        )
        tops, subs = build_industries()
        small = max(args.parks // 10, 2)
        build_parks(small, 0, tops, subs)
        measure(f"{small} parks")
        build_parks(args.parks - small, small, tops, subs)
        measure(f"{args.parks} parks")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
