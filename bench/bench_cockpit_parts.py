"""Where the cockpit's first request after a write spends its time (issue 19), part by part.

On a data directory kept by ``bench_cockpit.py --keep`` (5,000 tasks × 60 months), the cockpit of
the newest month with reports is requested ``--runs`` times (after one warm-up request and
``gc.freeze()``, as the server runs), each time right after a draft is saved
(``bench_cockpit.Writer``). The functions named in :data:`PARTS` are wrapped, and the median wall
time of each call within the requests is printed beside the page's: the cockpit's figures
(``_plan_figures``, of which ``_plan_figures_compute``: the task rows, the report rows and the
period's reports, the trends with their facts and their roll-up over the months, the month's
roll-up, the statuses, the counties), the rest of the view and the rendering. A part missing
from the code measured is left out, so the script runs on an earlier revision too (copied into
its tree).

Run: ``.venv/bin/python bench/bench_cockpit_parts.py DIR`` (``--runs``, default 15; ``--malloc``:
the allocator setting of ``jingjin/wsgi.py``, as ``bench_cockpit.py --malloc``).
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

#: module, function: the parts timed, in the order printed
PARTS = [
    ("jingjin.dashboard.views", "_cockpit"),
    ("jingjin.dashboard.selectors", "_plan_figures"),
    ("jingjin.dashboard.selectors", "_plan_figures_compute"),
    ("jingjin.dashboard.selectors", "_task_rows"),
    ("jingjin.dashboard.selectors", "report_rows"),
    ("jingjin.reporting.lists", "_period_reports"),
    ("jingjin.dashboard.selectors", "_trends"),
    ("jingjin.dashboard.trends", "_trends_compute"),
    ("jingjin.dashboard.trends", "_report_facts"),
    ("jingjin.dashboard.trends", "_rollup_columns"),  # the trends' roll-up over the months
    ("jingjin.dashboard.selectors", "_rollup"),
    ("jingjin.dashboard.rollup", "_rollup_columns"),  # the month's roll-up
    ("jingjin.dashboard.selectors", "_statuses"),
    ("jingjin.dashboard.selectors", "_counties"),
    ("jingjin.dashboard.views", "render"),
]


def wrapped(times: dict[str, list[float]], module: Any, name: str) -> None:
    """Replace ``module.name`` by a function that adds each call's milliseconds to ``times``."""
    function: Callable[..., Any] = getattr(module, name)
    label = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"

    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            times.setdefault(label, []).append((time.perf_counter() - start) * 1000)

    setattr(module, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", help="a data directory kept by bench_cockpit.py --keep")
    parser.add_argument("--runs", type=int, default=15, help="requests timed (default 15)")
    parser.add_argument("--malloc", action="store_true", help="the allocator setting of jingjin/wsgi.py")
    args = parser.parse_args()
    if args.malloc:
        from jingjin.core.allocator import keep_freed_memory

        keep_freed_memory()
    os.environ["JINGJIN_DATA_DIR"] = args.data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjin.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    import bench_cockpit
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from jingjin.reporting.models import ReportingPeriod

    setup_test_environment()
    settings.AXES_ENABLED = False
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-office"))
    period = ReportingPeriod.objects.filter(reports__isnull=False).order_by("-year", "-month").first()
    assert period is not None
    url = f"/cockpit/?period={period.code}"
    writer = bench_cockpit.Writer(period)
    times: dict[str, list[float]] = {}
    for module_name, name in PARTS:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            wrapped(times, module, name)
    assert client.get(url).status_code == 200
    gc.collect()
    gc.freeze()
    times.clear()
    pages = []
    for _ in range(args.runs):
        writer()
        start = time.perf_counter()
        client.get(url)
        pages.append((time.perf_counter() - start) * 1000)
    print(
        f"# bench_cockpit_parts — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — load average "
        f"{os.getloadavg()[0]:.2f}; {args.runs} requests after a write{', --malloc' if args.malloc else ''}"
    )
    print(f"\ncockpit after a write: median {statistics.median(pages):.1f} ms, best {min(pages):.1f} ms")
    for label, values in times.items():
        print(f"- {label}: median {statistics.median(values):.1f} ms ({len(values)} calls)")


if __name__ == "__main__":
    main()
