"""Benchmark of the import of hourly air data and its daily evaluation (issue 16).

Target (issue 16, Performance): a year of hourly data for 200 stations (1.75 M rows) imported and
evaluated in under 30 s end to end — read, checked, written, every day evaluated per station and
for the city — and the year page (AQI calendar, good-day progress, trends) under 300 ms.

0. The engine's first call (numba kernel compiled, or loaded from its cache) is timed apart.
1. A fresh data directory (temp dir, a file SQLite database; ``--database-url`` for PostgreSQL,
   an empty database), ``migrate``; N stations (default 200).
2. A synthetic year (fixed seed, :func:`jingjin.ecology.air_demo.synthetic_hours`) written as the
   long-layout CSV.
3. :func:`jingjin.ecology.air_services.import_file` on it, timed end to end with its steps (the
   service's progress calls): reading, checking, writing, evaluating.
4. The same file again with 1 % of the hours changed: revisions kept, the days touched evaluated.
5. The year page of the city and of a station through Django's test client (median of 7).

On PostgreSQL with the server on this machine, the CPU seconds of the server process serving the
import are printed too (from ``/proc``): the database's own work, which a loaded machine's wall
time hides.

Run: ``.venv/bin/python bench/bench_ecology_import.py [--stations 200] [--days 365]
[--database-url postgres://…]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 30.0
PAGE_TARGET_MS = 300.0


def machine() -> str:
    model = "unknown"
    out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def server_cpu(connection: Any) -> Callable[[], float]:
    """A clock of the CPU seconds of the PostgreSQL server process serving ``connection`` (read
    from ``/proc`` when the server runs on this machine and its processes are readable; -1
    otherwise): the database's own work, apart from waiting for a core on a loaded machine."""
    if connection.vendor != "postgresql":
        return lambda: -1.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return -1.0
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    return read


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="bench-ecology-")
    os.environ["JINGJIN_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingjin.settings")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    # the compiled AQI kernel's cache outlives the temp data dir: compiled once after an install
    os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(tempfile.gettempdir()) / "jingjin-bench-numba-cache"))
    import django

    django.setup()
    import polars as pl
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from jingjin.core.services import user_ensure
    from jingjin.ecology import air_services
    from jingjin.ecology.air_demo import synthetic_hours
    from jingjin.ecology.models import Station

    print(f"machine: {machine()}; database: {connection.vendor}; load: {os.getloadavg()[0]:.2f}")
    from jingjin.engines import air as engine

    t0 = time.perf_counter()
    engine.aqi(
        {"pm25_24h": [1.0], "date": ["2026-03-01"]}, standard="auto", report="daily", time_column="date"
    )
    print(f"engine warm-up (the compiled kernel loaded or compiled): {time.perf_counter() - t0:.1f} s")
    call_command("migrate", verbosity=0)
    Station.objects.bulk_create(
        Station(
            code=f"B{i:04d}", name_zh=f"示例站{i}", name_en=f"Bench {i}", level="national", is_synthetic=True
        )
        for i in range(args.stations)
    )
    codes = list(Station.objects.order_by("code").values_list("code", flat=True))
    first = date(2025, 6, 1)
    last = first + timedelta(days=args.days - 1)
    frame = synthetic_hours(codes, first, last)
    path = Path(data_dir) / "hours.csv"
    frame.write_csv(path)
    print(
        f"file: {frame.height:,} rows, {path.stat().st_size / 1e6:.1f} MB, {first} – {last} "
        "(spans 2026-03-01)"
    )

    server = server_cpu(connection)

    def run(label: str, file: Path) -> float:
        marks: list[tuple[float, float, float, str]] = []
        t0, c0, s0 = time.perf_counter(), time.process_time(), server()

        def progress(pct: float, message: str = "") -> None:
            marks.append((time.perf_counter() - t0, time.process_time() - c0, server() - s0, message))

        result = air_services.import_file(actor=None, path=file, file_name=file.name, progress=progress)
        total, cpu, server_total = time.perf_counter() - t0, time.process_time() - c0, server() - s0
        b = result.batch
        print(f"\n{label}: {total:6.1f} s end to end, CPU {cpu:.1f} s (target < {TARGET_S:.0f} s)")
        print(
            f"  rows {b.rows:,}, new {b.new:,}, revised {b.revised:,}, unchanged {b.unchanged:,}, "
            f"gaps {b.gaps:,}"
        )
        print(f"  days evaluated {result.days_evaluated}")
        if s0 >= 0:
            print(f"  the database server's CPU (its process for this connection): {server_total:.1f} s")
        previous, previous_cpu, previous_server = 0.0, 0.0, 0.0
        for at, at_cpu, at_server, message in [*marks, (total, cpu, server_total, "done")]:
            db = f", server CPU {at_server - previous_server:5.2f} s" if s0 >= 0 else ""
            print(f"  {at - previous:6.2f} s (CPU {at_cpu - previous_cpu:5.2f} s{db})  until: {message}")
            previous, previous_cpu, previous_server = at, at_cpu, at_server
        return total

    run("first import", path)
    changed = frame.with_columns(
        pl.when(pl.int_range(pl.len()) % 100 == 0)
        .then(pl.col("pm25") + 1)
        .otherwise(pl.col("pm25"))
        .alias("pm25")
    )
    path2 = Path(data_dir) / "hours-revised.csv"
    changed.write_csv(path2)
    run("the same year again, 1 % of the hours changed", path2)

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    office, _ = user_ensure(
        username="bench", password=secrets.token_urlsafe(16), role="plan_office", unit=None, source="bench"
    )
    client = Client()
    client.force_login(office)
    for label, url in (
        ("city", "/ecology/air/?year=2026"),
        ("station", f"/ecology/air/?year=2026&station={codes[0]}"),
    ):
        times = []
        for _ in range(8):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        print(
            f"\nyear page ({label}): median {statistics.median(times[1:]):.0f} ms, "
            f"best {min(times[1:]):.0f} ms "
            f"(target < {PAGE_TARGET_MS:.0f} ms)"
        )
    print(f"load after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
