"""Benchmark of a province-size per-mu campaign (issue 14): 100,000 firms, four source files
(land register, tax, energy, statistics: CSV), each imported and checked by
:func:`jingjin.land.services.source_import`, the run (:func:`campaign_evaluate`: join, the engine,
100,000 results stored), the review and the publication (D-class rectifications), then the firm
page (``/land/firms/<code>/``, the median of 20 requests by the test client).

Targets: import → published grades < 60 s and peak memory < 2 GB; the firm page < 200 ms.

A fresh data directory (temp dir, a file SQLite database), ``migrate``, synthetic data (fixed
seed). Run: ``.venv/bin/python bench/bench_land_campaign.py [--firms N]``. The machine's load
average is printed: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime

import numpy as np


def csv_bytes(header: list[str], columns: list[list[object]]) -> bytes:
    lines = [",".join(header)]
    lines += [",".join(str(v) for v in row) for row in zip(*columns, strict=True)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def sources(n: int) -> dict[str, bytes]:
    from jingjin.parks.creditcode import check_character

    rng = np.random.default_rng(14)
    codes = []
    for i in range(n):
        first = f"91510900MA{i:07d}"
        codes.append(first + check_character(first))
    land = np.round(rng.uniform(5, 300, n), 1)
    above = (rng.random(n) < 0.8).astype(int)
    va = np.round(land * rng.lognormal(np.log(90), 0.7, n), 1)
    tax = np.round(va * rng.uniform(0.05, 0.3, n), 1)
    revenue = np.round(va * rng.uniform(3, 6, n), 1)
    energy = np.round(va / rng.lognormal(np.log(2.7), 0.5, n), 1)
    electricity = np.round(tax / rng.lognormal(np.log(0.24), 0.4, n), 1)
    employees = np.maximum(5, np.round(va / rng.lognormal(np.log(18), 0.4, n))).astype(int)
    rd = np.round(revenue * rng.uniform(0, 0.06, n), 1)
    names = [f"示例企业{i:06d}" for i in range(n)]
    return {
        "land": csv_bytes(["credit_code", "name", "land_mu", "above_scale"], [codes, names, land, above]),
        "tax": csv_bytes(
            ["credit_code", "tax_10k", "revenue_10k", "value_added_10k"], [codes, tax, revenue, va]
        ),
        "energy": csv_bytes(
            ["credit_code", "energy_tce", "electricity_10k_kwh"], [codes, energy, electricity]
        ),
        "statistics": csv_bytes(["credit_code", "employees", "rd_10k"], [codes, employees, rd]),
    }


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=100_000)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="jingjin-bench-land-")
    os.environ["JINGJIN_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjin.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if hasattr(settings, "AXES_ENABLED"):
        settings.AXES_ENABLED = False
    cpus = os.cpu_count()
    print(f"machine: {platform.machine()} {cpus} cpus, Python {platform.python_version()}")
    print(f"date:    {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(f"load:    {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    call_command("migrate", verbosity=0)

    from jingjin.core.services import user_ensure
    from jingjin.land import services
    from jingjin.land.models import EvaluationCampaign

    secret = "bench-only"  # noqa: S105 - a throw-away data directory
    office, _ = user_ensure(username="office", password=secret, role="plan_office", unit=None, source="bench")
    files = sources(args.firms)
    print(f"files:   {', '.join(f'{k} {len(v) / 1e6:.1f} MB' for k, v in files.items())}")
    print(f"peak before: {peak_mb():7.0f} MB")
    scheme = services.scheme_create(actor=office, code="city", title="bench", based_on="huangyan-2022")
    campaign = services.campaign_create(actor=office, year=2022, title="bench", scheme=scheme)
    start = time.perf_counter()
    cpu0 = time.process_time()
    for kind, raw in files.items():
        t0 = time.perf_counter()
        services.source_import(actor=office, campaign=campaign, kind=kind, raw=raw, name=f"{kind}.csv")
        print(f"import {kind:<11} {time.perf_counter() - t0:7.2f} s")
    from jingjin.land.run import evaluate_campaign

    t0 = time.perf_counter()
    frames = services.load_frames(campaign)
    part = evaluate_campaign(frames, services.scheme_check(scheme.body), {})
    took = time.perf_counter() - t0
    print(f"join + engine + rows, no database (not in the total): {took:7.2f} s ({len(part.rows):,} rows)")
    del frames, part
    skipped = time.perf_counter() - t0
    t0 = time.perf_counter()
    summary = services.campaign_evaluate(actor=office, campaign=campaign)
    print(f"run (join, engine, store) {time.perf_counter() - t0:7.2f} s  classes {summary['classes']}")
    campaign = EvaluationCampaign.objects.get(pk=campaign.pk)
    t0 = time.perf_counter()
    services.campaign_start_review(actor=office, campaign=campaign)
    made = services.campaign_publish(actor=office, campaign=campaign)
    print(f"review + publish   {time.perf_counter() - t0:7.2f} s  ({made} rectifications)")
    total = time.perf_counter() - start - skipped
    print(f"TOTAL import → published: {total:7.2f} s (target < 60 s)")
    print(f"CPU time of the process, breakdown run included: {time.process_time() - cpu0:7.2f} s")
    print(f"peak memory (RSS):        {peak_mb():7.0f} MB (target < 2048 MB)")

    client = Client()
    client.force_login(office)
    code = campaign.results.filter(firm_class="D").values_list("credit_code", flat=True).first()
    times = []
    for _ in range(21):
        t0 = time.perf_counter()
        response = client.get(f"/land/firms/{code}/")
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200
    print(f"firm page: median {statistics.median(times[1:]) * 1000:7.1f} ms (target < 200 ms)")
    t0 = time.perf_counter()
    assert client.get("/land/2022/").status_code == 200
    print(f"campaign page (charts over {args.firms:,} results): {(time.perf_counter() - t0) * 1000:7.1f} ms")
    repeat = []
    for _ in range(5):
        t0 = time.perf_counter()
        assert client.get("/land/2022/").status_code == 200
        repeat.append(time.perf_counter() - t0)
    cached_ms = statistics.median(repeat) * 1000
    print(f"campaign page again (cached until the next write): median {cached_ms:7.1f} ms")
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
